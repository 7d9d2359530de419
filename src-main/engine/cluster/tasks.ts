/**
 * Task manager: long operations as vSphere-style Tasks (queued → running → success | error | cancelled).
 *
 * - `start(spec)` creates a task that runs over `durationMs` of VIRTUAL time; returns its id at once.
 * - `advance(nowMs)` moves tasks along: starts queued ones (re-checking their precondition), reports
 *   progress, and on completion runs the operation's effect, which may still fail with a typed ApiError.
 * - `cancel(id)`, `get(id)`, `list(limit, entityId?)`.
 *
 * Rules: a task's effect runs exactly once; a failed task leaves the object as it was; every state change
 * is published (`task.updated`) and logged as an event by the caller's hooks.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { ManagedEntityId, TaskId } from '@shared/model/ids';
import { makeId } from '@shared/model/ids';
import type { TaskDto } from '@shared/model/task';
import { isTaskFinished } from '@shared/model/task';

export interface TaskSpec {
  operation: string;
  name: string;
  targetId: ManagedEntityId;
  targetName: string;
  initiator?: string;
  /** Virtual milliseconds the operation takes once running. */
  durationMs: number;
  cancellable?: boolean;
  /** Checked when the task leaves the queue; an error fails the task without running it. */
  precheck?: () => ApiError | undefined;
  /** Called when the task starts running. */
  onStart?: () => void;
  /** The operation's effect, at completion; returns a result or a typed error. */
  complete: () => TaskOutcome;
  /** Called after the task reaches a final state (success, error or cancelled). */
  onFinished?: (task: TaskDto) => void;
}

export type TaskOutcome = { result?: unknown; error?: undefined } | { error: ApiError };

interface LiveTask { dto: TaskDto; spec: TaskSpec }

/** Finished tasks kept for Recent Tasks / Monitor › Tasks. */
const MAX_FINISHED = 5_000;

export class TaskManager {
  private tasks: LiveTask[] = [];
  private nextId = 1;
  /** Initiator recorded on tasks whose spec names none (the dispatcher sets it per request). */
  initiator = 'lab-user';
  constructor(private readonly publish: (t: TaskDto) => void) {}

  /** Plain state for persistence: finished tasks as they are; tasks in flight cannot be carried over
   *  (their effects are code), so a restored lab shows them failed as interrupted. */
  save(): { nextId: number; tasks: TaskDto[] } {
    return { nextId: this.nextId, tasks: this.tasks.map((t) => ({ ...t.dto })) };
  }

  restore(state: { nextId: number; tasks: TaskDto[] }, nowMs: number): void {
    this.nextId = state.nextId;
    this.tasks = state.tasks.map((dto) => {
      const d = { ...dto };
      if (!isTaskFinished(d.state)) {
        d.state = 'error';
        d.completedAtMs = nowMs;
        d.error = apiError('E_CANCELLED', 'The task was interrupted: the lab was saved while it was in progress.');
      }
      return { dto: d, spec: { operation: d.operation, name: d.name, targetId: d.targetId, targetName: d.targetName, durationMs: 0, complete: () => ({}) } };
    });
  }

  start(nowMs: number, spec: TaskSpec): TaskId {
    const dto: TaskDto = {
      id: makeId('task', this.nextId++), operation: spec.operation, name: spec.name,
      targetId: spec.targetId, targetName: spec.targetName, state: 'queued', progress: 0,
      initiator: spec.initiator ?? this.initiator, queuedAtMs: nowMs, cancellable: spec.cancellable ?? false,
    };
    this.tasks.push({ dto, spec });
    this.publish({ ...dto });
    return dto.id;
  }

  get(id: TaskId): TaskDto | undefined {
    return this.tasks.find((t) => t.dto.id === id)?.dto;
  }

  hasActive(): boolean {
    return this.tasks.some((t) => !isTaskFinished(t.dto.state));
  }

  /** Virtual time at which the next task event (start or completion) is due, or undefined. */
  nextDueMs(): number | undefined {
    let due: number | undefined;
    for (const t of this.tasks) {
      if (t.dto.state === 'queued') return t.dto.queuedAtMs;
      if (t.dto.state === 'running') {
        const end = (t.dto.startedAtMs ?? 0) + t.spec.durationMs;
        due = due === undefined ? end : Math.min(due, end);
      }
    }
    return due;
  }

  advance(nowMs: number): void {
    for (const t of this.tasks) {
      const d = t.dto;
      if (d.state === 'queued') {
        const problem = t.spec.precheck?.();
        if (problem) { this.finish(t, nowMs, 'error', undefined, problem); continue; }
        d.state = 'running';
        d.startedAtMs = nowMs;
        t.spec.onStart?.();
        this.publish({ ...d });
      }
      if (d.state === 'running') {
        const elapsed = nowMs - (d.startedAtMs ?? nowMs);
        if (elapsed >= t.spec.durationMs) {
          let outcome: TaskOutcome;
          try {
            outcome = t.spec.complete();
          } catch (e) {
            outcome = { error: apiError('E_INTERNAL', e instanceof Error ? e.message : String(e)) };
          }
          if (outcome.error) this.finish(t, nowMs, 'error', undefined, outcome.error);
          else this.finish(t, nowMs, 'success', outcome.result);
        } else {
          const progress = Math.min(99, Math.floor((elapsed / t.spec.durationMs) * 100));
          if (progress !== d.progress) { d.progress = progress; this.publish({ ...d }); }
        }
      }
    }
    this.trim();
  }

  cancel(nowMs: number, id: TaskId): ApiError | undefined {
    const t = this.tasks.find((x) => x.dto.id === id);
    if (!t) return apiError('E_NOT_FOUND', `no task ${id}`, 'params.taskId');
    if (isTaskFinished(t.dto.state)) return apiError('E_INVALID_STATE', `task ${id} has already finished`, 'params.taskId');
    if (!t.dto.cancellable) return apiError('E_INVALID_STATE', `task ${id} (${t.dto.name}) cannot be cancelled`, 'params.taskId');
    this.finish(t, nowMs, 'cancelled', undefined, apiError('E_CANCELLED', 'The task was cancelled by a user.'));
    return undefined;
  }

  list(limit = 200, entityId?: string): TaskDto[] {
    const out: TaskDto[] = [];
    for (let i = this.tasks.length - 1; i >= 0 && out.length < limit; i--) {
      const d = this.tasks[i].dto;
      if (!entityId || d.targetId === entityId) out.push({ ...d });
    }
    return out;
  }

  private finish(t: LiveTask, nowMs: number, state: 'success' | 'error' | 'cancelled', result?: unknown, error?: ApiError): void {
    const d = t.dto;
    d.state = state;
    d.completedAtMs = nowMs;
    if (d.startedAtMs === undefined) d.startedAtMs = nowMs;
    d.progress = state === 'success' ? 100 : d.progress;
    if (result !== undefined) d.result = result;
    if (error) d.error = error;
    this.publish({ ...d });
    t.spec.onFinished?.({ ...d });
  }

  private trim(): void {
    const finished = this.tasks.filter((t) => isTaskFinished(t.dto.state)).length;
    if (finished <= MAX_FINISHED) return;
    let drop = finished - MAX_FINISHED;
    this.tasks = this.tasks.filter((t) => !(drop > 0 && isTaskFinished(t.dto.state) && drop-- > 0));
  }
}
