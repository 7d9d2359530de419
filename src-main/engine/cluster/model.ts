/**
 * Builds a lab's inventory from a validated scenario, govmomi-Model style: counts become objects with
 * predictable names (DC0, DC0_C0, DC0_C0_H1, DC0_C0_H1_VM2) and ids in creation order.
 *
 * - `buildInventory(registry, scenario, nowMs)` fills an empty registry; returns VMs marked to power on.
 *
 * Rule: deterministic — the same scenario always yields the same ids, names and MAC addresses.
 */
import type { Registry, Host, Vm } from './registry';
import type { Scenario, HostTemplate, VmTemplate } from '../scenario/scenarioSchema';
import type { ClusterId, DatacenterId, DatastoreId, NetworkId, VmId } from '@shared/model/ids';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Defaults for hosts when a scenario leaves a field out: a modest 2-socket server. */
export const HOST_DEFAULTS = {
  vendor: 'Hypervisor Lab', model: 'HVL-2S Simulated Server', cpuModel: 'HVL Teaching CPU @ 2.40GHz',
  sockets: 2, coresPerSocket: 4, threadsPerCore: 1, cpuMhz: 2400, memoryGiB: 16,
  hypervisorVersion: 'HVL Hypervisor 1.0.0 (engine)',
} as const;

/** Defaults for VMs when a scenario leaves a field out. */
export const VM_DEFAULTS = {
  vcpus: 1, memoryMiB: 64, guestOs: 'labos (teaching OS)', monitor: 'interp', paging: 'shadow',
  pageTableLevels: 2, workload: 'cpu', diskGiB: 1, hardwareVersion: 'vmx-19',
} as const;

export function buildInventory(reg: Registry, scenario: Scenario, nowMs: number): VmId[] {
  const toPowerOn: VmId[] = [];
  scenario.datacenters.forEach((dcSpec, dcIndex) => {
    const dcName = dcSpec.name ?? `DC${dcIndex}`;
    const dcId = reg.allocate('datacenter');
    reg.datacenters.set(dcId, { id: dcId, name: dcName });
    const dsId = reg.allocate('datastore');
    reg.datastores.set(dsId, { id: dsId, name: `${dcName}_datastore1`, datacenterId: dcId, capacityBytes: 2048 * GiB, hostIds: [] });
    const netId = reg.allocate('network');
    reg.networks.set(netId, { id: netId, name: `${dcName}_VM Network`, datacenterId: dcId, hostIds: [] });

    (dcSpec.clusters ?? []).forEach((clSpec, clIndex) => {
      const clName = clSpec.name ?? `${dcName}_C${clIndex}`;
      const clId = reg.allocate('cluster');
      reg.clusters.set(clId, { id: clId, name: clName, datacenterId: dcId, drsEnabled: clSpec.drs ?? false, haEnabled: clSpec.ha ?? false });
      addHosts(reg, clSpec.hosts, clName, dcId, clId, dsId, netId, nowMs, clSpec.vmsPerHost, toPowerOn);
    });
    if (dcSpec.hosts) addHosts(reg, dcSpec.hosts, dcName, dcId, undefined, dsId, netId, nowMs, dcSpec.vmsPerHost, toPowerOn);
  });
  return toPowerOn;
}

function addHosts(reg: Registry, spec: HostTemplate, prefix: string, dcId: DatacenterId, clId: ClusterId | undefined,
  dsId: DatastoreId, netId: NetworkId, nowMs: number, vmSpec: VmTemplate | undefined, toPowerOn: VmId[]): void {
  for (let h = 0; h < spec.count; h++) {
    const hostId = reg.allocate('host');
    const host: Host = {
      id: hostId, name: `${prefix}_H${h}`, datacenterId: dcId, clusterId: clId,
      vendor: spec.vendor ?? HOST_DEFAULTS.vendor, model: spec.model ?? HOST_DEFAULTS.model,
      cpuModel: spec.cpuModel ?? HOST_DEFAULTS.cpuModel, sockets: spec.sockets ?? HOST_DEFAULTS.sockets,
      coresPerSocket: spec.coresPerSocket ?? HOST_DEFAULTS.coresPerSocket,
      threadsPerCore: spec.threadsPerCore ?? HOST_DEFAULTS.threadsPerCore, cpuMhz: spec.cpuMhz ?? HOST_DEFAULTS.cpuMhz,
      memoryBytes: Math.round((spec.memoryGiB ?? HOST_DEFAULTS.memoryGiB) * GiB),
      hypervisorVersion: HOST_DEFAULTS.hypervisorVersion, powerState: 'poweredOn', connectionState: 'connected',
      inMaintenanceMode: false, datastoreIds: [dsId], networkIds: [netId], bootedAtMs: nowMs,
    };
    reg.hosts.set(hostId, host);
    reg.datastores.get(dsId)?.hostIds.push(hostId);
    reg.networks.get(netId)?.hostIds.push(hostId);
    if (!vmSpec) continue;
    for (let v = 0; v < vmSpec.count; v++) {
      const vmId = reg.allocate('vm');
      const n = Number(vmId.slice(3));
      const vm: Vm = {
        id: vmId, name: vmSpec.namePrefix ? `${vmSpec.namePrefix}${n}` : `${host.name}_VM${v}`,
        datacenterId: dcId, hostId, isTemplate: false, guestOs: vmSpec.guestOs ?? VM_DEFAULTS.guestOs,
        hardwareVersion: VM_DEFAULTS.hardwareVersion, vcpus: vmSpec.vcpus ?? VM_DEFAULTS.vcpus,
        memoryBytes: (vmSpec.memoryMiB ?? VM_DEFAULTS.memoryMiB) * MiB, cpuHotAddEnabled: false, memoryHotAddEnabled: false,
        disks: [{ label: 'Hard disk 1', capacityBytes: (vmSpec.diskGiB ?? VM_DEFAULTS.diskGiB) * GiB, datastoreId: dsId }],
        nics: [{ label: 'Network adapter 1', networkId: netId, macAddress: macFor(n), connected: true }],
        monitor: vmSpec.monitor ?? VM_DEFAULTS.monitor, paging: vmSpec.paging ?? VM_DEFAULTS.paging,
        pageTableLevels: vmSpec.pageTableLevels ?? VM_DEFAULTS.pageTableLevels,
        workload: vmSpec.workload ?? VM_DEFAULTS.workload, workloadParams: { ...(vmSpec.workloadParams ?? {}) },
        powerState: 'poweredOff', guestState: 'notRunning', toolsStatus: 'toolsNotRunning',
        cpuShares: 1000 * (vmSpec.vcpus ?? VM_DEFAULTS.vcpus), cpuReservationMhz: 0, cpuLimitMhz: -1,
        poweredOnAtMs: 0, uptimeCarriedMs: 0,
      };
      reg.vms.set(vmId, vm);
      if (vmSpec.powerOn) toPowerOn.push(vmId);
    }
  }
}

/** VMware's OUI for manually assigned MACs is 00:50:56; we use it with the VM number for realism. */
export function macFor(n: number): string {
  const b = (x: number) => x.toString(16).padStart(2, '0');
  return `00:50:56:${b((n >> 16) & 0x3f)}:${b((n >> 8) & 0xff)}:${b(n & 0xff)}`;
}
