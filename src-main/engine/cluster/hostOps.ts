/**
 * hostOps — host-level operations as Tasks: enter and exit maintenance mode; enter and leave standby.
 *
 * - `startEnterMaintenance(ctx, hostId, initiator)`: vSphere's behaviour — the host's powered-on VMs are
 *   evacuated by live migration (one "Relocate virtual machine" task each, QEMU's default technique) to
 *   other hosts of its cluster that can take them (the compatible host with the most free memory, counting
 *   the moves already planned), then the host enters maintenance mode. Refused (E_INVALID_STATE or
 *   E_INSUFFICIENT_RESOURCES naming params.hostId) when a powered-on VM has nowhere to go (a standalone
 *   host, no compatible host with room) or migrations towards this host are still in progress. While the
 *   task runs, power-ons on the host and migrations to it are refused; a migration that fails fails the
 *   task, and the host stays out of maintenance mode with the VMs that did not move.
 * - `startExitMaintenance(ctx, hostId, initiator)`: refused unless the host is in maintenance mode.
 * - Task kinds: `ENTER_MAINTENANCE_TASK_KIND` (cancellable, as in vSphere: migrations still running are
 *   cancelled — their VMs stay on this host — and the host stays out of maintenance mode and takes
 *   power-ons again) and `EXIT_MAINTENANCE_TASK_KIND` (timed); both resume after a lab is loaded.
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
import type { HostId, TaskId, VmId } from '@shared/model/ids';
import { isTaskFinished } from '@shared/model/task';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import type { OpContext } from '../lab/index';
import type { Host, Vm } from './registry';
import { timedKind } from '../tasks/index';
import type { TaskKind, TimedState } from '../tasks/index';
import { framesNeeded, hostProblems, startMigration } from '../migration/index';
import { HOST_ENTER_STANDBY_MS, HOST_EXIT_STANDBY_MS } from '../params';

const ENTER_MS = 3000;
const EXIT_MS = 1500;

function poweredOnVms(ctx: OpContext, host: Host): Vm[] {
  return ctx.reg.vmsOnHost(host.id).filter((v) => v.powerState === 'poweredOn');
}

/** Where each powered-on VM goes, or why one cannot go anywhere. */
function evacuationPlan(ctx: OpContext, host: Host): { moves: [VmId, HostId][] } | { error: ApiError } {
  const vms = poweredOnVms(ctx, host);
  if (!vms.length) return { moves: [] };
  const field = 'params.hostId';
  if (!host.clusterId) {
    return { error: apiError('E_INVALID_STATE', `Host ${host.name} is not in a cluster, so its ${vms.length} powered-on virtual machine(s) (${vms.slice(0, 5).map((v) => v.name).join(', ')}) have no host to be migrated to. Power them off, suspend them, or migrate them first.`, field) };
  }
  const others = [...ctx.reg.hosts.values()].filter((h) => h.id !== host.id && h.clusterId === host.clusterId);
  const planned = new Map<HostId, number>();
  const moves: [VmId, HostId][] = [];
  for (const vm of vms) {
    if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `${vm.name} has a task in progress (${vm.busyTaskId}); it cannot be migrated off ${host.name} now.`, field) };
    let best: Host | undefined;
    let bestFree = -Infinity;
    const reasons: string[] = [];
    for (const h of others) {
      const reserved = (planned.get(h.id) ?? 0) + ctx.migrations.reservedFrames(h.id);
      const problems = hostProblems(ctx, [vm], h, reserved);
      if (problems.length) { reasons.push(problems[0].message); continue; }
      const owner = ctx.host(h.id);
      const free = owner ? owner.freeFrames() - reserved : 0;
      if (free > bestFree) { best = h; bestFree = free; }
    }
    if (!best) {
      return { error: apiError('E_INSUFFICIENT_RESOURCES', `Host ${host.name} cannot enter maintenance mode: ${vm.name} cannot be migrated to another host of the cluster${reasons.length ? ` (${reasons.slice(0, 3).join(' ')})` : ''}.`, field) };
    }
    planned.set(best.id, (planned.get(best.id) ?? 0) + framesNeeded([vm]));
    moves.push([vm.id, best.id]);
  }
  return { moves };
}

function enterProblem(ctx: OpContext, host: Host): ApiError | undefined {
  if (host.inMaintenanceMode) return apiError('E_INVALID_STATE', `Host ${host.name} is already in maintenance mode.`, 'params.hostId');
  const incoming = [...ctx.migrations.live.values()].filter((m) => m.env.destHostId === host.id).length;
  if (incoming) return apiError('E_INVALID_STATE', `Host ${host.name} cannot enter maintenance mode while ${incoming} migration(s) to it are in progress.`, 'params.hostId');
  return undefined;
}

interface HostTaskState extends TimedState { hostId: HostId }

interface EnterState extends HostTaskState {
  initiator: string;
  /** Evacuation migrations started by this task. */
  migrations: TaskId[];
  /** When the evacuation ended (the mode change takes `durationMs` after it). */
  evacuatedAtMs?: number;
}

function hostOf(ctx: OpContext, hostId: HostId): Host {
  const h = ctx.reg.hosts.get(hostId);
  if (!h) throw new Error(`the task's host ${hostId} no longer exists`);
  return h;
}

function release(ctx: OpContext, t: { state: HostTaskState }): void {
  const host = ctx.reg.hosts.get(t.state.hostId);
  if (host) host.busyTaskId = undefined;
}

export const ENTER_MAINTENANCE_TASK_KIND: TaskKind<EnterState, OpContext> = {
  start(ctx, t, nowMs) {
    const host = hostOf(ctx, t.state.hostId);
    const p = enterProblem(ctx, host);
    if (p) return { status: 'error', error: p };
    const plan = evacuationPlan(ctx, host);
    if ('error' in plan) return { status: 'error', error: plan.error };
    ctx.events.log(nowMs, 'info', 'EnteringMaintenanceModeEvent', `Host ${host.name} is entering maintenance mode`, { id: host.id, name: host.name }, t.id);
    for (const [vmId, dest] of plan.moves) {
      const r = startMigration(ctx, { vmId, hostId: dest }, t.state.initiator);
      if ('error' in r) return { status: 'error', error: apiError(r.error.code, `${ctx.reg.nameOf(vmId)} cannot be evacuated: ${r.error.message}`, 'params.hostId') };
      t.state.migrations.push(r.taskId);
    }
    if (!plan.moves.length) t.state.evacuatedAtMs = nowMs;
    return { status: 'running', progress: 0, eachBarrier: true };
  },
  step(ctx, t, nowMs) {
    const s = t.state;
    const tasks = s.migrations.map((id) => ctx.tasks.get(id));
    const running = tasks.filter((x) => x && !isTaskFinished(x.state)).length;
    if (running) return { status: 'running', progress: (80 * (tasks.length - running)) / Math.max(1, tasks.length), eachBarrier: true };
    const failed = tasks.find((x) => x && x.state !== 'success');
    if (failed) return { status: 'error', error: apiError('E_INVALID_STATE', `${failed.targetName} could not be evacuated: ${failed.error?.message ?? failed.state}`, 'params.hostId') };
    s.evacuatedAtMs ??= nowMs;
    const end = s.evacuatedAtMs + s.durationMs;
    if (nowMs < end) return { status: 'running', progress: 80 + (20 * (nowMs - s.evacuatedAtMs)) / s.durationMs, wakeAtMs: end, eachBarrier: true };
    const host = hostOf(ctx, s.hostId);
    const left = poweredOnVms(ctx, host);
    if (left.length) return { status: 'error', error: apiError('E_INVALID_STATE', `Host ${host.name} cannot enter maintenance mode: ${left.map((v) => v.name).join(', ')} powered on meanwhile.`, 'params.hostId') };
    host.inMaintenanceMode = true;
    ctx.markChanged(host.id);
    ctx.events.log(nowMs, 'info', 'EnteredMaintenanceModeEvent', `Host ${host.name} has entered maintenance mode`, { id: host.id, name: host.name }, t.id);
    return { status: 'success' };
  },
  // The mode changes only at completion: a cancel stops the evacuation (migrations still before their
  // switch roll back) and leaves the host as it was (`finished` frees it).
  cancel(ctx, t, nowMs) {
    for (const id of t.state.migrations) {
      const task = ctx.tasks.get(id);
      if (task && !isTaskFinished(task.state) && task.cancellable) ctx.tasks.cancel(nowMs, id, task.initiator);
    }
  },
  finished: release,
};

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
  const plan = evacuationPlan(ctx, host);
  if ('error' in plan) return { error: plan.error };
  const taskId = ctx.tasks.start<EnterState>(ctx.nowMs(), {
    kind: 'host.enterMaintenance', operation: 'host.enterMaintenance', name: OPERATION_NAMES['host.enterMaintenance'], targetId: host.id, targetName: host.name, initiator,
    state: { hostId: host.id, durationMs: ctx.jitter(ENTER_MS), initiator, migrations: [] },
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
