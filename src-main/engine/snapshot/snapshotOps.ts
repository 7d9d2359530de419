/**
 * snapshotOps — the Snapshot Manager's operations as Tasks: take, revert, delete one, delete all, edit.
 *
 * - `startTake(lab, p)`: seals every disk's writable layer (the snapshot's delta ends there) and, for a
 *   memory snapshot, captures the guest with `GuestMachine.save()` — copy-on-write, so the cost does not
 *   depend on memory size — plus the per-vCPU timing. Memory defaults to on for a powered-on VM (as the
 *   Take Snapshot dialog); quiesce needs tools and applies only without memory.
 * - `startRevert(lab, p)`: the VM returns to the snapshot: hardware configuration, disk chains, and the
 *   captured guest (memory snapshot → powered on, continuing exactly where it was in its own time base;
 *   suspended → suspended; otherwise powered off). "You are here" moves to the snapshot.
 * - `startRemove(lab, p)` / `startRemoveAll(lab, vmId)`: delete with consolidation (`SnapshotTree`).
 * - `editSnapshot(lab, p)`: rename / change description (immediate).
 *
 * Rules: templates have no snapshots; one task at a time per VM; a failed precondition changes nothing.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { SnapshotId, TaskId, VmId } from '@shared/model/ids';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import type { Lab } from '../lab/lab';
import type { Vm } from '../cluster/registry';
import { DiskChain } from './diskChain';
import { layerBytes } from './diskChain';
import type { GuestCapture } from './snapshotTree';
import { captureGuest, hardwareOf, startGuest, stopGuest } from '../vm/guestLifecycle';
import { CLONE_BYTES_PER_SECOND } from '../params';

type Started = { taskId: TaskId } | { error: ApiError };

function vmFor(lab: Lab, vmId: VmId): Vm | ApiError {
  const vm = lab.reg.vms.get(vmId);
  if (!vm) return apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId');
  if (vm.isTemplate) return apiError('E_INVALID_STATE', `${vm.name} is a template; templates have no snapshots.`, 'params.vmId');
  if (vm.busyTaskId) return apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId');
  return vm;
}

function log(lab: Lab, vm: Vm, type: string, text: string, taskId?: TaskId): void {
  lab.events.log(lab.clock.nowMs, 'info', type, text, { id: vm.id, name: vm.name }, taskId);
}

export function startTake(lab: Lab, p: { vmId: VmId; name: string; description?: string; memory?: boolean; quiesce?: boolean }): Started {
  const vm = vmFor(lab, p.vmId);
  if ('code' in vm) return { error: vm };
  const memory = p.memory ?? vm.powerState === 'poweredOn';
  if (memory && vm.powerState !== 'poweredOn') return { error: apiError('E_INVALID_STATE', `Memory can be captured only while ${vm.name} is powered on.`, 'params.memory') };
  if (p.quiesce && memory) return { error: apiError('E_INVALID_ARGUMENT', 'Quiescing applies only to snapshots without memory.', 'params.quiesce') };
  if (p.quiesce && vm.toolsStatus !== 'toolsOk') return { error: apiError('E_INVALID_STATE', 'Quiescing needs VMware Tools running in the guest.', 'params.quiesce') };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.snapshot.create', name: OPERATION_NAMES['vm.snapshot.create'], targetId: vm.id, targetName: vm.name,
    // Copy-on-write: a constant stun time, independent of memory and disk size.
    durationMs: lab.jitter(memory ? 800 : 500),
    complete: () => {
      if (memory && vm.powerState !== 'poweredOn') return { error: apiError('E_INVALID_STATE', `${vm.name} is no longer powered on.`, 'params.memory') };
      const rt = lab.runtime(vm.id);
      let capture: GuestCapture | undefined;
      let powerState = vm.powerState;
      if (memory) capture = captureGuest(lab, vm);
      else if (vm.powerState === 'suspended') capture = rt.suspended;
      else powerState = 'poweredOff';
      const disks = rt.disks.map((d) => { d.seal(); return d.chain(); });
      const id = lab.reg.allocate('snapshot');
      rt.snapshots.add({
        id, name: p.name, description: p.description ?? '', createdAtMs: lab.clock.nowMs, memory, quiesced: p.quiesce ?? false,
        powerState, config: hardwareOf(vm), capture, disks,
      });
      lab.markChanged(vm.id);
      log(lab, vm, 'TaskEvent', `Task: Create virtual machine snapshot — snapshot "${p.name}" of ${vm.name}${memory ? ' (with memory)' : ''}`, taskId);
      return { result: { snapshotId: id } };
    },
    onFinished: () => { vm.busyTaskId = undefined; },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

export function startRevert(lab: Lab, p: { vmId: VmId; snapshotId: SnapshotId }): Started {
  const vm = vmFor(lab, p.vmId);
  if ('code' in vm) return { error: vm };
  const rt = lab.runtime(vm.id);
  const node = rt.snapshots.get(p.snapshotId);
  if (!node) return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${p.snapshotId}`, 'params.snapshotId') };
  if (node.capture && node.capture.guestState !== null && node.powerState === 'poweredOn' && !lab.guestFactory) {
    return { error: apiError('E_INVALID_STATE', 'This snapshot holds a running guest, but this engine build has no guest machine to restore it into.', 'params.snapshotId') };
  }
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.snapshot.revert', name: OPERATION_NAMES['vm.snapshot.revert'], targetId: vm.id, targetName: vm.name,
    durationMs: lab.jitter(1000),
    complete: () => {
      const n = rt.snapshots.get(p.snapshotId);
      if (!n) return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${p.snapshotId}`, 'params.snapshotId') };
      if (vm.powerState === 'poweredOn') stopGuest(lab, vm);
      rt.suspended = undefined;
      Object.assign(vm, { ...n.config, workloadParams: { ...n.config.workloadParams } });
      rt.disks = n.disks.map((chain, i) => DiskChain.onChain(vm.disks[i]?.capacityBytes ?? rt.disks[i].capacityBytes, chain));
      rt.snapshots.currentId = n.id;
      if (n.powerState === 'poweredOn' && n.capture) {
        const err = startGuest(lab, vm, n.capture);
        if (err) { vm.powerState = 'poweredOff'; lab.markChanged(vm.id); return { error: err }; }
        vm.powerState = 'poweredOn';
        vm.poweredOnAtMs = lab.clock.nowMs;
        vm.uptimeCarriedMs = 0;
      } else if (n.powerState === 'suspended' && n.capture) {
        rt.suspended = n.capture;
        vm.powerState = 'suspended';
      } else vm.powerState = 'poweredOff';
      lab.markChanged(vm.id);
      log(lab, vm, 'com.vmware.vc.vm.VmStateRevertedToSnapshot',
        `The execution state of the virtual machine ${vm.name} on host ${lab.reg.nameOf(vm.hostId ?? '')} has been reverted to the state of snapshot ${n.name}, with ID ${n.id}`, taskId);
      return {};
    },
    onFinished: () => { vm.busyTaskId = undefined; },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

export function startRemove(lab: Lab, p: { vmId: VmId; snapshotId: SnapshotId; removeChildren?: boolean }): Started {
  const vm = vmFor(lab, p.vmId);
  if ('code' in vm) return { error: vm };
  const rt = lab.runtime(vm.id);
  const node = rt.snapshots.get(p.snapshotId);
  if (!node) return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${p.snapshotId}`, 'params.snapshotId') };
  const delta = node.disks.reduce((n, c) => n + (c.length ? layerBytes(c[c.length - 1]) : 0), 0);
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.snapshot.remove', name: OPERATION_NAMES['vm.snapshot.remove'], targetId: vm.id, targetName: vm.name,
    durationMs: lab.jitter(Math.max(500, (delta / CLONE_BYTES_PER_SECOND) * 1000)),
    complete: () => {
      const n = rt.snapshots.get(p.snapshotId);
      if (!n) return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${p.snapshotId}`, 'params.snapshotId') };
      rt.setLiveChains(rt.snapshots.remove(n.id, p.removeChildren ?? false, rt.liveChains()));
      lab.markChanged(vm.id);
      log(lab, vm, 'TaskEvent', `Task: Remove snapshot — "${n.name}" of ${vm.name}${p.removeChildren ? ' and its children' : ''} deleted, changes consolidated`, taskId);
      return {};
    },
    onFinished: () => { vm.busyTaskId = undefined; },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

export function startRemoveAll(lab: Lab, vmId: VmId): Started {
  const vm = vmFor(lab, vmId);
  if ('code' in vm) return { error: vm };
  const rt = lab.runtime(vm.id);
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.snapshot.removeAll', name: OPERATION_NAMES['vm.snapshot.removeAll'], targetId: vm.id, targetName: vm.name,
    durationMs: lab.jitter(Math.max(500, (rt.snapshots.totalBytes() / CLONE_BYTES_PER_SECOND) * 1000)),
    complete: () => {
      const count = rt.snapshots.size;
      rt.setLiveChains(rt.snapshots.removeAll(rt.liveChains()));
      lab.markChanged(vm.id);
      log(lab, vm, 'TaskEvent', `Task: Remove all snapshots — ${count} snapshot(s) of ${vm.name} deleted, current state kept`, taskId);
      return {};
    },
    onFinished: () => { vm.busyTaskId = undefined; },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

export function editSnapshot(lab: Lab, p: { vmId: VmId; snapshotId: SnapshotId; name?: string; description?: string }): { ok: true } | { error: ApiError } {
  const vm = lab.reg.vms.get(p.vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
  if (!lab.runtime(vm.id).snapshots.edit(p.snapshotId, p.name, p.description)) {
    return { error: apiError('E_NOT_FOUND', `${vm.name} has no snapshot ${p.snapshotId}`, 'params.snapshotId') };
  }
  lab.markChanged(vm.id);
  return { ok: true };
}
