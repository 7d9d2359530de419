/**
 * The event log (Monitor › Tasks and Events › Events): newest first, from `events.list` and
 * `event.logged`.
 *
 * - `recent`: the last `MAX_EVENTS` events of the whole lab; `forEntity(id)` queries one object's events.
 * - `cursorIds()`: the newest event id seen from each backend — the `events.since` cursor. After a
 *   reconnect the store asks `events.since` for what it missed (page by page) instead of the whole log.
 */
import { defineStore } from 'pinia';
import { shallowRef, watch } from 'vue';
import type { EventDto } from '@shared/model/eventLog';
import type { EventId, ManagedEntityId } from '@shared/model/ids';
import { idNumber, namespaceOfId } from '@shared/model/ids';
import { useApi } from '@renderer/api/client';
import { useConnectionStore } from './connection';

export const MAX_EVENTS = 2000;
/** Events asked per `events.since` page while catching up. */
const CATCH_UP_PAGE = 500;

export const useEventsStore = defineStore('events', () => {
  const api = useApi();
  const recent = shallowRef<EventDto[]>([]);
  /** Newest event id seen, per backend namespace. */
  let newest = new Map<string, EventId>();

  function merge(events: EventDto[]): void {
    for (const e of events) {
      const ns = namespaceOfId(e.id) ?? '';
      const seen = newest.get(ns);
      if (!seen || idNumber(e.id) > idNumber(seen)) newest.set(ns, e.id);
    }
    const seen = new Set(recent.value.map((e) => e.id));
    const fresh = events.filter((e) => !seen.has(e.id));
    if (!fresh.length) return;
    const all = [...fresh, ...recent.value];
    all.sort((a, b) => b.timeMs - a.timeMs || idNumber(b.id) - idNumber(a.id));
    recent.value = all.slice(0, MAX_EVENTS);
  }

  const cursorIds = (): EventId[] => [...newest.values()];

  async function load(): Promise<void> {
    try {
      merge(await api.query('events.list', { limit: 500 }));
    } catch {
      /* shown by the banner */
    }
  }

  /** Fetches the events logged after the cursor (e.g. while the link was down), at most MAX_EVENTS. */
  async function catchUp(): Promise<void> {
    try {
      for (let fetched = 0; fetched < MAX_EVENTS;) {
        const page = await api.query('events.since', { cursorIds: cursorIds(), limit: CATCH_UP_PAGE });
        merge(page.events);
        fetched += page.events.length;
        if (!page.more || page.events.length === 0) break;
      }
    } catch {
      /* shown by the banner */
    }
  }

  async function forEntity(entityId: ManagedEntityId, limit = 500): Promise<EventDto[]> {
    return api.query('events.list', { entityId, limit });
  }

  api.onEvent((e) => {
    if (e.type === 'event.logged') merge([e.event]);
    else if (e.type === 'lab.loaded') {
      recent.value = [];
      newest = new Map();
      void load();
    }
  });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => {
    if (g <= 0) return;
    if (newest.size) void catchUp(); else void load();
  }, { immediate: true });

  return { recent, load, catchUp, cursorIds, forEntity };
});
