/**
 * machineState — the saved form of a whole machine (what `Machine.save()` returns and the
 * builder's restore path consumes): plain, structured-clone-safe data with its own format tag
 * and version (independent of the app version).
 *
 * Interface: `MachineCoreState` (everything but guest memory: what a move sends besides the pages,
 * `Machine.saveCore()`), `MachineState` (core + memory, `Machine.save()`), `MachineCrash`,
 * `MachineOwnCounters`, `MACHINE_STATE_FORMAT`, `MACHINE_STATE_VERSION`, `isMachineCoreState(x)`,
 * `isMachineState(x)` (a core state with memory).
 * Rules: guest memory pages are shared copy-on-write with the machine that saved them
 * (memorySnapshot.ts): treat a state as immutable. Bump the version on any incompatible change
 * (fields added as optional, read with defaults, are compatible).
 */
import type { CpuSaved } from '../cpu/index';
import type { DeviceSetState } from '../devices/index';
import type { DirtyTrackerState, GuestMemoryState } from '../memory/index';
import type { GuestCrash } from '../vm/guestMachine';
import type { BootImage } from './bootImage';
import type { MachineConfig } from './machineConfig';
import type { VcpuSlotState } from './vcpuSlot';

export const MACHINE_STATE_FORMAT = 'hvlab.machine';
export const MACHINE_STATE_VERSION = 1;

export interface MachineCrash extends GuestCrash {
  /** vCPU on which the crash happened. */
  vcpu: number;
  /** Exception cause of the last fault (isa CAUSE_*), when the CPU reported one. */
  cause?: number;
}

/** Counters of the machine itself (the CPUs and devices keep their own). */
export interface MachineOwnCounters {
  /** The host resumed a vCPU after virtual time passed without it (VM entry after deschedule/halt). */
  worldSwitches: number;
  /** Guest-requested machine resets. */
  reboots: number;
  /** Internal errors converted into a crash (should stay 0). */
  internalErrors: number;
}

/** A machine without its memory: vCPUs, devices, monitors, dirty log, config and image. */
export interface MachineCoreState {
  format: typeof MACHINE_STATE_FORMAT;
  version: typeof MACHINE_STATE_VERSION;
  config: MachineConfig;
  image: BootImage;
  poweredOff: boolean;
  crash: MachineCrash | null;
  vcpus: { slot: VcpuSlotState; cpu: CpuSaved; monitor: unknown }[];
  devices: DeviceSetState;
  counters: MachineOwnCounters;
  /** Counters of CPUs discarded by guest reboots (added to the live ones). */
  retired: Record<string, number>;
  /** The dirty-page log when it was on (machineDirtyLog.ts); absent or null = off (older saves have none). */
  dirtyLog?: DirtyTrackerState | null;
  /** The reset watchdog's recent resets (machine.ts); absent in older saves = none. */
  resetTimesNs?: number[];
}

export interface MachineState extends MachineCoreState {
  memory: GuestMemoryState;
}

export function isMachineCoreState(x: unknown): x is MachineCoreState {
  return typeof x === 'object' && x !== null && (x as { format?: unknown }).format === MACHINE_STATE_FORMAT;
}

export function isMachineState(x: unknown): x is MachineState {
  return isMachineCoreState(x) && typeof (x as { memory?: unknown }).memory === 'object' && (x as { memory?: unknown }).memory !== null;
}
