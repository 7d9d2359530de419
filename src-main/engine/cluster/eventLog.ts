/**
 * The lab's event log: immutable past-tense records (VmPoweredOnEvent, TaskFailed…) with a bounded length.
 *
 * - `log(entry)` appends and notifies; `list(limit, entityId?)` returns newest first; `save()` / `restore()`.
 * - `since(afterNumber, limit)`: the events whose id number is greater, oldest first, for a client that
 *   follows the log with a cursor (`events.since`); says whether more wait and how many were dropped.
 */
import type { EventDto, EventSeverity } from '@shared/model/eventLog';
import type { ManagedEntityId, TaskId } from '@shared/model/ids';
import { idNumber, makeId } from '@shared/model/ids';

/** Oldest events are dropped beyond this many (vCenter also bounds its event history). */
const MAX_EVENTS = 20_000;

export class EventLog {
  private events: EventDto[] = [];
  private nextId = 1;
  constructor(private readonly notify: (e: EventDto) => void) {}

  log(timeMs: number, severity: EventSeverity, type: string, message: string,
    entity?: { id: ManagedEntityId; name: string }, taskId?: TaskId): EventDto {
    const e: EventDto = { id: makeId('event', this.nextId++), timeMs, severity, type, message };
    if (entity) { e.entityId = entity.id; e.entityName = entity.name; }
    if (taskId) e.taskId = taskId;
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    this.notify(e);
    return e;
  }

  save(): { nextId: number; events: EventDto[] } {
    return { nextId: this.nextId, events: this.events.map((e) => ({ ...e })) };
  }

  restore(state: { nextId: number; events: EventDto[] }): void {
    this.nextId = state.nextId;
    this.events = state.events.map((e) => ({ ...e }));
  }

  since(afterNumber: number, limit: number): { events: EventDto[]; more: boolean; missed: number } {
    // Ids grow with the array index, so the first event after the cursor is found by bisection.
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (idNumber(this.events[mid].id) <= afterNumber) lo = mid + 1; else hi = mid;
    }
    const oldest = this.events.length ? idNumber(this.events[0].id) : this.nextId;
    const missed = Math.max(0, oldest - afterNumber - 1);
    const events = this.events.slice(lo, lo + limit).map((e) => ({ ...e }));
    return { events, more: lo + limit < this.events.length, missed };
  }

  list(limit = 200, entityId?: string): EventDto[] {
    const out: EventDto[] = [];
    for (let i = this.events.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.events[i];
      if (!entityId || e.entityId === entityId) out.push(e);
    }
    return out;
  }
}
