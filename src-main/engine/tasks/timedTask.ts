/**
 * timedTask — the task kind of an operation that takes a fixed span of virtual time and changes the lab
 * only when it completes: power operations, create / clone / reconfigure / delete, snapshots,
 * maintenance mode. The span (with its seeded jitter) is drawn when the task is queued and kept in the
 * state, so a saved lab resumes the task with the time it had left.
 *
 * `timedKind(op)` → TaskKind, where `op` (state `S extends TimedState`) gives:
 *  - `precheck(ctx, task)` (optional): checked as the task leaves the queue; an error fails it unrun;
 *  - `begin(ctx, task)` (optional): the task starts running (its "…ing" event);
 *  - `complete(ctx, task)`: at `startedAt + durationMs`, re-checks and applies the effect → result or error;
 *  - `finished`, `cancel`, `resume` (optional): as in `TaskKind`. Because the effect happens only at
 *    completion, a cancel has nothing to undo in the lab beyond what `finished` releases.
 *
 * Progress is the elapsed share of the span (0–99 until completion), updated at every barrier.
 */
import type { ApiError } from '@shared/api/errors';
import type { TaskDto } from '@shared/model/task';
import type { StepResult, TaskKind, TaskView } from './taskKind';

export interface TimedState {
  /** Virtual milliseconds the operation takes once running. */
  durationMs: number;
}

export type TaskOutcome = { result?: unknown; error?: undefined } | { error: ApiError };

export interface TimedOperation<S extends TimedState, C> {
  precheck?(ctx: C, task: TaskView<S>): ApiError | undefined;
  begin?(ctx: C, task: TaskView<S>): void;
  complete(ctx: C, task: TaskView<S>): TaskOutcome;
  finished?(ctx: C, task: TaskView<S>, dto: TaskDto): void;
  cancel?(ctx: C, task: TaskView<S>, nowMs: number): void;
  resume?(ctx: C, task: TaskView<S>, nowMs: number): ApiError | undefined;
}

export function timedKind<S extends TimedState, C>(op: TimedOperation<S, C>): TaskKind<S, C> {
  const step = (ctx: C, task: TaskView<S>, nowMs: number): StepResult => {
    const startedAt = task.dto.startedAtMs ?? nowMs;
    const end = startedAt + task.state.durationMs;
    if (nowMs >= end) {
      const out = op.complete(ctx, task);
      return out.error ? { status: 'error', error: out.error } : { status: 'success', result: out.result };
    }
    return { status: 'running', progress: ((nowMs - startedAt) / task.state.durationMs) * 100, wakeAtMs: end, eachBarrier: true };
  };
  const kind: TaskKind<S, C> = {
    start(ctx, task, nowMs) {
      const problem = op.precheck?.(ctx, task);
      if (problem) return { status: 'error', error: problem };
      op.begin?.(ctx, task);
      return { status: 'running', progress: 0, wakeAtMs: nowMs + task.state.durationMs, eachBarrier: true };
    },
    step,
  };
  if (op.finished) kind.finished = op.finished.bind(op);
  if (op.cancel) kind.cancel = op.cancel.bind(op);
  if (op.resume) kind.resume = op.resume.bind(op);
  return kind;
}
