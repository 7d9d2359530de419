/**
 * VM power operations as Tasks: power on/off, suspend/resume, reset, guest shutdown/restart.
 *
 * - `startPowerOp(ctx, vmId, op, initiator)` validates (typed error naming params.vmId, nothing changes;
 *   a power-on also asks the cluster services: HA admission control, faults; and its CPU reservation must
 *   fit its host and its resource pool tree, `poolAdmission.ts`) and queues a `vm.power` task; the state changes when the task completes (a failing effect fails the
 *   task, no change).
 * - `POWER_TASK_KIND`: the task kind (state `{ vmId, op, durationMs }`, `tasks/timedTask.ts`). Not
 *   cancellable; a saved lab resumes it with the time it had left.
 * - `guestStopped(ctx, vmId, crashed)`: the guest powered itself off (after a guest shutdown) or crashed.
 * - `uptimeMs(vm, nowMs)`, `reservationFits(ctx, vm, mhz)`.
 *
 * Semantics (vSphere): power on boots the guest (or resumes a suspended one, restoring its captured
 * state exactly); suspend captures the guest (`save()`, copy-on-write) and releases its memory; reset
 * reboots a fresh guest; "shut down / restart guest" only asks the guest OS through its tools (the task
 * completes when the request is delivered; the VM powers off when the guest does). A VM with a task in
 * flight refuses another power operation. Powering on charges the VM's overhead memory to its host
 * (`guestLifecycle.ts`); a host without room for it fails the task with E_INSUFFICIENT_RESOURCES.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { TaskId, VmId } from '@shared/model/ids';
import type { OpContext } from '../lab/index';
import type { Vm } from '../cluster/index';
import { powerCommand } from '@shared/model/vmPower';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import { timedKind } from '../tasks/index';
import type { TaskKind, TimedState } from '../tasks/index';
import type { PowerOp } from './powerState';
import { checkPowerOp } from './powerState';
import { captureGuest, markCrashed, ownerOf, startGuest, stopGuest } from './guestLifecycle';
import { poolAdmissionProblem, poolScopeOfHost } from './poolAdmission';
import { dropSuspended } from './captureHandles';

/** Virtual milliseconds each operation takes; of the order vCenter shows for small VMs (±10 % jitter). */
export const POWER_OP_DURATION_MS: Record<PowerOp, number> = {
  powerOn: 1500, powerOff: 1000, suspend: 2000, reset: 1000, shutdownGuest: 500, rebootGuest: 500,
};


export function uptimeMs(vm: Vm, nowMs: number): number {
  return vm.powerState === 'poweredOn' ? vm.uptimeCarriedMs + (nowMs - vm.poweredOnAtMs) : 0;
}

/** CPU capacity a host can reserve (physical cores × MHz), and what powered-on VMs already reserve. */
export function reservationFits(ctx: OpContext, vm: Vm, extraMhz: number): boolean {
  const host = vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined;
  if (!host) return false;
  let reserved = 0;
  for (const other of ctx.reg.vmsOnHost(host.id)) if (other.powerState === 'poweredOn' && other.id !== vm.id) reserved += other.cpuReservationMhz;
  return reserved + extraMhz <= host.sockets * host.coresPerSocket * host.cpuMhz;
}

function precheck(ctx: OpContext, vm: Vm, op: PowerOp): ApiError | undefined {
  const host = vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined;
  const stateError = checkPowerOp(op, vm, host);
  if (stateError) return stateError;
  if (op === 'powerOn') {
    if (!host) return apiError('E_INVALID_STATE', `${vm.name} is not registered on a host.`, 'params.vmId');
    if (!reservationFits(ctx, vm, vm.cpuReservationMhz)) {
      return apiError('E_INSUFFICIENT_RESOURCES', `Host ${host.name} has not enough unreserved CPU for the ${vm.cpuReservationMhz} MHz reservation of ${vm.name}.`, 'params.vmId');
    }
    if (vm.cpuReservationMhz > 0 && vm.powerState !== 'poweredOn') {
      const mhz = vm.cpuReservationMhz;
      const problem = poolAdmissionProblem(ctx.reg, poolScopeOfHost(ctx.reg, host.id), (t) => {
        const poolId = vm.resourcePoolId && t.pools.some((p) => p.id === vm.resourcePoolId) ? vm.resourcePoolId : undefined;
        t.vms.push({ id: vm.id, reservationMhz: mhz, ...(poolId ? { poolId } : {}) });
      }, `powering on ${vm.name} (CPU reservation ${mhz} MHz)`, 'params.vmId');
      if (problem) return problem;
    }
  }
  return undefined;
}

const START_EVENT: Partial<Record<PowerOp, string>> = {
  powerOff: 'VmStoppingEvent', suspend: 'VmSuspendingEvent',
};

interface PowerTaskState extends TimedState { vmId: VmId; op: PowerOp }

function vmOf(ctx: OpContext, vmId: VmId): Vm {
  const vm = ctx.reg.vms.get(vmId);
  // A VM with a task in flight cannot be deleted, so this holds unless the lab state is corrupt.
  if (!vm) throw new Error(`the task's virtual machine ${vmId} no longer exists`);
  return vm;
}

export const POWER_TASK_KIND: TaskKind<PowerTaskState, OpContext> = timedKind<PowerTaskState, OpContext>({
  precheck: (ctx, t) => precheck(ctx, vmOf(ctx, t.state.vmId), t.state.op),
  begin(ctx, t) {
    const vm = vmOf(ctx, t.state.vmId);
    const op = t.state.op;
    const type = op === 'powerOn' ? (vm.powerState === 'suspended' ? 'VmResumingEvent' : 'VmStartingEvent') : START_EVENT[op];
    if (type) ctx.events.log(ctx.nowMs(), 'info', type, `${vm.name} on ${ctx.reg.nameOf(vm.hostId ?? '')} is ${type.slice(2, -5).toLowerCase()}`, { id: vm.id, name: vm.name }, t.id);
  },
  complete(ctx, t) {
    // The host may have failed while the task ran (an injected fault): a power-on checks it again.
    const vm = vmOf(ctx, t.state.vmId);
    const hostGone = t.state.op === 'powerOn' ? checkPowerOp('powerOn', vm, vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined) : undefined;
    if (hostGone) return { error: hostGone };
    const err = applyPowerOp(ctx, vm, t.state.op, t.id);
    return err ? { error: err } : {};
  },
  finished(ctx, t, task) {
    const vm = ctx.reg.vms.get(t.state.vmId);
    if (!vm) return;
    vm.busyTaskId = undefined;
    if (task.state !== 'success' && task.error) {
      const type = t.state.op === 'powerOn' ? 'VmFailedToPowerOnEvent' : 'TaskFailedEvent';
      ctx.events.log(ctx.nowMs(), 'error', type, `${task.name} on ${vm.name} failed: ${task.error.message}`, { id: vm.id, name: vm.name }, task.id);
    }
  },
});

export function startPowerOp(ctx: OpContext, vmId: VmId, op: PowerOp, initiator: string): { taskId: TaskId } | { error: ApiError } {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.busyTaskId) {
    return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is already in progress on ${vm.name}.`, 'params.vmId') };
  }
  const problem = precheck(ctx, vm, op) ?? (op === 'powerOn' ? ctx.powerOnProblem(vm, initiator) : undefined);
  if (problem) return { error: problem };
  const taskId = ctx.tasks.start<PowerTaskState>(ctx.nowMs(), {
    kind: 'vm.power', operation: powerCommand(op), name: OPERATION_NAMES[powerCommand(op)], targetId: vm.id, targetName: vm.name, initiator,
    state: { vmId: vm.id, op, durationMs: ctx.jitter(POWER_OP_DURATION_MS[op]) },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

function log(ctx: OpContext, vm: Vm, type: string, text: string, taskId?: TaskId): void {
  ctx.events.log(ctx.nowMs(), 'info', type, `${vm.name} on ${ctx.reg.nameOf(vm.hostId ?? '')} ${text}`, { id: vm.id, name: vm.name }, taskId);
}

function applyPowerOp(ctx: OpContext, vm: Vm, op: PowerOp, taskId: TaskId): ApiError | undefined {
  const now = ctx.nowMs();
  const rt = ctx.runtime(vm.id);
  switch (op) {
    case 'powerOn': {
      const resuming = vm.powerState === 'suspended';
      const err = startGuest(ctx, vm, resuming ? rt.suspended : undefined);
      if (err) return err;
      if (!resuming) { vm.uptimeCarriedMs = 0; ctx.vmop(vm, 'poweron'); }
      dropSuspended(ctx, rt);
      vm.poweredOnAtMs = now;
      vm.powerState = 'poweredOn';
      log(ctx, vm, 'VmPoweredOnEvent', 'is powered on', taskId);
      break;
    }
    case 'powerOff':
      if (vm.powerState === 'poweredOn') stopGuest(ctx, vm);
      dropSuspended(ctx, rt);
      vm.uptimeCarriedMs = 0;
      vm.powerState = 'poweredOff';
      ctx.vmop(vm, 'poweroff');
      log(ctx, vm, 'VmPoweredOffEvent', 'is powered off', taskId);
      break;
    case 'suspend':
      rt.suspended = captureGuest(ctx, vm);
      stopGuest(ctx, vm);
      vm.uptimeCarriedMs = uptimeMs(vm, now);
      vm.powerState = 'suspended';
      ctx.vmop(vm, 'suspend');
      log(ctx, vm, 'VmSuspendedEvent', 'is suspended', taskId);
      break;
    case 'reset': {
      stopGuest(ctx, vm);
      const err = startGuest(ctx, vm);
      vm.uptimeCarriedMs = 0;
      vm.poweredOnAtMs = now;
      ctx.vmop(vm, 'reset');
      if (err) { ctx.events.log(now, 'error', 'VmFailedToPowerOnEvent', `${vm.name}: ${err.message}`, { id: vm.id, name: vm.name }, taskId); }
      log(ctx, vm, 'VmResettingEvent', 'is reset', taskId);
      break;
    }
    case 'shutdownGuest':
    case 'rebootGuest': {
      const owner = ownerOf(ctx, vm);
      const ok = owner ? (op === 'shutdownGuest' ? owner.requestShutdown(vm.id) : owner.requestReboot(vm.id)) : false;
      if (!ok) return apiError('E_INVALID_STATE', `The guest operating system of ${vm.name} did not accept the request.`, 'params.vmId');
      ctx.vmop(vm, op);
      if (op === 'rebootGuest') { vm.uptimeCarriedMs = 0; vm.poweredOnAtMs = now; }
      log(ctx, vm, op === 'shutdownGuest' ? 'VmGuestShutdownEvent' : 'VmGuestRebootEvent',
        op === 'shutdownGuest' ? ': guest OS shutdown initiated' : ': guest OS reboot initiated', taskId);
      break;
    }
  }
  ctx.markChanged(vm.id);
  return undefined;
}

/** The guest stopped by itself: powered off (guest shutdown) or crashed (the VM stays powered on). */
export function guestStopped(ctx: OpContext, vmId: VmId, crashed: boolean): void {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm) return;
  if (crashed) {
    markCrashed(ctx, vm);
    ctx.events.log(ctx.nowMs(), 'error', 'VmGuestOSCrashedEvent', `${vm.name}: the guest OS has crashed: ${vm.crashReason ?? ''}`, { id: vm.id, name: vm.name });
  } else {
    stopGuest(ctx, vm);
    vm.uptimeCarriedMs = 0;
    vm.powerState = 'poweredOff';
    ctx.vmop(vm, 'poweroff');
    log(ctx, vm, 'VmPoweredOffEvent', 'is powered off');
  }
  ctx.markChanged(vm.id);
}
