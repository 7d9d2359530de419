/**
 * realHostView — a real host's inventory (a driver's `RealInventory`, in its own keys) as the contract's
 * DTOs, under the backend's id namespace (`kvm1:vm-3`).
 *
 * - `EntityIds`: stable ids per driver key for this backend's lifetime (`id(kind, key)`, `key(id)`), never
 *   reused: a VM that goes and comes back with the same key keeps its id.
 * - `inventoryView(inv, ctx)` → `InventoryDto` lists (version left to the caller); `snapshotTreeView(vm, ids)`.
 * - `inventoryUpdates(before, after)` → the change feed's updates (enter / modify / leave) between two views.
 *
 * Rules: values are the driver's. Fields that describe the lab's own machine model and have no meaning
 * on a real hypervisor (monitor, paging, page-table levels, workload) carry neutral values, and the UI
 * hides them because the backend's capabilities offer no monitors. A libvirt host has no datacenter of its
 * own: it gets one named as the user named the connection. When the driver is not connected the last
 * inventory read stays, with the host's connection state saying so (as vSphere greys out a disconnected host).
 */
import type {
  ClusterDto, DatacenterDto, DatastoreDto, HostDto, InventoryDto, NetworkDto, SnapshotDto, SnapshotTreeDto, VmDto,
} from '@shared/model/inventory';
import type { EntityKind, ManagedEntityId } from '@shared/model/ids';
import type { EntityUpdate } from '@shared/model/inventoryChanges';
import { diffEntity } from '@shared/model/inventoryChanges';
import { entitiesOf } from '../compositeBackend';
import type { DriverKind, DriverState, RealInventory, RealVm } from './hostDriver';

export class EntityIds {
  private readonly byKey = new Map<string, string>();
  private readonly byId = new Map<string, { kind: EntityKind; key: string }>();
  private readonly next = new Map<EntityKind, number>();

  constructor(readonly namespace: string) {}

  id<T extends string = string>(kind: EntityKind, key: string): T {
    const k = `${kind}\u0000${key}`;
    let id = this.byKey.get(k);
    if (!id) {
      const n = (this.next.get(kind) ?? 0) + 1;
      this.next.set(kind, n);
      id = `${this.namespace}:${kind}-${n}`;
      this.byKey.set(k, id);
      this.byId.set(id, { kind, key });
    }
    return id as T;
  }

  /** The driver key behind an id of this backend, when it names one of `kind`. */
  key(id: string, kind: EntityKind): string | undefined {
    const e = this.byId.get(id);
    return e && e.kind === kind ? e.key : undefined;
  }

  /** A fresh id of `kind` not tied to any driver key (tasks, events). */
  fresh<T extends string = string>(kind: EntityKind): T {
    const n = (this.next.get(kind) ?? 0) + 1;
    this.next.set(kind, n);
    return `${this.namespace}:${kind}-${n}` as T;
  }
}

export interface ViewContext {
  ids: EntityIds;
  kind: DriverKind;
  /** The connection's display name (the datacenter's name for a libvirt host). */
  name: string;
  state: DriverState;
}

/** Snapshot keys are per VM. */
export const snapshotKey = (vmKey: string, snapshot: string) => `${vmKey}\u0000${snapshot}`;

const DEFAULT_DC = '\u0000default';

export function inventoryView(inv: RealInventory, ctx: ViewContext): Omit<InventoryDto, 'version'> {
  const { ids } = ctx;
  const connection: HostDto['connectionState'] = ctx.state === 'connected' ? 'connected' : ctx.state === 'notResponding' || ctx.state === 'connecting' ? 'notResponding' : 'disconnected';
  const datacenters: DatacenterDto[] = inv.datacenters.map((d) => ({ id: ids.id('datacenter', d.key), name: d.name }));
  const needsDefault = inv.hosts.some((h) => !h.datacenterKey || !inv.datacenters.some((d) => d.key === h.datacenterKey));
  if (needsDefault) datacenters.unshift({ id: ids.id('datacenter', DEFAULT_DC), name: ctx.name });
  const dcOf = (key: string | undefined) => ids.id('datacenter', key && inv.datacenters.some((d) => d.key === key) ? key : DEFAULT_DC);
  const clusters: ClusterDto[] = inv.clusters.map((c) => ({ id: ids.id('cluster', c.key), name: c.name, datacenterId: dcOf(c.datacenterKey), drsEnabled: false, haEnabled: false }) as ClusterDto);
  const hostDc = new Map(inv.hosts.map((h) => [h.key, dcOf(h.datacenterKey)]));
  const hosts: HostDto[] = inv.hosts.map((h) => {
    const vms = inv.vms.filter((v) => v.hostKey === h.key);
    const on = connection === 'connected' ? (h.connected ? 'connected' : 'disconnected') : connection;
    return {
      id: ids.id('host', h.key), name: h.name, datacenterId: hostDc.get(h.key)!, ...(h.clusterKey ? { clusterId: ids.id('cluster', h.clusterKey) } : {}),
      kind: ctx.kind === 'libvirt' ? 'libvirt' : 'esxi', vendor: h.vendor, model: h.model, cpuModel: h.cpuModel, sockets: h.sockets,
      coresPerSocket: h.coresPerSocket, threadsPerCore: h.threadsPerCore, cpuMhz: h.cpuMhz, memoryBytes: h.memoryBytes,
      hypervisorVersion: h.hypervisorVersion, powerState: 'poweredOn', connectionState: on, inMaintenanceMode: h.inMaintenanceMode,
      vmIds: vms.map((v) => ids.id('vm', v.key)),
      datastoreIds: inv.datastores.filter((d) => d.hostKeys.includes(h.key)).map((d) => ids.id('datastore', d.key)),
      networkIds: inv.networks.filter((n) => n.hostKeys.includes(h.key)).map((n) => ids.id('network', n.key)),
      uptimeMs: h.uptimeMs ?? 0,
    } as HostDto;
  });
  const firstDc = (hostKeys: string[]) => hostDc.get(hostKeys[0]) ?? dcOf(undefined);
  // Provisioned: the capacities of the VMs' disks on it (snapshot files are not read from real hosts).
  const provisioned = new Map<string, number>();
  for (const v of inv.vms) for (const disk of v.disks) provisioned.set(disk.datastoreKey, (provisioned.get(disk.datastoreKey) ?? 0) + disk.capacityBytes);
  const datastores: DatastoreDto[] = inv.datastores.map((d) => ({
    id: ids.id('datastore', d.key), name: d.name, datacenterId: firstDc(d.hostKeys), type: d.type ?? 'Unknown', capacityBytes: d.capacityBytes,
    provisionedBytes: provisioned.get(d.key) ?? 0, freeBytes: d.freeBytes, hostIds: d.hostKeys.map((k) => ids.id('host', k)),
  }) as DatastoreDto);
  const networks: NetworkDto[] = inv.networks.map((n) => ({
    id: ids.id('network', n.key), name: n.name, datacenterId: firstDc(n.hostKeys), hostIds: n.hostKeys.map((k) => ids.id('host', k)),
  }) as NetworkDto);
  const vms: VmDto[] = inv.vms.map((v) => vmView(v, ctx, hostDc.get(v.hostKey) ?? dcOf(undefined), inv));
  return { datacenters, clusters, hosts, vms, datastores, networks };
}

function vmView(v: RealVm, ctx: ViewContext, datacenterId: string, inv: RealInventory): VmDto {
  const { ids } = ctx;
  const host = inv.hosts.find((h) => h.key === v.hostKey);
  return {
    id: ids.id('vm', v.key), name: v.name, datacenterId, ...(host ? { hostId: ids.id('host', host.key) } : {}),
    ...(host?.clusterKey ? { clusterId: ids.id('cluster', host.clusterKey) } : {}),
    isTemplate: v.isTemplate, hardwareVersion: ctx.kind === 'libvirt' ? 'libvirt domain' : 'vSphere VM',
    vcpus: v.vcpus, memoryBytes: v.memoryBytes, guestOs: v.guestOs,
    // The lab's machine-model fields: neutral, and hidden by the UI (no monitors in the capabilities).
    monitor: 'hw', paging: 'nested', pageTableLevels: 4, workload: '', workloadParams: {},
    cpuHotAddEnabled: false, memoryHotAddEnabled: false, cpuShares: 1000 * Math.max(1, v.vcpus), cpuReservationMhz: 0, cpuLimitMhz: -1,
    disks: v.disks.map((d) => ({ label: d.label, capacityBytes: d.capacityBytes, datastoreId: ids.id('datastore', d.datastoreKey) })),
    nics: v.nics.map((n) => ({ label: n.label, networkId: ids.id('network', n.networkKey), macAddress: n.macAddress, connected: n.connected })),
    powerState: v.powerState, guestState: v.powerState === 'poweredOn' ? 'running' : 'notRunning',
    toolsStatus: v.toolsRunning === undefined ? 'toolsNotInstalled' : v.toolsRunning ? 'toolsOk' : 'toolsNotRunning',
    ...(v.ipAddress ? { ipAddress: v.ipAddress } : {}),
    ...(v.currentSnapshotKey ? { currentSnapshotId: ids.id('snapshot', snapshotKey(v.key, v.currentSnapshotKey)) } : {}),
    snapshotCount: v.snapshots.length, uptimeMs: 0,
  } as VmDto;
}

export function snapshotTreeView(v: RealVm, ids: EntityIds): SnapshotTreeDto {
  const idOf = (key: string) => ids.id('snapshot', snapshotKey(v.key, key));
  const snapshots: SnapshotDto[] = v.snapshots.map((s) => ({
    id: idOf(s.key), vmId: ids.id('vm', v.key), name: s.name, description: s.description, createdAtMs: s.createdAtMs,
    memory: s.memory, quiesced: s.quiesced, powerState: s.powerState, sizeBytes: 0,
    ...(s.parentKey ? { parentId: idOf(s.parentKey) } : {}),
    childIds: v.snapshots.filter((c) => c.parentKey === s.key).map((c) => idOf(c.key)),
  }) as SnapshotDto);
  return {
    vmId: ids.id('vm', v.key), snapshots, rootIds: v.snapshots.filter((s) => !s.parentKey || !v.snapshots.some((p) => p.key === s.parentKey)).map((s) => idOf(s.key)),
    ...(v.currentSnapshotKey ? { currentSnapshotId: idOf(v.currentSnapshotKey) } : {}),
  } as SnapshotTreeDto;
}

type View = Omit<InventoryDto, 'version'>;

/** The updates that turn one view of the host into the next. */
export function inventoryUpdates(before: View, after: View): EntityUpdate[] {
  const b = new Map(entitiesOf(before).map((e) => [e.id, e]));
  const a = new Map(entitiesOf(after).map((e) => [e.id, e]));
  const out: EntityUpdate[] = [];
  for (const [id, obj] of a) {
    const old = b.get(id);
    if (!old) out.push({ op: 'enter', id: id as ManagedEntityId, object: obj });
    else {
      const changes = diffEntity(old, obj);
      if (changes.length > 0) out.push({ op: 'modify', id: id as ManagedEntityId, changes });
    }
  }
  for (const id of b.keys()) if (!a.has(id)) out.push({ op: 'leave', id: id as ManagedEntityId });
  return out;
}
