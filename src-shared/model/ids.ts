/**
 * Inventory identifiers, vCenter style: a type prefix plus a counter (`vm-12`, `host-3`).
 *
 * - `EntityKind` — the closed set of prefixes.
 * - `VmId`, `HostId`, … — template-literal string types, so a host id can't be passed where a VM id is due.
 * - `isIdOf(kind, value)` / `kindOfId(value)` — runtime checks used by the contract validator.
 *
 * Rule: ids are opaque to clients; only the engine mints them, and they are never reused within a lab.
 */

export const ENTITY_KINDS = [
  'datacenter', 'cluster', 'host', 'vm', 'datastore', 'network', 'task', 'snapshot', 'event', 'template',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export type DatacenterId = `datacenter-${number}`;
export type ClusterId = `cluster-${number}`;
export type HostId = `host-${number}`;
export type VmId = `vm-${number}`;
export type DatastoreId = `datastore-${number}`;
export type NetworkId = `network-${number}`;
export type TaskId = `task-${number}`;
export type SnapshotId = `snapshot-${number}`;
export type EventId = `event-${number}`;
/** Objects that appear in the inventory tree and own performance counters. */
export type ManagedEntityId = DatacenterId | ClusterId | HostId | VmId | DatastoreId | NetworkId;

const ID_PATTERN = /^([a-z]+)-([1-9][0-9]{0,9})$/;

/** The kind named by an id's prefix, or undefined when the string is not a well-formed id. */
export function kindOfId(value: string): EntityKind | undefined {
  const m = ID_PATTERN.exec(value);
  if (!m) return undefined;
  return (ENTITY_KINDS as readonly string[]).includes(m[1]) ? (m[1] as EntityKind) : undefined;
}

/** True when `value` is a well-formed id of `kind`. */
export function isIdOf(kind: EntityKind, value: unknown): boolean {
  return typeof value === 'string' && kindOfId(value) === kind;
}

/** Builds an id; used by the engine's id allocator only. */
export function makeId<K extends EntityKind>(kind: K, n: number): `${K}-${number}` {
  return `${kind}-${n}` as `${K}-${number}`;
}
