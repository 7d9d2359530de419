/**
 * taskKind — what one kind of long operation is: plain, serializable state and the steps that move it.
 *
 * A task (vSphere's Task: queued → running → success | error | cancelled, with progress) is a row of the
 * task table (`taskManager.ts`) holding its kind's name and its state. The kind is code in a table the lab
 * registers (`lab/taskKinds.ts`); the state is data, so a saved lab carries its tasks in flight and
 * resumes them after loading.
 *
 * `TaskKind<S, C>` (C: the context the kind acts on — the lab's operation context):
 *  - `start(ctx, task, nowMs)`: the task leaves the queue (at the first barrier after it was queued):
 *    check preconditions again and begin; returns a `StepResult`;
 *  - `step(ctx, task, nowMs)`: moves the task along; called at every barrier when the last result asked
 *    for `eachBarrier`, and at the barrier at `wakeAtMs` (the loop places one there);
 *  - `cancel(ctx, task, nowMs)` (optional): undoes what the task has done so far. A kind without it cannot
 *    be cancelled (`TaskDto.cancellable` is false). After it the task ends `cancelled`;
 *  - `refuseCancel(ctx, task)` (optional): a reason this task cannot be cancelled right now (a live
 *    migration in post-copy: the VM already runs on the destination), or undefined;
 *  - `finished(ctx, task, dto)` (optional): after any final state: release what the task held (busy
 *    flags, reserved names) and log failure events;
 *  - `resume(ctx, task, nowMs)` (optional): a saved lab was loaded with this task in flight. Undefined (or
 *    no hook) → it resumes from its state; an error → the kind has rolled back and the task ends in error.
 *
 * `StepResult`: `{ status: 'running', progress?, wakeAtMs?, eachBarrier? }` (progress 0–99; without
 * either wake field the task is stepped at every barrier), `{ status: 'success', result? }` or
 * `{ status: 'error', error }`.
 *
 * Rules: state is plain data (objects, arrays, numbers, strings, booleans, typed arrays) that the kind
 * may change in place; a kind never keeps object references across steps (it looks entities up by id);
 * a step never throws for anything a user did (a thrown exception fails the task with E_INTERNAL).
 */
import type { ApiError } from '@shared/api/errors';
import type { TaskId } from '@shared/model/ids';
import type { TaskDto } from '@shared/model/task';

export type StepResult =
  | { status: 'running'; progress?: number; wakeAtMs?: number; eachBarrier?: boolean }
  | { status: 'success'; result?: unknown }
  | { status: 'error'; error: ApiError };

/** What a kind sees of its task: its id, its public row (read-only) and its own state. */
export interface TaskView<S> {
  readonly id: TaskId;
  readonly dto: Readonly<TaskDto>;
  readonly state: S;
}

export interface TaskKind<S, C> {
  start(ctx: C, task: TaskView<S>, nowMs: number): StepResult;
  step(ctx: C, task: TaskView<S>, nowMs: number): StepResult;
  cancel?(ctx: C, task: TaskView<S>, nowMs: number): void;
  refuseCancel?(ctx: C, task: TaskView<S>): ApiError | undefined;
  finished?(ctx: C, task: TaskView<S>, dto: TaskDto): void;
  resume?(ctx: C, task: TaskView<S>, nowMs: number): ApiError | undefined;
}

/** A kind table: kind name → kind. States are opaque to the table; each kind knows its own (kinds are
 *  methods, so a `TaskKind<PowerState, C>` is accepted where `TaskKind<unknown, C>` is expected). */
export type TaskKindTable<C> = Readonly<Record<string, TaskKind<unknown, C>>>;
