/**
 * vmLimits — the one table of limits on a VM's configuration, and the rules for changing it while it
 * runs. Every layer reads it: the contract's schemas (`src-shared/api/vmSettingsSchema.ts`, used by
 * `vm.create`, `vm.reconfigure` and scenario files), the renderer's field validation and inputs, and the
 * guest machine (`engine/machine/machineConfig.ts`). So a value beyond a limit is refused where it is
 * entered, with the same message in an API error, a scenario error and a form, and nothing accepted
 * fails later (at power-on, or in the guest).
 *
 * - `VM_LIMITS`: per setting, its bounds; each bound is what the HV32 machine or labos can carry.
 * - `vmLimitMessage(setting)`: the one sentence for a value outside its limit, in the user's words
 *   (the field travels beside it, as an error's `field`).
 * - `vmSettingProblem(setting, value)`: that sentence when a well-typed value is out of bounds.
 * - `workloadParamsProblem(params)` → `{ key?, message }`: how many parameters, their names and values.
 * - `cpuAllocationProblem(allocation)`: a CPU limit below the reservation.
 * - `runningChangeProblem(vm, changes)` → `{ setting, message }`: what may change while a VM is not
 *   powered off (CPU and memory hot add: increases only, and only when enabled; the rest of the
 *   hardware only while powered off).
 * - `MAX_VM_MEMORY_BYTES`, `MAX_VM_DISK_BYTES`, `SETTING_LABELS`.
 *
 * Rules: pure data and functions, no imports but types and the shared model; a new limit goes here and
 * nowhere else (the schema, the forms and the machine pick it up).
 */
import type { VmPowerState } from './inventory';
import type { VmFields, VmHardware, VmSettings } from './vmHardware';
import { PAGE_TABLE_LEVELS, memoryMiBOf } from './vmHardware';
import { POWER_STATE_LABELS } from './vmPower';

interface Range { readonly min: number; readonly max: number }

export const VM_LIMITS = {
  /** The machine's START instruction takes a 32-bit mask of CPUs to start (docs/isa.md §9). */
  vcpus: { min: 1, max: 32 },
  /** HV32 physical addresses are 32 bits: 4 GiB of guest-physical memory at most. */
  memoryMiB: { min: 1, max: 4096 },
  /** The disk reports its capacity as a 32-bit count of 512-byte sectors: just under 2 TiB. */
  diskGiB: { min: 1, max: 2047 },
  pageTableLevels: PAGE_TABLE_LEVELS,
  /** vSphere's range for custom shares. */
  cpuShares: { min: 1, max: 1_000_000 },
  cpuReservationMhz: { min: 0, max: 1_000_000 },
  /** -1 = unlimited. */
  cpuLimitMhz: { min: -1, max: 1_000_000 },
  guestOs: { maxLength: 80 },
  workload: { minLength: 1, maxLength: 64 },
  workloadParams: {
    /** labos keeps this many key=value pairs from its command line (MAXPARAMS in labos/param.inc). */
    maxCount: 16,
    /** labos compares keys of up to 15 characters (longer ones are cut, and would never match). */
    keyMaxLength: 15,
    /** labos reads values as 32-bit numbers (parse_num in labos/string.s). */
    valueMin: -(2 ** 31),
    valueMax: 2 ** 32 - 1,
  },
} as const satisfies Partial<Record<keyof VmSettings, unknown>>;

/** The settings whose limit is a range of whole numbers. */
export type RangeSetting = 'vcpus' | 'memoryMiB' | 'diskGiB' | 'cpuShares' | 'cpuReservationMhz' | 'cpuLimitMhz';
const RANGES: Record<RangeSetting, Range> = VM_LIMITS;

export const MAX_VM_MEMORY_BYTES = VM_LIMITS.memoryMiB.max * 1024 * 1024;
export const MAX_VM_DISK_BYTES = VM_LIMITS.diskGiB.max * 1024 * 1024 * 1024;

/** Each setting in the user's words, for messages. */
export const SETTING_LABELS: Readonly<Record<keyof VmSettings, string>> = {
  vcpus: 'The number of virtual CPUs', memoryMiB: 'Memory', diskGiB: 'The hard disk size', guestOs: 'The guest OS',
  monitor: 'The monitor', paging: 'The paging mode', pageTableLevels: 'Page-table levels', workload: 'The workload',
  workloadParams: 'Workload parameters', cpuHotAddEnabled: 'CPU hot add', memoryHotAddEnabled: 'Memory hot add',
  cpuShares: 'CPU shares', cpuReservationMhz: 'The CPU reservation', cpuLimitMhz: 'The CPU limit',
};

const L = VM_LIMITS;
const P = L.workloadParams;
const MESSAGES = {
  vcpus: `A virtual machine has ${L.vcpus.min} to ${L.vcpus.max} virtual CPUs: the HV32 machine starts at most ${L.vcpus.max} (its CPU start mask is 32 bits).`,
  memoryMiB: `Memory must be ${L.memoryMiB.min} MB to ${L.memoryMiB.max} MB: the HV32 machine addresses at most 4 GB (32-bit physical addresses).`,
  diskGiB: `A hard disk holds ${L.diskGiB.min} GB to ${L.diskGiB.max} GB: the disk reports its size as a 32-bit count of 512-byte sectors.`,
  pageTableLevels: `Page tables have ${PAGE_TABLE_LEVELS.join(' or ')} levels.`,
  cpuShares: `CPU shares must be ${L.cpuShares.min} to ${L.cpuShares.max}.`,
  cpuReservationMhz: `A CPU reservation must be ${L.cpuReservationMhz.min} to ${L.cpuReservationMhz.max} MHz.`,
  cpuLimitMhz: `A CPU limit must be 0 to ${L.cpuLimitMhz.max} MHz, or -1 for unlimited.`,
  guestOs: `A guest OS name has at most ${L.guestOs.maxLength} characters.`,
  workload: `A workload name has ${L.workload.minLength} to ${L.workload.maxLength} characters.`,
  workloadParams: `A workload takes at most ${P.maxCount} parameters: labos keeps ${P.maxCount} from its command line.`,
} as const;
export type LimitedSetting = keyof typeof MESSAGES;

export function vmLimitMessage(setting: LimitedSetting): string {
  return MESSAGES[setting];
}

/** The limit's message when a value of the right type is outside it; undefined when it is inside. */
export function vmSettingProblem(setting: LimitedSetting, value: number | string): string | undefined {
  if (setting === 'pageTableLevels') return (PAGE_TABLE_LEVELS as readonly unknown[]).includes(value) ? undefined : MESSAGES.pageTableLevels;
  if (setting === 'guestOs') return String(value).length <= L.guestOs.maxLength ? undefined : MESSAGES.guestOs;
  if (setting === 'workload') {
    const n = String(value).length;
    if (n < L.workload.minLength || n > L.workload.maxLength) return MESSAGES.workload;
    // A guest program's name (the engine checks it exists): never a path or an object key like "__proto__".
    return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(String(value)) ? undefined : 'must be the name of a guest program (letters, digits, ".", "_" or "-")';
  }
  if (setting === 'workloadParams') return undefined;
  const r = RANGES[setting];
  return typeof value === 'number' && value >= r.min && value <= r.max ? undefined : MESSAGES[setting];
}

const PARAM_KEY = new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${P.keyMaxLength - 1}}$`);

/** Workload parameters (keys and values already known to be a plain object): `key` names the bad one. */
export function workloadParamsProblem(params: Readonly<Record<string, unknown>>): { key?: string; message: string } | undefined {
  const keys = Object.keys(params);
  if (keys.length > P.maxCount) return { message: MESSAGES.workloadParams };
  for (const key of keys) {
    // Names every plain object already has (`constructor`, `toString`…) are never parameter names from input.
    if (!PARAM_KEY.test(key) || key in Object.prototype) {
      return { key, message: `"${key.slice(0, 32)}" is not a workload parameter name: use 1 to ${P.keyMaxLength} letters, digits or _, starting with a letter (labos reads ${P.keyMaxLength} characters).` };
    }
    const v = params[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < P.valueMin || v > P.valueMax) {
      return { key, message: `Workload parameter ${key} must be a whole number from ${P.valueMin} to ${P.valueMax}: labos reads 32-bit numbers.` };
    }
  }
  return undefined;
}

/** A CPU limit (other than unlimited) must be at least the reservation. */
export function cpuAllocationProblem(a: { cpuReservationMhz: number; cpuLimitMhz: number }): string | undefined {
  if (a.cpuLimitMhz === -1 || a.cpuLimitMhz >= a.cpuReservationMhz) return undefined;
  return `The CPU limit (${a.cpuLimitMhz} MHz) must be at least the reservation (${a.cpuReservationMhz} MHz).`;
}

/** The settings that change only while the VM is powered off (vCPUs and memory may grow by hot add). */
const POWERED_OFF_ONLY = ['monitor', 'paging', 'pageTableLevels', 'workload', 'workloadParams', 'cpuHotAddEnabled', 'memoryHotAddEnabled'] as const;

export interface RunningVm extends VmHardware {
  name: string;
  powerState: VmPowerState;
}

/**
 * Edit Settings on a VM that is not powered off: vCPUs and memory may only grow, and only with hot add
 * enabled and the VM powered on (the running guest, which has no hot-plug driver, sees the added
 * resources after its next restart); the other hardware settings change only while powered off.
 * Shares, reservation and limit change any time. A setting given with its current value is no change.
 */
export function runningChangeProblem(vm: RunningVm, ch: VmFields): { setting: keyof VmSettings; message: string } | undefined {
  if (vm.powerState === 'poweredOff') return undefined;
  const state = POWER_STATE_LABELS[vm.powerState].toLowerCase();
  const hot = (setting: 'vcpus' | 'memoryMiB', enabled: boolean, current: number, next: number | undefined) => {
    if (next === undefined || next === current) return undefined;
    const what = SETTING_LABELS[setting];
    if (vm.powerState !== 'poweredOn') return { setting, message: `${what} can change only while ${vm.name} is powered off (it is ${state}).` };
    if (!enabled) return { setting, message: `${what} can change only while ${vm.name} is powered off (hot add is not enabled).` };
    if (next < current) return { setting, message: `${what} can only be increased while ${vm.name} is powered on (hot add; hot remove is not supported).` };
    return undefined;
  };
  const problem = hot('vcpus', vm.cpuHotAddEnabled, vm.vcpus, ch.vcpus) ?? hot('memoryMiB', vm.memoryHotAddEnabled, memoryMiBOf(vm), ch.memoryMiB);
  if (problem) return problem;
  for (const setting of POWERED_OFF_ONLY) {
    const next = ch[setting];
    if (next !== undefined && JSON.stringify(next) !== JSON.stringify(vm[setting])) {
      return { setting, message: `${SETTING_LABELS[setting]} can change only while ${vm.name} is powered off (it is ${state}).` };
    }
  }
  return undefined;
}
