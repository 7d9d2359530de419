/**
 * Reading report data through the contract: counter series for charts, tasks and events as tables.
 *
 * - `counterSeries(api, catalog, entityId, counters, interval, fromMs, toMs)` → chart series (only the
 *   counters the catalogue keeps for that entity type; samples inside [from, to]).
 * - `migrationRoundSeries(runs, series)` → chart series from migrations' round tables: one point at the end
 *   of each round, on the lab's virtual time (the task's start + the round's end), a gap between runs.
 * - `taskRows(id, title, tasks)`, `eventRows(id, title, events)` → tables (newest first, at most 500 rows).
 * - `intervalFor(spanMs)`: the finest rollup interval that still covers a period.
 */
import type { HvlabApi } from '@shared/api/index';
import type { CounterInfo, IntervalKey } from '@shared/model/metrics';
import { INTERVALS } from '@shared/model/metrics';
import { kindOfId } from '@shared/model/ids';
import type { TaskDto } from '@shared/model/task';
import type { EventDto } from '@shared/model/eventLog';
import type { ChartSeries } from './svgChart';
import { formatClockMs } from './svgChart';
import type { Table } from './reportModel';
import type { MigrationChartSeries, MigrationRun } from '@shared/exercise/index';
import { MIGRATION_CHART_UNITS } from '@shared/exercise/index';
import type { MigrationRound } from '@shared/model/migration';

const MAX_ROWS = 500;

const UNIT_LABEL: Record<string, string> = { percent: '%', KB: 'KB', MB: 'MB', KBps: 'KB/s', num: 'count', W: 'W', J: 'J', ms: 'ms', MHz: 'MHz', s: 's', pagesPerSecond: 'pages/s' };

export function unitLabel(unit: string): string {
  return UNIT_LABEL[unit] ?? unit;
}

export function intervalFor(spanMs: number): IntervalKey {
  for (const k of ['realtime', 'day', 'week', 'month'] as const) if (spanMs <= INTERVALS[k].lengthSeconds * 1000) return k;
  return 'year';
}

export async function counterSeries(api: HvlabApi, catalog: CounterInfo[], entityId: string, counters: string[], interval: IntervalKey, fromMs: number, toMs: number): Promise<ChartSeries[]> {
  const type = kindOfId(entityId);
  const known = counters.filter((c) => catalog.find((x) => x.name === c)?.entityTypes.includes(type as never));
  if (!known.length) return [];
  const m = await api.query('metrics.query', { entityId, counters: known, interval });
  return known.map((c) => {
    const info = catalog.find((x) => x.name === c)!;
    const points = m.timestampsMs.map((t, i) => ({ t, v: m.values[c]?.[i] ?? null })).filter((p) => p.t >= fromMs && p.t <= toMs);
    return { name: c, unit: unitLabel(info.unit), points };
  });
}

const MiB = 1024 * 1024;
const ROUND_VALUE: Readonly<Record<MigrationChartSeries, (r: MigrationRound, pageSize: number) => number>> = {
  remainingMiB: (r, ps) => (r.remainingPages * ps) / MiB,
  sentMiB: (r) => r.bytes / MiB,
  bandwidthMiBps: (r) => r.bandwidthBytesPerS / MiB,
  dirtiedPages: (r) => r.pagesDirtied,
  throttlePct: (r) => r.throttlePct,
  expectedDowntimeMs: (r) => r.expectedDowntimeMs,
};

/**
 * The round tables of migrations as chart series. A migration lasts well under one real-time sample
 * period (20 s), so counters average it away; its rounds are what the engine measured it by. Each run
 * starts with a gap so lines do not join one migration to the next.
 */
export function migrationRoundSeries(runs: MigrationRun[], series: MigrationChartSeries[]): ChartSeries[] {
  return series.map((name) => {
    const points: { t: number; v: number | null }[] = [];
    for (const { task, stats } of runs) {
      const start = task.startedAtMs ?? task.queuedAtMs;
      if (!stats?.rounds.length) continue;
      points.push({ t: start, v: null });
      for (const r of stats.rounds) points.push({ t: start + r.startMs + r.durationMs, v: ROUND_VALUE[name](r, stats.ram['page-size']) });
    }
    return { name, unit: MIGRATION_CHART_UNITS[name], points };
  });
}

export function taskRows(id: string, title: string, tasks: TaskDto[]): Table {
  const list = [...tasks].sort((a, b) => b.queuedAtMs - a.queuedAtMs).slice(0, MAX_ROWS);
  return {
    id, title: tasks.length > MAX_ROWS ? `${title} (newest ${MAX_ROWS} of ${tasks.length})` : title,
    columns: ['Queued (virtual)', 'Task', 'Operation', 'Target', 'State', 'Duration (ms)', 'Initiator'],
    rows: list.map((t) => [formatClockMs(t.queuedAtMs), t.name, t.operation, t.targetName, t.state,
      t.startedAtMs !== undefined && t.completedAtMs !== undefined ? t.completedAtMs - t.startedAtMs : null, t.initiator]),
    status: list.map((t) => (t.state === 'success' ? 'pass' : t.state === 'error' ? 'fail' : 'info')),
  };
}

export function eventRows(id: string, title: string, events: EventDto[]): Table {
  const list = [...events].sort((a, b) => b.timeMs - a.timeMs).slice(0, MAX_ROWS);
  return {
    id, title: events.length > MAX_ROWS ? `${title} (newest ${MAX_ROWS} of ${events.length})` : title,
    columns: ['Time (virtual)', 'Severity', 'Type', 'Object', 'Message'],
    rows: list.map((e) => [formatClockMs(e.timeMs), e.severity, e.type, e.entityName ?? '', e.message]),
    status: list.map((e) => (e.severity === 'error' ? 'fail' : e.severity === 'warning' ? 'fail' : undefined)),
  };
}
