/**
 * hostTaskLog — the Recent Tasks and events of the inventory operations on whole real hosts (Add host,
 * Remove host), which no host's own backend can record: before an add the host's backend does not exist
 * yet, and after a remove it is gone. vSphere records them as vCenter's tasks; here this log plays that
 * part, as one more member of the composite (namespace `hosts`, ids `hosts:task-1`, `hosts:event-1`), so
 * its tasks and events merge into `tasks.list`, `task.get`, `events.list` and `events.since` like any
 * backend's, and arrive as `task.updated` / `event.logged`.
 *
 * - `new HostTaskLog()`; `.backend` is the composite member (owns no entities: `inventory.get` is empty,
 *   `backends.list` lists nothing, any command is refused).
 * - `run(operation, target, initiator, work)`: a task queued, then running while `work()` runs, then
 *   success (its result, and the event `work` describes) or error (the `ApiError`, a TaskFailedEvent);
 *   resolves with `work`'s outcome, the error rethrown as an `ApiException` after the task failed.
 *
 * Rules: times are wall-clock ms (these operations happen in real time, as on the real hosts); at most
 * `HOST_TASKS_KEPT` tasks and events are kept; nothing secret in a task, its error or an event (the door
 * passes no password here).
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';
import type { ApiError } from '@shared/api/errors';
import { ApiException, apiError } from '@shared/api/errors';
import { validateRequest } from '@shared/api/validate';
import { EVENTS_SINCE_DEFAULT_LIMIT, LIST_DEFAULT_LIMIT } from '@shared/api/queries';
import type { EventsSinceDto } from '@shared/api/queries';
import type { TaskDto } from '@shared/model/task';
import type { EventDto, EventSeverity } from '@shared/model/eventLog';
import type { EventId } from '@shared/model/ids';
import { idNumber, namespaceOfId } from '@shared/model/ids';
import { operationName } from '@shared/model/taskNames';
import type { Backend } from '../backend';

/** The namespace of the log's tasks and events (real hosts get `kvmN` / `esxN`). */
export const HOST_TASKS_NAMESPACE = 'hosts';
/** Tasks and events kept (newest first). */
export const HOST_TASKS_KEPT = 500;

export interface HostTaskOutcome<T> {
  result: T;
  /** The event logged when the task succeeds (vSphere's HostAddedEvent, HostRemovedEvent). */
  event: { type: string; message: string; entity?: { id: string; name: string } };
}

export class HostTaskLog {
  private readonly tasks: TaskDto[] = [];
  private readonly events: EventDto[] = [];
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private seq = { task: 0, event: 0 };
  readonly backend: Backend;

  constructor() {
    this.backend = {
      namespace: HOST_TASKS_NAMESPACE,
      request: async (message) => this.answer(message),
      onEvent: (listener) => { this.listeners.add(listener); return () => this.listeners.delete(listener); },
      close: async () => { this.listeners.clear(); },
    };
  }

  private emit(e: EngineEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  private publish(task: TaskDto): void {
    this.emit({ type: 'task.updated', task: { ...task } });
  }

  private log(severity: EventSeverity, type: string, message: string, entity: { id: string; name: string } | undefined, taskId: string): void {
    const event = {
      id: `${HOST_TASKS_NAMESPACE}:event-${++this.seq.event}`, timeMs: Date.now(), severity, type, message,
      ...(entity ? { entityId: entity.id, entityName: entity.name } : {}), taskId,
    } as EventDto;
    this.events.unshift(event);
    if (this.events.length > HOST_TASKS_KEPT) this.events.pop();
    this.emit({ type: 'event.logged', event });
  }

  async run<T>(operation: string, target: { id: string; name: string }, initiator: string, work: () => Promise<HostTaskOutcome<T>>): Promise<T> {
    const task = {
      id: `${HOST_TASKS_NAMESPACE}:task-${++this.seq.task}`, operation, name: operationName(operation), targetId: target.id, targetName: target.name,
      state: 'queued', progress: 0, initiator, queuedAtMs: Date.now(), cancellable: false,
    } as TaskDto;
    this.tasks.unshift(task);
    if (this.tasks.length > HOST_TASKS_KEPT) this.tasks.pop();
    this.publish(task);
    Object.assign(task, { state: 'running', startedAtMs: Date.now() });
    this.publish(task);
    try {
      const done = await work();
      Object.assign(task, { state: 'success', progress: 100, completedAtMs: Date.now(), result: done.result });
      this.log('info', done.event.type, done.event.message, done.event.entity, task.id);
      this.publish(task);
      return done.result;
    } catch (e) {
      const error: ApiError = e instanceof ApiException ? e.error : apiError('E_HOST_ERROR', e instanceof Error ? e.message : String(e));
      Object.assign(task, { state: 'error', completedAtMs: Date.now(), error });
      this.log('error', 'TaskFailedEvent', `${task.name} failed on ${target.name}: ${error.message}`, target, task.id);
      this.publish(task);
      throw new ApiException(error);
    }
  }

  private answer(message: Parameters<Backend['request']>[0]): ResponseMessage {
    const v = validateRequest(message);
    if (!v.ok) return { id: message.id, ok: false, error: v.error };
    const { kind, name } = v.request;
    const p = (v.request.params ?? {}) as { limit?: number; entityId?: string; taskId?: string; cursorIds?: EventId[] };
    const ok = (result: unknown): ResponseMessage => ({ id: message.id, ok: true, result });
    if (kind === 'query') {
      switch (name) {
        case 'inventory.get': return ok({ version: 0, datacenters: [], clusters: [], hosts: [], vms: [], datastores: [], networks: [] });
        case 'backends.list': return ok([]);
        case 'tasks.list': return ok(this.tasks.filter((t) => !p.entityId || t.targetId === p.entityId).slice(0, p.limit ?? LIST_DEFAULT_LIMIT));
        case 'events.list': return ok(this.events.filter((e) => !p.entityId || e.entityId === p.entityId).slice(0, p.limit ?? LIST_DEFAULT_LIMIT));
        case 'task.get': {
          const t = this.tasks.find((x) => x.id === p.taskId);
          return t ? ok(t) : { id: message.id, ok: false, error: apiError('E_NOT_FOUND', `no task ${String(p.taskId)}`, 'params.taskId') };
        }
        case 'events.since': return ok(this.eventsSince(p.cursorIds ?? [], p.limit ?? EVENTS_SINCE_DEFAULT_LIMIT));
      }
    }
    return { id: message.id, ok: false, error: apiError('E_INVALID_ARGUMENT', `${name} is not available here: this part of the lab only records the tasks of adding and removing real hosts`) };
  }

  private eventsSince(cursorIds: EventId[], limit: number): EventsSinceDto {
    let after = 0;
    for (const c of cursorIds) if (namespaceOfId(c) === HOST_TASKS_NAMESPACE) after = Math.max(after, idNumber(c));
    const newer = this.events.filter((e) => idNumber(e.id) > after).reverse();
    const events = newer.slice(0, limit);
    const last = events.at(-1)?.id ?? cursorIds.find((c) => namespaceOfId(c) === HOST_TASKS_NAMESPACE);
    const oldestKept = this.events.at(-1);
    const missed = oldestKept && after > 0 ? Math.max(0, idNumber(oldestKept.id) - after - 1) : 0;
    return { events, cursorIds: last ? [last] : [], more: newer.length > events.length, missed };
  }
}
