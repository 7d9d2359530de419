/**
 * Resource pools in the client: the New Resource Pool… / Edit Resource Settings… form, and the rows of
 * Monitor › Resource Allocation › CPU.
 *
 * - `PoolForm`, `poolFormOf(pool?)`: the form's fields (a new pool: Normal shares, no reservation,
 *   Unlimited), `checkPoolForm(form, takenNames)` → the problems by field, in the user's words;
 *   `poolRequestOf(form)` → the settings the contract's `resourcePool.create` / `update` take;
 *   `poolFieldOf(error.field)`: which field an engine refusal belongs beside.
 * - `vmShareLevelOf(vm)`: a VM's CPU shares as vSphere names them (per vCPU: low 500, normal 1000, high 2000).
 * - `allocationRows(inventory, parentId, usageMhz)`: the tree under a cluster's (or standalone host's)
 *   root pool, or under a pool — at each level pools first, then VMs, each with its depth — with
 *   reservation, limit, shares, % shares among its siblings, measured usage (a VM's latest
 *   `cpu.usagemhz.average`; a pool's is the sum of the measured values of the VMs under it) and a pool's
 *   reserved / unreserved / borrowed CPU; `reservationTotals(inventory, parentId)`: the reservation
 *   capacity, used and available, as vSphere shows them above the table; `reservationTreeOf(inventory,
 *   clusterOrHostId)`: the tree as `@shared/model/poolReservation` counts it (the engine's own arithmetic).
 * - `moveTargets(inventory, clusterOrHostId, movingPoolId?)`: the pools Move To… offers, as their tree
 *   (depth) and labelled by their path ("Prod / Web", since two pools may share a name under different
 *   parents); a pool being moved is left out with its whole subtree (it cannot go into itself).
 *
 * Rules: the checks here only spare a round trip (bounds from `@shared/model/resourcePool`); the engine's
 * typed errors are final and are shown beside the field they name. Nothing is invented: a VM without a
 * sample has no usage ("—"), and a pool's usage is a sum of counted values, never a share formula.
 */
import type { InventoryDto, VmDto } from '@shared/model/inventory';
import type { PoolShareLevel, ResourcePoolDto } from '@shared/model/resourcePool';
import { POOL_CPU_SHARE_LEVELS, POOL_LIMITS } from '@shared/model/resourcePool';
import { kindOfId } from '@shared/model/ids';
import type { ReservationTree } from '@shared/model/poolReservation';
import { availableMhz, reservationState } from '@shared/model/poolReservation';

export type PoolField = 'name' | 'cpuShares' | 'cpuReservationMhz' | 'cpuExpandableReservation' | 'cpuLimitMhz';

export interface PoolForm {
  name: string;
  shareLevel: PoolShareLevel;
  /** Custom shares, as typed. */
  customShares: number | string;
  reservationMhz: number | string;
  /** Expandable reservation (vSphere's default for a new pool: on). */
  expandable: boolean;
  unlimited: boolean;
  limitMhz: number | string;
}

export interface PoolRequest {
  name: string; cpuShareLevel: PoolShareLevel; cpuShares?: number; cpuReservationMhz: number; cpuExpandableReservation: boolean; cpuLimitMhz: number;
}

export function poolFormOf(pool?: ResourcePoolDto): PoolForm {
  if (!pool) return { name: 'ResourcePool', shareLevel: 'normal', customShares: POOL_CPU_SHARE_LEVELS.normal, reservationMhz: 0, expandable: true, unlimited: true, limitMhz: '' };
  return {
    name: pool.name, shareLevel: pool.cpuShareLevel, customShares: pool.cpuShares, reservationMhz: pool.cpuReservationMhz, expandable: pool.cpuExpandableReservation,
    unlimited: pool.cpuLimitMhz < 0, limitMhz: pool.cpuLimitMhz < 0 ? '' : pool.cpuLimitMhz,
  };
}

/** A whole number typed in a field, or undefined when it is not one. */
function wholeNumber(v: number | string): number | undefined {
  const s = String(v).trim();
  if (!/^\d+$/.test(s)) return undefined;
  return Number(s);
}

export function checkPoolForm(form: PoolForm, takenNames: readonly string[]): Partial<Record<PoolField, string>> {
  const out: Partial<Record<PoolField, string>> = {};
  const name = form.name.trim();
  if (!name) out.name = 'Enter a name for the resource pool.';
  else if (name.length > POOL_LIMITS.nameMax) out.name = `The name can be at most ${POOL_LIMITS.nameMax} characters.`;
  else if (takenNames.includes(name)) out.name = `A resource pool named '${name}' already exists here.`;
  if (form.shareLevel === 'custom') {
    const n = wholeNumber(form.customShares);
    const { min, max } = POOL_LIMITS.cpuShares;
    if (n === undefined || n < min || n > max) out.cpuShares = `Enter a number of shares from ${min} to ${max.toLocaleString('en-US')}.`;
  }
  const r = wholeNumber(form.reservationMhz);
  const rMax = POOL_LIMITS.cpuReservationMhz.max;
  if (r === undefined || r > rMax) out.cpuReservationMhz = `Enter a reservation from 0 to ${rMax.toLocaleString('en-US')} MHz.`;
  if (!form.unlimited) {
    const l = wholeNumber(form.limitMhz);
    const lMax = POOL_LIMITS.cpuLimitMhz.max;
    if (l === undefined || l > lMax) out.cpuLimitMhz = `Enter a limit from 0 to ${lMax.toLocaleString('en-US')} MHz, or choose Unlimited.`;
    else if (r !== undefined && r > l) out.cpuLimitMhz = `The limit (${l} MHz) cannot be below the reservation (${r} MHz).`;
  }
  return out;
}

/** The request for a form that passed `checkPoolForm`. */
export function poolRequestOf(form: PoolForm): PoolRequest {
  return {
    name: form.name.trim(), cpuShareLevel: form.shareLevel,
    ...(form.shareLevel === 'custom' ? { cpuShares: Number(form.customShares) } : {}),
    cpuReservationMhz: Number(form.reservationMhz), cpuExpandableReservation: form.expandable,
    cpuLimitMhz: form.unlimited ? -1 : Number(form.limitMhz),
  };
}

/** The form field an engine error names (`params.cpuShares` → `cpuShares`), or undefined (shown above the buttons). */
export function poolFieldOf(field: string | undefined): PoolField | undefined {
  const key = field?.replace(/^params\./, '');
  return key === 'name' || key === 'cpuShares' || key === 'cpuReservationMhz' || key === 'cpuExpandableReservation' || key === 'cpuLimitMhz' ? key : undefined;
}

const VM_SHARES_PER_VCPU: Record<Exclude<PoolShareLevel, 'custom'>, number> = { low: 500, normal: 1000, high: 2000 };

export function vmShareLevelOf(vm: Pick<VmDto, 'cpuShares' | 'vcpus'>): PoolShareLevel {
  for (const [level, per] of Object.entries(VM_SHARES_PER_VCPU)) if (vm.cpuShares === per * vm.vcpus) return level as PoolShareLevel;
  return 'custom';
}

export interface AllocationRow {
  id: string; name: string; kind: 'resourcePool' | 'vm';
  /** Levels below the object the view is of (0 = its own children), for the tree's indent. */
  depth: number;
  reservationMhz: number;
  /** −1 = unlimited. */
  limitMhz: number;
  shareLevel: PoolShareLevel; shares: number;
  /** Its part of its siblings' shares, 0–100. */
  sharesPercent: number;
  /** Measured CPU usage (MHz), or null when nothing was measured (powered off, no sample yet). */
  usageMhz: number | null;
  /** A pool's reservation as admission control counts it (`@shared/model/poolReservation`): what its
   *  children reserve, what is left of its own, what it borrows from its parent, and expandable or not. */
  pool?: { reservedMhz: number; unreservedMhz: number; borrowedMhz: number; expandable: boolean };
}

/** The VMs and pools directly under `parentId` (a cluster, a standalone host or a pool). */
export function allocationChildren(inv: InventoryDto, parentId: string): { pools: ResourcePoolDto[]; vms: VmDto[] } {
  const pools = inv.resourcePools ?? [];
  const kind = kindOfId(parentId);
  const vms = inv.vms.filter((v) => !v.isTemplate);
  if (kind === 'resgroup') return { pools: pools.filter((p) => p.parentPoolId === parentId), vms: vms.filter((v) => v.resourcePoolId === parentId) };
  if (kind === 'cluster') {
    return { pools: pools.filter((p) => p.clusterId === parentId && !p.parentPoolId), vms: vms.filter((v) => v.clusterId === parentId && !v.resourcePoolId) };
  }
  if (kind === 'host') {
    const host = inv.hosts.find((h) => h.id === parentId);
    if (!host || host.clusterId) return { pools: [], vms: [] };
    return { pools: pools.filter((p) => p.hostId === parentId && !p.parentPoolId), vms: vms.filter((v) => v.hostId === parentId && !v.resourcePoolId) };
  }
  return { pools: [], vms: [] };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The cluster or standalone host whose pool tree `id` (a cluster, host or pool) belongs to. */
function treeRootOf(inv: InventoryDto, id: string): string | undefined {
  const kind = kindOfId(id);
  if (kind === 'cluster' || kind === 'host') return id;
  const p = inv.resourcePools?.find((x) => x.id === id);
  return p ? p.clusterId ?? p.hostId : undefined;
}

/** The reservation tree of a cluster or standalone host as admission control counts it. */
export function reservationTreeOf(inv: InventoryDto, rootId: string): ReservationTree {
  const kind = kindOfId(rootId);
  const hosts = inv.hosts.filter((h) => (kind === 'cluster' ? h.clusterId === rootId : h.id === rootId && !h.clusterId));
  const hostIds = new Set<string>(hosts.map((h) => h.id));
  let capacityMhz = 0;
  for (const h of hosts) if (h.connectionState === 'connected' && !h.inMaintenanceMode) capacityMhz += h.sockets * h.coresPerSocket * h.cpuMhz;
  const pools = (inv.resourcePools ?? []).filter((p) => (kind === 'cluster' ? p.clusterId === rootId : p.hostId === rootId));
  const poolIds = new Set<string>(pools.map((p) => p.id));
  return {
    capacityMhz,
    pools: pools.map((p) => ({ id: p.id, reservationMhz: p.cpuReservationMhz, expandable: p.cpuExpandableReservation, ...(p.parentPoolId ? { parentId: p.parentPoolId } : {}) })),
    vms: inv.vms.filter((v) => v.powerState === 'poweredOn' && v.hostId && hostIds.has(v.hostId))
      .map((v) => ({ id: v.id, reservationMhz: v.cpuReservationMhz, ...(v.resourcePoolId && poolIds.has(v.resourcePoolId) ? { poolId: v.resourcePoolId } : {}) })),
  };
}

/** The VMs under a pool at any depth. */
function vmsUnder(inv: InventoryDto, poolId: string): VmDto[] {
  const pools = new Map((inv.resourcePools ?? []).map((p) => [p.id as string, p]));
  const under = (id: string | undefined): boolean => {
    for (let at = id, guard = 0; at && guard <= pools.size; at = pools.get(at)?.parentPoolId, guard++) if (at === poolId) return true;
    return false;
  };
  return inv.vms.filter((v) => !v.isTemplate && under(v.resourcePoolId));
}

/**
 * The tree under `parentId` (a cluster, a standalone host or a pool), depth first — at each level its
 * pools by name, then its VMs by name — with % shares among each row's siblings, measured usage (a pool's
 * is the sum of the measured values of the VMs under it at any depth) and each pool's reservation state.
 */
export function allocationRows(inv: InventoryDto, parentId: string, usageMhz: ReadonlyMap<string, number | null>): AllocationRow[] {
  const root = treeRootOf(inv, parentId);
  const state = root ? reservationState(reservationTreeOf(inv, root)) : undefined;
  const vmUsage = (v: VmDto) => (v.powerState === 'poweredOn' ? usageMhz.get(v.id) ?? null : null);
  const out: AllocationRow[] = [];
  const level = (at: string, depth: number): void => {
    if (depth > (inv.resourcePools?.length ?? 0)) return;
    const { pools, vms } = allocationChildren(inv, at);
    const total = [...pools.map((p) => p.cpuShares), ...vms.map((v) => v.cpuShares)].reduce((a, b) => a + b, 0);
    const percent = (shares: number) => (total > 0 ? (shares / total) * 100 : 0);
    for (const p of [...pools].sort((a, b) => collator.compare(a.name, b.name))) {
      const measured = vmsUnder(inv, p.id).map(vmUsage).filter((u): u is number => u !== null);
      const r = state?.pools.get(p.id);
      out.push({
        id: p.id, name: p.name, kind: 'resourcePool', depth, reservationMhz: p.cpuReservationMhz, limitMhz: p.cpuLimitMhz,
        shareLevel: p.cpuShareLevel, shares: p.cpuShares, sharesPercent: percent(p.cpuShares),
        usageMhz: measured.length ? measured.reduce((a, b) => a + b, 0) : null,
        pool: { reservedMhz: r?.reservedMhz ?? 0, unreservedMhz: r?.unreservedMhz ?? p.cpuReservationMhz, borrowedMhz: r?.borrowedMhz ?? 0, expandable: p.cpuExpandableReservation },
      });
      level(p.id, depth + 1);
    }
    for (const v of [...vms].sort((a, b) => collator.compare(a.name, b.name))) {
      out.push({
        id: v.id, name: v.name, kind: 'vm', depth, reservationMhz: v.cpuReservationMhz, limitMhz: v.cpuLimitMhz,
        shareLevel: vmShareLevelOf(v), shares: v.cpuShares, sharesPercent: percent(v.cpuShares), usageMhz: vmUsage(v),
      });
    }
  };
  level(parentId, 0);
  return out;
}

/**
 * vSphere's reservation totals above the table: the capacity that can be reserved here (a cluster's or
 * standalone host's CPU — cores × clock of its connected hosts outside maintenance — or a pool's own
 * reservation), how much of it its children reserve (powered-on VMs, and child pools as admission control
 * counts them), and what a new reservation here can still take (for an expandable pool, with what its
 * parents can lend).
 */
export function reservationTotals(inv: InventoryDto, parentId: string): { totalMhz: number; usedMhz: number; availableMhz: number } {
  const root = treeRootOf(inv, parentId);
  if (!root) return { totalMhz: 0, usedMhz: 0, availableMhz: 0 };
  const tree = reservationTreeOf(inv, root);
  const state = reservationState(tree);
  const isPool = kindOfId(parentId) === 'resgroup';
  const at = isPool ? state.pools.get(parentId) : state.root;
  return {
    totalMhz: at?.reservationMhz ?? 0, usedMhz: at?.reservedMhz ?? 0,
    availableMhz: availableMhz(state, tree, isPool ? parentId : undefined),
  };
}

/** VMs that a Resource Allocation view of `parentId` needs usage for (every VM of its tree). */
export function allocationVmIds(inv: InventoryDto, parentId: string): string[] {
  return allocationRows(inv, parentId, new Map()).filter((r) => r.kind === 'vm').map((r) => r.id);
}

export const SHARE_LEVEL_LABELS: Record<PoolShareLevel, string> = { low: 'Low', normal: 'Normal', high: 'High', custom: 'Custom' };

export interface MoveTarget { id: string; name: string; depth: number;
  /** The names from the root pool down to it, joined with " / ". */
  path: string }

export function moveTargets(inv: InventoryDto, ownerId: string, movingPoolId?: string): MoveTarget[] {
  const pools = new Map((inv.resourcePools ?? []).map((p) => [p.id as string, p]));
  const chain = (id: string): ResourcePoolDto[] => {
    const out: ResourcePoolDto[] = [];
    for (let at = pools.get(id), guard = 0; at && guard <= pools.size; at = at.parentPoolId ? pools.get(at.parentPoolId) : undefined, guard++) out.unshift(at);
    return out;
  };
  return allocationRows(inv, ownerId, new Map())
    .filter((r) => r.kind === 'resourcePool')
    .map((r) => ({ r, path: chain(r.id) }))
    .filter(({ path }) => !movingPoolId || !path.some((p) => p.id === movingPoolId))
    .map(({ r, path }) => ({ id: r.id, name: r.name, depth: r.depth, path: path.map((p) => p.name).join(' / ') }));
}
