/**
 * The columns of Monitor › Tasks and Events › Events: label, cell text (also what CSV export writes) and
 * sort value (Date Time as milliseconds, Type by severity).
 *
 * - `EVENT_COLUMNS`, `EVENT_TYPE_LABEL`, `sortEventRows(rows, sort, ctx)`, `eventsCsv(rows, ctx)`.
 */
import type { EventDto, EventSeverity } from '@shared/model/eventLog';
import { formatWhen } from './format';
import type { SortState, SortValue } from './tableSort';
import { sortBy } from './tableSort';
import { toCsv } from './csv';

export interface EventCellContext {
  realTime: (id: string | undefined) => boolean;
}

export interface EventColumn {
  key: string;
  label: string;
  text: (e: EventDto, ctx: EventCellContext) => string;
  sortValue: (e: EventDto) => SortValue;
}

export const EVENT_TYPE_LABEL: Record<EventSeverity, string> = { info: 'Information', warning: 'Warning', error: 'Error' };
const SEVERITY_RANK: Record<EventSeverity, number> = { info: 0, warning: 1, error: 2 };

export const EVENT_COLUMNS: readonly EventColumn[] = [
  { key: 'description', label: 'Description', text: (e) => e.message, sortValue: (e) => e.message },
  { key: 'type', label: 'Type', text: (e) => EVENT_TYPE_LABEL[e.severity], sortValue: (e) => SEVERITY_RANK[e.severity] },
  { key: 'time', label: 'Date Time', text: (e, c) => formatWhen(e.timeMs, c.realTime(e.id)), sortValue: (e) => e.timeMs },
  { key: 'target', label: 'Target', text: (e) => e.entityName ?? e.entityId ?? '', sortValue: (e) => e.entityName ?? e.entityId },
  { key: 'typeId', label: 'Event Type ID', text: (e) => e.type, sortValue: (e) => e.type },
];

const BY_KEY = new Map(EVENT_COLUMNS.map((c) => [c.key, c]));

export function sortEventRows(rows: readonly EventDto[], sort: SortState | null | undefined): EventDto[] {
  return sortBy(rows, (e, key) => BY_KEY.get(key)?.sortValue(e), sort ?? null);
}

export function eventsCsv(rows: readonly EventDto[], ctx: EventCellContext): string {
  return toCsv(EVENT_COLUMNS.map((c) => c.label), rows.map((e) => EVENT_COLUMNS.map((c) => c.text(e, ctx))));
}
