/**
 * snapshotOps — the Snapshot Manager's operations as Tasks: take, revert, delete one, delete all, edit.
 *
 * - `startTake(ctx, p, initiator)`: seals every disk's writable layer (the snapshot's delta ends there) and, for a
 *   memory snapshot, captures the guest with `GuestMachine.save()` — copy-on-write, so the cost does not
 *   depend on memory size — plus the per-vCPU timing. Memory defaults to on for a powered-on VM (as the
 *   Take Snapshot dialog); quiesce needs tools and applies only without memory.
 * - `startRevert(ctx, p, initiator)`: the VM returns to the snapshot: hardware configuration, disk chains, and the
 *   captured guest (memory snapshot → powered on, continuing exactly where it was in its own time base;
 *   suspended → suspended; otherwise powered off). "You are here" moves to the snapshot.
 * - `startRemove(ctx, p, initiator)` / `startRemoveAll(ctx, vmId, initiator)`: delete with consolidation
 *   (`SnapshotTree`); the images of the captures no longer held are released by their hosts' owners.
 * - `editSnapshot(ctx, p)`: rename / change description (immediate).
 * - Task kinds (`tasks/timedTask.ts`; plain state, resumed after a lab is loaded; not cancellable):
 *   `TAKE_SNAPSHOT_TASK_KIND`, `REVERT_SNAPSHOT_TASK_KIND`, `REMOVE_SNAPSHOT_TASK_KIND`,
 *   `REMOVE_ALL_SNAPSHOTS_TASK_KIND`.
 *
 * Rules: templates have no snapshots; one task at a time per VM; a failed precondition changes nothing.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { SnapshotId, TaskId, VmId } from '@shared/model/ids';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import type { OpContext } from '../lab/index';
import type { Vm } from '../cluster/index';
import { DiskChain } from './diskChain';
import { layerBytes } from './diskChain';
import type { GuestCapture } from './snapshotTree';
import { timedKind } from '../tasks/index';
import type { TaskKind, TimedState } from '../tasks/index';
import { captureGuest, dropSuspended, hardwareOf, releaseDropped, returnDisks, sealDisks, startGuest, stopGuest } from '../vm/index';
import { CLONE_BYTES_PER_SECOND } from '../params';

type Started = { taskId: TaskId } | { error: ApiError };

function vmFor(ctx: OpContext, vmId: VmId): Vm | ApiError {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm) return apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId');
  if (vm.isTemplate) return apiError('E_INVALID_STATE', `${vm.name} is a template; templates have no snapshots.`, 'params.vmId');
  if (vm.busyTaskId) return apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId');
  return vm;
}

function vmOf(ctx: OpContext, vmId: VmId): Vm {
  const vm = ctx.reg.vms.get(vmId);
  // A VM with a task in flight cannot be deleted, so this holds unless the lab state is corrupt.
  if (!vm) throw new Error(`the task's virtual machine ${vmId} no longer exists`);
  return vm;
}

function log(ctx: OpContext, vm: Vm, type: string, text: string, taskId?: TaskId): void {
  ctx.events.log(ctx.nowMs(), 'info', type, text, { id: vm.id, name: vm.name }, taskId);
}

/** Every snapshot task holds its VM busy; it is freed whatever the outcome. */
function freeVm(ctx: OpContext, t: { state: { vmId: VmId } }): void {
  const vm = ctx.reg.vms.get(t.state.vmId);
  if (vm) vm.busyTaskId = undefined;
}

interface TakeTaskState extends TimedState { vmId: VmId; name: string; description: string; memory: boolean; quiesce: boolean }

export const TAKE_SNAPSHOT_TASK_KIND: TaskKind<TakeTaskState, OpContext> = timedKind<TakeTaskState, OpContext>({
  complete(ctx, t) {
    const vm = vmOf(ctx, t.state.vmId);
    const { memory, name, description, quiesce } = t.state;
    if (memory && vm.powerState !== 'poweredOn') return { error: apiError('E_INVALID_STATE', `${vm.name} is no longer powered on.`, 'params.memory') };
    const rt = ctx.runtime(vm.id);
    let capture: GuestCapture | undefined;
    let powerState = vm.powerState;
    if (memory) capture = captureGuest(ctx, vm);
    else if (vm.powerState === 'suspended') capture = rt.suspended;
    else powerState = 'poweredOff';
    const disks = sealDisks(ctx, vm.id);
    const id = ctx.reg.allocate('snapshot');
    rt.snapshots.add({
      id, name, description, createdAtMs: ctx.nowMs(), memory, quiesced: quiesce,
      powerState, config: hardwareOf(vm), capture, disks,
    });
    ctx.markChanged(vm.id);
    log(ctx, vm, 'TaskEvent', `Task: Create virtual machine snapshot — snapshot "${name}" of ${vm.name}${memory ? ' (with memory)' : ''}`, t.id);
    return { result: { snapshotId: id } };
  },
  finished: freeVm,
});

export function startTake(ctx: OpContext, p: { vmId: VmId; name: string; description?: string; memory?: boolean; quiesce?: boolean }, initiator: string): Started {
  const vm = vmFor(ctx, p.vmId);
  if ('code' in vm) return { error: vm };
  const memory = p.memory ?? vm.powerState === 'poweredOn';
  if (memory && vm.powerState !== 'poweredOn') return { error: apiError('E_INVALID_STATE', `Memory can be captured only while ${vm.name} is powered on.`, 'params.memory') };
  if (p.quiesce && memory) return { error: apiError('E_INVALID_ARGUMENT', 'Quiescing applies only to snapshots without memory.', 'params.quiesce') };
  if (p.quiesce && vm.toolsStatus !== 'toolsOk') return { error: apiError('E_INVALID_STATE', 'Quiescing needs VMware Tools running in the guest.', 'params.quiesce') };
  const taskId = ctx.tasks.start<TakeTaskState>(ctx.nowMs(), {
    kind: 'vm.snapshot.create', operation: 'vm.snapshot.create', name: OPERATION_NAMES['vm.snapshot.create'], targetId: vm.id, targetName: vm.name, initiator,
    state: {
      vmId: vm.id, name: p.name, description: p.description ?? '', memory, quiesce: p.quiesce ?? false,
      // Copy-on-write: a constant stun time, independent of memory and disk size.
      durationMs: ctx.jitter(memory ? 800 : 500),
    },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

interface RevertTaskState extends TimedState { vmId: VmId; snapshotId: SnapshotId }

export const REVERT_SNAPSHOT_TASK_KIND: TaskKind<RevertTaskState, OpContext> = timedKind<RevertTaskState, OpContext>({
  complete(ctx, t) {
    const vm = vmOf(ctx, t.state.vmId);
    const rt = ctx.runtime(vm.id);
    const n = rt.snapshots.get(t.state.snapshotId);
    if (!n) return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${t.state.snapshotId}`, 'params.snapshotId') };
    if (vm.powerState === 'poweredOn') stopGuest(ctx, vm);
    // a suspended state the revert replaces goes (unless a snapshot holds it too)
    dropSuspended(ctx, rt);
    // the live disks are replaced: back from the host they were lent to (no machine runs on them now)
    returnDisks(ctx, vm.id);
    Object.assign(vm, { ...n.config, workloadParams: { ...n.config.workloadParams } });
    rt.disks = n.disks.map((chain, i) => DiskChain.onChain(vm.disks[i]?.capacityBytes ?? rt.disks[i].capacityBytes, chain));
    rt.snapshots.currentId = n.id;
    if (n.powerState === 'poweredOn' && n.capture) {
      const err = startGuest(ctx, vm, n.capture);
      if (err) { vm.powerState = 'poweredOff'; ctx.markChanged(vm.id); return { error: err }; }
      vm.powerState = 'poweredOn';
      vm.poweredOnAtMs = ctx.nowMs();
      vm.uptimeCarriedMs = 0;
    } else if (n.powerState === 'suspended' && n.capture) {
      rt.suspended = n.capture;
      vm.powerState = 'suspended';
    } else vm.powerState = 'poweredOff';
    ctx.markChanged(vm.id);
    log(ctx, vm, 'com.vmware.vc.vm.VmStateRevertedToSnapshot',
      `The execution state of the virtual machine ${vm.name} on host ${ctx.reg.nameOf(vm.hostId ?? '')} has been reverted to the state of snapshot ${n.name}, with ID ${n.id}`, t.id);
    return {};
  },
  finished: freeVm,
});

export function startRevert(ctx: OpContext, p: { vmId: VmId; snapshotId: SnapshotId }, initiator: string): Started {
  const vm = vmFor(ctx, p.vmId);
  if ('code' in vm) return { error: vm };
  const node = ctx.runtime(vm.id).snapshots.get(p.snapshotId);
  if (!node) return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${p.snapshotId}`, 'params.snapshotId') };
  if (node.capture && node.capture.image !== null && node.powerState === 'poweredOn' && !ctx.guestFactory) {
    return { error: apiError('E_INVALID_STATE', 'This snapshot holds a running guest, but this engine build has no guest machine to restore it into.', 'params.snapshotId') };
  }
  const taskId = ctx.tasks.start<RevertTaskState>(ctx.nowMs(), {
    kind: 'vm.snapshot.revert', operation: 'vm.snapshot.revert', name: OPERATION_NAMES['vm.snapshot.revert'], targetId: vm.id, targetName: vm.name, initiator,
    state: { vmId: vm.id, snapshotId: p.snapshotId, durationMs: ctx.jitter(1000) },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

interface RemoveTaskState extends TimedState { vmId: VmId; snapshotId: SnapshotId; removeChildren: boolean }

export const REMOVE_SNAPSHOT_TASK_KIND: TaskKind<RemoveTaskState, OpContext> = timedKind<RemoveTaskState, OpContext>({
  complete(ctx, t) {
    const vm = vmOf(ctx, t.state.vmId);
    const rt = ctx.runtime(vm.id);
    const n = rt.snapshots.get(t.state.snapshotId);
    if (!n) return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${t.state.snapshotId}`, 'params.snapshotId') };
    const held = rt.snapshots.captures();
    rt.setLiveChains(rt.snapshots.remove(n.id, t.state.removeChildren, rt.liveChains()));
    releaseDropped(ctx, rt, held);
    ctx.markChanged(vm.id);
    log(ctx, vm, 'TaskEvent', `Task: Remove snapshot — "${n.name}" of ${vm.name}${t.state.removeChildren ? ' and its children' : ''} deleted, changes consolidated`, t.id);
    return {};
  },
  finished: freeVm,
});

export function startRemove(ctx: OpContext, p: { vmId: VmId; snapshotId: SnapshotId; removeChildren?: boolean }, initiator: string): Started {
  const vm = vmFor(ctx, p.vmId);
  if ('code' in vm) return { error: vm };
  const node = ctx.runtime(vm.id).snapshots.get(p.snapshotId);
  if (!node) return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${p.snapshotId}`, 'params.snapshotId') };
  const delta = node.disks.reduce((n, c) => n + (c.length ? layerBytes(c[c.length - 1]) : 0), 0);
  const taskId = ctx.tasks.start<RemoveTaskState>(ctx.nowMs(), {
    kind: 'vm.snapshot.remove', operation: 'vm.snapshot.remove', name: OPERATION_NAMES['vm.snapshot.remove'], targetId: vm.id, targetName: vm.name, initiator,
    state: { vmId: vm.id, snapshotId: p.snapshotId, removeChildren: p.removeChildren ?? false, durationMs: ctx.jitter(Math.max(500, (delta / CLONE_BYTES_PER_SECOND) * 1000)) },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

interface RemoveAllTaskState extends TimedState { vmId: VmId }

export const REMOVE_ALL_SNAPSHOTS_TASK_KIND: TaskKind<RemoveAllTaskState, OpContext> = timedKind<RemoveAllTaskState, OpContext>({
  complete(ctx, t) {
    const vm = vmOf(ctx, t.state.vmId);
    const rt = ctx.runtime(vm.id);
    const count = rt.snapshots.size;
    const held = rt.snapshots.captures();
    rt.setLiveChains(rt.snapshots.removeAll(rt.liveChains()));
    releaseDropped(ctx, rt, held);
    ctx.markChanged(vm.id);
    log(ctx, vm, 'TaskEvent', `Task: Remove all snapshots — ${count} snapshot(s) of ${vm.name} deleted, current state kept`, t.id);
    return {};
  },
  finished: freeVm,
});

export function startRemoveAll(ctx: OpContext, vmId: VmId, initiator: string): Started {
  const vm = vmFor(ctx, vmId);
  if ('code' in vm) return { error: vm };
  const rt = ctx.runtime(vm.id);
  const taskId = ctx.tasks.start<RemoveAllTaskState>(ctx.nowMs(), {
    kind: 'vm.snapshot.removeAll', operation: 'vm.snapshot.removeAll', name: OPERATION_NAMES['vm.snapshot.removeAll'], targetId: vm.id, targetName: vm.name, initiator,
    state: { vmId: vm.id, durationMs: ctx.jitter(Math.max(500, (rt.snapshots.totalBytes() / CLONE_BYTES_PER_SECOND) * 1000)) },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

export function editSnapshot(ctx: OpContext, p: { vmId: VmId; snapshotId: SnapshotId; name?: string; description?: string }): { ok: true } | { error: ApiError } {
  const vm = ctx.reg.vms.get(p.vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
  if (!ctx.runtime(vm.id).snapshots.edit(p.snapshotId, p.name, p.description)) {
    return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${p.snapshotId}`, 'params.snapshotId') };
  }
  ctx.markChanged(vm.id);
  return { ok: true };
}
