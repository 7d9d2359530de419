/**
 * Maps the engine's internal objects to the contract's DTOs (plain, structured-clone-safe copies).
 *
 * Rule: the only place that knows both shapes; DTOs never share arrays or objects with engine state.
 */
import type { DatastoreDto, EntityDto, HostDto, InventoryDto, VmDto } from '@shared/model/inventory';
import type { ClusterId, DatacenterId, DatastoreId, HostId, NetworkId, ResourcePoolId, VmId } from '@shared/model/ids';
import { kindOfId } from '@shared/model/ids';
import { memReclamationOf } from '@shared/model/memoryReclamation';
import type { Lab } from '../lab/index';
import type { Datastore, Host, ResourcePool, Vm } from '../cluster/index';
import type { ResourcePoolDto } from '@shared/model/resourcePool';
import type { InventoryOutlineDto, VmOutlineDto } from '@shared/model/inventoryOutline';
import { poolShareLevelOf } from '@shared/model/resourcePool';
import { uptimeMs } from '../vm/index';

/**
 * The guest's run state now, as its host's owner reports it (running or halted changes inside a segment,
 * and at once when an interrupt wakes a halted vCPU); the inventory's facts for a crashed guest or a VM
 * with no machine.
 */
function liveGuestState(lab: Lab, vm: Vm): Vm['guestState'] {
  if (vm.guestState === 'crashed' || !vm.hostId) return vm.guestState;
  return lab.owners.get(vm.hostId)?.guestRunState(vm.id) ?? vm.guestState;
}

export function vmToDto(lab: Lab, vm: Vm): VmDto {
  const rt = lab.runtimes.get(vm.id);
  const host = vm.hostId ? lab.reg.hosts.get(vm.hostId) : undefined;
  const dto: VmDto = {
    id: vm.id, name: vm.name, datacenterId: vm.datacenterId, isTemplate: vm.isTemplate, guestOs: vm.guestOs,
    hardwareVersion: vm.hardwareVersion, vcpus: vm.vcpus, memoryBytes: vm.memoryBytes,
    cpuHotAddEnabled: vm.cpuHotAddEnabled, memoryHotAddEnabled: vm.memoryHotAddEnabled,
    disks: vm.disks.map((d) => ({ ...d })), nics: vm.nics.map((n) => ({ ...n })),
    monitor: vm.monitor, paging: vm.paging, pageTableLevels: vm.pageTableLevels,
    workload: vm.workload, workloadParams: { ...vm.workloadParams },
    powerState: vm.powerState, guestState: liveGuestState(lab, vm),
    toolsStatus: vm.toolsStatus, snapshotCount: rt?.snapshots.size ?? 0, uptimeMs: uptimeMs(vm, lab.clock.nowMs),
    cpuShares: vm.cpuShares, cpuReservationMhz: vm.cpuReservationMhz, cpuLimitMhz: vm.cpuLimitMhz,
  };
  if (vm.hostId) dto.hostId = vm.hostId;
  if (host?.clusterId) dto.clusterId = host.clusterId;
  if (vm.resourcePoolId) dto.resourcePoolId = vm.resourcePoolId;
  if (vm.crashReason) dto.crashReason = vm.crashReason;
  if (vm.ipAddress) dto.ipAddress = vm.ipAddress;
  if (rt?.snapshots.currentId) dto.currentSnapshotId = rt.snapshots.currentId;
  const alarm = lab.alarms.statusOf(vm.id);
  if (alarm !== 'green') dto.alarmStatus = alarm;
  return dto;
}

export function hostToDto(lab: Lab, host: Host): HostDto {
  const dto: HostDto = {
    id: host.id, name: host.name, datacenterId: host.datacenterId, kind: 'simulated',
    vendor: host.vendor, model: host.model, cpuModel: host.cpuModel, sockets: host.sockets,
    coresPerSocket: host.coresPerSocket, threadsPerCore: host.threadsPerCore, cpuMhz: host.cpuMhz,
    memoryBytes: host.memoryBytes, hypervisorVersion: host.hypervisorVersion, powerState: host.powerState,
    connectionState: host.connectionState, inMaintenanceMode: host.inMaintenanceMode,
    vmIds: lab.reg.vmsOnHost(host.id).map((v) => v.id), datastoreIds: [...host.datastoreIds],
    networkIds: [...host.networkIds],
    uptimeMs: host.powerState === 'poweredOn' ? lab.clock.nowMs - host.bootedAtMs : 0,
    memoryReclamation: memReclamationOf(host.memoryReclamation),
    hardwareAssist: !host.noHardwareAssist,
  };
  if (host.clusterId) dto.clusterId = host.clusterId;
  const alarm = lab.alarms.statusOf(host.id);
  if (alarm !== 'green') dto.alarmStatus = alarm;
  return dto;
}

/** The whole inventory (`withVms` false: its VM list left empty, for the outline to fill). */
export function inventoryToDto(lab: Lab, withVms = true): InventoryDto {
  const r = lab.reg;
  return {
    version: r.version,
    datacenters: [...r.datacenters.values()].map((d) => ({ ...d })),
    clusters: [...r.clusters.values()].map((c) => ({ ...c })),
    hosts: [...r.hosts.values()].map((h) => hostToDto(lab, h)),
    vms: withVms ? [...r.vms.values()].map((v) => vmToDto(lab, v)) : [],
    datastores: [...r.datastores.values()].map((d) => datastoreToDto(lab, d)),
    networks: [...r.networks.values()].map((n) => ({ ...n, hostIds: [...n.hostIds] })),
    // Absent when the lab has none (so labs without pools digest as they did before pools existed).
    ...(r.resourcePools.size > 0 ? { resourcePools: [...r.resourcePools.values()].map((p) => resourcePoolToDto(lab, p)) } : {}),
  };
}

/**
 * The inventory's outline: the same lists as `inventoryToDto` except the VMs, which carry only their tree
 * fields (built from the engine's objects directly, so the first paint does not pay for whole VMs).
 */
export function inventoryOutlineToDto(lab: Lab): InventoryOutlineDto {
  const { vms: _whole, ...rest } = inventoryToDto(lab, false);
  return { ...rest, vms: [...lab.reg.vms.values()].map((v) => vmToOutlineDto(lab, v)) };
}

export function vmToOutlineDto(lab: Lab, vm: Vm): VmOutlineDto {
  const dto: VmOutlineDto = { id: vm.id, name: vm.name, datacenterId: vm.datacenterId, isTemplate: vm.isTemplate, powerState: vm.powerState };
  if (vm.hostId) dto.hostId = vm.hostId;
  const clusterId = vm.hostId ? lab.reg.hosts.get(vm.hostId)?.clusterId : undefined;
  if (clusterId) dto.clusterId = clusterId;
  if (vm.resourcePoolId) dto.resourcePoolId = vm.resourcePoolId;
  const alarm = lab.alarms.statusOf(vm.id);
  if (alarm !== 'green') dto.alarmStatus = alarm;
  return dto;
}

export function resourcePoolToDto(lab: Lab, p: ResourcePool): ResourcePoolDto {
  const dto: ResourcePoolDto = {
    id: p.id, name: p.name, cpuShares: p.cpuShares, cpuShareLevel: poolShareLevelOf(p.cpuShares),
    cpuReservationMhz: p.cpuReservationMhz, cpuLimitMhz: p.cpuLimitMhz, cpuExpandableReservation: p.cpuExpandableReservation,
    vmIds: [...lab.reg.vms.values()].filter((vm) => vm.resourcePoolId === p.id).map((vm) => vm.id),
  };
  if (p.clusterId) dto.clusterId = p.clusterId;
  if (p.hostId) dto.hostId = p.hostId;
  if (p.parentPoolId) dto.parentPoolId = p.parentPoolId;
  return dto;
}

/** The lab's datastores are modelled as one shared VMFS volume of thick disks (what its vim25 face reports). */
const SIMULATED_DATASTORE_TYPE = 'VMFS';

export function datastoreToDto(lab: Lab, d: Datastore): DatastoreDto {
  const provisioned = lab.provisionedBytes(d.id);
  const dto: DatastoreDto = {
    id: d.id, name: d.name, datacenterId: d.datacenterId, type: SIMULATED_DATASTORE_TYPE, capacityBytes: d.capacityBytes,
    provisionedBytes: provisioned, freeBytes: d.capacityBytes - provisioned, hostIds: [...d.hostIds],
  };
  const alarm = lab.alarms.statusOf(d.id);
  if (alarm !== 'green') dto.alarmStatus = alarm;
  return dto;
}

/** The DTO of any managed entity by id, or undefined when the lab has no such entity. */
export function entityToDto(lab: Lab, id: string): EntityDto | undefined {
  const r = lab.reg;
  switch (kindOfId(id)) {
    case 'vm': { const vm = r.vms.get(id as VmId); return vm && vmToDto(lab, vm); }
    case 'host': { const h = r.hosts.get(id as HostId); return h && hostToDto(lab, h); }
    case 'datastore': { const d = r.datastores.get(id as DatastoreId); return d && datastoreToDto(lab, d); }
    case 'cluster': { const c = r.clusters.get(id as ClusterId); return c && { ...c }; }
    case 'datacenter': { const d = r.datacenters.get(id as DatacenterId); return d && { ...d }; }
    case 'network': { const n = r.networks.get(id as NetworkId); return n && { ...n, hostIds: [...n.hostIds] }; }
    case 'resgroup': { const p = r.resourcePools.get(id as ResourcePoolId); return p && resourcePoolToDto(lab, p); }
    default: return undefined;
  }
}

