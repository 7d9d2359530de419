/**
 * Tasks: every long operation (power, snapshot, migrate, clone…) is a Task, as in vSphere.
 *
 * - `TaskState`: queued → running → success | error (| cancelled). Never goes backwards.
 * - `LAB_USER`: the initiator the engine records for the client's requests (and the client shows on the
 *   rows of requests the engine refused).
 * - `TaskDto`: what clients see in Recent Tasks. Times are virtual milliseconds since the lab's epoch.
 *
 * Rule: commands that start a task return `{ taskId }` at once; progress arrives as `task.updated` events.
 */
import type { ManagedEntityId, TaskId } from './ids';
import type { ApiError } from '../api/errors';

/** The lab's own user: the initiator of what the client (Electron window, browser tab) asks for. */
export const LAB_USER = 'lab-user';

export type TaskState = 'queued' | 'running' | 'success' | 'error' | 'cancelled';

export interface TaskDto {
  id: TaskId;
  /** Operation key, e.g. `vm.powerOn`. */
  operation: string;
  /** vSphere-style display name, e.g. "Power On virtual machine". */
  name: string;
  targetId: ManagedEntityId;
  targetName: string;
  state: TaskState;
  /** 0–100. */
  progress: number;
  initiator: string;
  queuedAtMs: number;
  startedAtMs?: number;
  completedAtMs?: number;
  error?: ApiError;
  /** Operation-specific result (e.g. the new VM id); plain data. */
  result?: unknown;
  cancellable: boolean;
}

export interface TaskRef {
  taskId: TaskId;
}

export function isTaskFinished(state: TaskState): boolean {
  return state === 'success' || state === 'error' || state === 'cancelled';
}
