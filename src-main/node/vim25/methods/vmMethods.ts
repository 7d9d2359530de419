/**
 * Operations on VMs, snapshots, hosts and tasks, each the lab's own command (so it is the same task, with
 * the same events, that the lab's client shows, initiated by the API user):
 * power (PowerOnVM_Task, PowerOffVM_Task, SuspendVM_Task, ResetVM_Task, ShutdownGuest, RebootGuest),
 * snapshots (CreateSnapshot_Task, RevertToSnapshot_Task, RevertToCurrentSnapshot_Task, RemoveSnapshot_Task,
 * RemoveAllSnapshots_Task, RenameSnapshot), ReconfigVM_Task, Rename_Task, Destroy_Task, CloneVM_Task,
 * CreateVM_Task, MigrateVM_Task and RelocateVM_Task (live migration to a named host: `vm.migrate`),
 * Destroy_Task on a resource pool too (poolMethods.ts),
 * EnterMaintenanceMode_Task, ExitMaintenanceMode_Task, CancelTask.
 *
 * Rules: arguments the lab cannot honour (device changes, a clone that powers on, standby) are refused
 * with NotSupported naming them, never silently ignored; a state error on a power operation is
 * InvalidPowerState with the VM's existing state. Migration needs a destination host (the lab has no
 * DRS to choose one) and moves only the compute resource: a datastore, disk or device change in a
 * RelocateSpec is NotSupported.
 */
import type { TaskRef } from '@shared/model/task';
import type { VmDto } from '@shared/model/inventory';
import type { VimValue } from '../vimValues';
import { ref } from '../vimValues';
import type { Arg } from '../soapArgs';
import { invalidArgument, invalidPowerState, managedObjectNotFound, notSupported, VimFault } from '../faults';
import type { Call, MethodTable } from './methodTable';
import { runCommand } from './methodTable';
import { destroyPool } from './poolMethods';

function vmOf(c: Call): VmDto {
  const vm = c.world.model.node(c.self.id)?.vm;
  if (!vm) throw managedObjectNotFound(c.self.type, c.self.id);
  return vm;
}

const taskRef = (t: TaskRef): VimValue => ref('Task', t.taskId);

/** vSphere's VirtualMachineMovePriority → the lab's vMotion priority (defaultPriority is high, as in vSphere). */
function moveText(priority: string): 'high' | 'normal' {
  if (priority === 'highPriority' || priority === 'defaultPriority') return 'high';
  if (priority === 'lowPriority') return 'normal';
  throw invalidArgument(`priority must be defaultPriority, highPriority or lowPriority, got "${priority}"`, 'priority');
}

/** A pool named with a host must be the root pool of that host's cluster or standalone host. */
function poolHoldsHost(c: Call, poolId: string, hostId: string, field: string): void {
  const owner = c.world.model.node(poolId)?.owner;
  if (!owner) throw managedObjectNotFound('ResourcePool', poolId);
  if (!owner.hosts?.some((h) => h.id === hostId)) throw invalidArgument(`${field} does not belong to the destination host's compute resource`, field);
}

/** Live migration through the lab's own command: the same task ("Relocate virtual machine") and events the client shows. */
async function migrateTo(c: Call, vm: VmDto, hostId: string, priority: 'high' | 'normal'): Promise<VimValue> {
  if (!c.world.model.node(hostId)) throw managedObjectNotFound('HostSystem', hostId);
  return taskRef(await runCommand<TaskRef>(c, 'vm.migrate', { vmId: vm.id, hostId, options: { priority } }, { powerState: { existing: vm.powerState, requested: 'poweredOn' } }));
}

function power(command: string, requested: string): MethodTable[string] {
  return {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      return taskRef(await runCommand<TaskRef>(c, command, { vmId: vm.id }, { powerState: { existing: vm.powerState, requested } }));
    },
  };
}

function guest(command: string): MethodTable[string] {
  return {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      if (vm.toolsStatus !== 'toolsOk' && vm.powerState === 'poweredOn') {
        throw new VimFault('ToolsUnavailable', `${vm.name}: the guest's tools are not running, so the guest cannot be asked`);
      }
      await runCommand<TaskRef>(c, command, { vmId: vm.id }, { powerState: { existing: vm.powerState, requested: 'poweredOn' } });
      return undefined;
    },
  };
}

async function snapshotOf(c: Call): Promise<{ vmId: string; name: string }> {
  const s = await c.world.findSnapshot(c.self.id);
  if (!s) throw managedObjectNotFound(c.self.type, c.self.id);
  return s;
}

const MiB = 1024 * 1024;

/** ReconfigVM_Task's spec → the lab's Edit Settings changes (plus a rename). */
function readConfigSpec(spec: Arg, forCreate: boolean): { changes: Record<string, unknown>; name?: string; diskGiB?: number; guestOs?: string } {
  const changes: Record<string, unknown> = {};
  const known = new Set(['name', 'numCPUs', 'memoryMB', 'cpuHotAddEnabled', 'memoryHotAddEnabled', 'cpuAllocation', 'extraConfig', 'annotation', 'changeVersion', 'guestId', 'files', 'numCoresPerSocket']);
  if (forCreate) known.add('deviceChange');
  for (const child of spec.el.children) {
    if (!known.has(child.name)) throw notSupported(`${child.name}: the lab cannot change this setting (supported: ${[...known].join(', ')})`);
  }
  const cpus = spec.int('numCPUs', 1, 64);
  if (cpus !== undefined) changes.vcpus = cpus;
  const mem = spec.int('memoryMB', 1, 1024 * 1024);
  if (mem !== undefined) changes.memoryMiB = mem;
  const cpuHot = spec.bool('cpuHotAddEnabled');
  if (cpuHot !== undefined) changes.cpuHotAddEnabled = cpuHot;
  const memHot = spec.bool('memoryHotAddEnabled');
  if (memHot !== undefined) changes.memoryHotAddEnabled = memHot;
  const cores = spec.int('numCoresPerSocket', 1, 64);
  if (cores !== undefined && cores !== 1) throw notSupported('numCoresPerSocket: the lab gives each vCPU its own socket');
  const alloc = spec.child('cpuAllocation');
  if (alloc) {
    const r = alloc.int('reservation', 0, 1_000_000);
    if (r !== undefined) changes.cpuReservationMhz = r;
    const l = alloc.int('limit', -1, 1_000_000);
    if (l !== undefined) changes.cpuLimitMhz = l;
    const shares = alloc.child('shares')?.int('shares', 1, 1_000_000);
    if (shares !== undefined) changes.cpuShares = shares;
  }
  for (const opt of spec.children('extraConfig')) {
    const key = opt.needStr('key');
    const value = opt.str('value') ?? '';
    if (key === 'hvlab.monitor') changes.monitor = value;
    else if (key === 'hvlab.paging') changes.paging = value;
    else if (key === 'hvlab.pageTableLevels') changes.pageTableLevels = Number(value);
    else if (key === 'hvlab.workload') changes.workload = value;
    else throw notSupported(`extraConfig "${key.slice(0, 80)}": the lab reads only hvlab.monitor, hvlab.paging, hvlab.pageTableLevels and hvlab.workload`);
  }
  let diskGiB: number | undefined;
  for (const dc of spec.children('deviceChange')) {
    const dev = dc.need('device');
    if (dev.type !== 'VirtualDisk') continue; // controllers and NICs of a new VM: the lab gives every VM its own
    const kb = dev.int('capacityInKB', 1) ?? Math.round((dev.int('capacityInBytes', 1) ?? 0) / 1024);
    if (kb > 0) diskGiB = Math.max(1, Math.ceil(kb / MiB));
  }
  const guestId = spec.str('guestId');
  return { changes, name: spec.str('name'), diskGiB, guestOs: guestId };
}

export const VM_METHODS: MethodTable = {
  PowerOnVM_Task: power('vm.powerOn', 'poweredOn'),
  PowerOffVM_Task: power('vm.powerOff', 'poweredOff'),
  SuspendVM_Task: power('vm.suspend', 'suspended'),
  ResetVM_Task: power('vm.reset', 'poweredOn'),
  ShutdownGuest: guest('vm.shutdownGuest'),
  RebootGuest: guest('vm.rebootGuest'),
  StandbyGuest: {
    on: ['VirtualMachine'],
    run: async () => { throw notSupported('StandbyGuest: labos has no standby state'); },
  },
  CreateSnapshot_Task: {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      const name = c.args.needStr('name');
      const memory = c.args.bool('memory') ?? false;
      const params: Record<string, unknown> = { vmId: vm.id, name, memory, quiesce: c.args.bool('quiesce') ?? false };
      const description = c.args.str('description');
      if (description !== undefined) params.description = description;
      return taskRef(await runCommand<TaskRef>(c, 'vm.snapshot.create', params, memory ? { powerState: { existing: vm.powerState, requested: 'poweredOn' } } : {}));
    },
  },
  RevertToCurrentSnapshot_Task: {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      if (!vm.currentSnapshotId) throw new VimFault('NotFound', `${vm.name} has no current snapshot`);
      return taskRef(await runCommand<TaskRef>(c, 'vm.snapshot.revert', { vmId: vm.id, snapshotId: vm.currentSnapshotId }));
    },
  },
  RemoveAllSnapshots_Task: {
    on: ['VirtualMachine'],
    run: async (c) => taskRef(await runCommand<TaskRef>(c, 'vm.snapshot.removeAll', { vmId: vmOf(c).id })),
  },
  RevertToSnapshot_Task: {
    on: ['VirtualMachineSnapshot'],
    run: async (c) => {
      const s = await snapshotOf(c);
      return taskRef(await runCommand<TaskRef>(c, 'vm.snapshot.revert', { vmId: s.vmId, snapshotId: c.self.id }));
    },
  },
  RemoveSnapshot_Task: {
    on: ['VirtualMachineSnapshot'],
    run: async (c) => {
      const s = await snapshotOf(c);
      const removeChildren = c.args.need('removeChildren').asBool();
      return taskRef(await runCommand<TaskRef>(c, 'vm.snapshot.remove', { vmId: s.vmId, snapshotId: c.self.id, removeChildren }));
    },
  },
  RenameSnapshot: {
    on: ['VirtualMachineSnapshot'],
    run: async (c) => {
      const s = await snapshotOf(c);
      const params: Record<string, unknown> = { vmId: s.vmId, snapshotId: c.self.id };
      const name = c.args.str('name');
      const description = c.args.str('description');
      if (name !== undefined) params.name = name;
      if (description !== undefined) params.description = description;
      await runCommand(c, 'vm.snapshot.edit', params);
      return undefined;
    },
  },
  ReconfigVM_Task: {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      const spec = readConfigSpec(c.args.need('spec'), false);
      if (spec.name !== undefined && spec.name !== vm.name) {
        throw notSupported('name: rename with Rename_Task (the lab renames apart from Edit Settings)');
      }
      if (Object.keys(spec.changes).length === 0) throw invalidArgument('the spec changes nothing the lab can change', 'spec');
      return taskRef(await runCommand<TaskRef>(c, 'vm.reconfigure', { vmId: vm.id, changes: spec.changes }, { powerState: { existing: vm.powerState, requested: 'poweredOff' } }));
    },
  },
  Rename_Task: {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      const newName = c.args.needStr('newName');
      await runCommand(c, 'vm.rename', { vmId: vm.id, name: newName }, { name: newName });
      return ref('Task', c.svc.completedTask(c, 'Rename_Task', 'ManagedEntity.rename', vm.id, vm.name).id);
    },
  },
  Destroy_Task: {
    on: ['VirtualMachine', 'ResourcePool'],
    run: async (c) => {
      if (c.self.type === 'ResourcePool') return destroyPool(c);
      const vm = vmOf(c);
      return taskRef(await runCommand<TaskRef>(c, 'vm.remove', { vmId: vm.id }, { powerState: { existing: vm.powerState, requested: 'poweredOff' } }));
    },
  },
  CloneVM_Task: {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      const name = c.args.needStr('name');
      c.args.needRef('folder');
      const spec = c.args.need('spec');
      if (spec.bool('powerOn')) throw notSupported('spec.powerOn: the lab clones powered off; power the clone on with PowerOnVM_Task');
      const loc = spec.need('location');
      const params: Record<string, unknown> = { vmId: vm.id, name, asTemplate: spec.bool('template') ?? false };
      const host = loc.ref('host');
      if (host) params.hostId = host.id;
      return taskRef(await runCommand<TaskRef>(c, 'vm.clone', params, { name: `[${vm.disks[0]?.datastoreId ?? ''}] ${name}/${name}.vmx`, duplicateIsFile: true, powerState: { existing: vm.powerState } }));
    },
  },
  CreateVM_Task: {
    on: ['Folder'],
    run: async (c) => {
      const folder = c.world.model.node(c.self.id);
      if (folder?.folderKind !== 'vm') throw notSupported('CreateVM_Task: create VMs in a datacenter\'s vm folder');
      const config = readConfigSpec(c.args.need('config'), true);
      if (!config.name) throw invalidArgument('config.name is required', 'config.name');
      const pool = c.args.needRef('pool');
      const poolNode = c.world.model.node(pool.id);
      if (!poolNode?.owner) throw managedObjectNotFound(pool.type, pool.id);
      const spec: Record<string, unknown> = {
        name: config.name, vcpus: config.changes.vcpus ?? 1, memoryMiB: config.changes.memoryMiB ?? 64,
        ...Object.fromEntries(Object.entries(config.changes).filter(([k]) => !['vcpus', 'memoryMiB', 'cpuShares', 'cpuReservationMhz', 'cpuLimitMhz'].includes(k))),
      };
      if (config.guestOs) spec.guestOs = config.guestOs;
      if (config.diskGiB) spec.diskGiB = config.diskGiB;
      const host = c.args.ref('host');
      if (host) spec.hostId = host.id;
      else if (poolNode.owner.type === 'ClusterComputeResource') spec.clusterId = poolNode.owner.id;
      else spec.hostId = poolNode.owner.hosts![0].id;
      return taskRef(await runCommand<TaskRef>(c, 'vm.create', { spec }, { name: `${config.name}/${config.name}.vmx`, duplicateIsFile: true }));
    },
  },
  MigrateVM_Task: {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      const state = c.args.str('state');
      if (state !== undefined && state !== vm.powerState) throw invalidPowerState(`MigrateVM_Task: the VM is ${vm.powerState}, not ${state}`, vm.powerState, state);
      const host = c.args.ref('host');
      const pool = c.args.ref('pool');
      if (!host) throw notSupported('MigrateVM_Task without host: the lab has no DRS to pick one; name the destination host');
      if (pool) poolHoldsHost(c, pool.id, host.id, 'pool');
      return migrateTo(c, vm, host.id, moveText(c.args.needStr('priority')));
    },
  },
  RelocateVM_Task: {
    on: ['VirtualMachine'],
    run: async (c) => {
      const vm = vmOf(c);
      const spec = c.args.need('spec');
      for (const child of spec.el.children) {
        if (child.name !== 'host' && child.name !== 'pool') throw notSupported(`spec.${child.name}: the lab relocates only the compute resource (host, pool): storage stays where it is`);
      }
      const host = spec.ref('host');
      if (!host) throw notSupported('RelocateVM_Task without spec.host: the lab has no DRS to pick one; name the destination host');
      const pool = spec.ref('pool');
      if (pool) poolHoldsHost(c, pool.id, host.id, 'spec.pool');
      const priority = c.args.str('priority');
      return migrateTo(c, vm, host.id, priority === undefined ? 'high' : moveText(priority));
    },
  },
  EnterMaintenanceMode_Task: {
    on: ['HostSystem'],
    run: async (c) => taskRef(await runCommand<TaskRef>(c, 'host.enterMaintenance', { hostId: c.self.id })),
  },
  ExitMaintenanceMode_Task: {
    on: ['HostSystem'],
    run: async (c) => taskRef(await runCommand<TaskRef>(c, 'host.exitMaintenance', { hostId: c.self.id })),
  },
  CancelTask: {
    on: ['Task'],
    run: async (c) => {
      const t = c.svc.mirror.task(c.self.id);
      if (!t) throw managedObjectNotFound('Task', c.self.id);
      if (!t.cancellable) throw notSupported(`${t.name} cannot be cancelled`);
      await runCommand(c, 'task.cancel', { taskId: t.id });
      return undefined;
    },
  },
};
