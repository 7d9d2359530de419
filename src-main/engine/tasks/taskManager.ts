/**
 * taskManager — the task table: every long operation as a vSphere-style Task (queued → running →
 * success | error | cancelled) whose behaviour is its kind's (`taskKind.ts`) and whose state is data.
 *
 * - `new TaskManager(kinds, context, hooks)`: `kinds` is the kind table, `context()` what kinds act on,
 *   `hooks.publish(dto)` announces every change (`task.updated`), `hooks.cancelled(dto, by)` records a
 *   cancellation (the lab logs its event).
 * - `start(nowMs, spec)` queues a task (its kind, display fields, initiator and initial state) and returns
 *   its id at once; it leaves the queue at the next barrier (or `settle`).
 * - `record(nowMs, spec)`: an operation that happened at once (no kind, no steps: Convert to Template)
 *   leaves a completed row, queued, started and completed now, so Recent Tasks shows it like the others.
 * - As a barrier service ('tasks'): `atBarrier(nowMs)` / `settle(nowMs)` start queued tasks and step the
 *   running ones that are due; `nextDueMs(nowMs)` is the earliest wake-up time asked for.
 * - `cancel(nowMs, id, by)`: the kind rolls back (`TaskKind.cancel`), the task ends `cancelled`.
 * - `get(id)`, `list(limit, entityId?)`.
 * - `save()` / `restore(state)`: finished tasks as rows, tasks in flight with their kind and state; after
 *   the whole lab is restored, `resumeAfterLoad(nowMs)` lets each kind resume or roll back.
 *
 * Rules: tasks start and step in creation order (a task started by another task's step in the same pass
 * is handled in that pass); a final state is reached exactly once and then `finished` runs; an exception
 * in a kind fails its task with E_INTERNAL and never escapes; finished rows beyond MAX_FINISHED are
 * dropped oldest first (vCenter also bounds its task history).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { ManagedEntityId, TaskId } from '@shared/model/ids';
import { makeId } from '@shared/model/ids';
import type { TaskDto } from '@shared/model/task';
import { isTaskFinished } from '@shared/model/task';
import type { BarrierService } from '../sim/index';
import { clonePlain } from '../sim/index';
import type { StepResult, TaskKind, TaskKindTable, TaskView } from './taskKind';

/** Finished tasks kept for Recent Tasks / Monitor › Tasks. */
const MAX_FINISHED = 5_000;

export interface TaskStart<S> {
  /** Name of the kind in the table. */
  kind: string;
  /** Operation key shown to clients, e.g. `vm.powerOn`. */
  operation: string;
  /** vSphere's display name, e.g. "Power On virtual machine". */
  name: string;
  targetId: ManagedEntityId;
  targetName: string;
  /** Who asked (`lab-user`, `scenario`, …); recorded on the task. */
  initiator: string;
  state: S;
}

export interface SavedTask {
  dto: TaskDto;
  /** Present while the task is in flight. */
  kind?: string;
  state?: unknown;
  wakeAtMs?: number;
  eachBarrier?: boolean;
}

export interface TaskManagerState {
  nextId: number;
  tasks: SavedTask[];
}

export interface TaskHooks {
  publish(dto: TaskDto): void;
  cancelled?(dto: TaskDto, by: string): void;
}

interface LiveTask extends TaskView<unknown> {
  readonly dto: TaskDto;
  kindName: string;
  state: unknown;
  wakeAtMs: number | undefined;
  eachBarrier: boolean;
}

export class TaskManager<C> implements BarrierService<TaskManagerState> {
  readonly name = 'tasks';
  /** Every row still kept, in creation order (for listing). */
  private all: LiveTask[] = [];
  /** Queued and running tasks, in creation order. */
  private active: LiveTask[] = [];
  private byId = new Map<TaskId, LiveTask>();
  private finishedCount = 0;
  private nextId = 1;

  constructor(private readonly kinds: TaskKindTable<C>, private readonly context: () => C, private readonly hooks: TaskHooks) {}

  start<S>(nowMs: number, spec: TaskStart<S>): TaskId {
    const kind = this.kinds[spec.kind];
    if (!kind) throw new Error(`no task kind "${spec.kind}"`);
    const dto: TaskDto = {
      id: makeId('task', this.nextId++), operation: spec.operation, name: spec.name,
      targetId: spec.targetId, targetName: spec.targetName, state: 'queued', progress: 0,
      initiator: spec.initiator, queuedAtMs: nowMs, cancellable: kind.cancel !== undefined,
    };
    const t: LiveTask = { id: dto.id, dto, kindName: spec.kind, state: spec.state, wakeAtMs: undefined, eachBarrier: false };
    this.all.push(t);
    this.active.push(t);
    this.byId.set(t.id, t);
    this.hooks.publish({ ...dto });
    return dto.id;
  }

  record(nowMs: number, spec: Omit<TaskStart<never>, 'kind' | 'state'> & { result?: unknown }): TaskId {
    const dto: TaskDto = {
      id: makeId('task', this.nextId++), operation: spec.operation, name: spec.name,
      targetId: spec.targetId, targetName: spec.targetName, state: 'success', progress: 100,
      initiator: spec.initiator, queuedAtMs: nowMs, startedAtMs: nowMs, completedAtMs: nowMs, cancellable: false,
      ...(spec.result !== undefined ? { result: spec.result } : {}),
    };
    const t: LiveTask = { id: dto.id, dto, kindName: '', state: undefined, wakeAtMs: undefined, eachBarrier: false };
    this.all.push(t);
    this.byId.set(t.id, t);
    this.finishedCount++;
    this.hooks.publish({ ...dto });
    this.compact();
    return dto.id;
  }

  get(id: TaskId): TaskDto | undefined {
    const t = this.byId.get(id);
    return t ? { ...t.dto } : undefined;
  }

  list(limit = 200, entityId?: string): TaskDto[] {
    const out: TaskDto[] = [];
    for (let i = this.all.length - 1; i >= 0 && out.length < limit; i--) {
      const d = this.all[i].dto;
      if (!entityId || d.targetId === entityId) out.push({ ...d });
    }
    return out;
  }

  // ---- barrier service ----

  nextDueMs(): number | undefined {
    let due: number | undefined;
    for (const t of this.active) {
      if (t.dto.state === 'running' && t.wakeAtMs !== undefined && (due === undefined || t.wakeAtMs < due)) due = t.wakeAtMs;
    }
    return due;
  }

  /** Quiet until the first wake-up when no task is queued or stepped at every barrier. */
  quietUntilMs(nowMs: number): number {
    for (const t of this.active) if (t.dto.state === 'queued' || (t.dto.state === 'running' && t.eachBarrier)) return nowMs;
    return this.nextDueMs() ?? Infinity;
  }

  atBarrier(nowMs: number): void {
    this.advance(nowMs);
  }

  settle(nowMs: number): void {
    this.advance(nowMs);
  }

  cancel(nowMs: number, id: TaskId, by: string): ApiError | undefined {
    const t = this.byId.get(id);
    if (!t) return apiError('E_NOT_FOUND', `no task ${id}`, 'params.taskId');
    if (isTaskFinished(t.dto.state)) return apiError('E_INVALID_STATE', `task ${id} has already finished`, 'params.taskId');
    const kind = this.kinds[t.kindName];
    if (!kind?.cancel) return apiError('E_INVALID_STATE', `task ${id} (${t.dto.name}) cannot be cancelled`, 'params.taskId');
    const ctx = this.context();
    const refused = t.dto.state === 'running' ? kind.refuseCancel?.(ctx, t) : undefined;
    if (refused) return refused;
    try {
      kind.cancel(ctx, t, nowMs);
    } catch (e) {
      this.finish(ctx, t, nowMs, { status: 'error', error: internal(e) });
      return undefined;
    }
    this.finish(ctx, t, nowMs, { status: 'error', error: apiError('E_CANCELLED', 'The task was cancelled by a user.') }, 'cancelled');
    this.hooks.cancelled?.({ ...t.dto }, by);
    this.compact();
    return undefined;
  }

  // ---- persistence ----

  save(): TaskManagerState {
    return {
      nextId: this.nextId,
      tasks: this.all.map((t) => (isTaskFinished(t.dto.state)
        ? { dto: clonePlain(t.dto) }
        : {
          dto: clonePlain(t.dto), kind: t.kindName, state: clonePlain(t.state), eachBarrier: t.eachBarrier,
          ...(t.wakeAtMs !== undefined ? { wakeAtMs: t.wakeAtMs } : {}),
        })),
    };
  }

  /** Rows come back as saved; tasks in flight whose kind this engine does not know end as interrupted. */
  restore(state: TaskManagerState): void {
    this.nextId = state.nextId;
    this.all = [];
    this.active = [];
    this.byId.clear();
    this.finishedCount = 0;
    for (const s of state.tasks) {
      const dto = clonePlain(s.dto);
      const t: LiveTask = { id: dto.id, dto, kindName: s.kind ?? '', state: clonePlain(s.state), wakeAtMs: s.wakeAtMs, eachBarrier: s.eachBarrier ?? false };
      if (!isTaskFinished(dto.state) && !this.kinds[t.kindName]) {
        Object.assign(dto, {
          state: 'error', completedAtMs: dto.startedAtMs ?? dto.queuedAtMs,
          error: apiError('E_CANCELLED', `The task was interrupted: this engine does not know its kind "${t.kindName}".`),
        });
      }
      this.all.push(t);
      this.byId.set(t.id, t);
      if (isTaskFinished(dto.state)) this.finishedCount++; else this.active.push(t);
    }
  }

  /** After a restore, with the rest of the lab in place: each task in flight resumes or rolls back. */
  resumeAfterLoad(nowMs: number): void {
    const ctx = this.context();
    for (const t of [...this.active]) {
      const kind = this.kinds[t.kindName];
      let problem: ApiError | undefined;
      try {
        problem = kind.resume?.(ctx, t, nowMs);
      } catch (e) {
        problem = internal(e);
      }
      if (problem) this.finish(ctx, t, nowMs, { status: 'error', error: problem });
    }
    this.compact();
  }

  // ---- internals ----

  private advance(nowMs: number): void {
    if (this.active.length === 0) return;
    const ctx = this.context();
    // `active` may grow while we walk it: a task started by another task's step is handled in this pass.
    for (let i = 0; i < this.active.length; i++) {
      const t = this.active[i];
      const kind = this.kinds[t.kindName];
      if (t.dto.state === 'queued') {
        t.dto.state = 'running';
        t.dto.startedAtMs = nowMs;
        if (!this.apply(ctx, t, nowMs, this.run(() => kind.start(ctx, t, nowMs)), true)) continue;
        if (t.wakeAtMs !== undefined && t.wakeAtMs <= nowMs) this.apply(ctx, t, nowMs, this.run(() => kind.step(ctx, t, nowMs)), false);
      } else if (t.dto.state === 'running' && (t.eachBarrier || (t.wakeAtMs !== undefined && t.wakeAtMs <= nowMs))) {
        this.apply(ctx, t, nowMs, this.run(() => kind.step(ctx, t, nowMs)), false);
      }
    }
    this.compact();
  }

  private run(f: () => StepResult): StepResult {
    try {
      return f();
    } catch (e) {
      return { status: 'error', error: internal(e) };
    }
  }

  /** Applies a step's result; true while the task is still running. */
  private apply(ctx: C, t: LiveTask, nowMs: number, r: StepResult, started: boolean): boolean {
    if (r.status !== 'running') {
      this.finish(ctx, t, nowMs, r);
      return false;
    }
    t.wakeAtMs = r.wakeAtMs;
    t.eachBarrier = r.eachBarrier ?? r.wakeAtMs === undefined;
    const progress = r.progress === undefined ? t.dto.progress : Math.max(0, Math.min(99, Math.floor(r.progress)));
    if (started || progress !== t.dto.progress) {
      t.dto.progress = progress;
      this.hooks.publish({ ...t.dto });
    }
    return true;
  }

  private finish(ctx: C, t: LiveTask, nowMs: number, r: Exclude<StepResult, { status: 'running' }>, as?: 'cancelled'): void {
    const d = t.dto;
    d.state = as ?? r.status;
    d.completedAtMs = nowMs;
    if (d.startedAtMs === undefined) d.startedAtMs = nowMs;
    if (r.status === 'success') {
      d.progress = 100;
      if (r.result !== undefined) d.result = r.result;
    } else d.error = r.error;
    t.wakeAtMs = undefined;
    this.finishedCount++;
    this.hooks.publish({ ...d });
    const kind: TaskKind<unknown, C> | undefined = this.kinds[t.kindName];
    try {
      kind?.finished?.(ctx, t, { ...d });
    } catch {
      // The task has ended either way; a failing clean-up hook must not stop the loop.
    }
    t.state = undefined;
  }

  private compact(): void {
    if (this.active.some((t) => isTaskFinished(t.dto.state))) this.active = this.active.filter((t) => !isTaskFinished(t.dto.state));
    if (this.finishedCount <= MAX_FINISHED) return;
    let drop = this.finishedCount - MAX_FINISHED;
    this.all = this.all.filter((t) => {
      if (drop > 0 && isTaskFinished(t.dto.state)) {
        drop--;
        this.byId.delete(t.id);
        return false;
      }
      return true;
    });
    this.finishedCount = MAX_FINISHED;
  }
}

function internal(e: unknown): ApiError {
  return apiError('E_INTERNAL', e instanceof Error ? e.message : String(e));
}
