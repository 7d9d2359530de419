/**
 * PropertyCollector and ViewManager methods: RetrieveProperties(Ex), ContinueRetrievePropertiesEx,
 * CancelRetrievePropertiesEx, CreateFilter, DestroyPropertyFilter, CreatePropertyCollector,
 * DestroyPropertyCollector, WaitForUpdates(Ex), CheckForUpdates, CancelWaitForUpdates; CreateContainerView,
 * CreateListView, DestroyView.
 *
 * Rules: paging keeps the remaining results under a session-scoped token (`maxObjects` per page, at most
 * MAX_PAGE); a filter's spec is checked when it is created (unknown properties → InvalidProperty), as
 * vSphere does; a collector's version must be the last one it handed out (else InvalidCollectorVersion).
 */
import type { VimValue } from '../vimValues';
import { data, ref, str } from '../vimValues';
import { invalidArgument, managedObjectNotFound, VimFault } from '../faults';
import type { FilterSpec } from '../propertyCollector';
import { pathsFor, readFilterSpec, retrieve, selectObjects } from '../propertyCollector';
import type { CollectorState, ContainerViewState, FilterState, RetrieveTokenState } from '../sessionObjects';
import { sessionCollector } from '../sessionObjects';
import { sessionObjectId } from '../sessionManager';
import type { Session } from '../sessionManager';
import { knownType } from '../managedTypes';
import { CancelledWait, waitForUpdates } from '../waitForUpdates';
import type { Call, MethodTable } from './methodTable';

/** Largest page RetrievePropertiesEx hands out, whatever maxObjects asks. */
const MAX_PAGE = 5_000;
/** Longest WaitForUpdates wait with no timeout given: the client's HTTP request stays open this long. */
const MAX_WAIT_MS = 15 * 60_000;

function session(c: Call): Session {
  if (!c.session) throw new VimFault('NotAuthenticated', 'The session is not authenticated.');
  return c.session;
}

function collector(c: Call): CollectorState {
  const s = session(c);
  if (c.self.id === 'propertyCollector') return sessionCollector(s, c.self.id);
  const o = s.objects.get(c.self.id);
  if (!o || o.type !== 'PropertyCollector') throw managedObjectNotFound(c.self.type, c.self.id);
  return o as CollectorState;
}

function filtersOf(s: Session, col: CollectorState): FilterState[] {
  return [...col.filters].map((id) => s.objects.get(id)).filter((o): o is FilterState => o?.type === 'PropertyFilter');
}

async function checkSpec(c: Call, spec: FilterSpec): Promise<void> {
  const { objects } = await selectObjects(spec, c.world);
  for (const o of objects) pathsFor(o, spec.propSet);
}

async function retrievePage(c: Call, all: VimValue[], maxObjects: number | undefined): Promise<VimValue | undefined> {
  if (all.length === 0) return undefined;
  const page = Math.min(maxObjects ?? MAX_PAGE, MAX_PAGE);
  if (all.length <= page) return data('RetrieveResult', { objects: all });
  const s = session(c);
  const token: RetrieveTokenState = { type: 'RetrieveToken', id: sessionObjectId(s, 'retrieve'), remaining: all.slice(page) };
  (token as RetrieveTokenState & { pageSize: number }).pageSize = page;
  s.objects.set(token.id, token);
  return data('RetrieveResult', { token: str(token.id), objects: all.slice(0, page) });
}

async function wait(c: Call, version: string | undefined, maxWaitMs: number | undefined, maxObjects?: number): Promise<VimValue | undefined> {
  const s = session(c);
  const col = collector(c);
  if (version === undefined || version === '') {
    for (const f of filtersOf(s, col)) f.reported = undefined;
  } else if (version !== String(col.version)) {
    throw new VimFault('InvalidCollectorVersion', `version "${version.slice(0, 40)}" is not the collector's current version`);
  }
  try {
    return await waitForUpdates({
      collector: col, filters: () => filtersOf(s, col), resolver: () => c.svc.world(s), maxWaitMs, maxObjects,
    });
  } catch (e) {
    if (e instanceof CancelledWait) throw new VimFault('RequestCanceled', 'WaitForUpdates was cancelled');
    throw e;
  }
}

export const COLLECTOR_METHODS: MethodTable = {
  RetrieveProperties: {
    on: ['PropertyCollector'],
    run: async (c) => retrieve(c.args.children('specSet').map(readFilterSpec), c.world),
  },
  RetrievePropertiesEx: {
    on: ['PropertyCollector'],
    run: async (c) => {
      const specs = c.args.children('specSet').map(readFilterSpec);
      const maxObjects = c.args.child('options')?.int('maxObjects', 1, 2 ** 31);
      return retrievePage(c, await retrieve(specs, c.world), maxObjects);
    },
  },
  ContinueRetrievePropertiesEx: {
    on: ['PropertyCollector'],
    run: async (c) => {
      const s = session(c);
      const id = c.args.needStr('token');
      const t = s.objects.get(id) as (RetrieveTokenState & { pageSize: number }) | undefined;
      if (!t || t.type !== 'RetrieveToken') throw invalidArgument(`unknown or finished token "${id.slice(0, 80)}"`, 'token');
      const page = t.remaining.splice(0, t.pageSize);
      if (t.remaining.length === 0) { s.objects.delete(id); return data('RetrieveResult', { objects: page }); }
      return data('RetrieveResult', { token: str(id), objects: page });
    },
  },
  CancelRetrievePropertiesEx: {
    on: ['PropertyCollector'],
    run: async (c) => { session(c).objects.delete(c.args.needStr('token')); return undefined; },
  },
  CreateFilter: {
    on: ['PropertyCollector'],
    run: async (c) => {
      const s = session(c);
      const col = collector(c);
      const spec = readFilterSpec(c.args.need('spec'));
      await checkSpec(c, spec);
      const f: FilterState = { type: 'PropertyFilter', id: sessionObjectId(s, 'filter'), collectorId: col.id, spec, partialUpdates: c.args.bool('partialUpdates') ?? false };
      s.objects.set(f.id, f);
      col.filters.add(f.id);
      return ref('PropertyFilter', f.id);
    },
  },
  DestroyPropertyFilter: {
    on: ['PropertyFilter'],
    run: async (c) => {
      const s = session(c);
      const f = s.objects.get(c.self.id) as FilterState | undefined;
      if (!f || f.type !== 'PropertyFilter') throw managedObjectNotFound(c.self.type, c.self.id);
      s.objects.delete(f.id);
      (s.objects.get(f.collectorId) as CollectorState | undefined)?.filters.delete(f.id);
      return undefined;
    },
  },
  CreatePropertyCollector: {
    on: ['PropertyCollector'],
    run: async (c) => ref('PropertyCollector', sessionCollector(session(c), sessionObjectId(session(c), 'pc')).id),
  },
  DestroyPropertyCollector: {
    on: ['PropertyCollector'],
    run: async (c) => {
      const s = session(c);
      if (c.self.id === 'propertyCollector') throw new VimFault('InvalidArgument', 'the shared PropertyCollector cannot be destroyed', {});
      const col = collector(c);
      for (const f of col.filters) s.objects.delete(f);
      col.dispose();
      s.objects.delete(col.id);
      return undefined;
    },
  },
  WaitForUpdates: {
    on: ['PropertyCollector'],
    run: async (c) => wait(c, c.args.str('version'), MAX_WAIT_MS),
  },
  WaitForUpdatesEx: {
    on: ['PropertyCollector'],
    run: async (c) => {
      const o = c.args.child('options');
      const secs = o?.int('maxWaitSeconds', 0, 86_400);
      return wait(c, c.args.str('version'), secs === undefined ? MAX_WAIT_MS : secs * 1000, o?.int('maxObjectUpdates', 1, 2 ** 31));
    },
  },
  CheckForUpdates: {
    on: ['PropertyCollector'],
    run: async (c) => wait(c, c.args.str('version'), 0),
  },
  CancelWaitForUpdates: {
    on: ['PropertyCollector'],
    run: async (c) => { for (const w of [...collector(c).waiters]) w('cancel'); return undefined; },
  },
  CreateContainerView: {
    on: ['ViewManager'],
    run: async (c) => {
      const s = session(c);
      const container = c.args.needRef('container');
      const types = c.args.strs('type');
      for (const t of types) if (!knownType(t) && !['VirtualApp', 'StoragePod', 'DistributedVirtualSwitch', 'DistributedVirtualPortgroup'].includes(t)) throw invalidArgument(`unknown type "${t.slice(0, 80)}"`, 'type');
      const node = c.world.model.node(container.id);
      if (!node) throw managedObjectNotFound(container.type, container.id);
      const v: ContainerViewState = { type: 'ContainerView', id: sessionObjectId(s, 'view'), container: { type: node.type, id: node.id }, types, recursive: c.args.bool('recursive') ?? false };
      s.objects.set(v.id, v);
      return ref('ContainerView', v.id);
    },
  },
  DestroyView: {
    on: ['ContainerView', 'ListView', 'View'],
    run: async (c) => {
      const s = session(c);
      if (!s.objects.has(c.self.id)) throw managedObjectNotFound(c.self.type, c.self.id);
      s.objects.delete(c.self.id);
      return undefined;
    },
  },
};
