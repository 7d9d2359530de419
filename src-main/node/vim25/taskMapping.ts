/**
 * Lab tasks as vSphere Tasks: `TaskInfo` from a TaskDto, and the table of lab operations ↔ vim25 methods.
 *
 * - `TASK_METHODS`: lab operation → `{ method, descriptionId }` (e.g. `vm.snapshot.create` →
 *   `CreateSnapshot_Task`, `VirtualMachine.createSnapshot`).
 * - `taskInfo(task, ctx)` → TaskInfo: state queued → running → success | error (a cancelled lab task is
 *   `error` with `cancelled` set and a `RequestCanceled` fault, as vSphere reports it); `entity` is the
 *   task's target — the VM for snapshot tasks; `result` is the new snapshot or VM for create/clone tasks;
 *   `reason` is `TaskReasonUser` with the initiator.
 * - `taskObject(task, ctx)` → the `Task` managed object (`info`).
 */
import type { TaskDto } from '@shared/model/task';
import { kindOfId } from '@shared/model/ids';
import type { VimValue } from './vimValues';
import { anyOf, bool, data, dateTime, en, int, ref, str } from './vimValues';
import type { ManagedObject } from './managedTypes';
import { tableObject } from './managedTypes';
import { faultFromApiError, localizedFault } from './faults';
import type { LabMirror } from './labMirror';

export const TASK_METHODS: Record<string, { method: string; descriptionId: string }> = {
  'vm.powerOn': { method: 'PowerOnVM_Task', descriptionId: 'VirtualMachine.powerOn' },
  'vm.powerOff': { method: 'PowerOffVM_Task', descriptionId: 'VirtualMachine.powerOff' },
  'vm.suspend': { method: 'SuspendVM_Task', descriptionId: 'VirtualMachine.suspend' },
  'vm.reset': { method: 'ResetVM_Task', descriptionId: 'VirtualMachine.reset' },
  'vm.shutdownGuest': { method: 'ShutdownGuest', descriptionId: 'VirtualMachine.shutdownGuest' },
  'vm.rebootGuest': { method: 'RebootGuest', descriptionId: 'VirtualMachine.rebootGuest' },
  'vm.create': { method: 'CreateVM_Task', descriptionId: 'Folder.createVm' },
  'vm.clone': { method: 'CloneVM_Task', descriptionId: 'VirtualMachine.clone' },
  'vm.reconfigure': { method: 'ReconfigVM_Task', descriptionId: 'VirtualMachine.reconfigure' },
  'vm.remove': { method: 'Destroy_Task', descriptionId: 'VirtualMachine.destroy' },
  // One lab operation for both: RelocateVM_Task's tasks are reported as MigrateVM_Task's (the lab moves only the compute resource).
  'vm.migrate': { method: 'MigrateVM_Task', descriptionId: 'VirtualMachine.migrate' },
  'vm.snapshot.create': { method: 'CreateSnapshot_Task', descriptionId: 'VirtualMachine.createSnapshot' },
  'vm.snapshot.revert': { method: 'RevertToSnapshot_Task', descriptionId: 'vm.Snapshot.revert' },
  'vm.snapshot.remove': { method: 'RemoveSnapshot_Task', descriptionId: 'vm.Snapshot.remove' },
  'vm.snapshot.removeAll': { method: 'RemoveAllSnapshots_Task', descriptionId: 'VirtualMachine.removeAllSnapshots' },
  'host.enterMaintenance': { method: 'EnterMaintenanceMode_Task', descriptionId: 'HostSystem.enterMaintenanceMode' },
  'host.exitMaintenance': { method: 'ExitMaintenanceMode_Task', descriptionId: 'HostSystem.exitMaintenanceMode' },
};

/** vSphere type of a lab entity id. */
export function entityTypeOf(id: string): string {
  switch (kindOfId(id)) {
    case 'vm': return 'VirtualMachine';
    case 'host': return 'HostSystem';
    case 'cluster': return 'ClusterComputeResource';
    case 'datacenter': return 'Datacenter';
    case 'datastore': return 'Datastore';
    case 'network': return 'Network';
    case 'snapshot': return 'VirtualMachineSnapshot';
    case 'task': return 'Task';
    default: return 'ManagedEntity';
  }
}

function resultOf(task: TaskDto): VimValue | undefined {
  const r = task.result as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object') return undefined;
  if (typeof r.snapshotId === 'string') return anyOf(ref('VirtualMachineSnapshot', r.snapshotId));
  if (typeof r.vmId === 'string') return anyOf(ref('VirtualMachine', r.vmId));
  return undefined;
}

const numberOf = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));

export function taskInfo(task: TaskDto, mirror: LabMirror): VimValue {
  const m = TASK_METHODS[task.operation] ?? { method: task.operation, descriptionId: task.operation };
  const cancelled = task.state === 'cancelled';
  const state = cancelled ? 'error' : task.state;
  const entityType = entityTypeOf(task.targetId);
  let error: VimValue | undefined;
  if (task.error || cancelled) {
    const e = task.error ?? { code: 'E_CANCELLED' as const, message: 'The task was canceled by a user.' };
    error = localizedFault(faultFromApiError(e, { thisType: entityType, thisId: task.targetId }));
  }
  return data('TaskInfo', {
    key: str(task.id),
    task: ref('Task', task.id),
    name: str(m.method),
    descriptionId: str(m.descriptionId),
    entity: ref(entityType, task.targetId),
    entityName: str(task.targetName),
    state: en('TaskInfoState', state),
    cancelled: bool(cancelled),
    cancelable: bool(task.cancellable),
    error,
    result: task.state === 'success' ? resultOf(task) : undefined,
    progress: task.state === 'running' ? int(task.progress) : undefined,
    reason: data('TaskReasonUser', { userName: str(task.initiator) }),
    queueTime: dateTime(mirror.toDateMs(task.queuedAtMs)),
    startTime: task.startedAtMs === undefined ? undefined : dateTime(mirror.toDateMs(task.startedAtMs)),
    completeTime: task.completedAtMs === undefined ? undefined : dateTime(mirror.toDateMs(task.completedAtMs)),
    eventChainId: int(numberOf(task.id)),
  });
}

export function taskObject(task: TaskDto, mirror: LabMirror): ManagedObject {
  return tableObject('Task', task.id, { info: () => taskInfo(task, mirror) }, `${task.state}|${task.progress}|${task.completedAtMs ?? ''}`);
}
