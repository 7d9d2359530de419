/**
 * VM power operations as Tasks: power on/off, suspend/resume, reset, guest shutdown/restart.
 *
 * - `startPowerOp(lab, vmId, op)` validates (typed error naming params.vmId, nothing changes) and starts
 *   the task; the state changes when the task completes (a failing effect fails the task, no change).
 * - `guestStopped(lab, vmId, crashed)`: the guest powered itself off (after a guest shutdown) or crashed.
 * - `uptimeMs(vm, nowMs)`.
 *
 * Semantics (vSphere): power on boots the guest (or resumes a suspended one, restoring its captured
 * state exactly); suspend captures the guest (`save()`, copy-on-write) and releases its memory; reset
 * reboots a fresh guest; "shut down / restart guest" only asks the guest OS through its tools (the task
 * completes when the request is delivered; the VM powers off when the guest does). A VM with a task in
 * flight refuses another power operation.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { TaskId, VmId } from '@shared/model/ids';
import type { Lab } from '../lab/lab';
import type { Vm } from '../cluster/registry';
import { powerCommand } from '@shared/model/vmPower';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import type { PowerOp } from './powerState';
import { checkPowerOp } from './powerState';
import { captureGuest, markCrashed, startGuest, stopGuest } from './guestLifecycle';

/** Virtual milliseconds each operation takes; of the order vCenter shows for small VMs (±10 % jitter). */
export const POWER_OP_DURATION_MS: Record<PowerOp, number> = {
  powerOn: 1500, powerOff: 1000, suspend: 2000, reset: 1000, shutdownGuest: 500, rebootGuest: 500,
};


export function uptimeMs(vm: Vm, nowMs: number): number {
  return vm.powerState === 'poweredOn' ? vm.uptimeCarriedMs + (nowMs - vm.poweredOnAtMs) : 0;
}

/** CPU capacity a host can reserve (physical cores × MHz), and what powered-on VMs already reserve. */
function reservationFits(lab: Lab, vm: Vm, extraMhz: number): boolean {
  const host = vm.hostId ? lab.reg.hosts.get(vm.hostId) : undefined;
  if (!host) return false;
  let reserved = 0;
  for (const other of lab.reg.vmsOnHost(host.id)) if (other.powerState === 'poweredOn' && other.id !== vm.id) reserved += other.cpuReservationMhz;
  return reserved + extraMhz <= host.sockets * host.coresPerSocket * host.cpuMhz;
}

export { reservationFits };

function precheck(lab: Lab, vm: Vm, op: PowerOp): ApiError | undefined {
  const host = vm.hostId ? lab.reg.hosts.get(vm.hostId) : undefined;
  const stateError = checkPowerOp(op, vm, host);
  if (stateError) return stateError;
  if (op === 'powerOn') {
    if (!host) return apiError('E_INVALID_STATE', `${vm.name} is not registered on a host.`, 'params.vmId');
    if (!reservationFits(lab, vm, vm.cpuReservationMhz)) {
      return apiError('E_INSUFFICIENT_RESOURCES', `Host ${host.name} has not enough unreserved CPU for the ${vm.cpuReservationMhz} MHz reservation of ${vm.name}.`, 'params.vmId');
    }
  }
  return undefined;
}

const START_EVENT: Partial<Record<PowerOp, string>> = {
  powerOff: 'VmStoppingEvent', suspend: 'VmSuspendingEvent',
};

export function startPowerOp(lab: Lab, vmId: VmId, op: PowerOp): { taskId: TaskId } | { error: ApiError } {
  const vm = lab.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.busyTaskId) {
    return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is already in progress on ${vm.name}.`, 'params.vmId') };
  }
  const problem = precheck(lab, vm, op);
  if (problem) return { error: problem };
  const entity = { id: vm.id, name: vm.name };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: powerCommand(op), name: OPERATION_NAMES[powerCommand(op)], targetId: vm.id, targetName: vm.name,
    durationMs: lab.jitter(POWER_OP_DURATION_MS[op]),
    precheck: () => precheck(lab, vm, op),
    onStart: () => {
      const type = op === 'powerOn' ? (vm.powerState === 'suspended' ? 'VmResumingEvent' : 'VmStartingEvent') : START_EVENT[op];
      if (type) lab.events.log(lab.clock.nowMs, 'info', type, `${vm.name} on ${lab.reg.nameOf(vm.hostId ?? '')} is ${type.slice(2, -5).toLowerCase()}`, entity, taskId);
    },
    complete: () => {
      const err = applyPowerOp(lab, vm, op, taskId);
      return err ? { error: err } : {};
    },
    onFinished: (task) => {
      vm.busyTaskId = undefined;
      if (task.state !== 'success' && task.error) {
        const type = op === 'powerOn' ? 'VmFailedToPowerOnEvent' : 'TaskFailedEvent';
        lab.events.log(lab.clock.nowMs, 'error', type, `${task.name} on ${vm.name} failed: ${task.error.message}`, entity, task.id);
      }
    },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

function log(lab: Lab, vm: Vm, type: string, text: string, taskId?: TaskId): void {
  lab.events.log(lab.clock.nowMs, 'info', type, `${vm.name} on ${lab.reg.nameOf(vm.hostId ?? '')} ${text}`, { id: vm.id, name: vm.name }, taskId);
}

function applyPowerOp(lab: Lab, vm: Vm, op: PowerOp, taskId: TaskId): ApiError | undefined {
  const now = lab.clock.nowMs;
  const rt = lab.runtime(vm.id);
  switch (op) {
    case 'powerOn': {
      const resuming = vm.powerState === 'suspended';
      const err = startGuest(lab, vm, resuming ? rt.suspended : undefined);
      if (err) return err;
      if (!resuming) { vm.uptimeCarriedMs = 0; lab.vmop(vm, 'poweron'); }
      rt.suspended = undefined;
      vm.poweredOnAtMs = now;
      vm.powerState = 'poweredOn';
      log(lab, vm, 'VmPoweredOnEvent', 'is powered on', taskId);
      break;
    }
    case 'powerOff':
      if (vm.powerState === 'poweredOn') stopGuest(lab, vm);
      rt.suspended = undefined;
      vm.uptimeCarriedMs = 0;
      vm.powerState = 'poweredOff';
      lab.vmop(vm, 'poweroff');
      log(lab, vm, 'VmPoweredOffEvent', 'is powered off', taskId);
      break;
    case 'suspend':
      rt.suspended = captureGuest(lab, vm);
      stopGuest(lab, vm);
      vm.uptimeCarriedMs = uptimeMs(vm, now);
      vm.powerState = 'suspended';
      lab.vmop(vm, 'suspend');
      log(lab, vm, 'VmSuspendedEvent', 'is suspended', taskId);
      break;
    case 'reset': {
      stopGuest(lab, vm);
      const err = startGuest(lab, vm);
      vm.uptimeCarriedMs = 0;
      vm.poweredOnAtMs = now;
      lab.vmop(vm, 'reset');
      if (err) { lab.events.log(now, 'error', 'VmFailedToPowerOnEvent', `${vm.name}: ${err.message}`, { id: vm.id, name: vm.name }, taskId); }
      log(lab, vm, 'VmResettingEvent', 'is reset', taskId);
      break;
    }
    case 'shutdownGuest':
    case 'rebootGuest': {
      const guest = rt.guest;
      const ok = guest ? (op === 'shutdownGuest' ? guest.requestGuestShutdown() : guest.requestGuestReboot()) : false;
      if (!ok) return apiError('E_INVALID_STATE', `The guest operating system of ${vm.name} did not accept the request.`, 'params.vmId');
      lab.vmop(vm, op);
      if (op === 'rebootGuest') { vm.uptimeCarriedMs = 0; vm.poweredOnAtMs = now; }
      log(lab, vm, op === 'shutdownGuest' ? 'VmGuestShutdownEvent' : 'VmGuestRebootEvent',
        op === 'shutdownGuest' ? ': guest OS shutdown initiated' : ': guest OS reboot initiated', taskId);
      break;
    }
  }
  lab.markChanged(vm.id);
  return undefined;
}

/** The guest stopped by itself: powered off (guest shutdown) or crashed (the VM stays powered on). */
export function guestStopped(lab: Lab, vmId: VmId, crashed: boolean): void {
  const vm = lab.reg.vms.get(vmId);
  if (!vm) return;
  if (crashed) {
    markCrashed(lab, vm);
    lab.events.log(lab.clock.nowMs, 'error', 'VmGuestOSCrashedEvent', `${vm.name}: the guest OS has crashed: ${vm.crashReason ?? ''}`, { id: vm.id, name: vm.name });
  } else {
    stopGuest(lab, vm);
    vm.uptimeCarriedMs = 0;
    vm.powerState = 'poweredOff';
    lab.vmop(vm, 'poweroff');
    log(lab, vm, 'VmPoweredOffEvent', 'is powered off');
  }
  lab.markChanged(vm.id);
}
