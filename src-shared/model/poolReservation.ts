/**
 * CPU reservations of a resource-pool tree as vSphere's admission control counts them, shared by the
 * engine (which refuses what does not fit) and the client (Monitor › Resource Allocation).
 *
 * - `ReservationTree`: a root (a cluster's or standalone host's capacity), its pools (`parentId` absent =
 *   directly in the root) and the reservations of its powered-on VMs (`poolId` absent = in the root).
 * - `reservationState(tree)` → per pool and for the root: its own reservation (the root's is the
 *   capacity), what its children reserve (`reservedMhz`), `unreservedMhz` (own − reserved, at least 0),
 *   `borrowedMhz` (an expandable pool's children reserving beyond its own reservation) and `overflowMhz`
 *   (what a non-expandable pool's or the root's children reserve beyond it: 0 in an admitted state).
 * - `availableMhz(state, tree, poolId?)`: what a new reservation under that pool can take: its unreserved
 *   MHz, plus, when it is expandable, what its parent can give (recursively up to the root).
 * - `newOverflow(before, after)`: the first pool (or the root) whose overflow a change creates or grows.
 *
 * Rules (vSphere's): a pool reserves max(own reservation, its children's) when its reservation is
 * expandable, else exactly its own, and its children may then reserve at most that. A child pool's part of
 * its parent is what it reserves; a VM's is its CPU reservation while it is powered on.
 */

export interface ReservationTree {
  capacityMhz: number;
  pools: { id: string; parentId?: string; reservationMhz: number; expandable: boolean }[];
  /** `id` only identifies an entry for a caller that edits the tree. */
  vms: { id?: string; poolId?: string; reservationMhz: number }[];
}

export interface PoolReservation {
  reservationMhz: number; reservedMhz: number; unreservedMhz: number; borrowedMhz: number; overflowMhz: number;
}

export interface ReservationState { root: PoolReservation; pools: Map<string, PoolReservation> }

/** Key of the root in the maps below (no pool id looks like it). */
const ROOT = '';

export function reservationState(tree: ReservationTree): ReservationState {
  const byId = new Map(tree.pools.map((p) => [p.id, p]));
  const childReserved = new Map<string, number>();
  const add = (at: string, mhz: number) => childReserved.set(at, (childReserved.get(at) ?? 0) + mhz);
  for (const vm of tree.vms) add(vm.poolId !== undefined && byId.has(vm.poolId) ? vm.poolId : ROOT, vm.reservationMhz);
  const depth = (id: string): number => { let d = 0; for (let p = byId.get(id); p?.parentId !== undefined && d <= tree.pools.length; p = byId.get(p.parentId)) d++; return d; };
  // Deepest pools first, so a pool's children are summed before the pool is added to its parent.
  const order = [...tree.pools].sort((a, b) => depth(b.id) - depth(a.id));
  const pools = new Map<string, PoolReservation>();
  for (const p of order) {
    const reserved = childReserved.get(p.id) ?? 0;
    const takes = p.expandable ? Math.max(p.reservationMhz, reserved) : p.reservationMhz;
    pools.set(p.id, {
      reservationMhz: p.reservationMhz, reservedMhz: reserved, unreservedMhz: Math.max(0, p.reservationMhz - reserved),
      borrowedMhz: p.expandable ? Math.max(0, reserved - p.reservationMhz) : 0,
      overflowMhz: p.expandable ? 0 : Math.max(0, reserved - p.reservationMhz),
    });
    add(p.parentId !== undefined && byId.has(p.parentId) ? p.parentId : ROOT, takes);
  }
  const reserved = childReserved.get(ROOT) ?? 0;
  const root = {
    reservationMhz: tree.capacityMhz, reservedMhz: reserved, unreservedMhz: Math.max(0, tree.capacityMhz - reserved),
    borrowedMhz: 0, overflowMhz: Math.max(0, reserved - tree.capacityMhz),
  };
  return { root, pools };
}

export function availableMhz(state: ReservationState, tree: ReservationTree, poolId?: string): number {
  let total = 0;
  for (let id = poolId, guard = 0; guard <= tree.pools.length; guard++) {
    const p = id !== undefined ? tree.pools.find((x) => x.id === id) : undefined;
    if (!p) return total + state.root.unreservedMhz;
    total += state.pools.get(p.id)?.unreservedMhz ?? 0;
    if (!p.expandable) return total;
    id = p.parentId;
  }
  return total;
}

/** The pool (its id) or the root (`null`) whose overflow the change from `before` to `after` creates or grows. */
export function newOverflow(before: ReservationState, after: ReservationState): string | null | undefined {
  for (const [id, a] of after.pools) if (a.overflowMhz > 0 && a.overflowMhz > (before.pools.get(id)?.overflowMhz ?? 0)) return id;
  if (after.root.overflowMhz > 0 && after.root.overflowMhz > before.root.overflowMhz) return null;
  return undefined;
}
