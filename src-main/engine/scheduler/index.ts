/**
 * scheduler — per-host CPU scheduling of vCPUs on physical CPUs (proportional shares flattened from the
 * resource-pool hierarchy, reservations,
 * limits, relaxed co-scheduling, hyper-threading). The only door into this folder.
 */
export { HostScheduler } from './hostScheduler';
export type { HostCpuShape, VmCpuPolicy, PoolCpuPolicy, VmCpuSample, HostCpuSample, CaptureTiming, HostSchedulerState } from './hostScheduler';
export type { VcpuState } from './schedEntities';
