/**
 * poolAdmission — vSphere's CPU reservation admission control over the resource-pool tree of a cluster
 * (or of a standalone host): powering on a VM with a reservation, raising a running VM's reservation, and
 * creating, changing or moving a pool are refused when the reservation cannot be satisfied.
 *
 * Interface:
 *  - `poolScopeOfHost(reg, hostId)`: the tree a host's VMs belong to (its cluster's, or its own).
 *  - `reservationTreeOf(reg, scope)`: the tree as `@shared/model/poolReservation` counts it — the capacity
 *    of the scope's connected hosts outside maintenance (physical cores × clock), its pools, and its
 *    powered-on VMs' reservations (a VM whose pool is not of its host's tree counts in the root).
 *  - `poolAdmissionProblem(reg, scope, change, what, field)`: applies `change` to a copy of the tree and
 *    returns E_INSUFFICIENT_RESOURCES (vSphere's "Insufficient CPU resources" wording) naming `field` when
 *    it makes a non-expandable pool, or the root, reserve more than it has (or more than it already did).
 *
 * Rule: only a change that creates or grows an overflow is refused, so a lab that is over-reserved (a host
 * failed, an older save) can still lower its reservations.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { ClusterId, HostId } from '@shared/model/ids';
import type { ReservationTree } from '@shared/model/poolReservation';
import { newOverflow, reservationState } from '@shared/model/poolReservation';
import type { Registry } from '../cluster/index';

export interface PoolScope { clusterId?: ClusterId; hostId?: HostId }

export function poolScopeOfHost(reg: Registry, hostId: HostId): PoolScope {
  const host = reg.hosts.get(hostId);
  return host?.clusterId ? { clusterId: host.clusterId } : { hostId };
}

function inScope(scope: PoolScope, x: { clusterId?: ClusterId; hostId?: HostId; id?: string }): boolean {
  return scope.clusterId !== undefined ? x.clusterId === scope.clusterId : x.hostId === scope.hostId;
}

export function reservationTreeOf(reg: Registry, scope: PoolScope): ReservationTree {
  let capacityMhz = 0;
  const hostIds = new Set<HostId>();
  for (const h of reg.hosts.values()) {
    if (scope.clusterId !== undefined ? h.clusterId !== scope.clusterId : h.id !== scope.hostId) continue;
    hostIds.add(h.id);
    if (h.connectionState === 'connected' && !h.inMaintenanceMode) capacityMhz += h.sockets * h.coresPerSocket * h.cpuMhz;
  }
  const pools = [...reg.resourcePools.values()].filter((p) => inScope(scope, p));
  const poolIds = new Set(pools.map((p) => p.id as string));
  const vms: ReservationTree['vms'] = [];
  for (const vm of reg.vms.values()) {
    if (vm.powerState !== 'poweredOn' || !vm.hostId || !hostIds.has(vm.hostId)) continue;
    vms.push({ id: vm.id, reservationMhz: vm.cpuReservationMhz, ...(vm.resourcePoolId && poolIds.has(vm.resourcePoolId) ? { poolId: vm.resourcePoolId } : {}) });
  }
  return {
    capacityMhz,
    pools: pools.map((p) => ({ id: p.id, reservationMhz: p.cpuReservationMhz, expandable: p.cpuExpandableReservation, ...(p.parentPoolId ? { parentId: p.parentPoolId } : {}) })),
    vms,
  };
}

export function poolAdmissionProblem(reg: Registry, scope: PoolScope, change: (tree: ReservationTree) => void, what: string, field: string): ApiError | undefined {
  const tree = reservationTreeOf(reg, scope);
  const before = reservationState(tree);
  const edited: ReservationTree = { capacityMhz: tree.capacityMhz, pools: tree.pools.map((p) => ({ ...p })), vms: tree.vms.map((v) => ({ ...v })) };
  change(edited);
  const after = reservationState(edited);
  const at = newOverflow(before, after);
  if (at === undefined) return undefined;
  if (at === null) {
    const where = scope.clusterId ? `cluster ${reg.nameOf(scope.clusterId)}` : `host ${reg.nameOf(scope.hostId ?? '')}`;
    const need = after.root.reservedMhz - before.root.reservedMhz;
    return apiError('E_INSUFFICIENT_RESOURCES', `Insufficient CPU resources: ${what} needs ${need} MHz more of reservation, and ${where} has ${before.root.unreservedMhz} MHz unreserved (of ${tree.capacityMhz} MHz).`, field);
  }
  const pool = reg.resourcePools.get(at as never);
  const b = before.pools.get(at);
  const a = after.pools.get(at)!;
  const need = a.reservedMhz - (b?.reservedMhz ?? 0);
  return apiError('E_INSUFFICIENT_RESOURCES', `Insufficient CPU resources: ${what} needs ${need} MHz more of reservation, and resource pool ${pool?.name ?? at} has ${b?.unreservedMhz ?? a.reservationMhz} MHz unreserved and its reservation is not expandable.`, field);
}
