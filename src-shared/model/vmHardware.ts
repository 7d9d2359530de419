/**
 * vmHardware — a VM's configuration, kept apart from its runtime state (Firecracker's rule): the virtual
 * hardware and guest choices, and the CPU allocation. Every layer that holds a VM's configuration derives
 * its type from these instead of re-declaring the fields.
 *
 * - `VmHardware`: the configuration as the lab stores and shows it (sizes in bytes, like every DTO): the
 *   inventory VM (`engine/cluster/registry.ts` `Vm`), `VmDto`, and a snapshot's saved configuration are
 *   this type plus their own fields.
 * - `GuestHardware`: the part a guest machine is built from (the engine's `GuestConfig`; converted to the
 *   machine's config in one place, `engine/machine/machineConfig.ts` `machineConfigOfVm`).
 * - `VmCpuAllocation`: shares, reservation and limit (vSphere's CPU resource allocation).
 * - `VmSettings`: what a user sets — the same fields, with sizes in whole MiB and GiB as vSphere's config
 *   spec has them (`memoryMB`); `VmFields` = `Partial<VmSettings>` is what the contract's `vm.create` /
 *   `vm.reconfigure`, scenario files and the forms carry. `memoryMiBOf(hw)` is the one MiB ↔ bytes rule.
 * - `hardwareOf(x)`: the configuration part of a VM (a copy), e.g. what a snapshot keeps.
 *
 * Rules: plain, structured-clone-safe data; the limits on every field are in `vmLimits.ts` (one table for
 * schemas, scenario validation, forms and the machine).
 */
import type { MonitorKind, PagingMode } from './inventory';

/** Page-table levels an HV32 VM can use (docs/isa.md §5.2: 10+10 or 5+5+5+5 bits of a 32-bit address). */
export const PAGE_TABLE_LEVELS = [2, 4] as const;
export type PageTableLevels = (typeof PAGE_TABLE_LEVELS)[number];

export interface VmHardware {
  vcpus: number;
  memoryBytes: number;
  guestOs: string;
  monitor: MonitorKind;
  /** The paging setting; what actually runs depends on the monitor too (mmuVirtualization.ts). */
  paging: PagingMode;
  pageTableLevels: PageTableLevels;
  /** Guest program the VM boots (a name from resources/guests) and its parameters. */
  workload: string;
  workloadParams: Record<string, number>;
  cpuHotAddEnabled: boolean;
  memoryHotAddEnabled: boolean;
}

/** What the guest machine is built from: the hot-add switches only govern the lab's Edit Settings rules. */
export type GuestHardware = Omit<VmHardware, 'cpuHotAddEnabled' | 'memoryHotAddEnabled'>;

export interface VmCpuAllocation {
  cpuShares: number;
  cpuReservationMhz: number;
  /** -1 = unlimited. */
  cpuLimitMhz: number;
}

/** A VM's configuration in the units a user types: memory in whole MiB, the first disk in whole GiB. */
export interface VmSettings extends Omit<VmHardware, 'memoryBytes'>, VmCpuAllocation {
  memoryMiB: number;
  diskGiB: number;
}

/** Some of a VM's settings: a create or edit request, a scenario entry, a template's fields. */
export type VmFields = Partial<VmSettings>;

const MiB = 1024 * 1024;

/** Configured memory in MiB (the lab only ever configures whole MiB). */
export function memoryMiBOf(hw: Pick<VmHardware, 'memoryBytes'>): number {
  return Math.round(hw.memoryBytes / MiB);
}

/** The configuration of anything that carries one (an inventory VM, a `VmDto`): a copy, parameters included. */
export function hardwareOf(x: VmHardware): VmHardware {
  return {
    vcpus: x.vcpus, memoryBytes: x.memoryBytes, guestOs: x.guestOs, monitor: x.monitor, paging: x.paging,
    pageTableLevels: x.pageTableLevels, workload: x.workload, workloadParams: { ...x.workloadParams },
    cpuHotAddEnabled: x.cpuHotAddEnabled, memoryHotAddEnabled: x.memoryHotAddEnabled,
  };
}
