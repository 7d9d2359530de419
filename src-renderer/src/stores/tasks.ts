/**
 * Recent Tasks: every task the engine reports, plus refusals the engine gave before a task existed.
 *
 * - `rows` (newest first), `apply(task)` for `task.updated`, `load()` from `tasks.list`, `refresh(taskId)`
 *   one task by id (`task.get`).
 * - `run(command, params, target)`: runs a command; a refusal (typed `ApiError`) becomes a Failed row,
 *   as vSphere shows a failed operation in Recent Tasks; returns the `TaskRef` or null.
 * - `waitFor(taskId)`: resolves with the finished task (success, error or cancelled); a task the store
 *   has not seen yet is looked up by id, so a task whose events were missed still resolves.
 * - After a reconnect, every task still shown as unfinished is looked up by id (its end may have been
 *   missed while the link was down), besides the newest rows from `tasks.list`.
 *
 * Rules: a task's state never goes backwards (queued → running → success | error | cancelled); an
 * out-of-order update for an older state is ignored. Only the newest `MAX_ROWS` rows are kept.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { TaskDto, TaskState, TaskRef } from '@shared/model/task';
import { isTaskFinished, LAB_USER } from '@shared/model/task';
import type { ApiError } from '@shared/api/errors';
import { ApiException, apiError } from '@shared/api/errors';
import type { CommandName, CommandParams, CommandResult } from '@shared/api/commands';
import type { TaskId } from '@shared/model/ids';
import { idNumber, kindOfId } from '@shared/model/ids';
import { useApi } from '@renderer/api/client';
import { operationName } from '@shared/model/taskNames';
import { useConnectionStore } from './connection';
import { useSimStore } from './sim';

export interface TaskRow {
  key: string;
  /** Engine task id; absent for refusals made before a task existed. */
  id?: TaskId;
  local: boolean;
  operation: string;
  name: string;
  targetId: string;
  targetName: string;
  state: TaskState;
  progress: number;
  initiator: string;
  queuedAtMs?: number;
  startedAtMs?: number;
  completedAtMs?: number;
  error?: ApiError;
  result?: unknown;
  cancellable: boolean;
}

export type TaskFilter = 'all' | 'running' | 'failed';
export const MAX_ROWS = 500;

const RANK: Record<TaskState, number> = { queued: 0, running: 1, success: 2, error: 2, cancelled: 2 };

export function rowOfTask(t: TaskDto): TaskRow {
  return {
    key: t.id, id: t.id, local: false, operation: t.operation, name: t.name, targetId: t.targetId,
    targetName: t.targetName, state: t.state, progress: t.progress, initiator: t.initiator,
    queuedAtMs: t.queuedAtMs, startedAtMs: t.startedAtMs, completedAtMs: t.completedAtMs,
    error: t.error, result: t.result, cancellable: t.cancellable,
  };
}

/** Newer state wins; within a state, higher progress wins. */
export function mergeTask(prev: TaskRow | undefined, next: TaskRow): TaskRow {
  if (!prev) return next;
  if (RANK[next.state] < RANK[prev.state]) return prev;
  if (RANK[next.state] === RANK[prev.state] && !isTaskFinished(next.state) && next.progress < prev.progress) return prev;
  return next;
}

const idNum = (key: string): number => (kindOfId(key) ? idNumber(key) : Number(key.replace(/^\D+-?/, '')) || 0);

export function sortRows(rows: Iterable<TaskRow>): TaskRow[] {
  return [...rows].sort((a, b) => (b.queuedAtMs ?? 0) - (a.queuedAtMs ?? 0) || (b.local === a.local ? idNum(b.key) - idNum(a.key) : a.local ? -1 : 1));
}

export const useTasksStore = defineStore('tasks', () => {
  const api = useApi();
  const byKey = shallowRef(new Map<string, TaskRow>());
  const filter = ref<TaskFilter>('all');
  const waiters = new Map<string, ((t: TaskRow) => void)[]>();
  let localSeq = 0;

  const rows = computed(() => sortRows(byKey.value.values()));
  const filteredRows = computed(() => rows.value.filter((r) =>
    filter.value === 'all' ? true : filter.value === 'running' ? !isTaskFinished(r.state) : r.state === 'error'));
  const runningCount = computed(() => rows.value.filter((r) => !isTaskFinished(r.state)).length);

  function put(rowsIn: TaskRow[]): void {
    const next = new Map(byKey.value);
    for (const r of rowsIn) {
      const merged = mergeTask(next.get(r.key), r);
      next.set(r.key, merged);
      if (isTaskFinished(merged.state)) {
        const ws = waiters.get(r.key);
        if (ws) {
          waiters.delete(r.key);
          for (const w of ws) w(merged);
        }
      }
    }
    if (next.size > MAX_ROWS) {
      const keep = sortRows(next.values()).slice(0, MAX_ROWS);
      byKey.value = new Map(keep.map((r) => [r.key, r] as const));
    } else {
      byKey.value = next;
    }
  }

  const apply = (task: TaskDto): void => put([rowOfTask(task)]);

  async function load(): Promise<void> {
    try {
      const list = await api.query('tasks.list', { limit: 200 });
      put(list.map(rowOfTask));
    } catch {
      /* the banner shows transport problems; the pane stays as it is */
    }
  }

  /** Looks one task up by id; a task the engine no longer knows is left as it is. */
  async function refresh(taskId: TaskId): Promise<void> {
    try {
      apply(await api.query('task.get', { taskId }));
    } catch {
      /* unknown or trimmed from the engine's history: nothing to update */
    }
  }

  function addFailure(command: string, targetId: string, targetName: string, error: ApiError): TaskRow {
    const sim = useSimStore();
    const now = sim.nowMs();
    const row: TaskRow = {
      key: `local-${++localSeq}`, local: true, operation: command, name: operationName(command), targetId, targetName,
      state: 'error', progress: 0, initiator: LAB_USER, queuedAtMs: now, startedAtMs: now, completedAtMs: now, error,
      cancellable: false,
    };
    put([row]);
    return row;
  }

  /** Runs a task-returning command; on refusal adds a Failed row and returns `{ error }`. */
  async function run<K extends CommandName>(
    command: K, params: CommandParams<K>, target: { id: string; name: string },
  ): Promise<{ ref?: CommandResult<K>; error?: ApiError }> {
    try {
      const ref = await api.command(command, params);
      return { ref };
    } catch (e) {
      const error = e instanceof ApiException ? e.error : apiError('E_INTERNAL', e instanceof Error ? e.message : String(e));
      addFailure(command, target.id, target.name, error);
      return { error };
    }
  }

  function waitFor(taskId: string): Promise<TaskRow> {
    const known = byKey.value.get(taskId);
    if (known && isTaskFinished(known.state)) return Promise.resolve(known);
    const done = new Promise<TaskRow>((resolve) => {
      const ws = waiters.get(taskId) ?? [];
      ws.push(resolve);
      waiters.set(taskId, ws);
    });
    if (!known && kindOfId(taskId) === 'task') void refresh(taskId as TaskId);
    return done;
  }

  async function cancel(taskId: TaskId): Promise<void> {
    try {
      await api.command('task.cancel', { taskId });
    } catch {
      /* the task row shows the outcome */
    }
  }

  function reset(): void {
    byKey.value = new Map();
  }

  api.onEvent((e) => {
    if (e.type === 'task.updated') apply(e.task);
    else if (e.type === 'lab.loaded') {
      reset();
      void load();
    }
  });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => {
    if (g <= 0) return;
    if (g > 1) for (const r of byKey.value.values()) if (r.id && !isTaskFinished(r.state)) void refresh(r.id);
    void load();
  }, { immediate: true });

  return { byKey, rows, filteredRows, filter, runningCount, apply, load, refresh, addFailure, run, waitFor, cancel, reset };
});
