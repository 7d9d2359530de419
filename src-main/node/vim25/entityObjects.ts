/**
 * Inventory entities as managed objects: the property tables of Folder, Datacenter, ClusterComputeResource,
 * ComputeResource, HostSystem, ResourcePool, VirtualMachine, Datastore and Network over an EntityNode.
 *
 * - `entityObject(node, ctx)` → ManagedObject (`revision` = the node's revision + the version of the
 *   things it shows from elsewhere, e.g. its recent tasks).
 *
 * Rule: the ManagedEntity properties every entity has (name, parent, overallStatus, recentTask, …) come
 * first; then the type's own.
 */
import { alarmState } from './alarmObjects';
import type { VimValue } from './vimValues';
import { arr, bool, data, dateTime, en, int, long, ref, short, str } from './vimValues';
import type { ManagedObject, PropertyValue } from './managedTypes';
import { tableObject } from './managedTypes';
import type { EntityNode } from './inventoryModel';
import type { ResourcePoolDto } from '@shared/model/resourcePool';
import type { EntityContext } from './entityContext';
import { vmConfig, vmGuest, vmOverallStatus, vmRuntime, vmSnapshotInfo, vmSummary } from './vmProperties';
import { vmLayoutEx } from './vmLayout';
import { hostConfig, hostHardware, hostRuntime, hostSummary } from './hostProperties';

const refOf = (n: EntityNode) => ref(n.type, n.id);
const refs = (nodes: EntityNode[], type = 'ManagedObjectReference') => arr(type, nodes.map(refOf));
const idRefs = (type: string, ids: string[]) => arr('ManagedObjectReference', ids.map((id) => ref(type, id)));

function recentTasks(node: EntityNode, ctx: EntityContext): VimValue {
  return idRefs('Task', ctx.mirror.activeTasksOf(node.id));
}

const STATUS_RANK: Record<string, number> = { gray: 0, green: 1, yellow: 2, red: 3 };

/** ManagedEntity.overallStatus: the entity's own state, and the worst of its triggered alarms. */
function overallStatus(node: EntityNode): string {
  const own = node.vm ? vmOverallStatus(node.vm) : node.host ? (node.host.connectionState === 'connected' ? 'green' : 'red') : 'green';
  const alarm = node.vm?.alarmStatus ?? node.host?.alarmStatus ?? node.datastore?.alarmStatus;
  return alarm && STATUS_RANK[alarm] > STATUS_RANK[own] ? alarm : own;
}

async function triggeredAlarmState(node: EntityNode, ctx: EntityContext): Promise<VimValue> {
  if (!node.vm && !node.host && !node.datastore) return arr('AlarmState', []);
  const all = await ctx.mirror.triggeredAlarms();
  return arr('AlarmState', all.filter((a) => a.entityId === node.id).map((a) => alarmState(a, ctx, node.type)));
}

function common(node: EntityNode, ctx: EntityContext): Record<string, () => PropertyValue> {
  return {
    name: () => str(node.name),
    parent: () => (node.parent ? refOf(node.parent) : undefined),
    overallStatus: () => en('ManagedEntityStatus', overallStatus(node)),
    configStatus: () => en('ManagedEntityStatus', 'green'),
    alarmActionsEnabled: () => bool(true),
    effectiveRole: () => arr('int', [int(-1)]),
    recentTask: () => recentTasks(node, ctx),
    disabledMethod: () => arr('string', []),
    declaredAlarmState: () => arr('AlarmState', []),
    triggeredAlarmState: () => triggeredAlarmState(node, ctx),
    customValue: () => arr('CustomFieldValue', []),
    value: () => arr('CustomFieldValue', []),
    availableField: () => arr('CustomFieldDef', []),
    permission: () => arr('Permission', []),
    tag: () => arr('Tag', []),
  };
}

const CHILD_TYPES: Record<string, string[]> = {
  root: ['Folder', 'Datacenter'],
  vm: ['Folder', 'VirtualMachine', 'VirtualApp'],
  host: ['Folder', 'ComputeResource'],
  datastore: ['Folder', 'Datastore', 'StoragePod'],
  network: ['Folder', 'Network', 'DistributedVirtualSwitch'],
};

/**
 * A lab pool's ResourceConfigSpec: its CPU allocation as the lab has it. Memory settings of pools are
 * not modelled: the memory allocation reports vSphere's defaults for a new pool (no reservation,
 * unlimited, normal shares = 163840), which is also what the pool's memory behaves as.
 */
function poolConfig(node: EntityNode, p: ResourcePoolDto): VimValue {
  const shares = (level: string, n: number) => data('SharesInfo', { shares: int(n), level: en('SharesLevel', level) });
  return data('ResourceConfigSpec', {
    entity: refOf(node),
    cpuAllocation: data('ResourceAllocationInfo', {
      reservation: long(p.cpuReservationMhz), expandableReservation: bool(p.cpuExpandableReservation), limit: long(p.cpuLimitMhz),
      shares: shares(p.cpuShareLevel, p.cpuShares),
    }),
    memoryAllocation: data('ResourceAllocationInfo', {
      reservation: long(0), expandableReservation: bool(false), limit: long(-1), shares: shares('normal', 163840),
    }),
  });
}

function computeSummary(node: EntityNode): VimValue {
  const hosts = node.hosts!.map((h) => h.host!);
  const effective = hosts.filter((h) => h.connectionState === 'connected' && !h.inMaintenanceMode);
  const fields = {
    totalCpu: int(hosts.reduce((a, h) => a + h.cpuMhz * h.sockets * h.coresPerSocket, 0)),
    totalMemory: long(hosts.reduce((a, h) => a + h.memoryBytes, 0)),
    numCpuCores: short(hosts.reduce((a, h) => a + h.sockets * h.coresPerSocket, 0)),
    numCpuThreads: short(hosts.reduce((a, h) => a + h.sockets * h.coresPerSocket * h.threadsPerCore, 0)),
    effectiveCpu: int(effective.reduce((a, h) => a + h.cpuMhz * h.sockets * h.coresPerSocket, 0)),
    effectiveMemory: long(Math.round(effective.reduce((a, h) => a + h.memoryBytes, 0) / (1024 * 1024))),
    numHosts: int(hosts.length),
    numEffectiveHosts: int(effective.length),
    overallStatus: en('ManagedEntityStatus', 'green'),
  };
  if (node.type === 'ComputeResource') return data('ComputeResourceSummary', fields);
  return data('ClusterComputeResourceSummary', { ...fields, currentFailoverLevel: int(0), numVmotions: int(0) });
}

function datastoresOf(node: EntityNode, ctx: EntityContext): string[] {
  const ids = new Set<string>();
  for (const h of node.hosts ?? []) for (const d of h.host!.datastoreIds) ids.add(d);
  if (node.type === 'Datacenter') for (const d of ctx.model.inv.datastores) if (d.datacenterId === node.id) ids.add(d.id);
  return [...ids];
}

function networksOf(node: EntityNode, ctx: EntityContext): string[] {
  const ids = new Set<string>();
  for (const h of node.hosts ?? []) for (const n of h.host!.networkIds) ids.add(n);
  if (node.type === 'Datacenter') for (const n of ctx.model.inv.networks) if (n.datacenterId === node.id) ids.add(n.id);
  return [...ids];
}

function ownTable(node: EntityNode, ctx: EntityContext): Record<string, () => PropertyValue> {
  switch (node.type) {
    case 'Folder':
      return {
        childEntity: () => refs(node.children),
        childType: () => arr('string', (CHILD_TYPES[node.folderKind ?? 'root'] ?? []).map(str)),
      };
    case 'Datacenter': {
      const f = node.folders!;
      return {
        vmFolder: () => refOf(f.vm), hostFolder: () => refOf(f.host), datastoreFolder: () => refOf(f.datastore), networkFolder: () => refOf(f.network),
        datastore: () => idRefs('Datastore', datastoresOf(node, ctx)),
        network: () => idRefs('Network', networksOf(node, ctx)),
      };
    }
    case 'ClusterComputeResource':
    case 'ComputeResource': {
      const t: Record<string, () => PropertyValue> = {
        host: () => refs(node.hosts!),
        resourcePool: () => refOf(node.pool!),
        datastore: () => idRefs('Datastore', datastoresOf(node, ctx)),
        network: () => idRefs('Network', networksOf(node, ctx)),
        summary: () => computeSummary(node),
      };
      if (node.cluster) {
        const c = node.cluster;
        t.configuration = () => data('ClusterConfigInfo', {
          dasConfig: data('ClusterDasConfigInfo', { enabled: bool(c.haEnabled) }),
          dasVmConfig: arr('ClusterDasVmConfigInfo', []),
          drsConfig: data('ClusterDrsConfigInfo', { enabled: bool(c.drsEnabled), defaultVmBehavior: en('DrsBehavior', 'fullyAutomated') }),
          drsVmConfig: arr('ClusterDrsVmConfigInfo', []),
          rule: arr('ClusterRuleInfo', []),
        });
      }
      return t;
    }
    case 'ResourcePool': {
      const t: Record<string, () => PropertyValue> = {
        owner: () => refOf(node.owner!),
        vm: () => refs(node.vms!),
        resourcePool: () => refs(node.children),
      };
      const p = node.resourcePool;
      if (p) t.config = () => poolConfig(node, p);
      return t;
    }
    case 'HostSystem': {
      const h = node.host!;
      return {
        summary: () => hostSummary(h, ctx),
        hardware: () => hostHardware(h),
        runtime: () => hostRuntime(h, ctx),
        config: () => hostConfig(h, ctx),
        vm: () => idRefs('VirtualMachine', h.vmIds),
        datastore: () => idRefs('Datastore', h.datastoreIds),
        network: () => idRefs('Network', h.networkIds),
      };
    }
    case 'VirtualMachine': {
      const vm = node.vm!;
      return {
        config: () => vmConfig(vm, ctx),
        runtime: () => vmRuntime(vm, ctx),
        guest: () => vmGuest(vm),
        summary: () => vmSummary(vm, ctx),
        snapshot: async () => vmSnapshotInfo(await ctx.mirror.snapshotTree(vm), ctx),
        layoutEx: async () => vmLayoutEx(vm, await ctx.mirror.snapshotTree(vm), ctx),
        rootSnapshot: async () => {
          const tree = await ctx.mirror.snapshotTree(vm);
          return idRefs('VirtualMachineSnapshot', tree?.rootIds ?? []);
        },
        resourcePool: () => (node.owner ? refOf(node.owner) : undefined),
        datastore: () => idRefs('Datastore', [...new Set(vm.disks.map((d) => d.datastoreId))]),
        network: () => idRefs('Network', [...new Set(vm.nics.map((n) => n.networkId))]),
        guestHeartbeatStatus: () => en('ManagedEntityStatus', vm.powerState === 'poweredOn' && vm.toolsStatus === 'toolsOk' ? 'green' : 'gray'),
      };
    }
    case 'Datastore': {
      const d = node.datastore!;
      const url = `ds:///vmfs/volumes/${d.id}/`;
      return {
        summary: () => data('DatastoreSummary', {
          datastore: ref('Datastore', d.id), name: str(d.name), url: str(url), capacity: long(d.capacityBytes), freeSpace: long(d.freeBytes),
          accessible: bool(true), multipleHostAccess: bool(d.hostIds.length > 1), type: str('VMFS'), maintenanceMode: str('normal'),
        }),
        info: () => data('DatastoreInfo', { name: str(d.name), url: str(url), freeSpace: long(d.freeBytes), maxFileSize: long(62 * 2 ** 40) }),
        host: () => arr('DatastoreHostMount', d.hostIds.map((h) => data('DatastoreHostMount', {
          key: ref('HostSystem', h),
          mountInfo: data('HostMountInfo', { path: str(`/vmfs/volumes/${d.id}`), accessMode: str('readWrite'), mounted: bool(true), accessible: bool(true) }),
        }))),
        vm: () => idRefs('VirtualMachine', ctx.model.inv.vms.filter((v) => v.disks.some((x) => x.datastoreId === d.id)).map((v) => v.id)),
      };
    }
    case 'Network': {
      const n = node.network!;
      return {
        summary: () => data('NetworkSummary', { network: ref('Network', n.id), name: str(n.name), accessible: bool(true) }),
        host: () => idRefs('HostSystem', n.hostIds),
        vm: () => idRefs('VirtualMachine', ctx.model.inv.vms.filter((v) => v.nics.some((x) => x.networkId === n.id)).map((v) => v.id)),
      };
    }
  }
}

export function entityObject(node: EntityNode, ctx: EntityContext): ManagedObject {
  // Recent tasks are shown on every entity: a task change moves the revision of its target.
  // Quick stats move with every real-time sample of a running VM or host.
  const active = ctx.mirror.activeTasksOf(node.id).join(',');
  const live = node.vm?.powerState === 'poweredOn' || node.host?.powerState === 'poweredOn' ? ctx.mirror.sampleGen : 0;
  // An alarm event may move `triggeredAlarmState` (an acknowledgement) of an object that has alarms.
  const alarms = node.vm?.alarmStatus ?? node.host?.alarmStatus ?? node.datastore?.alarmStatus ? ctx.mirror.alarmGen : 0;
  return tableObject(node.type, node.id, { ...common(node, ctx), ...ownTable(node, ctx) }, `${node.revision}|${active}|${live}|${alarms}`);
}
