/**
 * The event log (Monitor › Tasks and Events › Events): newest first, from `events.list` and
 * `event.logged`.
 *
 * - `recent`: the last `MAX_EVENTS` events of the whole lab; `forEntity(id)` queries one object's events.
 */
import { defineStore } from 'pinia';
import { shallowRef, watch } from 'vue';
import type { EventDto } from '@shared/model/eventLog';
import type { ManagedEntityId } from '@shared/model/ids';
import { useApi } from '@renderer/api/client';
import { useConnectionStore } from './connection';

export const MAX_EVENTS = 2000;

export const useEventsStore = defineStore('events', () => {
  const api = useApi();
  const recent = shallowRef<EventDto[]>([]);

  function merge(events: EventDto[]): void {
    const seen = new Set(recent.value.map((e) => e.id));
    const fresh = events.filter((e) => !seen.has(e.id));
    if (!fresh.length) return;
    const all = [...fresh, ...recent.value];
    all.sort((a, b) => b.timeMs - a.timeMs || Number(b.id.slice(6)) - Number(a.id.slice(6)));
    recent.value = all.slice(0, MAX_EVENTS);
  }

  async function load(): Promise<void> {
    try {
      merge(await api.query('events.list', { limit: 500 }));
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
      void load();
    }
  });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void load(); }, { immediate: true });

  return { recent, load, forEntity };
});
