import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { EventDto } from '@shared/model/eventLog';
import type { EventsSinceDto } from '@shared/api/queries';
import { setApiForTests } from '@renderer/api/client';
import { useEventsStore } from '@renderer/stores/events';
import { useConnectionStore } from '@renderer/stores/connection';
import { fakeApi, flush } from './fakeApi';
import type { FakeApi } from './fakeApi';

const ev = (id: string, timeMs: number): EventDto => ({ id: id as EventDto['id'], timeMs, severity: 'info', type: 'VmPoweredOnEvent', message: id });

describe('events store', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi({ 'events.list': () => [ev('event-2', 20), ev('sim2:event-7', 15), ev('event-1', 10)] });
    setApiForTests(api);
    setActivePinia(createPinia());
  });

  it('keeps the newest event id seen per backend as the events.since cursor', async () => {
    const store = useEventsStore();
    await flush();
    expect(store.cursorIds().sort()).toEqual(['event-2', 'sim2:event-7']);
    api.emit({ type: 'event.logged', event: ev('event-3', 30) });
    expect(store.cursorIds().sort()).toEqual(['event-3', 'sim2:event-7']);
    expect(store.recent.map((e) => e.id)).toEqual(['event-3', 'event-2', 'sim2:event-7', 'event-1']);
  });

  it('after a reconnect fetches what it missed with events.since, page by page', async () => {
    const store = useEventsStore();
    await flush();
    const asked: unknown[] = [];
    const pages: EventsSinceDto[] = [
      { events: [ev('event-3', 30), ev('event-4', 40)], cursorIds: ['event-4', 'sim2:event-7'], more: true, missed: 0 },
      { events: [ev('sim2:event-8', 45)], cursorIds: ['event-4', 'sim2:event-8'], more: false, missed: 0 },
    ];
    api.queries['events.since'] = (p: { cursorIds: string[] }) => { asked.push([...p.cursorIds].sort()); return pages.shift()!; };
    api.queries['events.list'] = () => { throw new Error('must not refetch the whole log'); };
    useConnectionStore().generation++;
    await flush();
    await flush();
    expect(asked).toEqual([['event-2', 'sim2:event-7'], ['event-4', 'sim2:event-7']]);
    expect(store.recent.map((e) => e.id)).toEqual(['sim2:event-8', 'event-4', 'event-3', 'event-2', 'sim2:event-7', 'event-1']);
  });
});
