/**
 * The `placement.apply` task: runs a reconfiguration plan on the lab, move by move, as a Task with
 * sub-steps (the migrations and power operations it starts are ordinary tasks, visible in Recent Tasks
 * as vSphere lists them: one "Relocate virtual machine" per move).
 *
 * - `startApplyPlan(ctx, { clusterId, actions, standby }, initiator)` → `{ taskId }`.
 * - `APPLY_PLAN_TASK_KIND` (state: plain data, so a saved lab resumes the plan where it was).
 *
 * Order: the actions start in the plan's order, and an action starts only once every action the plan
 * had finished before its start has finished here too. So at each start the lab has freed at least what
 * the plan had freed and reserved no more than the plan had: the plan's "never over-committed" carries
 * over whatever the real durations are.
 *
 * A move of a running VM is a **live migration** (`vm.migrate`, pre-copy with the default options): the
 * VM keeps running while its pages are copied; the migration reserves its destination's memory from its
 * start (`checkMigration` counts migrations on their way) and frees the source at its end. A suspend
 * action (to break a cycle) is a `vm.power` suspend; a resume action registers the suspended VM on its
 * destination and resumes it there. A `relocate` action moves a powered-off VM cold: it is registered on
 * the destination (its disks stay on the shared datastores) at once.
 *
 * With `standby`, once every move is done the emptied hosts enter standby (`host.enterStandby` tasks),
 * and the plan succeeds when they are all in standby.
 *
 * Failure: a sub-step that fails stops the plan — no further action starts; those in flight finish. A
 * failed live migration leaves its VM running on its source (the migration engine's rule); a VM whose
 * resume on its destination fails is registered back on the host it came from and resumed there; a VM
 * the plan had suspended to break a cycle is resumed at home. So every VM is left running somewhere and
 * the task ends in error naming the move and the reason. Not cancellable (a half-done move would leave
 * its VM suspended). A migration rolled back because the lab was saved during it and loaded is started
 * again (the plan does not fail for a load).
 */
import { apiError, type ApiError } from '@shared/api/errors';
import type { ClusterId, HostId, TaskId, VmId } from '@shared/model/ids';
import { isTaskFinished } from '@shared/model/task';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import type { OpContext } from '../lab/index';
import type { TaskKind, StepResult, TaskView } from '../tasks/index';
import { startPowerOp } from '../vm/index';
import { startEnterStandby } from '../cluster/index';
import { startMigration } from '../migration/index';
import { PLAN_BANDWIDTH_MIB_PER_S } from '../params';
import { migrationEstimateMs } from './plan';

export interface ApplyAction {
  kind: 'migrate' | 'suspend' | 'resume' | 'relocate';
  vmId: VmId;
  fromHostId: HostId | null;
  toHostId: HostId | null;
  /** The host the VM ran on before the plan (where it returns when its destination fails). */
  homeHostId: HostId;
  planStartMs: number;
  planEndMs: number;
}

/** `copying`: a cold move of a lab saved before plans used live migration (its memory image being copied). */
type Phase = 'migrating' | 'suspending' | 'copying' | 'resuming' | 'returning';

interface InFlight {
  a: number;
  phase: Phase;
  subTaskId?: TaskId;
  untilMs?: number;
  /** The lab was loaded while this move's migration ran: the migration rolls back, and the move starts again. */
  restart?: boolean;
}

interface ApplyState {
  clusterId: ClusterId;
  actions: ApplyAction[];
  /** Index of the next action to start. */
  next: number;
  /** 1 when action i has finished (either way). */
  done: number[];
  running: InFlight[];
  failed?: ApiError;
  /** After a failure: VMs the plan had suspended (to break a cycle) were sent back to resume at home. */
  rescued?: boolean;
  /** Hosts to put into standby once every move is done (DPM's power-down), and their tasks once started. */
  standby: HostId[];
  standbyTasks?: TaskId[];
}

const MIB = 1024 * 1024;

/** Virtual ms a cold move of a lab saved before live migration spends copying a memory image of `memoryMiB`. */
export function copyImageMs(memoryMiB: number): number {
  return migrationEstimateMs(memoryMiB, PLAN_BANDWIDTH_MIB_PER_S, 0);
}

function vmName(ctx: OpContext, vmId: VmId): string {
  return ctx.reg.vms.get(vmId)?.name ?? vmId;
}

/** Register a suspended VM on another host (its disks stay where they are: the hosts share the datastores). */
function register(ctx: OpContext, vmId: VmId, hostId: HostId, taskId: TaskId): void {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm) return;
  const from = vm.hostId;
  vm.hostId = hostId;
  ctx.markChanged(vm.id, hostId, ...(from ? [from] : []));
  ctx.events.log(ctx.nowMs(), 'info', 'VmRelocatedEvent', `${vm.name} was relocated from ${ctx.reg.nameOf(from ?? '')} to ${ctx.reg.nameOf(hostId)}`, { id: vm.id, name: vm.name }, taskId);
}

/** A sub-task's outcome: undefined while it runs; else its error (none on success). */
function subOutcome(ctx: OpContext, id: TaskId | undefined, vmId: VmId, want: 'suspended' | 'poweredOn'): { error?: ApiError } | undefined {
  const t = id ? ctx.tasks.get(id) : undefined;
  if (t && !isTaskFinished(t.state)) return undefined;
  if (ctx.reg.vms.get(vmId)?.powerState === want) return {};
  return { error: t?.error ?? apiError('E_INTERNAL', `${vmName(ctx, vmId)} is not ${want}`) };
}

function fail(st: ApplyState, err: ApiError, ctx: OpContext, a: ApplyAction, what: string, to?: HostId | null): void {
  if (!st.failed) st.failed = apiError(err.code, `${what} ${vmName(ctx, a.vmId)}${to ? ` to ${ctx.reg.nameOf(to)}` : ''}: ${err.message}`);
}

/** While a VM waits suspended between the plan's sub-steps, the plan holds it: other operations are refused. */
function hold(ctx: OpContext, vmId: VmId, taskId: TaskId): boolean {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm || vm.powerState !== 'suspended' || (vm.busyTaskId && vm.busyTaskId !== taskId)) return false;
  vm.busyTaskId = taskId;
  return true;
}

function release(ctx: OpContext, vmId: VmId, taskId: TaskId): void {
  const vm = ctx.reg.vms.get(vmId);
  if (vm?.busyTaskId === taskId) vm.busyTaskId = undefined;
}

function resumeOn(ctx: OpContext, st: ApplyState, f: InFlight, hostId: HostId, taskId: TaskId, initiator: string): void {
  const a = st.actions[f.a];
  if (!hold(ctx, a.vmId, taskId)) {
    fail(st, apiError('E_INVALID_STATE', 'it changed during the move (no longer suspended, or another task holds it)'), ctx, a, 'Moving');
    st.done[f.a] = 1;
    return;
  }
  release(ctx, a.vmId, taskId);
  register(ctx, a.vmId, hostId, taskId);
  const r = startPowerOp(ctx, a.vmId, 'powerOn', initiator);
  if ('error' in r) {
    if (f.phase === 'returning') { fail(st, r.error, ctx, a, 'Resuming'); st.done[f.a] = 1; return; }
    fail(st, r.error, ctx, a, `Resuming on ${ctx.reg.nameOf(hostId)}`);
    f.phase = 'returning';
    resumeOn(ctx, st, f, a.homeHostId, taskId, initiator);
    return;
  }
  f.subTaskId = r.taskId;
  if (f.phase !== 'returning') f.phase = 'resuming';
}

function migrate(ctx: OpContext, st: ApplyState, f: InFlight, initiator: string): void {
  const a = st.actions[f.a];
  f.phase = 'migrating';
  f.restart = undefined;
  const r = startMigration(ctx, { vmId: a.vmId, hostId: a.toHostId! }, initiator);
  if ('error' in r) { fail(st, r.error, ctx, a, 'Migrating', a.toHostId); st.done[f.a] = 1; return; }
  f.subTaskId = r.taskId;
}

function begin(ctx: OpContext, st: ApplyState, i: number, taskId: TaskId, initiator: string): void {
  const a = st.actions[i];
  const f: InFlight = { a: i, phase: 'suspending' };
  st.running.push(f);
  if (a.kind === 'relocate') {
    const vm = ctx.reg.vms.get(a.vmId);
    if (!vm || vm.powerState !== 'poweredOff' || vm.busyTaskId) fail(st, apiError('E_INVALID_STATE', 'it is no longer a powered-off VM free of other tasks'), ctx, a, 'Relocating');
    else register(ctx, a.vmId, a.toHostId!, taskId);
    st.done[i] = 1;
    return;
  }
  if (a.kind === 'migrate') { migrate(ctx, st, f, initiator); return; }
  if (a.kind === 'resume') { resumeOn(ctx, st, f, a.toHostId!, taskId, initiator); return; }
  const r = startPowerOp(ctx, a.vmId, 'suspend', initiator);
  if ('error' in r) { fail(st, r.error, ctx, a, 'Suspending'); st.done[i] = 1; return; }
  f.subTaskId = r.taskId;
}

function advance(ctx: OpContext, st: ApplyState, f: InFlight, taskId: TaskId, initiator: string, now: number): void {
  const a = st.actions[f.a];
  switch (f.phase) {
    case 'migrating': {
      const t = f.subTaskId ? ctx.tasks.get(f.subTaskId) : undefined;
      if (t && !isTaskFinished(t.state)) return;
      if (t?.state === 'success') { st.done[f.a] = 1; return; }
      if (f.restart && t?.error?.code === 'E_CANCELLED') { migrate(ctx, st, f, initiator); return; }
      fail(st, t?.error ?? apiError('E_INTERNAL', 'the migration task is gone'), ctx, a, 'Migrating', a.toHostId);
      st.done[f.a] = 1;
      return;
    }
    case 'suspending': {
      const o = subOutcome(ctx, f.subTaskId, a.vmId, 'suspended');
      if (!o) return;
      if (o.error) { fail(st, o.error, ctx, a, 'Suspending'); st.done[f.a] = 1; return; }
      if (!hold(ctx, a.vmId, taskId)) { fail(st, apiError('E_INVALID_STATE', 'it changed during the move'), ctx, a, 'Moving'); st.done[f.a] = 1; return; }
      if (a.kind === 'suspend') { st.done[f.a] = 1; return; }
      const mem = (ctx.reg.vms.get(a.vmId)?.memoryBytes ?? 0) / MIB;
      f.phase = 'copying';
      f.untilMs = now + copyImageMs(mem);
      f.subTaskId = undefined;
      return;
    }
    case 'copying':
      if (now >= (f.untilMs ?? now)) resumeOn(ctx, st, f, a.toHostId!, taskId, initiator);
      return;
    case 'resuming': {
      const o = subOutcome(ctx, f.subTaskId, a.vmId, 'poweredOn');
      if (!o) return;
      if (!o.error) { st.done[f.a] = 1; return; }
      fail(st, o.error, ctx, a, `Resuming on ${ctx.reg.nameOf(a.toHostId ?? '')}`);
      f.phase = 'returning';
      resumeOn(ctx, st, f, a.homeHostId, taskId, initiator);
      return;
    }
    case 'returning': {
      const o = subOutcome(ctx, f.subTaskId, a.vmId, 'poweredOn');
      if (!o) return;
      if (o.error) fail(st, o.error, ctx, a, 'Resuming back');
      st.done[f.a] = 1;
    }
  }
}

function stepPlan(ctx: OpContext, task: TaskView<ApplyState>, now: number): StepResult {
  const st = task.state;
  const initiator = task.dto.initiator;
  for (const f of [...st.running]) advance(ctx, st, f, task.id, initiator, now);
  st.running = st.running.filter((f) => !st.done[f.a]);
  // Start what the plan allows: in order, each once everything the plan had finished before it has.
  while (!st.failed && st.next < st.actions.length) {
    const a = st.actions[st.next];
    const ready = st.actions.every((b, j) => j >= st.next || b.planEndMs > a.planStartMs || st.done[j] === 1);
    if (!ready) break;
    begin(ctx, st, st.next, task.id, initiator);
    st.next++;
  }
  st.running = st.running.filter((f) => !st.done[f.a]);
  if (st.failed && st.running.length === 0 && !st.rescued) {
    st.rescued = true;
    st.actions.forEach((a, i) => {
      const vm = ctx.reg.vms.get(a.vmId);
      if (a.kind !== 'suspend' || !st.done[i] || vm?.powerState !== 'suspended' || vm.busyTaskId !== task.id) return;
      const f: InFlight = { a: i, phase: 'returning' };
      st.done[i] = 0;
      st.running.push(f);
      resumeOn(ctx, st, f, a.homeHostId, task.id, initiator);
    });
    st.running = st.running.filter((f) => !st.done[f.a]);
  }
  const finished = st.done.reduce((s, x) => s + x, 0);
  if (st.running.length === 0 && (st.failed || st.next >= st.actions.length)) {
    if (st.failed) return { status: 'error', error: st.failed };
    if (st.standby.length && !st.standbyTasks) {
      st.standbyTasks = [];
      for (const h of st.standby) {
        const r = startEnterStandby(ctx, h, initiator);
        if ('error' in r) return { status: 'error', error: apiError(r.error.code, `The moves are done, but ${r.error.message}`) };
        st.standbyTasks.push(r.taskId);
      }
    }
    const waiting = (st.standbyTasks ?? []).some((id) => { const t = ctx.tasks.get(id); return t !== undefined && !isTaskFinished(t.state); });
    if (!waiting) {
      const awake = st.standby.filter((h) => ctx.reg.hosts.get(h)?.powerState !== 'standBy');
      if (awake.length) return { status: 'error', error: apiError('E_INVALID_STATE', `The moves are done, but ${awake.map((h) => ctx.reg.nameOf(h)).join(', ')} did not enter standby mode.`) };
      return { status: 'success', result: { actions: st.actions.length, standby: st.standby } };
    }
    return { status: 'running', progress: 99, eachBarrier: true };
  }
  const copying = st.running.filter((f) => f.phase === 'copying').map((f) => f.untilMs ?? now);
  return { status: 'running', progress: (finished / Math.max(1, st.actions.length)) * 100, eachBarrier: true, ...(copying.length ? { wakeAtMs: Math.min(...copying) } : {}) };
}

export const APPLY_PLAN_TASK_KIND: TaskKind<ApplyState, OpContext> = {
  start: (ctx, task, now) => stepPlan(ctx, task, now),
  step: (ctx, task, now) => stepPlan(ctx, task, now),
  resume(_ctx, task) {
    // Migrations in flight at the save are rolled back by the load: start those moves again.
    for (const f of task.state.running) if (f.phase === 'migrating') f.restart = true;
    return undefined;
  },
  finished(ctx, task, dto) {
    // A VM left suspended by a plan that failed before resuming it is not held any longer.
    for (const a of task.state.actions) release(ctx, a.vmId, task.id);
    if (dto.state !== 'success' && dto.error) {
      const c = task.state.clusterId;
      ctx.events.log(ctx.nowMs(), 'error', 'TaskFailedEvent', `${dto.name} on ${ctx.reg.nameOf(c)} failed: ${dto.error.message}`, { id: c, name: ctx.reg.nameOf(c) }, dto.id);
    }
  },
};

export function startApplyPlan(ctx: OpContext, plan: { clusterId: ClusterId; actions: ApplyAction[]; standby: HostId[] }, initiator: string): { taskId: TaskId } {
  const name = ctx.reg.nameOf(plan.clusterId);
  const taskId = ctx.tasks.start<ApplyState>(ctx.nowMs(), {
    kind: 'placement.apply', operation: 'placement.apply', name: OPERATION_NAMES['placement.apply'], targetId: plan.clusterId, targetName: name, initiator,
    state: { clusterId: plan.clusterId, actions: plan.actions, next: 0, done: plan.actions.map(() => 0), running: [], standby: plan.standby },
  });
  ctx.events.log(ctx.nowMs(), 'info', 'ClusterReconfiguredEvent', `A placement plan of ${plan.actions.length} action(s) was started on ${name}`, { id: plan.clusterId, name }, taskId);
  return { taskId };
}
