/**
 * machineConfig — the configuration of one guest machine (Firecracker keeps config types apart
 * from runtime types): what the builder needs to boot it, and what a saved machine carries.
 *
 * Interface: `MachineConfig` (plain data), `MachineConfigInput` (partial, with defaults),
 * `resolveMachineConfig(input)` → a complete, validated config (throws `MachineConfigError` with
 * the bad field), `machineConfigOfVm(hardware, at)` → the config of a lab VM's machine (the one
 * conversion from @shared/model/vmHardware), `MAX_VCPUS`, `DEFAULT_RTC_EPOCH_SECONDS`, `DEFAULT_DISK_BYTES`.
 * Rules: everything a run depends on is here or in the image, so (config, image, host time
 * sequence) defines a run. `costs` / `timing` override single keys of cpu/costModel.ts and
 * devices/deviceTiming.ts (the one cost table each). The upper limits are the VM limits every layer
 * reads (@shared/model/vmLimits), so a VM the lab accepted always builds; a standalone machine (CLI,
 * tests) may be smaller than a lab VM (16 KiB of memory, no disk).
 */
import type { CostModel } from '../cpu/index';
import type { DeviceTiming } from '../devices/index';
import type { PagingOptions } from '../mmu/index';
import { effectivePaging } from '@shared/model/mmuVirtualization';
import type { GuestHardware } from '@shared/model/vmHardware';
import { PAGE_TABLE_LEVELS } from '@shared/model/vmHardware';
import { MAX_VM_DISK_BYTES, VM_LIMITS, vmLimitMessage } from '@shared/model/vmLimits';
import { DEFAULT_CLOCK_HZ, DEFAULT_GUEST_MEMORY_BYTES, DEFAULT_PAGE_TABLE_LEVELS, DEFAULT_TLB_ENTRIES, DEFAULT_TLB_WAYS, MAX_GUEST_MEMORY_BYTES, PAGE_SIZE_BYTES } from '../params';

/** Most vCPUs a machine can have (START reads back a 32-bit mask): the VM limit. */
export const MAX_VCPUS = VM_LIMITS.vcpus.max;
/** Virtual wall clock at power-on when the scenario sets none: 2025-01-01T00:00:00Z. */
export const DEFAULT_RTC_EPOCH_SECONDS = 1_735_689_600;
/** Size of the machine's own disk when the VM attaches none (8 MiB). */
export const DEFAULT_DISK_BYTES = 8 * 1024 * 1024;

export interface MachineConfig {
  vcpus: number;
  memoryBytes: number;
  /** Page-table levels (docs/isa.md §5.2). */
  levels: 2 | 4;
  /** Monitor name: 'interp' | 'te' | 'bt' | 'hw' | 'pv' (monitors/index.ts MONITOR_KINDS; others through the builder's `createMonitor`). */
  monitor: string;
  /** Clock rate (Hz) that converts cycles to virtual time. */
  clockHz: number;
  /** Command line written into the boot parameter block. */
  cmdline: string;
  /** VM time (ns) at power-on: the machine's clocks start here. */
  bootNs: number;
  rtcEpochSeconds: number;
  diskBytes: number;
  tlbEntries: number;
  tlbWays: number;
  costs: Partial<CostModel>;
  timing: Partial<DeviceTiming>;
  /** Memory-virtualization options passed to every CPU (mmu/pager.ts: native | shadow | nested, large pages…); absent = native. */
  paging?: PagingOptions;
}

export type MachineConfigInput = Partial<MachineConfig>;

/** The cycle costs a machine charges (THE table: cpu/costModel.ts). */
export type MachineCostModel = CostModel;

export class MachineConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

export function resolveMachineConfig(input: MachineConfigInput = {}): MachineConfig {
  const c: MachineConfig = {
    vcpus: input.vcpus ?? 1,
    memoryBytes: input.memoryBytes ?? DEFAULT_GUEST_MEMORY_BYTES,
    levels: input.levels ?? DEFAULT_PAGE_TABLE_LEVELS,
    monitor: input.monitor ?? 'interp',
    clockHz: input.clockHz ?? DEFAULT_CLOCK_HZ,
    cmdline: input.cmdline ?? '',
    bootNs: input.bootNs ?? 0,
    rtcEpochSeconds: input.rtcEpochSeconds ?? DEFAULT_RTC_EPOCH_SECONDS,
    diskBytes: input.diskBytes ?? DEFAULT_DISK_BYTES,
    tlbEntries: input.tlbEntries ?? DEFAULT_TLB_ENTRIES,
    tlbWays: input.tlbWays ?? DEFAULT_TLB_WAYS,
    costs: { ...input.costs },
    timing: { ...input.timing },
  };
  if (input.paging) c.paging = { ...input.paging };
  if (!Number.isInteger(c.vcpus) || c.vcpus < 1 || c.vcpus > MAX_VCPUS) throw new MachineConfigError('vcpus', `${vmLimitMessage('vcpus')} Got ${c.vcpus}.`);
  if (!Number.isInteger(c.memoryBytes) || c.memoryBytes < 4 * PAGE_SIZE_BYTES || c.memoryBytes % PAGE_SIZE_BYTES !== 0 || c.memoryBytes > MAX_GUEST_MEMORY_BYTES) {
    throw new MachineConfigError('memoryBytes', `must be a multiple of ${PAGE_SIZE_BYTES} from 16 KiB to 4 GiB, got ${c.memoryBytes}`);
  }
  if (!(PAGE_TABLE_LEVELS as readonly number[]).includes(c.levels)) throw new MachineConfigError('levels', `${vmLimitMessage('pageTableLevels')} Got ${String(c.levels)}.`);
  if (!(c.clockHz > 0) || !Number.isFinite(c.clockHz)) throw new MachineConfigError('clockHz', `must be a positive number, got ${c.clockHz}`);
  if (!Number.isFinite(c.bootNs)) throw new MachineConfigError('bootNs', 'must be finite');
  if (!Number.isInteger(c.diskBytes) || c.diskBytes < 0 || c.diskBytes > MAX_VM_DISK_BYTES) {
    throw new MachineConfigError('diskBytes', `must be a whole number of bytes up to ${MAX_VM_DISK_BYTES} (${vmLimitMessage('diskGiB')}), got ${c.diskBytes}`);
  }
  return c;
}

/**
 * The machine config of a lab VM: its hardware (units: bytes; the VM's own page-table levels and
 * monitor), the paging the monitor runs (`effectivePaging`: no `paging` at all when native, so a
 * native machine's config is what it always was), the host's clock, the boot time and the command line.
 * `defaults` fill what a VM does not set (disk size, RTC epoch, cost overrides, paging options such as
 * debugChecks). Large pages and TLB tags stay off: guest-visible machine parameters the lab does not offer.
 */
export function machineConfigOfVm(
  hw: GuestHardware, at: { clockHz: number; bootNs: number; cmdline: string }, defaults: MachineConfigInput = {},
): MachineConfigInput {
  const mode = effectivePaging(hw.monitor, hw.paging);
  const paging = mode === 'native' && !defaults.paging ? undefined : { ...defaults.paging, mode };
  return {
    ...defaults, vcpus: hw.vcpus, memoryBytes: hw.memoryBytes, levels: hw.pageTableLevels, monitor: hw.monitor,
    clockHz: at.clockHz, bootNs: at.bootNs, cmdline: at.cmdline, ...(paging ? { paging } : {}),
  };
}
