/**
 * Resource pools: a cluster's (or a standalone host's) CPU divided into a tree of named pools with shares,
 * a reservation (expandable or not) and a limit, as vSphere has them.
 *
 * - `POOL_CPU_SHARE_LEVELS`: vSphere's CPU share values for a pool — low 2000, normal 4000, high 8000
 *   (a pool is worth four 1-vCPU VMs at normal); `custom` takes a number.
 * - `POOL_LIMITS`: bounds of the fields; `ResourcePoolDto`: a pool as clients see it.
 *
 * Rule: the scheduler divides a host among the root pool's children (pools and the VMs placed directly in
 * the root) by their shares, then each pool's part among its own children, at every level (engine
 * scheduler's header). Reservations are admitted as `poolReservation.ts` counts them.
 */
import type { ClusterId, HostId, ResourcePoolId, VmId } from './ids';

export const POOL_SHARE_LEVELS = ['low', 'normal', 'high', 'custom'] as const;
export type PoolShareLevel = (typeof POOL_SHARE_LEVELS)[number];

/** vSphere's CPU shares of a resource pool at each level. */
export const POOL_CPU_SHARE_LEVELS: Record<Exclude<PoolShareLevel, 'custom'>, number> = { low: 2000, normal: 4000, high: 8000 };

export const POOL_LIMITS = {
  cpuShares: { min: 1, max: 1_000_000 },
  cpuReservationMhz: { min: 0, max: 1_000_000 },
  /** −1 = unlimited. */
  cpuLimitMhz: { min: -1, max: 1_000_000 },
  nameMax: 80,
} as const;

/** The level a share count shows as (custom unless it is one of vSphere's values). */
export function poolShareLevelOf(shares: number): PoolShareLevel {
  for (const [k, v] of Object.entries(POOL_CPU_SHARE_LEVELS)) if (v === shares) return k as PoolShareLevel;
  return 'custom';
}

export interface ResourcePoolDto {
  id: ResourcePoolId; name: string;
  /** The cluster, or standalone host, whose root pool the tree hangs from. */
  clusterId?: ClusterId; hostId?: HostId;
  /** The pool it sits in (absent = directly in the root pool "Resources"). */
  parentPoolId?: ResourcePoolId;
  cpuShares: number; cpuShareLevel: PoolShareLevel; cpuReservationMhz: number; cpuLimitMhz: number;
  /** Whether its children may reserve more than its own reservation, borrowing from its parent. */
  cpuExpandableReservation: boolean;
  vmIds: VmId[];
}
