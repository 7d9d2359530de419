/**
 * hostOps — host-level operations as Tasks: enter and exit maintenance mode; enter and leave standby.
 *
 * - `startEnterMaintenance(ctx, hostId, initiator)`: refused (E_INVALID_STATE naming params.hostId) while
 *   powered-on VMs remain on the host (there is no vMotion to evacuate them yet: power them off or suspend
 *   them first); while the task runs, power-ons on the host are refused.
 * - `startExitMaintenance(ctx, hostId, initiator)`: refused unless the host is in maintenance mode.
 * - Task kinds (`tasks/timedTask.ts`): `ENTER_MAINTENANCE_TASK_KIND` (cancellable, as in vSphere: the host
 *   stays out of maintenance mode and takes power-ons again) and `EXIT_MAINTENANCE_TASK_KIND`; both resume
 *   after a lab is loaded.
 *
 * - `startEnterStandby(ctx, hostId, initiator)` (vSphere's PowerDownHostToStandBy_Task, what DPM does to
 *   a host it does not need): refused while powered-on VMs remain on the host, while the host does not
 *   answer the management network, and where the cluster services refuse it (`ctx.standbyProblem`: HA
 *   admission control needs the host's capacity, E_INSUFFICIENT_RESOURCES); powered-off and suspended
 *   VMs stay registered. In standby the host runs nothing, takes no power-on, and draws standby watts
 *   (metrics/resourceModels.ts). `startExitStandby` (PowerUpHostFromStandBy_Task) wakes it; it boots anew.
 *   Durations HOST_ENTER_STANDBY_MS, HOST_EXIT_STANDBY_MS (params.ts).
 *
 * Events: EnteringMaintenanceModeEvent, EnteredMaintenanceModeEvent, ExitMaintenanceModeEvent,
 * EnteringStandbyModeEvent, EnteredStandbyModeEvent, ExitingStandbyModeEvent, ExitedStandbyModeEvent (vSphere's).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { HostId, TaskId } from '@shared/model/ids';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import type { OpContext } from '../lab/index';
import type { Host } from './registry';
import { timedKind } from '../tasks/index';
import type { TaskKind, TimedState } from '../tasks/index';
import { HOST_ENTER_STANDBY_MS, HOST_EXIT_STANDBY_MS } from '../params';

const ENTER_MS = 3000;
const EXIT_MS = 1500;

function poweredOnVms(ctx: OpContext, host: Host): string[] {
  return ctx.reg.vmsOnHost(host.id).filter((v) => v.powerState === 'poweredOn').map((v) => v.name);
}

function enterProblem(ctx: OpContext, host: Host): ApiError | undefined {
  if (host.inMaintenanceMode) return apiError('E_INVALID_STATE', `Host ${host.name} is already in maintenance mode.`, 'params.hostId');
  const on = poweredOnVms(ctx, host);
  if (on.length) {
    return apiError('E_INVALID_STATE', `Host ${host.name} cannot enter maintenance mode: ${on.length} powered-on virtual machine(s) remain (${on.slice(0, 5).join(', ')}${on.length > 5 ? ', …' : ''}). Power them off or suspend them first.`, 'params.hostId');
  }
  return undefined;
}

interface HostTaskState extends TimedState { hostId: HostId }

function hostOf(ctx: OpContext, hostId: HostId): Host {
  const h = ctx.reg.hosts.get(hostId);
  if (!h) throw new Error(`the task's host ${hostId} no longer exists`);
  return h;
}

function release(ctx: OpContext, t: { state: HostTaskState }): void {
  const host = ctx.reg.hosts.get(t.state.hostId);
  if (host) host.busyTaskId = undefined;
}

export const ENTER_MAINTENANCE_TASK_KIND: TaskKind<HostTaskState, OpContext> = timedKind<HostTaskState, OpContext>({
  precheck: (ctx, t) => enterProblem(ctx, hostOf(ctx, t.state.hostId)),
  begin(ctx, t) {
    const host = hostOf(ctx, t.state.hostId);
    ctx.events.log(ctx.nowMs(), 'info', 'EnteringMaintenanceModeEvent', `Host ${host.name} is entering maintenance mode`, { id: host.id, name: host.name }, t.id);
  },
  complete(ctx, t) {
    const host = hostOf(ctx, t.state.hostId);
    const p = enterProblem(ctx, host);
    if (p) return { error: p };
    host.inMaintenanceMode = true;
    ctx.markChanged(host.id);
    ctx.events.log(ctx.nowMs(), 'info', 'EnteredMaintenanceModeEvent', `Host ${host.name} has entered maintenance mode`, { id: host.id, name: host.name }, t.id);
    return {};
  },
  // The mode changes only at completion: a cancel leaves the host as it was (`finished` frees it).
  cancel() {},
  finished: release,
});

export const EXIT_MAINTENANCE_TASK_KIND: TaskKind<HostTaskState, OpContext> = timedKind<HostTaskState, OpContext>({
  complete(ctx, t) {
    const host = hostOf(ctx, t.state.hostId);
    host.inMaintenanceMode = false;
    ctx.markChanged(host.id);
    ctx.events.log(ctx.nowMs(), 'info', 'ExitMaintenanceModeEvent', `Host ${host.name} has exited maintenance mode`, { id: host.id, name: host.name }, t.id);
    return {};
  },
  finished: release,
});

export function startEnterMaintenance(ctx: OpContext, hostId: HostId, initiator: string): { taskId: TaskId } | { error: ApiError } {
  const host = ctx.reg.hosts.get(hostId);
  if (!host) return { error: apiError('E_NOT_FOUND', `no host ${hostId}`, 'params.hostId') };
  if (host.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${host.busyTaskId}) is in progress on ${host.name}.`, 'params.hostId') };
  const problem = enterProblem(ctx, host);
  if (problem) return { error: problem };
  const taskId = ctx.tasks.start<HostTaskState>(ctx.nowMs(), {
    kind: 'host.enterMaintenance', operation: 'host.enterMaintenance', name: OPERATION_NAMES['host.enterMaintenance'], targetId: host.id, targetName: host.name, initiator,
    state: { hostId: host.id, durationMs: ctx.jitter(ENTER_MS) },
  });
  host.busyTaskId = taskId;
  return { taskId };
}

export function startExitMaintenance(ctx: OpContext, hostId: HostId, initiator: string): { taskId: TaskId } | { error: ApiError } {
  const host = ctx.reg.hosts.get(hostId);
  if (!host) return { error: apiError('E_NOT_FOUND', `no host ${hostId}`, 'params.hostId') };
  if (host.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${host.busyTaskId}) is in progress on ${host.name}.`, 'params.hostId') };
  if (!host.inMaintenanceMode) return { error: apiError('E_INVALID_STATE', `Host ${host.name} is not in maintenance mode.`, 'params.hostId') };
  const taskId = ctx.tasks.start<HostTaskState>(ctx.nowMs(), {
    kind: 'host.exitMaintenance', operation: 'host.exitMaintenance', name: OPERATION_NAMES['host.exitMaintenance'], targetId: host.id, targetName: host.name, initiator,
    state: { hostId: host.id, durationMs: ctx.jitter(EXIT_MS) },
  });
  host.busyTaskId = taskId;
  return { taskId };
}

function standbyProblem(ctx: OpContext, host: Host): ApiError | undefined {
  if (host.powerState !== 'poweredOn') return apiError('E_INVALID_STATE', `Host ${host.name} is not powered on (${host.powerState}).`, 'params.hostId');
  // A host cut off from management (an isolated host) cannot be told to power down.
  if (host.connectionState !== 'connected') return apiError('E_INVALID_STATE', `Host ${host.name} is ${host.connectionState === 'notResponding' ? 'not responding' : 'disconnected'}.`, 'params.hostId');
  const on = poweredOnVms(ctx, host);
  if (on.length) {
    return apiError('E_INVALID_STATE', `Host ${host.name} cannot enter standby mode: ${on.length} powered-on virtual machine(s) remain (${on.slice(0, 5).join(', ')}${on.length > 5 ? ', …' : ''}). Move them to other hosts first.`, 'params.hostId');
  }
  // The cluster services' word: HA admission control may need the host's capacity for failover.
  return ctx.standbyProblem(host);
}

export const ENTER_STANDBY_TASK_KIND: TaskKind<HostTaskState, OpContext> = timedKind<HostTaskState, OpContext>({
  precheck: (ctx, t) => standbyProblem(ctx, hostOf(ctx, t.state.hostId)),
  begin(ctx, t) {
    const host = hostOf(ctx, t.state.hostId);
    ctx.events.log(ctx.nowMs(), 'info', 'EnteringStandbyModeEvent', `Host ${host.name} is entering standby mode`, { id: host.id, name: host.name }, t.id);
  },
  complete(ctx, t) {
    const host = hostOf(ctx, t.state.hostId);
    const p = standbyProblem(ctx, host);
    if (p) return { error: p };
    host.powerState = 'standBy';
    ctx.markChanged(host.id);
    ctx.events.log(ctx.nowMs(), 'info', 'EnteredStandbyModeEvent', `Host ${host.name} is in standby mode`, { id: host.id, name: host.name }, t.id);
    return {};
  },
  finished: release,
});

export const EXIT_STANDBY_TASK_KIND: TaskKind<HostTaskState, OpContext> = timedKind<HostTaskState, OpContext>({
  begin(ctx, t) {
    const host = hostOf(ctx, t.state.hostId);
    ctx.events.log(ctx.nowMs(), 'info', 'ExitingStandbyModeEvent', `Host ${host.name} is exiting standby mode`, { id: host.id, name: host.name }, t.id);
  },
  complete(ctx, t) {
    const host = hostOf(ctx, t.state.hostId);
    host.powerState = 'poweredOn';
    host.bootedAtMs = ctx.nowMs();
    ctx.markChanged(host.id);
    ctx.events.log(ctx.nowMs(), 'info', 'ExitedStandbyModeEvent', `Host ${host.name} has exited standby mode`, { id: host.id, name: host.name }, t.id);
    return {};
  },
  finished: release,
});

export function startEnterStandby(ctx: OpContext, hostId: HostId, initiator: string): { taskId: TaskId } | { error: ApiError } {
  const host = ctx.reg.hosts.get(hostId);
  if (!host) return { error: apiError('E_NOT_FOUND', `no host ${hostId}`, 'params.hostId') };
  if (host.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${host.busyTaskId}) is in progress on ${host.name}.`, 'params.hostId') };
  const problem = standbyProblem(ctx, host);
  if (problem) return { error: problem };
  const taskId = ctx.tasks.start<HostTaskState>(ctx.nowMs(), {
    kind: 'host.enterStandby', operation: 'host.enterStandby', name: OPERATION_NAMES['host.enterStandby'], targetId: host.id, targetName: host.name, initiator,
    state: { hostId: host.id, durationMs: ctx.jitter(HOST_ENTER_STANDBY_MS) },
  });
  host.busyTaskId = taskId;
  return { taskId };
}

export function startExitStandby(ctx: OpContext, hostId: HostId, initiator: string): { taskId: TaskId } | { error: ApiError } {
  const host = ctx.reg.hosts.get(hostId);
  if (!host) return { error: apiError('E_NOT_FOUND', `no host ${hostId}`, 'params.hostId') };
  if (host.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${host.busyTaskId}) is in progress on ${host.name}.`, 'params.hostId') };
  if (host.powerState !== 'standBy') return { error: apiError('E_INVALID_STATE', `Host ${host.name} is not in standby mode.`, 'params.hostId') };
  const taskId = ctx.tasks.start<HostTaskState>(ctx.nowMs(), {
    kind: 'host.exitStandby', operation: 'host.exitStandby', name: OPERATION_NAMES['host.exitStandby'], targetId: host.id, targetName: host.name, initiator,
    state: { hostId: host.id, durationMs: ctx.jitter(HOST_EXIT_STANDBY_MS) },
  });
  host.busyTaskId = taskId;
  return { taskId };
}
