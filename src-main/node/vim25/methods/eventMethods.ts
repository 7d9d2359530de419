/**
 * EventManager and EventHistoryCollector methods: QueryEvents, CreateCollectorForEvents, ReadNextEvents,
 * ReadPreviousEvents, ResetCollector, RewindCollector, SetCollectorPageSize, DestroyCollector.
 *
 * The collector's cursor indexes the matching events oldest-first: it starts at the newest end (its
 * `latestPage` shows the newest `pageSize` events), `RewindCollector` moves it to the oldest,
 * `ReadNextEvents` reads forward (newer) and `ReadPreviousEvents` backward (older), as in vSphere.
 */
import { data, ref } from '../vimValues';
import { invalidArgument, managedObjectNotFound, VimFault } from '../faults';
import { readEventFilter, vimEvent } from '../eventMapping';
import type { EventCollectorState } from '../sessionObjects';
import { sessionObjectId } from '../sessionManager';
import type { Call, MethodTable } from './methodTable';

const MAX_COLLECTORS_PER_SESSION = 32;

function collectorOf(c: Call): EventCollectorState {
  const o = c.session?.objects.get(c.self.id);
  if (!o || o.type !== 'EventHistoryCollector') throw managedObjectNotFound(c.self.type, c.self.id);
  return o as EventCollectorState;
}

export const EVENT_METHODS: MethodTable = {
  QueryEvents: {
    on: ['EventManager'],
    run: async (c) => {
      const filter = readEventFilter(c.args.child('filter'));
      const matching = await c.svc.matchingEvents(filter, c.world.model);
      const newestFirst = matching.reverse().slice(0, filter.maxCount ?? 1000);
      return newestFirst.map((e) => vimEvent(e, c.world.ctx));
    },
  },
  CreateCollectorForEvents: {
    on: ['EventManager'],
    run: async (c) => {
      const s = c.session!;
      if ([...s.objects.values()].filter((o) => o.type === 'EventHistoryCollector').length >= MAX_COLLECTORS_PER_SESSION) {
        throw new VimFault('InvalidState', `a session may have at most ${MAX_COLLECTORS_PER_SESSION} history collectors`);
      }
      const arg = c.args.need('filter');
      const filter = readEventFilter(arg);
      const col: EventCollectorState = { type: 'EventHistoryCollector', id: sessionObjectId(s, 'eventcollector'), filter, filterValue: data('EventFilterSpec', {}), pageSize: 10 };
      s.objects.set(col.id, col);
      return ref('EventHistoryCollector', col.id);
    },
  },
  ReadNextEvents: {
    on: ['EventHistoryCollector'],
    run: async (c) => {
      const col = collectorOf(c);
      const n = c.args.need('maxCount').asInt(1, 1000);
      const list = await c.svc.collectorPage(col, c.world.model);
      const from = col.cursor ?? list.length;
      const page = list.slice(from, from + n);
      col.cursor = from + page.length;
      return page.map((e) => vimEvent(e, c.world.ctx));
    },
  },
  ReadPreviousEvents: {
    on: ['EventHistoryCollector'],
    run: async (c) => {
      const col = collectorOf(c);
      const n = c.args.need('maxCount').asInt(1, 1000);
      const list = await c.svc.collectorPage(col, c.world.model);
      const to = col.cursor ?? list.length;
      const from = Math.max(0, to - n);
      col.cursor = from;
      return list.slice(from, to).reverse().map((e) => vimEvent(e, c.world.ctx));
    },
  },
  ResetCollector: { on: ['EventHistoryCollector'], run: async (c) => { collectorOf(c).cursor = undefined; return undefined; } },
  RewindCollector: { on: ['EventHistoryCollector'], run: async (c) => { collectorOf(c).cursor = 0; return undefined; } },
  SetCollectorPageSize: {
    on: ['EventHistoryCollector'],
    run: async (c) => {
      const size = c.args.need('maxCount').asInt(0, 1000);
      if (size < 0) throw invalidArgument('maxCount must be ≥ 0', 'maxCount');
      collectorOf(c).pageSize = size;
      return undefined;
    },
  },
  DestroyCollector: {
    on: ['EventHistoryCollector'],
    run: async (c) => { collectorOf(c); c.session!.objects.delete(c.self.id); return undefined; },
  },
};
