/**
 * The columns of the tasks grids (Recent Tasks, Monitor › Tasks): label, the text a cell shows (also
 * what CSV export writes) and the value it sorts by (times and durations as milliseconds, progress as a
 * number, so they sort as times and numbers, not as text).
 *
 * - `TASK_COLUMNS`, `taskStatusText(row)`, `queuedForMs(row, nowMs)`, `sortTaskRows(rows, sort, ctx)`,
 *   `tasksCsv(rows, ctx)`.
 */
import type { TaskRow } from '@renderer/stores/tasks';
import type { TaskState } from '@shared/model/task';
import { formatDuration, formatWhen } from './format';
import type { SortState, SortValue } from './tableSort';
import { sortBy } from './tableSort';
import { toCsv } from './csv';

export interface TaskCellContext {
  /** Virtual now, for the "Queued For" of a task still queued. */
  nowMs: number;
  /** Whether the task's target keeps real (wall-clock) time: a real host. */
  realTime: (id: string) => boolean;
}

export interface TaskColumn {
  key: string;
  label: string;
  text: (r: TaskRow, ctx: TaskCellContext) => string;
  sortValue: (r: TaskRow, ctx: TaskCellContext) => SortValue;
}

export function taskStatusText(r: TaskRow): string {
  switch (r.state) {
    case 'success': return 'Completed';
    case 'error': return 'Failed';
    case 'cancelled': return 'Canceled';
    case 'queued': return 'Queued';
    default: return `${Math.round(r.progress)}%`;
  }
}

export function queuedForMs(r: TaskRow, nowMs: number): number | undefined {
  if (r.queuedAtMs === undefined) return undefined;
  const end = r.startedAtMs ?? (r.state === 'queued' ? nowMs : r.completedAtMs ?? nowMs);
  return Math.max(0, end - r.queuedAtMs);
}

/** Status order: unfinished first (queued, then running by progress), then finished ones. */
const STATE_RANK: Record<TaskState, number> = { queued: 0, running: 1, success: 3, error: 4, cancelled: 5 };

export const TASK_COLUMNS: readonly TaskColumn[] = [
  { key: 'name', label: 'Task Name', text: (r) => r.name, sortValue: (r) => r.name },
  { key: 'target', label: 'Target', text: (r) => r.targetName, sortValue: (r) => r.targetName },
  {
    key: 'status', label: 'Status', text: taskStatusText,
    sortValue: (r) => STATE_RANK[r.state] + (r.state === 'running' ? Math.min(100, r.progress) / 101 : 0),
  },
  { key: 'details', label: 'Details', text: (r) => r.error?.message ?? '', sortValue: (r) => r.error?.message },
  { key: 'initiator', label: 'Initiator', text: (r) => r.initiator, sortValue: (r) => r.initiator },
  {
    key: 'queuedFor', label: 'Queued For',
    text: (r, c) => { const ms = queuedForMs(r, c.nowMs); return ms === undefined ? '' : formatDuration(ms); },
    sortValue: (r, c) => queuedForMs(r, c.nowMs),
  },
  { key: 'start', label: 'Start Time', text: (r, c) => formatWhen(r.startedAtMs, c.realTime(r.id ?? r.targetId)), sortValue: (r) => r.startedAtMs },
  { key: 'completion', label: 'Completion Time', text: (r, c) => formatWhen(r.completedAtMs, c.realTime(r.id ?? r.targetId)), sortValue: (r) => r.completedAtMs },
];

const BY_KEY = new Map(TASK_COLUMNS.map((c) => [c.key, c]));

export function sortTaskRows(rows: readonly TaskRow[], sort: SortState | null | undefined, ctx: TaskCellContext): TaskRow[] {
  return sortBy(rows, (r, key) => BY_KEY.get(key)?.sortValue(r, ctx), sort ?? null);
}

export function tasksCsv(rows: readonly TaskRow[], ctx: TaskCellContext): string {
  return toCsv(TASK_COLUMNS.map((c) => c.label), rows.map((r) => TASK_COLUMNS.map((c) => c.text(r, ctx))));
}
