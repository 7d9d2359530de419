/**
 * resourcePoolOps — resource pools under a cluster's (or a standalone host's) root pool, and moving VMs
 * between them. Immediate operations (no task), as vCenter's CreateResourcePool / UpdateConfig / Destroy /
 * MoveIntoResourcePool return at once.
 *
 * Interface:
 *  - `createResourcePool(ctx, spec)` → `{ resourcePoolId }`; `updateResourcePool(ctx, id, changes)`;
 *    `deleteResourcePool(ctx, id)`; `moveVmToPool(ctx, vmId, poolId | undefined)` (undefined = the root pool).
 *  - `resourcePoolProblem(...)`: the checks shared by create and update.
 *
 * Rules: every refusal is a typed ApiError naming the field and changes nothing. A pool's name is unique
 * among the pools of its parent; its reservation is at most its limit; a pool holding VMs cannot be
 * deleted; a VM joins only a pool of its own host's cluster (or standalone host). Any change re-applies
 * the CPU policy of the pool's running VMs on their hosts' schedulers, so shares act from the next
 * scheduling decision; the pool's reservation and limit act on the cycles of its VMs on each host (the
 * scheduler's header states both rules).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { ClusterId, HostId, ResourcePoolId, VmId } from '@shared/model/ids';
import { POOL_CPU_SHARE_LEVELS } from '@shared/model/resourcePool';
import type { PoolShareLevel } from '@shared/model/resourcePool';
import type { OpContext } from '../lab/index';
import type { ResourcePool, Vm } from './registry';
import { cpuPolicyOf } from '../vm/index';

/** CPU settings of a pool as a request gives them: a level, or `custom` with a number of shares. */
export interface PoolSettings {
  cpuShareLevel?: PoolShareLevel; cpuShares?: number; cpuReservationMhz?: number; cpuLimitMhz?: number;
}

export interface PoolSpec extends PoolSettings { name: string; clusterId?: ClusterId; hostId?: HostId }

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

function parentKey(p: { clusterId?: ClusterId; hostId?: HostId }): string {
  return p.clusterId ?? p.hostId ?? '';
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

/** Re-applies the CPU policy of these VMs on their hosts' schedulers (running VMs only). */
function reapply(ctx: OpContext, vms: Vm[]): void {
  for (const vm of vms) if (vm.powerState === 'poweredOn' && vm.hostId) ctx.scheduler(vm.hostId)?.setPolicy(vm.id, cpuPolicyOf(vm, ctx.reg));
}

function logPool(ctx: OpContext, pool: ResourcePool, type: string, text: string): void {
  const parent = pool.clusterId ? ctx.reg.clusters.get(pool.clusterId) : pool.hostId ? ctx.reg.hosts.get(pool.hostId) : undefined;
  ctx.events.log(ctx.nowMs(), 'info', type, text, parent ? { id: parent.id, name: parent.name } : undefined);
  ctx.markChanged(pool.id);
}

export function createResourcePool(ctx: OpContext, spec: PoolSpec): Result<{ resourcePoolId: ResourcePoolId }> {
  const r = ctx.reg;
  if ((spec.clusterId === undefined) === (spec.hostId === undefined)) {
    return { error: apiError('E_INVALID_ARGUMENT', 'Choose where the pool goes: a cluster, or a host outside any cluster.', spec.clusterId ? 'params.hostId' : 'params.clusterId') };
  }
  let datacenterId;
  if (spec.clusterId !== undefined) {
    const c = r.clusters.get(spec.clusterId);
    if (!c) return { error: apiError('E_NOT_FOUND', `There is no cluster ${spec.clusterId}.`, 'params.clusterId') };
    datacenterId = c.datacenterId;
  } else {
    const h = r.hosts.get(spec.hostId!);
    if (!h) return { error: apiError('E_NOT_FOUND', `There is no host ${spec.hostId}.`, 'params.hostId') };
    if (h.clusterId) return { error: apiError('E_INVALID_ARGUMENT', `Host ${h.name} is in a cluster: create the pool in the cluster.`, 'params.hostId') };
    datacenterId = h.datacenterId;
  }
  const shares = sharesOf(spec, undefined);
  if ('error' in shares) return shares;
  const reservation = spec.cpuReservationMhz ?? 0;
  const limit = spec.cpuLimitMhz ?? -1;
  const problem = nameProblem(ctx, parentKey(spec), spec.name) ?? limitProblem(reservation, limit);
  if (problem) return { error: problem };
  const pool: ResourcePool = {
    id: r.allocate('resgroup'), name: spec.name, datacenterId, cpuShares: shares.shares, cpuReservationMhz: reservation, cpuLimitMhz: limit,
    ...(spec.clusterId ? { clusterId: spec.clusterId } : { hostId: spec.hostId }),
  };
  r.resourcePools.set(pool.id, pool);
  logPool(ctx, pool, 'ResourcePoolCreatedEvent', `Created resource pool ${pool.name} (CPU shares ${pool.cpuShares})`);
  return { resourcePoolId: pool.id };
}

export function updateResourcePool(ctx: OpContext, id: ResourcePoolId, ch: PoolSettings & { name?: string }): Result<{ ok: true }> {
  const pool = ctx.reg.resourcePools.get(id);
  if (!pool) return { error: apiError('E_NOT_FOUND', `There is no resource pool ${id}.`, 'params.resourcePoolId') };
  const shares = sharesOf(ch, pool.cpuShares);
  if ('error' in shares) return shares;
  const reservation = ch.cpuReservationMhz ?? pool.cpuReservationMhz;
  const limit = ch.cpuLimitMhz ?? pool.cpuLimitMhz;
  const problem = (ch.name !== undefined ? nameProblem(ctx, parentKey(pool), ch.name, id) : undefined) ?? limitProblem(reservation, limit);
  if (problem) return { error: problem };
  if (ch.name !== undefined) pool.name = ch.name;
  pool.cpuShares = shares.shares;
  pool.cpuReservationMhz = reservation;
  pool.cpuLimitMhz = limit;
  reapply(ctx, vmsIn(ctx, id));
  logPool(ctx, pool, 'ResourcePoolReconfiguredEvent', `Reconfigured resource pool ${pool.name}: CPU shares ${pool.cpuShares}, reservation ${reservation} MHz, limit ${limit < 0 ? 'unlimited' : `${limit} MHz`}`);
  return { ok: true };
}

export function deleteResourcePool(ctx: OpContext, id: ResourcePoolId): Result<{ ok: true }> {
  const pool = ctx.reg.resourcePools.get(id);
  if (!pool) return { error: apiError('E_NOT_FOUND', `There is no resource pool ${id}.`, 'params.resourcePoolId') };
  const held = vmsIn(ctx, id);
  if (held.length > 0) {
    return { error: apiError('E_INVALID_STATE', `Resource pool ${pool.name} still holds ${held.length} virtual machine${held.length === 1 ? '' : 's'} (${held.map((v) => v.name).join(', ')}): move them out first.`, 'params.resourcePoolId') };
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
  if (pool) vm.resourcePoolId = pool.id;
  else delete vm.resourcePoolId;
  reapply(ctx, [vm]);
  ctx.events.log(ctx.nowMs(), 'info', 'VmResourcePoolMovedEvent', `Moved ${vm.name} to resource pool ${pool ? pool.name : 'Resources'}`, { id: vm.id, name: vm.name });
  ctx.markChanged(vm.id);
  return { ok: true };
}
