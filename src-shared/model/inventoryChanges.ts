/**
 * The inventory change feed: what changed in the inventory, property by property, under a version that
 * only grows — the shape vSphere's PropertyCollector reports (ObjectUpdate enter / modify / leave, each
 * with PropertyChanges), so a client keeps a mirror current without refetching whole objects.
 *
 * - `EntityUpdate`: `enter` (a new entity, whole), `modify` (changed top-level properties of its DTO, each
 *   with its new value or `removed`), `leave` (gone). `InventoryChanges`: the answer to
 *   `inventory.changesSince` — the updates after a version, coalesced, or `resync` when the history
 *   no longer reaches back that far.
 * - `diffEntity(before, after)` → the PropertyChanges between two DTOs of one entity.
 * - `coalesceUpdates(updates)` → one update per entity, same final effect.
 * - `applyUpdates(inventory, updates)` → a new InventoryDto (new arrays; untouched objects shared).
 * - `ChangeHistory`: the bounded history of versions that answers `since(version)`.
 *
 * Rules: a property path is a top-level key of the entity's DTO (`powerState`, `hostId`, `disks`):
 * nested values (arrays, `workloadParams`) are assigned whole, so paths never need escaping. Applying
 * an update is idempotent: replaying changes a mirror already has leaves it as it is, which is what
 * lets a client take a snapshot "at least as new as" a version and then apply everything after it.
 * Pure: no clocks, no I/O; shared by the engine, the backend composite and the renderer.
 */
import type { EntityDto, InventoryDto } from './inventory';
import type { EntityKind, InventoryObjectId } from './ids';
import { kindOfId } from './ids';

export type PropertyChange =
  | { path: string; value: unknown }
  | { path: string; removed: true };

export type EntityUpdate =
  | { op: 'enter'; id: InventoryObjectId; object: EntityDto }
  | { op: 'modify'; id: InventoryObjectId; changes: PropertyChange[] }
  | { op: 'leave'; id: InventoryObjectId };

export interface InventoryChanges {
  /** The version the answer brings a client to (the feed's current version). */
  version: number;
  /** True when the history no longer reaches back to the asked version: fetch `inventory.get` again. */
  resync: boolean;
  /** Coalesced updates after the asked version, in order; empty on resync. */
  updates: EntityUpdate[];
}

/** Which list of an InventoryDto holds entities of a kind. */
export const INVENTORY_LIST_OF: Partial<Record<EntityKind, keyof Omit<InventoryDto, 'version'>>> = {
  datacenter: 'datacenters', cluster: 'clusters', host: 'hosts', vm: 'vms', datastore: 'datastores', network: 'networks', resgroup: 'resourcePools',
};

/** Structural equality of plain contract data (objects, arrays, primitives). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!Object.prototype.hasOwnProperty.call(bo, k) || !sameValue(ao[k], bo[k])) return false;
  return true;
}

/** PropertyChanges that turn `before` into `after` (top-level keys; absent or undefined = removed). */
export function diffEntity(before: object, after: object): PropertyChange[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const out: PropertyChange[] = [];
  for (const k of Object.keys(a)) {
    if (a[k] === undefined) continue;
    if (!sameValue(b[k], a[k])) out.push({ path: k, value: a[k] });
  }
  for (const k of Object.keys(b)) {
    if (b[k] !== undefined && a[k] === undefined) out.push({ path: k, removed: true });
  }
  return out;
}

/** `object` with `changes` applied (a new object; the input is not touched). */
export function applyChanges<T extends object>(object: T, changes: readonly PropertyChange[]): T {
  const out = { ...object } as Record<string, unknown>;
  for (const c of changes) {
    if ('removed' in c) delete out[c.path];
    else out[c.path] = c.value;
  }
  return out as T;
}

/**
 * One update per entity with the same final effect, in the order entities first appear. An entity that
 * entered and then left becomes a `leave` (not nothing): a client whose snapshot is newer than the
 * version it asks from may already hold it, and a `leave` of an unknown id is harmless.
 */
export function coalesceUpdates(updates: readonly EntityUpdate[]): EntityUpdate[] {
  const byId = new Map<string, EntityUpdate>();
  for (const u of updates) {
    const prev = byId.get(u.id);
    if (!prev || u.op === 'enter' || u.op === 'leave') {
      if (prev) byId.delete(u.id); // re-insert: a leave or enter moves to where it happened last
      byId.set(u.id, u);
      continue;
    }
    if (prev.op === 'leave') continue; // ids are never reused: a modify after a leave cannot happen
    if (prev.op === 'enter') {
      byId.set(u.id, { op: 'enter', id: u.id, object: applyChanges(prev.object, u.changes) });
    } else {
      const merged = new Map<string, PropertyChange>();
      for (const c of [...prev.changes, ...u.changes]) { merged.delete(c.path); merged.set(c.path, c); }
      byId.set(u.id, { op: 'modify', id: u.id, changes: [...merged.values()] });
    }
  }
  return [...byId.values()];
}

/** A new InventoryDto with `updates` applied; lists keep their order, entered entities are appended. */
export function applyUpdates(inventory: InventoryDto, updates: readonly EntityUpdate[], version = inventory.version): InventoryDto {
  const next: InventoryDto = { ...inventory, version: Math.max(version, inventory.version) };
  const lists = new Map<string, { items: EntityDto[]; index: Map<string, number> }>();
  const listFor = (id: string) => {
    const kind = kindOfId(id);
    const key = kind ? INVENTORY_LIST_OF[kind] : undefined;
    if (!key) return undefined;
    let l = lists.get(key);
    if (!l) {
      const items = [...((inventory[key] ?? []) as EntityDto[])];
      l = { items, index: new Map(items.map((x, i) => [x.id, i] as const)) };
      lists.set(key, l);
    }
    return l;
  };
  for (const u of updates) {
    const l = listFor(u.id);
    if (!l) continue;
    const at = l.index.get(u.id);
    if (u.op === 'enter') {
      if (at === undefined) { l.index.set(u.id, l.items.length); l.items.push(u.object); } else l.items[at] = u.object;
    } else if (u.op === 'modify') {
      if (at !== undefined) l.items[at] = applyChanges(l.items[at], u.changes);
    } else if (at !== undefined) {
      l.items[at] = undefined as unknown as EntityDto; // compacted below, so later indexes stay valid
      l.index.delete(u.id);
    }
  }
  for (const [key, l] of lists) {
    const items = l.items.filter((x) => x !== undefined);
    // Optional lists (resource pools) stay absent while empty, as `inventory.get` reports them.
    if (items.length || key !== 'resourcePools') (next as unknown as Record<string, EntityDto[]>)[key] = items;
    else delete (next as unknown as Record<string, EntityDto[]>)[key];
  }
  return next;
}

/**
 * The bounded history behind `inventory.changesSince`: versions with their updates, oldest dropped once
 * more than `maxUpdates` updates are kept. `since(v)` answers every version after v, coalesced, or
 * resync when v is older than the history (or not a version this history ever had).
 */
export class ChangeHistory {
  private entries: { version: number; updates: EntityUpdate[] }[] = [];
  private kept = 0;
  /** Every version after this one is in `entries`. */
  private base: number;
  private current: number;

  constructor(version: number, private readonly maxUpdates: number) {
    this.base = version;
    this.current = version;
  }

  get version(): number {
    return this.current;
  }

  /** Records the updates of a new version (greater than the current one). */
  record(version: number, updates: EntityUpdate[]): void {
    if (!(version > this.current)) throw new RangeError(`change version ${version} is not after ${this.current}`);
    this.entries.push({ version, updates });
    this.kept += updates.length;
    this.current = version;
    while (this.kept > this.maxUpdates && this.entries.length > 1) {
      const dropped = this.entries.shift()!;
      this.kept -= dropped.updates.length;
      this.base = dropped.version;
    }
  }

  /** Forgets everything (the inventory was replaced): only a client at `version` or later is current. */
  reset(version: number): void {
    this.entries = [];
    this.kept = 0;
    this.base = version;
    this.current = version;
  }

  since(version: number): InventoryChanges {
    if (version < this.base || version > this.current) return { version: this.current, resync: true, updates: [] };
    const all: EntityUpdate[] = [];
    for (const e of this.entries) if (e.version > version) for (const u of e.updates) all.push(u);
    return { version: this.current, resync: false, updates: coalesceUpdates(all) };
  }
}
