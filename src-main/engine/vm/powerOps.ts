/**
 * VM power operations as Tasks: power on/off, suspend/resume, reset, guest shutdown/restart.
 *
 * - `startPowerOp(lab, vmId, op)` validates (typed error, nothing changes) and starts the task.
 * - `uptimeMs(vm, nowMs)`.
 *
 * Rules: a VM with a lifecycle task in flight refuses another (E_INVALID_STATE); the state changes only
 * when the task completes. Task durations are virtual time (the UI sees them progress).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { TaskId, VmId } from '@shared/model/ids';
import type { Lab } from '../lab/lab';
import type { Vm } from '../cluster/registry';
import type { PowerOp } from './powerState';
import { checkPowerOp, POWER_TRANSITIONS } from './powerState';

/** Virtual milliseconds each operation takes; of the order vCenter shows for small VMs. */
export const POWER_OP_DURATION_MS: Record<PowerOp, number> = {
  powerOn: 1500, powerOff: 1000, suspend: 2000, reset: 1000, shutdownGuest: 3000, rebootGuest: 4000,
};

/** vSphere's task names, as shown in Recent Tasks. */
export const POWER_OP_TASK_NAME: Record<PowerOp, string> = {
  powerOn: 'Power On virtual machine', powerOff: 'Power Off virtual machine', suspend: 'Suspend virtual machine',
  reset: 'Reset virtual machine', shutdownGuest: 'Initiate guest OS shutdown', rebootGuest: 'Initiate guest OS reboot',
};

const EVENT_TYPE: Record<PowerOp, [string, string]> = {
  powerOn: ['VmPoweredOnEvent', 'is powered on'], powerOff: ['VmPoweredOffEvent', 'is powered off'],
  suspend: ['VmSuspendedEvent', 'is suspended'], reset: ['VmResettingEvent', 'is reset'],
  shutdownGuest: ['VmGuestShutdownEvent', 'guest OS shut down'], rebootGuest: ['VmGuestRebootEvent', 'guest OS restarted'],
};

export function uptimeMs(vm: Vm, nowMs: number): number {
  return vm.powerState === 'poweredOn' ? vm.uptimeCarriedMs + (nowMs - vm.poweredOnAtMs) : 0;
}

function precheck(lab: Lab, vm: Vm, op: PowerOp): ApiError | undefined {
  if (vm.isTemplate) return apiError('E_INVALID_STATE', `${vm.name} is a template and cannot be powered on.`, 'params.vmId');
  const stateError = checkPowerOp(op, vm.powerState);
  if (stateError) return stateError;
  if ((op === 'shutdownGuest' || op === 'rebootGuest') && vm.toolsStatus !== 'toolsOk') {
    return apiError('E_INVALID_STATE', 'Cannot complete operation because VMware Tools is not running in this virtual machine.', 'params.vmId');
  }
  if (op === 'powerOn') {
    const host = vm.hostId ? lab.reg.hosts.get(vm.hostId) : undefined;
    if (!host) return apiError('E_INVALID_STATE', `${vm.name} is not registered on a host.`, 'params.vmId');
    if (host.connectionState !== 'connected' || host.powerState !== 'poweredOn') {
      return apiError('E_INVALID_STATE', `Host ${host.name} is not connected.`, 'params.vmId');
    }
    if (host.inMaintenanceMode) return apiError('E_INVALID_STATE', `Host ${host.name} is in maintenance mode.`, 'params.vmId');
  }
  return undefined;
}

export function startPowerOp(lab: Lab, vmId: VmId, op: PowerOp): { taskId: TaskId } | { error: ApiError } {
  const vm = lab.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.busyTaskId) {
    return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is already in progress on ${vm.name}.`, 'params.vmId') };
  }
  const problem = precheck(lab, vm, op);
  if (problem) return { error: problem };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: `vm.${op}`, name: POWER_OP_TASK_NAME[op], targetId: vm.id, targetName: vm.name,
    durationMs: POWER_OP_DURATION_MS[op],
    precheck: () => precheck(lab, vm, op),
    complete: () => {
      applyPowerOp(lab, vm, op);
      return {};
    },
    onFinished: (task) => {
      vm.busyTaskId = undefined;
      if (task.state === 'success') {
        const [type, text] = EVENT_TYPE[op];
        lab.events.log(lab.clock.nowMs, 'info', type, `${vm.name} ${text}`, { id: vm.id, name: vm.name }, task.id);
      } else if (task.error) {
        lab.events.log(lab.clock.nowMs, 'error', 'TaskFailedEvent', `${task.name} on ${vm.name} failed: ${task.error.message}`, { id: vm.id, name: vm.name }, task.id);
      }
    },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

function applyPowerOp(lab: Lab, vm: Vm, op: PowerOp): void {
  const now = lab.clock.nowMs;
  const host = vm.hostId ? lab.reg.hosts.get(vm.hostId) : undefined;
  const opsEntity = host?.clusterId ?? vm.datacenterId;
  switch (op) {
    case 'powerOn':
      if (vm.powerState === 'poweredOff') vm.uptimeCarriedMs = 0;
      vm.poweredOnAtMs = now;
      lab.vmop(opsEntity, 'poweron');
      if (opsEntity !== vm.datacenterId) lab.vmop(vm.datacenterId, 'poweron');
      break;
    case 'suspend':
      vm.uptimeCarriedMs = uptimeMs(vm, now);
      break;
    case 'powerOff':
    case 'shutdownGuest':
      vm.uptimeCarriedMs = 0;
      lab.vmop(opsEntity, 'poweroff');
      if (opsEntity !== vm.datacenterId) lab.vmop(vm.datacenterId, 'poweroff');
      break;
    case 'reset':
    case 'rebootGuest':
      vm.uptimeCarriedMs = 0;
      vm.poweredOnAtMs = now;
      break;
  }
  vm.powerState = POWER_TRANSITIONS[op].to;
  vm.guestState = vm.powerState === 'poweredOn' ? 'running' : 'notRunning';
  lab.markChanged(vm.id);
}
