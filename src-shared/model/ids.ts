/**
 * Inventory identifiers, vCenter style: a type prefix plus a counter (`vm-12`, `host-3`), optionally
 * behind the namespace of the backend that owns the entity (`kvm1:vm-3`).
 *
 * - `EntityKind` — the closed set of prefixes.
 * - `VmId`, `HostId`, … — template-literal string types, so a host id can't be passed where a VM id is due.
 * - `isIdOf(kind, value)` / `kindOfId(value)` — runtime checks used by the contract validator.
 * - `namespaceOfId(id)` → the backend namespace ('' for the default backend, the simulated engine);
 *   `withNamespace(ns, id)` / `localIdOf(id)` add and strip it.
 *
 * Rules: ids are opaque to clients; only a backend mints them, and they are never reused within a lab.
 * The default backend's ids carry no namespace; any other backend's carry `NAMESPACE:` (a lower-case
 * letter, then up to 15 lower-case letters or digits), so two backends never collide. Ids travel in
 * the contract only under keys named `id`, `…Id` or `…Ids` (and as the `value` of a property change
 * whose `path` is such a key): the backend seam relies on it to route and to namespace them.
 */

export const ENTITY_KINDS = [
  'datacenter', 'cluster', 'host', 'vm', 'datastore', 'network', 'task', 'snapshot', 'event', 'template', 'resgroup',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** An id of one kind, local (`vm-3`) or behind a backend namespace (`kvm1:vm-3`). */
export type IdOf<K extends EntityKind> = `${K}-${number}` | `${string}:${K}-${number}`;
export type DatacenterId = IdOf<'datacenter'>;
export type ClusterId = IdOf<'cluster'>;
export type HostId = IdOf<'host'>;
export type VmId = IdOf<'vm'>;
export type DatastoreId = IdOf<'datastore'>;
export type NetworkId = IdOf<'network'>;
export type TaskId = IdOf<'task'>;
export type SnapshotId = IdOf<'snapshot'>;
export type EventId = IdOf<'event'>;
/** A resource pool (vCenter's `resgroup-N`). */
export type ResourcePoolId = IdOf<'resgroup'>;
/** Objects that appear in the inventory tree and own performance counters. */
export type ManagedEntityId = DatacenterId | ClusterId | HostId | VmId | DatastoreId | NetworkId;
/** Every object the inventory (and its change feed) carries: the managed entities and resource pools. */
export type InventoryObjectId = ManagedEntityId | ResourcePoolId;

const ID_PATTERN = /^(?:([a-z][a-z0-9]{0,15}):)?([a-z]+)-([1-9][0-9]{0,9})$/;
/** A backend namespace: what may stand before the `:` of an id. */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

/** The kind named by an id's prefix, or undefined when the string is not a well-formed id. */
export function kindOfId(value: string): EntityKind | undefined {
  const m = ID_PATTERN.exec(value);
  if (!m) return undefined;
  return (ENTITY_KINDS as readonly string[]).includes(m[2]) ? (m[2] as EntityKind) : undefined;
}

/** The backend namespace of a well-formed id ('' for the default backend), or undefined for anything else. */
export function namespaceOfId(value: string): string | undefined {
  if (kindOfId(value) === undefined) return undefined;
  const colon = value.indexOf(':');
  return colon < 0 ? '' : value.slice(0, colon);
}

/** The id without its namespace (`kvm1:vm-3` → `vm-3`); a local id is returned as it is. */
export function localIdOf(value: string): string {
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(colon + 1);
}

/** The id behind namespace `ns` ('' leaves it local). */
export function withNamespace(ns: string, localId: string): string {
  return ns === '' ? localId : `${ns}:${localId}`;
}

/** The counter part of an id (`kvm1:vm-3` → 3), for ordering ids of one kind; NaN for a malformed id. */
export function idNumber(value: string): number {
  const m = ID_PATTERN.exec(value);
  return m ? Number(m[3]) : Number.NaN;
}

/** True when `value` is a well-formed id of `kind`. */
export function isIdOf(kind: EntityKind, value: unknown): boolean {
  return typeof value === 'string' && kindOfId(value) === kind;
}

/** Builds an id; used by the engine's id allocator only. */
export function makeId<K extends EntityKind>(kind: K, n: number): `${K}-${number}` {
  return `${kind}-${n}` as `${K}-${number}`;
}
