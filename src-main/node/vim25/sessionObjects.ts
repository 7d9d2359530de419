/**
 * Objects a session owns, kept in `Session.objects` under their MoRef id and gone with the session:
 * container views, property collectors (the session's own view of the shared `propertyCollector`, and
 * those it created), property filters, event history collectors, and paged retrieval results.
 *
 * - `ContainerViewState`, `CollectorState`, `FilterState`, `EventCollectorState`, `RetrieveTokenState`.
 * - `sessionCollector(session, id)`: the session's state of a PropertyCollector (created on first use for
 *   the shared `propertyCollector`).
 */
import type { FilterSpec } from './propertyCollector';
import type { EventFilter } from './eventMapping';
import type { Session } from './sessionManager';
import type { VimValue } from './vimValues';

export interface ContainerViewState {
  type: 'ContainerView';
  id: string;
  container: { type: string; id: string };
  types: string[];
  recursive: boolean;
}

/** What a filter last reported for one object: its revision and each path's value (canonical text). */
export interface ReportedObject { type: string; id: string; revision?: string; values: Map<string, string> }

export interface FilterState {
  type: 'PropertyFilter';
  id: string;
  collectorId: string;
  spec: FilterSpec;
  partialUpdates: boolean;
  /** Objects as last reported to the client (key `type:id`); undefined until the first report. */
  reported?: Map<string, ReportedObject>;
}

export interface CollectorState {
  type: 'PropertyCollector';
  id: string;
  filters: Set<string>;
  /** Version of the last update set handed out ('' before the first). */
  version: number;
  /** Wakes a waiting WaitForUpdates (change signal, cancel, session end). */
  waiters: Set<(reason: 'change' | 'cancel' | 'end') => void>;
  dispose(): void;
}

export interface EventCollectorState {
  type: 'EventHistoryCollector';
  id: string;
  filter: EventFilter;
  /** The filter spec as given, echoed in the `filter` property. */
  filterValue: VimValue;
  pageSize: number;
  /** Position of the read cursor in the matching events (oldest = 0); `undefined` = at the newest end. */
  cursor?: number;
}

export interface RetrieveTokenState {
  type: 'RetrieveToken';
  id: string;
  remaining: VimValue[];
}

export function sessionCollector(session: Session, id: string): CollectorState {
  const existing = session.objects.get(id);
  if (existing && existing.type === 'PropertyCollector') return existing as CollectorState;
  const c: CollectorState = {
    type: 'PropertyCollector', id, filters: new Set(), version: 0, waiters: new Set(),
    dispose() { for (const w of [...c.waiters]) w('end'); c.waiters.clear(); },
  };
  session.objects.set(id, c);
  return c;
}
