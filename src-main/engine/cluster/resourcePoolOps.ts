/**
 * resourcePoolOps — resource pools under a cluster's (or a standalone host's) root pool, as a tree of any
 * depth, and moving VMs and pools between them. Immediate operations (no task), as vCenter's
 * CreateResourcePool / UpdateConfig / Destroy / MoveIntoResourcePool return at once.
 *
 * Interface:
 *  - `createResourcePool(ctx, spec)` → `{ resourcePoolId }` (in a cluster's or host's root pool, or in a
 *    pool: `parentPoolId`); `updateResourcePool(ctx, id, changes)`; `deleteResourcePool(ctx, id)`;
 *    `moveVmToPool(ctx, vmId, poolId | undefined)` and `movePoolToPool(ctx, id, parentId | undefined)`
 *    (undefined = the root pool).
 *
 * Rules: every refusal is a typed ApiError naming the field and changes nothing. A pool's name is unique
 * among its siblings; its reservation is at most its limit; a pool holding VMs or pools cannot be deleted
 * (move them out first); a VM or pool joins only a pool of its own tree (its host's cluster or standalone
 * host), and a pool never goes inside itself. Reservations pass vSphere's admission control
 * (`poolAdmissionProblem`: a non-expandable pool's children reserve at most its reservation; an expandable
 * one borrows from its parent, up to the root's capacity). Any change re-applies the CPU policy of the
 * running VMs under the pool (at any depth) on their hosts' schedulers, so shares act from the next
 * scheduling decision; reservation and limit act on the cycles of the VMs under the pool on each host
 * (the scheduler's header states both rules).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { ClusterId, HostId, ResourcePoolId, VmId } from '@shared/model/ids';
import { POOL_CPU_SHARE_LEVELS } from '@shared/model/resourcePool';
import type { PoolShareLevel } from '@shared/model/resourcePool';
import type { OpContext } from '../lab/index';
import type { ResourcePool, Vm } from './registry';
import { cpuPolicyOf, poolAdmissionProblem } from '../vm/index';
import type { PoolScope } from '../vm/index';

/** CPU settings of a pool as a request gives them: a level, or `custom` with a number of shares. */
export interface PoolSettings {
  cpuShareLevel?: PoolShareLevel; cpuShares?: number; cpuReservationMhz?: number; cpuLimitMhz?: number; cpuExpandableReservation?: boolean;
}

/** Where a new pool goes: exactly one of a cluster, a standalone host (their root pools) or a pool. */
export interface PoolSpec extends PoolSettings { name: string; clusterId?: ClusterId; hostId?: HostId; parentPoolId?: ResourcePoolId }

type Result<T> = T | { error: ApiError };

/** The shares a request asks for, or a problem: `custom` needs a number, a named level takes none. */
function sharesOf(s: PoolSettings, current: number | undefined): Result<{ shares: number }> {
  if (s.cpuShareLevel === 'custom' || (s.cpuShareLevel === undefined && s.cpuShares !== undefined)) {
    if (s.cpuShares === undefined) return { error: apiError('E_INVALID_ARGUMENT', 'Custom CPU shares need a number of shares.', 'params.cpuShares') };
    return { shares: s.cpuShares };
  }
  if (s.cpuShareLevel !== undefined) {
    if (s.cpuShares !== undefined && s.cpuShares !== POOL_CPU_SHARE_LEVELS[s.cpuShareLevel]) {
      return { error: apiError('E_INVALID_ARGUMENT', `A number of CPU shares goes with the Custom level only (${s.cpuShareLevel} is ${POOL_CPU_SHARE_LEVELS[s.cpuShareLevel]}).`, 'params.cpuShares') };
    }
    return { shares: POOL_CPU_SHARE_LEVELS[s.cpuShareLevel] };
  }
  return { shares: current ?? POOL_CPU_SHARE_LEVELS.normal };
}

/** The siblings' key: the pool it sits in, or its tree's root. */
function parentKey(p: { clusterId?: ClusterId; hostId?: HostId; parentPoolId?: ResourcePoolId }): string {
  return p.parentPoolId ?? p.clusterId ?? p.hostId ?? '';
}

function scopeOf(p: { clusterId?: ClusterId; hostId?: HostId }): PoolScope {
  return p.clusterId ? { clusterId: p.clusterId } : { hostId: p.hostId };
}

function nameProblem(ctx: OpContext, parent: string, name: string, except?: ResourcePoolId): ApiError | undefined {
  for (const p of ctx.reg.resourcePools.values()) {
    if (p.id !== except && parentKey(p) === parent && p.name === name) return apiError('E_DUPLICATE_NAME', `A resource pool named '${name}' already exists here.`, 'params.name');
  }
  return undefined;
}

function limitProblem(reservationMhz: number, limitMhz: number): ApiError | undefined {
  if (limitMhz >= 0 && reservationMhz > limitMhz) {
    return apiError('E_INVALID_ARGUMENT', `The CPU reservation (${reservationMhz} MHz) cannot exceed the limit (${limitMhz} MHz).`, 'params.cpuReservationMhz');
  }
  return undefined;
}

function vmsIn(ctx: OpContext, id: ResourcePoolId): Vm[] {
  return [...ctx.reg.vms.values()].filter((vm) => vm.resourcePoolId === id);
}

function childPoolsOf(ctx: OpContext, id: ResourcePoolId): ResourcePool[] {
  return [...ctx.reg.resourcePools.values()].filter((p) => p.parentPoolId === id);
}

/** Whether `id` is `ancestor` or sits under it. */
function isUnder(ctx: OpContext, id: ResourcePoolId, ancestor: ResourcePoolId): boolean {
  for (let p = ctx.reg.resourcePools.get(id), guard = 0; p && guard <= ctx.reg.resourcePools.size; p = p.parentPoolId ? ctx.reg.resourcePools.get(p.parentPoolId) : undefined, guard++) {
    if (p.id === ancestor) return true;
  }
  return false;
}

/** The VMs under a pool at any depth. */
function vmsUnder(ctx: OpContext, id: ResourcePoolId): Vm[] {
  return [...ctx.reg.vms.values()].filter((vm) => vm.resourcePoolId !== undefined && isUnder(ctx, vm.resourcePoolId, id));
}

/** Re-applies the CPU policy of these VMs on their hosts' schedulers (running VMs only): orders queued on each
 *  host's owner, applied before its next segment. */
function reapply(ctx: OpContext, vms: Vm[]): void {
  for (const vm of vms) if (vm.powerState === 'poweredOn' && vm.hostId) ctx.host(vm.hostId)?.setPolicy(vm.id, cpuPolicyOf(vm, ctx.reg));
}

/** The field an admission refusal of new settings belongs to. */
function settingsField(s: PoolSettings): string {
  return s.cpuReservationMhz === undefined && s.cpuExpandableReservation !== undefined ? 'params.cpuExpandableReservation' : 'params.cpuReservationMhz';
}

function logPool(ctx: OpContext, pool: ResourcePool, type: string, text: string): void {
  const parent = pool.clusterId ? ctx.reg.clusters.get(pool.clusterId) : pool.hostId ? ctx.reg.hosts.get(pool.hostId) : undefined;
  ctx.events.log(ctx.nowMs(), 'info', type, text, parent ? { id: parent.id, name: parent.name } : undefined);
  ctx.markChanged(pool.id);
}

export function createResourcePool(ctx: OpContext, spec: PoolSpec): Result<{ resourcePoolId: ResourcePoolId }> {
  const r = ctx.reg;
  const wheres = [spec.clusterId, spec.hostId, spec.parentPoolId].filter((x) => x !== undefined).length;
  if (wheres !== 1) {
    return { error: apiError('E_INVALID_ARGUMENT', 'Choose where the pool goes: a cluster, a host outside any cluster, or a resource pool.', spec.clusterId ? (spec.hostId ? 'params.hostId' : 'params.parentPoolId') : 'params.clusterId') };
  }
  let datacenterId;
  let tree: { clusterId?: ClusterId; hostId?: HostId };
  if (spec.parentPoolId !== undefined) {
    const parent = r.resourcePools.get(spec.parentPoolId);
    if (!parent) return { error: apiError('E_NOT_FOUND', `There is no resource pool ${spec.parentPoolId}.`, 'params.parentPoolId') };
    datacenterId = parent.datacenterId;
    tree = parent.clusterId ? { clusterId: parent.clusterId } : { hostId: parent.hostId };
  } else if (spec.clusterId !== undefined) {
    const c = r.clusters.get(spec.clusterId);
    if (!c) return { error: apiError('E_NOT_FOUND', `There is no cluster ${spec.clusterId}.`, 'params.clusterId') };
    datacenterId = c.datacenterId;
    tree = { clusterId: c.id };
  } else {
    const h = r.hosts.get(spec.hostId!);
    if (!h) return { error: apiError('E_NOT_FOUND', `There is no host ${spec.hostId}.`, 'params.hostId') };
    if (h.clusterId) return { error: apiError('E_INVALID_ARGUMENT', `Host ${h.name} is in a cluster: create the pool in the cluster.`, 'params.hostId') };
    datacenterId = h.datacenterId;
    tree = { hostId: h.id };
  }
  const shares = sharesOf(spec, undefined);
  if ('error' in shares) return shares;
  const reservation = spec.cpuReservationMhz ?? 0;
  const limit = spec.cpuLimitMhz ?? -1;
  const expandable = spec.cpuExpandableReservation ?? true;
  const problem = nameProblem(ctx, parentKey({ ...tree, parentPoolId: spec.parentPoolId }), spec.name) ?? limitProblem(reservation, limit)
    ?? poolAdmissionProblem(r, scopeOf(tree), (t) => {
      t.pools.push({ id: 'new', reservationMhz: reservation, expandable, ...(spec.parentPoolId ? { parentId: spec.parentPoolId } : {}) });
    }, `a new resource pool reserving ${reservation} MHz`, 'params.cpuReservationMhz');
  if (problem) return { error: problem };
  const pool: ResourcePool = {
    id: r.allocate('resgroup'), name: spec.name, datacenterId, cpuShares: shares.shares, cpuReservationMhz: reservation, cpuLimitMhz: limit,
    cpuExpandableReservation: expandable, ...tree, ...(spec.parentPoolId ? { parentPoolId: spec.parentPoolId } : {}),
  };
  r.resourcePools.set(pool.id, pool);
  const inPool = pool.parentPoolId ? ` in ${r.resourcePools.get(pool.parentPoolId)?.name ?? pool.parentPoolId}` : '';
  logPool(ctx, pool, 'ResourcePoolCreatedEvent', `Created resource pool ${pool.name}${inPool} (CPU shares ${pool.cpuShares})`);
  return { resourcePoolId: pool.id };
}

export function updateResourcePool(ctx: OpContext, id: ResourcePoolId, ch: PoolSettings & { name?: string }): Result<{ ok: true }> {
  const pool = ctx.reg.resourcePools.get(id);
  if (!pool) return { error: apiError('E_NOT_FOUND', `There is no resource pool ${id}.`, 'params.resourcePoolId') };
  const shares = sharesOf(ch, pool.cpuShares);
  if ('error' in shares) return shares;
  const reservation = ch.cpuReservationMhz ?? pool.cpuReservationMhz;
  const limit = ch.cpuLimitMhz ?? pool.cpuLimitMhz;
  const expandable = ch.cpuExpandableReservation ?? pool.cpuExpandableReservation;
  const problem = (ch.name !== undefined ? nameProblem(ctx, parentKey(pool), ch.name, id) : undefined) ?? limitProblem(reservation, limit)
    ?? poolAdmissionProblem(ctx.reg, scopeOf(pool), (t) => {
      const entry = t.pools.find((x) => x.id === id);
      if (entry) { entry.reservationMhz = reservation; entry.expandable = expandable; }
    }, `resource pool ${pool.name} reserving ${reservation} MHz${expandable ? '' : ' (not expandable)'}`, settingsField(ch));
  if (problem) return { error: problem };
  if (ch.name !== undefined) pool.name = ch.name;
  pool.cpuShares = shares.shares;
  pool.cpuReservationMhz = reservation;
  pool.cpuLimitMhz = limit;
  pool.cpuExpandableReservation = expandable;
  reapply(ctx, vmsUnder(ctx, id));
  logPool(ctx, pool, 'ResourcePoolReconfiguredEvent', `Reconfigured resource pool ${pool.name}: CPU shares ${pool.cpuShares}, reservation ${reservation} MHz${expandable ? ' (expandable)' : ''}, limit ${limit < 0 ? 'unlimited' : `${limit} MHz`}`);
  return { ok: true };
}

export function deleteResourcePool(ctx: OpContext, id: ResourcePoolId): Result<{ ok: true }> {
  const pool = ctx.reg.resourcePools.get(id);
  if (!pool) return { error: apiError('E_NOT_FOUND', `There is no resource pool ${id}.`, 'params.resourcePoolId') };
  const held = vmsIn(ctx, id);
  if (held.length > 0) {
    return { error: apiError('E_INVALID_STATE', `Resource pool ${pool.name} still holds ${held.length} virtual machine${held.length === 1 ? '' : 's'} (${held.map((v) => v.name).join(', ')}): move them out first.`, 'params.resourcePoolId') };
  }
  const children = childPoolsOf(ctx, id);
  if (children.length > 0) {
    return { error: apiError('E_INVALID_STATE', `Resource pool ${pool.name} still holds ${children.length} resource pool${children.length === 1 ? '' : 's'} (${children.map((p) => p.name).join(', ')}): move or delete them first.`, 'params.resourcePoolId') };
  }
  ctx.reg.resourcePools.delete(id);
  logPool(ctx, pool, 'ResourcePoolDestroyedEvent', `Removed resource pool ${pool.name}`);
  return { ok: true };
}

export function moveVmToPool(ctx: OpContext, vmId: VmId, poolId: ResourcePoolId | undefined): Result<{ ok: true }> {
  const r = ctx.reg;
  const vm = r.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `There is no virtual machine ${vmId}.`, 'params.vmId') };
  const host = vm.hostId ? r.hosts.get(vm.hostId) : undefined;
  if (!host) return { error: apiError('E_INVALID_STATE', `${vm.name} is on no host, so it belongs to no cluster's pools.`, 'params.vmId') };
  let pool: ResourcePool | undefined;
  if (poolId !== undefined) {
    pool = r.resourcePools.get(poolId);
    if (!pool) return { error: apiError('E_NOT_FOUND', `There is no resource pool ${poolId}.`, 'params.resourcePoolId') };
    const fits = pool.clusterId ? host.clusterId === pool.clusterId : pool.hostId === host.id;
    if (!fits) return { error: apiError('E_INVALID_ARGUMENT', `Resource pool ${pool.name} is not in ${vm.name}'s ${host.clusterId ? 'cluster' : 'host'}.`, 'params.resourcePoolId') };
  }
  if (vm.powerState === 'poweredOn' && vm.cpuReservationMhz > 0) {
    const problem = poolAdmissionProblem(r, host.clusterId ? { clusterId: host.clusterId } : { hostId: host.id }, (t) => {
      const entry = t.vms.find((x) => x.id === vm.id);
      if (!entry) return;
      if (pool) entry.poolId = pool.id;
      else delete entry.poolId;
    }, `moving ${vm.name} (CPU reservation ${vm.cpuReservationMhz} MHz) to ${pool ? `resource pool ${pool.name}` : 'the root pool'}`, 'params.resourcePoolId');
    if (problem) return { error: problem };
  }
  if (pool) vm.resourcePoolId = pool.id;
  else delete vm.resourcePoolId;
  reapply(ctx, [vm]);
  ctx.events.log(ctx.nowMs(), 'info', 'VmResourcePoolMovedEvent', `Moved ${vm.name} to resource pool ${pool ? pool.name : 'Resources'}`, { id: vm.id, name: vm.name });
  ctx.markChanged(vm.id);
  return { ok: true };
}

export function movePoolToPool(ctx: OpContext, id: ResourcePoolId, parentId: ResourcePoolId | undefined): Result<{ ok: true }> {
  const r = ctx.reg;
  const pool = r.resourcePools.get(id);
  if (!pool) return { error: apiError('E_NOT_FOUND', `There is no resource pool ${id}.`, 'params.resourcePoolId') };
  let parent: ResourcePool | undefined;
  if (parentId !== undefined) {
    parent = r.resourcePools.get(parentId);
    if (!parent) return { error: apiError('E_NOT_FOUND', `There is no resource pool ${parentId}.`, 'params.parentPoolId') };
    if (parent.clusterId !== pool.clusterId || parent.hostId !== pool.hostId) {
      return { error: apiError('E_INVALID_ARGUMENT', `Resource pool ${parent.name} is not in the same ${pool.clusterId ? 'cluster' : 'host'} as ${pool.name}.`, 'params.parentPoolId') };
    }
    if (isUnder(ctx, parent.id, pool.id)) {
      return { error: apiError('E_INVALID_ARGUMENT', parent.id === pool.id ? `A resource pool cannot go inside itself.` : `Resource pool ${parent.name} is inside ${pool.name}: a pool cannot go inside itself.`, 'params.parentPoolId') };
    }
  }
  const renamed = nameProblem(ctx, parentKey({ ...scopeOf(pool), parentPoolId: parentId }), pool.name, id);
  if (renamed) return { error: apiError(renamed.code, `A resource pool named '${pool.name}' already exists in ${parent ? parent.name : 'the root pool'}.`, 'params.parentPoolId') };
  const problem = poolAdmissionProblem(r, scopeOf(pool), (t) => {
    const entry = t.pools.find((x) => x.id === id);
    if (!entry) return;
    if (parentId) entry.parentId = parentId;
    else delete entry.parentId;
  }, `moving resource pool ${pool.name} to ${parent ? `resource pool ${parent.name}` : 'the root pool'}`, 'params.parentPoolId');
  if (problem) return { error: problem };
  if (parentId) pool.parentPoolId = parentId;
  else delete pool.parentPoolId;
  reapply(ctx, vmsUnder(ctx, id));
  logPool(ctx, pool, 'ResourcePoolMovedEvent', `Moved resource pool ${pool.name} to ${parent ? parent.name : 'Resources'}`);
  return { ok: true };
}
