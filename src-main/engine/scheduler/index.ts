/**
 * scheduler — per-host CPU scheduling of vCPUs on physical CPUs (proportional shares, reservations,
 * limits, relaxed co-scheduling, hyper-threading). The only door into this folder.
 */
export { HostScheduler } from './hostScheduler';
export type { HostCpuShape, VmCpuPolicy, VmCpuSample, HostCpuSample, CaptureTiming, HostSchedulerState } from './hostScheduler';
export type { VcpuState } from './schedEntities';
