/**
 * newVm — the one constructor of inventory VMs and templates, shared by scenario files (`model.ts`),
 * New Virtual Machine (`vm.create`), Clone and Deploy from template (`inventoryOps.ts`).
 *
 * - `VM_DEFAULTS`: what a VM gets when a field is left out (within the limits of @shared/model/vmLimits).
 * - `VmFields`: the settings it is made from (`Partial<VmSettings>`, @shared/model/vmHardware).
 * - `newVm(reg, placement, fields)` allocates an id, fills defaults, registers and returns the VM.
 * - `mergeFields(base, over)` (scenario VM over its template), `fieldsOf(vm)` (for cloning),
 *   `workloadProblem(name, catalogue)` (a workload must name a guest program of the catalogue),
 *   `workloadParamsProblem(workload, params, guestParams)` (its parameters within the declared ranges).
 *
 * Rule: VMs are born powered off; MAC addresses derive from the VM number (deterministic).
 */
import type { DatacenterId, DatastoreId, HostId, NetworkId } from '@shared/model/ids';
import type { VmFields, VmSettings } from '@shared/model/vmHardware';
import { memoryMiBOf } from '@shared/model/vmHardware';
import { hasOwn } from '@shared/api/schema';
import type { GuestParamDto } from '@shared/model/guestParams';
import { guestParamProblem } from '@shared/model/guestParams';
import type { Registry, Vm } from './registry';
import { CPU_SHARES_PER_VCPU_NORMAL } from '../params';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const VM_DEFAULTS = {
  vcpus: 1, memoryMiB: 64, guestOs: 'labos (teaching OS)', monitor: 'interp', paging: 'shadow',
  pageTableLevels: 2, workload: 'idle', diskGiB: 1, hardwareVersion: 'vmx-19', cpuReservationMhz: 0, cpuLimitMhz: -1,
} as const satisfies Partial<VmSettings> & { hardwareVersion: string };

/** A VM's settings as a scenario, `vm.create` or a clone gives them (@shared/model/vmHardware). */
export type { VmFields };

export interface VmPlacement {
  name: string;
  datacenterId: DatacenterId;
  hostId?: HostId;
  datastoreId: DatastoreId;
  networkId: NetworkId;
  isTemplate?: boolean;
}

/** VMware's OUI for manually assigned MACs is 00:50:56; we use it with the VM number for realism. */
export function macFor(n: number): string {
  const b = (x: number) => x.toString(16).padStart(2, '0');
  return `00:50:56:${b((n >> 16) & 0x3f)}:${b((n >> 8) & 0xff)}:${b(n & 0xff)}`;
}

/**
 * A program's parameters outside the ranges its catalogue entry declares (`guestParams`): the first one,
 * with its key, in the words the forms use (@shared/model/guestParams). Keys the program does not declare
 * are left alone: labos itself reads some (the timer's `tick_us`). Undefined: nothing to refuse, or no
 * catalogue (tests without one).
 */
export function workloadParamsProblem(
  workload: string, params: Readonly<Record<string, number>> | undefined, catalogue: ReadonlyMap<string, readonly GuestParamDto[]> | undefined,
): { key: string; message: string } | undefined {
  const declared = catalogue?.get(workload);
  if (!declared || !params) return undefined;
  for (const p of declared) {
    if (!hasOwn(params, p.key)) continue;
    const message = guestParamProblem(p, params[p.key]);
    if (message) return { key: p.key, message: `${workload}: ${message}` };
  }
  return undefined;
}

/**
 * Why `name` is not a workload this lab can run (`known`: the guest catalogue the engine was given), or
 * undefined. Checked where a workload name enters (vm.create, vm.reconfigure, scenario files), so a VM
 * never holds a name that fails later at power-on.
 */
export function workloadProblem(name: string | undefined, known: ReadonlySet<string> | undefined): string | undefined {
  if (name === undefined || !known || known.has(name)) return undefined;
  const list = [...known].sort();
  return `no guest program named "${name.length > 40 ? `${name.slice(0, 37)}…` : name}"${list.length ? ` (available: ${list.join(', ')})` : ''}`;
}

/** Every field of `VmFields`: copies go field by field, never by the keys an input object happens to carry. */
const VM_FIELD_KEYS = [
  'vcpus', 'memoryMiB', 'guestOs', 'monitor', 'paging', 'pageTableLevels', 'workload', 'workloadParams', 'diskGiB',
  'cpuShares', 'cpuReservationMhz', 'cpuLimitMhz', 'cpuHotAddEnabled', 'memoryHotAddEnabled',
] as const satisfies readonly (keyof VmFields)[];

/** Overrides `base` with the defined fields of `over` (scenario VM over its template); only own, known fields. */
export function mergeFields(base: VmFields, over: VmFields): VmFields {
  const out: Record<string, unknown> = {};
  for (const k of VM_FIELD_KEYS) {
    const v = hasOwn(over, k) && over[k] !== undefined ? over[k] : hasOwn(base, k) ? base[k] : undefined;
    if (v !== undefined) out[k] = k === 'workloadParams' ? { ...(v as Record<string, number>) } : v;
  }
  return out as VmFields;
}

export function newVm(reg: Registry, at: VmPlacement, f: VmFields): Vm {
  const id = reg.allocate('vm');
  const n = Number(id.slice(3));
  const vcpus = f.vcpus ?? VM_DEFAULTS.vcpus;
  const vm: Vm = {
    id, name: at.name, datacenterId: at.datacenterId, hostId: at.hostId, isTemplate: at.isTemplate ?? false,
    guestOs: f.guestOs ?? VM_DEFAULTS.guestOs, hardwareVersion: VM_DEFAULTS.hardwareVersion, vcpus,
    memoryBytes: (f.memoryMiB ?? VM_DEFAULTS.memoryMiB) * MiB,
    cpuHotAddEnabled: f.cpuHotAddEnabled ?? false, memoryHotAddEnabled: f.memoryHotAddEnabled ?? false,
    disks: [{ label: 'Hard disk 1', capacityBytes: (f.diskGiB ?? VM_DEFAULTS.diskGiB) * GiB, datastoreId: at.datastoreId }],
    nics: [{ label: 'Network adapter 1', networkId: at.networkId, macAddress: macFor(n), connected: true }],
    monitor: f.monitor ?? VM_DEFAULTS.monitor, paging: f.paging ?? VM_DEFAULTS.paging,
    pageTableLevels: f.pageTableLevels ?? VM_DEFAULTS.pageTableLevels,
    workload: f.workload ?? VM_DEFAULTS.workload, workloadParams: { ...(f.workloadParams ?? {}) },
    powerState: 'poweredOff', guestState: 'notRunning', toolsStatus: 'toolsNotRunning',
    cpuShares: f.cpuShares ?? CPU_SHARES_PER_VCPU_NORMAL * vcpus, cpuReservationMhz: f.cpuReservationMhz ?? VM_DEFAULTS.cpuReservationMhz,
    cpuLimitMhz: f.cpuLimitMhz ?? VM_DEFAULTS.cpuLimitMhz, poweredOnAtMs: 0, uptimeCarriedMs: 0, bootCount: 0,
  };
  reg.vms.set(id, vm);
  return vm;
}

/** The fields of an existing VM, for cloning. */
export function fieldsOf(vm: Vm): VmFields {
  return {
    vcpus: vm.vcpus, memoryMiB: memoryMiBOf(vm), guestOs: vm.guestOs, monitor: vm.monitor,
    paging: vm.paging, pageTableLevels: vm.pageTableLevels, workload: vm.workload, workloadParams: { ...vm.workloadParams },
    diskGiB: Math.max(1, Math.round((vm.disks[0]?.capacityBytes ?? GiB) / GiB)), cpuShares: vm.cpuShares,
    cpuReservationMhz: vm.cpuReservationMhz, cpuLimitMhz: vm.cpuLimitMhz,
    cpuHotAddEnabled: vm.cpuHotAddEnabled, memoryHotAddEnabled: vm.memoryHotAddEnabled,
  };
}
