/**
 * The inventory registry: every datacenter, cluster, host, VM, datastore, network and resource pool of the lab, by id.
 *
 * - `Registry.allocate(kind)` mints the next id of a kind (`vm-12`); ids are never reused.
 * - Typed maps (`hosts`, `vms`, …) hold the engine's internal objects; `version` increases on any change
 *   (`touch()`), so clients can skip refetches.
 * - `reservedNames`: names held by create / clone tasks in flight (VM names must stay unique).
 *
 * Rule: internal objects never cross the contract; `api/toDto.ts` maps them. Objects here are plain data
 * (persisted as they are); runtime parts (guests, disks, snapshots) live in `vm/vmRuntime.ts`.
 */
import type { MemReclamationSettings } from '@shared/model/memoryReclamation';
import type {
  ClusterId, DatacenterId, DatastoreId, EntityKind, HostId, NetworkId, ResourcePoolId, TaskId, VmId,
} from '@shared/model/ids';
import { makeId } from '@shared/model/ids';
import type {
  HostConnectionState, HostPowerState, ToolsStatus, VmPowerState, GuestRunState,
} from '@shared/model/inventory';
import type { VmCpuAllocation, VmHardware } from '@shared/model/vmHardware';

export interface Datacenter { id: DatacenterId; name: string }

export interface Cluster {
  id: ClusterId; name: string; datacenterId: DatacenterId; drsEnabled: boolean; haEnabled: boolean;
}

export interface Host {
  id: HostId; name: string; datacenterId: DatacenterId; clusterId?: ClusterId;
  vendor: string; model: string; cpuModel: string;
  sockets: number; coresPerSocket: number; threadsPerCore: number; cpuMhz: number; memoryBytes: number;
  hypervisorVersion: string;
  powerState: HostPowerState; connectionState: HostConnectionState; inMaintenanceMode: boolean;
  datastoreIds: DatastoreId[]; networkIds: NetworkId[];
  /** Virtual ms at which the host booted. */
  bootedAtMs: number;
  /** A maintenance-mode task is in flight: power-ons are refused until it ends. */
  /** The CPUs lack hardware virtualization assist (VMs with monitor `hw` cannot run here); absent = they have it. */
  noHardwareAssist?: boolean;
  busyTaskId?: TaskId;
  /** An injected failure (lab-only): power loss, or its management network cut (`services/faults.ts`). */
  fault?: { kind: 'crash' | 'isolation'; sinceMs: number };
  /** Memory-overcommitment settings changed from the defaults (@shared/model/memoryReclamation). */
  memoryReclamation?: Partial<MemReclamationSettings>;
}

export interface VmDisk { label: string; capacityBytes: number; datastoreId: DatastoreId }
export interface VmNic { label: string; networkId: NetworkId; macAddress: string; connected: boolean }

/** A VM: its configuration (`VmHardware`, `VmCpuAllocation`: @shared/model/vmHardware) and its state. */
export interface Vm extends VmHardware, VmCpuAllocation {
  id: VmId; name: string; datacenterId: DatacenterId; hostId?: HostId;
  isTemplate: boolean; hardwareVersion: string;
  disks: VmDisk[]; nics: VmNic[];
  powerState: VmPowerState; guestState: GuestRunState; crashReason?: string;
  toolsStatus: ToolsStatus; ipAddress?: string;
  /** Virtual ms of the last power-on; meaningful while poweredOn. */
  poweredOnAtMs: number;
  /** Uptime accumulated before a suspend (vSphere keeps counting uptime across suspend/resume). */
  uptimeCarriedMs: number;
  /** A lifecycle task is in flight: further power operations are refused until it ends. */
  busyTaskId?: TaskId;
  /** Powered-on (or booted) count: seeds each boot's guest differently but deterministically. */
  bootCount: number;
  /** Why the VM is powered off when nobody powered it off (its host failed, an HA isolation response). */
  powerOffCause?: string;
  /** Its resource pool; absent = the root pool of its cluster (or standalone host). */
  resourcePoolId?: ResourcePoolId;
}

/** A resource pool under a cluster's (or a standalone host's) root pool: CPU shares, reservation, limit (MHz; −1 = unlimited). */
export interface ResourcePool {
  id: ResourcePoolId; name: string; datacenterId: DatacenterId;
  /** The cluster or standalone host whose root pool the tree hangs from (every pool of a tree names it). */
  clusterId?: ClusterId; hostId?: HostId;
  /** The pool it sits in; absent = directly in the root pool. */
  parentPoolId?: ResourcePoolId;
  cpuShares: number; cpuReservationMhz: number; cpuLimitMhz: number;
  /** Expandable reservation (vSphere's default, true); labs saved before it load as true. */
  cpuExpandableReservation: boolean;
}

export interface Datastore {
  id: DatastoreId; name: string; datacenterId: DatacenterId; capacityBytes: number; hostIds: HostId[];
  /** Set while an injected fault makes it inaccessible (all paths down). */
  inaccessibleSinceMs?: number;
}

export interface Network { id: NetworkId; name: string; datacenterId: DatacenterId; hostIds: HostId[] }

export class Registry {
  readonly datacenters = new Map<DatacenterId, Datacenter>();
  readonly clusters = new Map<ClusterId, Cluster>();
  readonly hosts = new Map<HostId, Host>();
  readonly vms = new Map<VmId, Vm>();
  readonly datastores = new Map<DatastoreId, Datastore>();
  readonly networks = new Map<NetworkId, Network>();
  readonly resourcePools = new Map<ResourcePoolId, ResourcePool>();
  readonly reservedNames = new Set<string>();
  version = 1;
  private readonly counters = new Map<EntityKind, number>();

  allocate<K extends EntityKind>(kind: K): `${K}-${number}` {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return makeId(kind, n);
  }

  touch(): number {
    return ++this.version;
  }

  /** Id counters, for persistence. */
  idCounters(): [EntityKind, number][] {
    return [...this.counters];
  }

  restoreIdCounters(entries: [EntityKind, number][]): void {
    this.counters.clear();
    for (const [k, n] of entries) this.counters.set(k, n);
  }

  hostByName(name: string): Host | undefined {
    for (const h of this.hosts.values()) if (h.name === name) return h;
    return undefined;
  }

  vmByName(name: string): Vm | undefined {
    for (const vm of this.vms.values()) if (vm.name === name) return vm;
    return undefined;
  }

  vmsOnHost(hostId: HostId): Vm[] {
    const out: Vm[] = [];
    for (const vm of this.vms.values()) if (vm.hostId === hostId) out.push(vm);
    return out;
  }

  nameTaken(name: string, except?: VmId): boolean {
    for (const vm of this.vms.values()) if (vm.name === name && vm.id !== except) return true;
    return false;
  }

  /** Any managed entity by id, or undefined. */
  entity(id: string): { id: string; name: string } | undefined {
    const maps: Map<string, { id: string; name: string }>[] = [
      this.vms, this.hosts, this.clusters, this.datacenters, this.datastores, this.networks, this.resourcePools,
    ] as unknown as Map<string, { id: string; name: string }>[];
    for (const m of maps) {
      const o = m.get(id);
      if (o) return o;
    }
    return undefined;
  }

  /** Whether the lab has a managed entity with this id (never decided from its name: a VM may be named `vm-1`). */
  has(id: string): boolean {
    return this.entity(id) !== undefined;
  }

  /** Display name of any managed entity, for task and event rows; the id itself when there is none. */
  nameOf(id: string): string {
    return this.entity(id)?.name ?? id;
  }
}
