/**
 * machine — the guest machine: vCPUs + guest memory + devices + monitor, implementing the
 * `GuestMachine` seam (with its page-level operations); its builder (boot, restore, assembled from a
 * page stream into an `IncomingMemory`), standalone runner, guest catalogue and the
 * GuestFactory that wires it into the lab. The door other engine folders import.
 */
export { Machine, type MachineWiring } from './machine';
export { buildMachine, type MachineBuildInput, type MachineEnv } from './builder';
export {
  resolveMachineConfig, machineConfigOfVm, MachineConfigError, MAX_VCPUS, DEFAULT_DISK_BYTES, DEFAULT_RTC_EPOCH_SECONDS,
  type MachineConfig, type MachineConfigInput, type MachineCostModel,
} from './machineConfig';
export { BOOT_MAGIC, BOOT_FORMAT_VERSION, BOOT_CMDLINE_OFFSET, BOOT_CMDLINE_MAX, BootImageError, bootImageOf, loadBootImage, type BootImage } from './bootImage';
export {
  MACHINE_STATE_FORMAT, MACHINE_STATE_VERSION, isMachineCoreState, isMachineState, type MachineCoreState, type MachineState, type MachineCrash, type MachineOwnCounters,
} from './machineState';
export { IncomingMemory } from './incomingMemory';
export { counterReport, flatCounters, type CounterReport } from './machineCounters';
export { runMachine, pagingStructureBytes, DEFAULT_RUN_QUANTUM_NS, type RunOptions, type RunOutcome } from './runner';
export { VcpuSlot, type NotPresentCounters, type VcpuSlotState } from './vcpuSlot';
export { saveMemoryShared, restoreMemory } from './memorySnapshot';
export { parseGuestCatalogue, findGuest, commandLine, paramValue, EMPTY_CATALOGUE, GuestCatalogueError, type GuestCatalogue, type GuestEntry } from './guestCatalogue';
export { assembleGuest, GuestImageCache, GuestProgramError, type GuestSources } from './guestProgram';
export { createMachineFactory, resolveGuest, type GuestLibrary, type MachineFactoryOptions } from './machineFactory';
