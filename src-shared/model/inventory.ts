/**
 * Inventory DTOs: the plain, structured-clone-safe view of datacenters, clusters, hosts, VMs,
 * datastores, networks and templates that crosses the contract.
 *
 * - `InventoryDto`: the whole lab, flat lists with parent ids (clients build the tree).
 * - `VmDto`, `HostDto`, …: one object each, with the fields the vSphere Client's Summary tabs show.
 *
 * Rule: engine objects never cross; `engine/api/toDto.ts` maps them. Sizes carry their unit in the name.
 */
import type {
  ClusterId, DatacenterId, DatastoreId, HostId, NetworkId, ResourcePoolId, SnapshotId, VmId,
} from './ids';
import type { ResourcePoolDto } from './resourcePool';
import type { VmCpuAllocation, VmHardware } from './vmHardware';
import type { MemReclamationSettings } from './memoryReclamation';
import type { AlarmStatus } from './alarms';

/** The worst status of an object's triggered alarms (`model/alarms.ts`); absent = green. */
export type TriggeredAlarmStatus = Exclude<AlarmStatus, 'green'>;

export type VmPowerState = 'poweredOff' | 'poweredOn' | 'suspended';
/** Engine-level run state under poweredOn: whether the guest is executing, idle (halted) or crashed. */
export type GuestRunState = 'notRunning' | 'running' | 'halted' | 'crashed';
export type HostConnectionState = 'connected' | 'disconnected' | 'notResponding';
export type HostPowerState = 'poweredOn' | 'poweredOff' | 'standBy';
export type ToolsStatus = 'toolsOk' | 'toolsNotRunning' | 'toolsNotInstalled';

/** Monitors a VM can run under (docs/monitors.md). */
export const MONITOR_KINDS = ['interp', 'te', 'bt', 'pv', 'hw'] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];
export const PAGING_MODES = ['shadow', 'nested'] as const;
export type PagingMode = (typeof PAGING_MODES)[number];

export interface DatacenterDto {
  id: DatacenterId;
  name: string;
}

export interface ClusterDto {
  id: ClusterId;
  name: string;
  datacenterId: DatacenterId;
  drsEnabled: boolean;
  haEnabled: boolean;
}

export interface HostDto {
  id: HostId;
  name: string;
  datacenterId: DatacenterId;
  /** Standalone hosts have no cluster. */
  clusterId?: ClusterId;
  /** `simulated` for engine hosts; real hosts reached over SSH report their backend. */
  kind: 'simulated' | 'libvirt' | 'esxi';
  vendor: string;
  model: string;
  cpuModel: string;
  sockets: number;
  coresPerSocket: number;
  threadsPerCore: number;
  cpuMhz: number;
  memoryBytes: number;
  hypervisorVersion: string;
  powerState: HostPowerState;
  connectionState: HostConnectionState;
  inMaintenanceMode: boolean;
  vmIds: VmId[];
  datastoreIds: DatastoreId[];
  networkIds: NetworkId[];
  /** Virtual ms since the host booted; 0 when powered off. */
  uptimeMs: number;
  /** Memory-overcommitment settings, defaults filled in (simulated hosts; real hosts have their own). */
  memoryReclamation?: MemReclamationSettings;
  /** The CPUs have hardware virtualization assist: VMs with monitor `hw` can run (and be migrated) here. */
  hardwareAssist: boolean;
  /** The worst of its triggered alarms (absent: none, green). */
  alarmStatus?: TriggeredAlarmStatus;
}

export interface VmDiskDto {
  label: string;
  capacityBytes: number;
  datastoreId: DatastoreId;
}

export interface VmNicDto {
  label: string;
  networkId: NetworkId;
  macAddress: string;
  connected: boolean;
}

/** A VM: its configuration (`VmHardware`, `VmCpuAllocation`: vmHardware.ts) and its state. */
export interface VmDto extends VmHardware, VmCpuAllocation {
  id: VmId;
  name: string;
  datacenterId: DatacenterId;
  hostId?: HostId;
  clusterId?: ClusterId;
  /** Its resource pool; absent = the root pool of its cluster or host. */
  resourcePoolId?: ResourcePoolId;
  isTemplate: boolean;
  /** e.g. `vmx-19`. */
  hardwareVersion: string;
  disks: VmDiskDto[];
  nics: VmNicDto[];
  powerState: VmPowerState;
  guestState: GuestRunState;
  /** Present when guestState is `crashed`. */
  crashReason?: string;
  toolsStatus: ToolsStatus;
  ipAddress?: string;
  currentSnapshotId?: SnapshotId;
  snapshotCount: number;
  /** Virtual ms since power-on; 0 when off. */
  uptimeMs: number;
  /** The worst of its triggered alarms (absent: none, green). */
  alarmStatus?: TriggeredAlarmStatus;
}

export interface DatastoreDto {
  id: DatastoreId;
  name: string;
  datacenterId: DatacenterId;
  /**
   * The file system as the backend names it: the lab's simulated datastores are modelled as a shared VMFS
   * volume (as its vim25 face reports them); a vSphere host's `summary.type` (VMFS, NFS, vsan…); a libvirt
   * host's folder of disk images ("Directory") or a block device.
   */
  type: string;
  capacityBytes: number;
  /**
   * Space the VMs on it are given (vSphere's Provisioned: committed + uncommitted): their disks'
   * capacities, plus snapshot deltas where the backend counts them (the lab's disks are thick, so this
   * is also what is used: free = capacity − provisioned).
   */
  provisionedBytes: number;
  freeBytes: number;
  hostIds: HostId[];
  /** The worst of its triggered alarms (absent: none, green). */
  alarmStatus?: TriggeredAlarmStatus;
}

export interface NetworkDto {
  id: NetworkId;
  name: string;
  datacenterId: DatacenterId;
  hostIds: HostId[];
}

export interface InventoryDto {
  /** Increases on every change; clients can skip refetches that would change nothing. */
  version: number;
  datacenters: DatacenterDto[];
  clusters: ClusterDto[];
  hosts: HostDto[];
  vms: VmDto[];
  datastores: DatastoreDto[];
  networks: NetworkDto[];
  /** Resource pools; absent when there are none (or the backend has none). */
  resourcePools?: ResourcePoolDto[];
}

export interface SnapshotDto {
  id: SnapshotId;
  vmId: VmId;
  name: string;
  description: string;
  createdAtMs: number;
  /** Whether the guest's memory (running state) was captured. */
  memory: boolean;
  quiesced: boolean;
  /** Power state the VM had when the snapshot was taken. */
  powerState: VmPowerState;
  /** Bytes of guest memory and disk unique to this snapshot (copy-on-write deltas). */
  sizeBytes: number;
  /**
   * Where the backend counts them, `sizeBytes` in parts: the memory file (0 without memory) and, per
   * virtual disk (the VM's disk order), this snapshot's own delta (the writes since its parent).
   */
  memoryBytes?: number;
  diskDeltaBytes?: number[];
  parentId?: SnapshotId;
  childIds: SnapshotId[];
}

export interface SnapshotTreeDto {
  vmId: VmId;
  snapshots: SnapshotDto[];
  rootIds: SnapshotId[];
  /** "You are here": the snapshot the live state descends from, if any. */
  currentSnapshotId?: SnapshotId;
}

/** Any object of the inventory tree, as the contract carries it. */
export type EntityDto = DatacenterDto | ClusterDto | HostDto | VmDto | DatastoreDto | NetworkDto | ResourcePoolDto;
