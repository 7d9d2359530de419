/**
 * Resource pools in the client: the New Resource Pool… / Edit Resource Settings… form, and the rows of
 * Monitor › Resource Allocation › CPU.
 *
 * - `PoolForm`, `poolFormOf(pool?)`: the form's fields (a new pool: Normal shares, no reservation,
 *   Unlimited), `checkPoolForm(form, takenNames)` → the problems by field, in the user's words;
 *   `poolRequestOf(form)` → the settings the contract's `resourcePool.create` / `update` take;
 *   `poolFieldOf(error.field)`: which field an engine refusal belongs beside.
 * - `vmShareLevelOf(vm)`: a VM's CPU shares as vSphere names them (per vCPU: low 500, normal 1000, high 2000).
 * - `allocationRows(inventory, parentId, usageMhz)`: the children of a cluster's (or standalone host's)
 *   root pool, or of a pool — pools first, then VMs — with reservation, limit, shares, % shares among
 *   those siblings, and measured usage (a VM's latest `cpu.usagemhz.average`; a pool's is the sum of its
 *   VMs' measured values); `reservationTotals(inventory, parentId)`: the reservation capacity, used and
 *   available, as vSphere shows them above the table.
 *
 * Rules: the checks here only spare a round trip (bounds from `@shared/model/resourcePool`); the engine's
 * typed errors are final and are shown beside the field they name. Nothing is invented: a VM without a
 * sample has no usage ("—"), and a pool's usage is a sum of counted values, never a share formula.
 */
import type { InventoryDto, VmDto } from '@shared/model/inventory';
import type { PoolShareLevel, ResourcePoolDto } from '@shared/model/resourcePool';
import { POOL_CPU_SHARE_LEVELS, POOL_LIMITS } from '@shared/model/resourcePool';
import { kindOfId } from '@shared/model/ids';

export type PoolField = 'name' | 'cpuShares' | 'cpuReservationMhz' | 'cpuLimitMhz';

export interface PoolForm {
  name: string;
  shareLevel: PoolShareLevel;
  /** Custom shares, as typed. */
  customShares: number | string;
  reservationMhz: number | string;
  unlimited: boolean;
  limitMhz: number | string;
}

export interface PoolRequest {
  name: string; cpuShareLevel: PoolShareLevel; cpuShares?: number; cpuReservationMhz: number; cpuLimitMhz: number;
}

export function poolFormOf(pool?: ResourcePoolDto): PoolForm {
  if (!pool) return { name: 'ResourcePool', shareLevel: 'normal', customShares: POOL_CPU_SHARE_LEVELS.normal, reservationMhz: 0, unlimited: true, limitMhz: '' };
  return {
    name: pool.name, shareLevel: pool.cpuShareLevel, customShares: pool.cpuShares, reservationMhz: pool.cpuReservationMhz,
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
    cpuReservationMhz: Number(form.reservationMhz),
    cpuLimitMhz: form.unlimited ? -1 : Number(form.limitMhz),
  };
}

/** The form field an engine error names (`params.cpuShares` → `cpuShares`), or undefined (shown above the buttons). */
export function poolFieldOf(field: string | undefined): PoolField | undefined {
  const key = field?.replace(/^params\./, '');
  return key === 'name' || key === 'cpuShares' || key === 'cpuReservationMhz' || key === 'cpuLimitMhz' ? key : undefined;
}

const VM_SHARES_PER_VCPU: Record<Exclude<PoolShareLevel, 'custom'>, number> = { low: 500, normal: 1000, high: 2000 };

export function vmShareLevelOf(vm: Pick<VmDto, 'cpuShares' | 'vcpus'>): PoolShareLevel {
  for (const [level, per] of Object.entries(VM_SHARES_PER_VCPU)) if (vm.cpuShares === per * vm.vcpus) return level as PoolShareLevel;
  return 'custom';
}

export interface AllocationRow {
  id: string; name: string; kind: 'resourcePool' | 'vm';
  reservationMhz: number;
  /** −1 = unlimited. */
  limitMhz: number;
  shareLevel: PoolShareLevel; shares: number;
  /** Its part of its siblings' shares, 0–100. */
  sharesPercent: number;
  /** Measured CPU usage (MHz), or null when nothing was measured (powered off, no sample yet). */
  usageMhz: number | null;
}

/** The VMs and pools directly under `parentId` (a cluster, a standalone host or a pool). */
export function allocationChildren(inv: InventoryDto, parentId: string): { pools: ResourcePoolDto[]; vms: VmDto[] } {
  const pools = inv.resourcePools ?? [];
  const kind = kindOfId(parentId);
  const vms = inv.vms.filter((v) => !v.isTemplate);
  if (kind === 'resgroup') return { pools: [], vms: vms.filter((v) => v.resourcePoolId === parentId) };
  if (kind === 'cluster') {
    return { pools: pools.filter((p) => p.clusterId === parentId), vms: vms.filter((v) => v.clusterId === parentId && !v.resourcePoolId) };
  }
  if (kind === 'host') {
    const host = inv.hosts.find((h) => h.id === parentId);
    if (!host || host.clusterId) return { pools: [], vms: [] };
    return { pools: pools.filter((p) => p.hostId === parentId), vms: vms.filter((v) => v.hostId === parentId && !v.resourcePoolId) };
  }
  return { pools: [], vms: [] };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function allocationRows(inv: InventoryDto, parentId: string, usageMhz: ReadonlyMap<string, number | null>): AllocationRow[] {
  const { pools, vms } = allocationChildren(inv, parentId);
  const vmUsage = (v: VmDto) => (v.powerState === 'poweredOn' ? usageMhz.get(v.id) ?? null : null);
  const rows: Omit<AllocationRow, 'sharesPercent'>[] = [
    ...[...pools].sort((a, b) => collator.compare(a.name, b.name)).map((p) => {
      const measured = inv.vms.filter((v) => v.resourcePoolId === p.id).map(vmUsage).filter((u): u is number => u !== null);
      return {
        id: p.id, name: p.name, kind: 'resourcePool' as const, reservationMhz: p.cpuReservationMhz, limitMhz: p.cpuLimitMhz,
        shareLevel: p.cpuShareLevel, shares: p.cpuShares, usageMhz: measured.length ? measured.reduce((a, b) => a + b, 0) : null,
      };
    }),
    ...[...vms].sort((a, b) => collator.compare(a.name, b.name)).map((v) => ({
      id: v.id, name: v.name, kind: 'vm' as const, reservationMhz: v.cpuReservationMhz, limitMhz: v.cpuLimitMhz,
      shareLevel: vmShareLevelOf(v), shares: v.cpuShares, usageMhz: vmUsage(v),
    })),
  ];
  const total = rows.reduce((s, r) => s + r.shares, 0);
  return rows.map((r) => ({ ...r, sharesPercent: total > 0 ? (r.shares / total) * 100 : 0 }));
}

/**
 * vSphere's reservation totals above the table: the capacity that can be reserved here (a cluster's or
 * standalone host's CPU — cores × clock of its connected hosts outside maintenance — or a pool's own
 * reservation, pools here not being expandable), how much of it the rows reserve, and what is left.
 */
export function reservationTotals(inv: InventoryDto, parentId: string): { totalMhz: number; usedMhz: number; availableMhz: number } {
  const kind = kindOfId(parentId);
  let totalMhz = 0;
  if (kind === 'resgroup') totalMhz = inv.resourcePools?.find((p) => p.id === parentId)?.cpuReservationMhz ?? 0;
  else {
    const hosts = inv.hosts.filter((h) => (kind === 'cluster' ? h.clusterId === parentId : h.id === parentId));
    for (const h of hosts) if (h.connectionState === 'connected' && !h.inMaintenanceMode) totalMhz += h.sockets * h.coresPerSocket * h.cpuMhz;
  }
  const { pools, vms } = allocationChildren(inv, parentId);
  const usedMhz = [...pools.map((p) => p.cpuReservationMhz), ...vms.map((v) => v.cpuReservationMhz)].reduce((a, b) => a + b, 0);
  return { totalMhz, usedMhz, availableMhz: Math.max(0, totalMhz - usedMhz) };
}

/** VMs that a Resource Allocation view of `parentId` needs usage for (its rows and its pools' VMs). */
export function allocationVmIds(inv: InventoryDto, parentId: string): string[] {
  const { pools, vms } = allocationChildren(inv, parentId);
  const inPools = new Set(pools.map((p) => p.id));
  return [...vms.map((v) => v.id), ...inv.vms.filter((v) => v.resourcePoolId && inPools.has(v.resourcePoolId)).map((v) => v.id)];
}

export const SHARE_LEVEL_LABELS: Record<PoolShareLevel, string> = { low: 'Low', normal: 'Normal', high: 'High', custom: 'Custom' };
