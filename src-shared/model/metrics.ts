/**
 * Performance counters, vSphere style: `group.name.rollup` (e.g. `cpu.ready.summation`), with units,
 * rollup types and stats types as in PerformanceManager.perfCounter.
 *
 * - `CounterInfo`: one entry of the catalogue.
 * - `IntervalKey`: real-time (20 s samples kept 1 h) and the day/week/month/year rollups.
 * - `MetricSeriesDto`: samples for one entity and several counters, aligned on timestamps.
 *
 * Rule: values are in the counter's own unit (percent as a plain number, not ×100) and every value is
 * counted from engine events; `engine` group counters are the engine's own (translations, exits, …).
 */
import type { ManagedEntityId } from './ids';

export type CounterUnit = 'percent' | 'MHz' | 'ms' | 'KB' | 'KBps' | 'MB' | 'num' | 'W' | 'J' | 's' | 'pages' | 'pagesPerSecond' | 'cycles' | 'ns';
export type RollupType = 'average' | 'summation' | 'latest' | 'minimum' | 'maximum' | 'none';
export type StatsType = 'absolute' | 'delta' | 'rate';
export type EntityType = 'vm' | 'host' | 'cluster' | 'datacenter' | 'datastore';

export interface CounterInfo {
  /** Full name, e.g. `cpu.usage.average`. */
  name: string;
  group: string;
  label: string;
  description: string;
  unit: CounterUnit;
  rollup: RollupType;
  stats: StatsType;
  level: 1 | 2 | 3 | 4;
  entityTypes: EntityType[];
}

export const INTERVAL_KEYS = ['realtime', 'day', 'week', 'month', 'year'] as const;
export type IntervalKey = (typeof INTERVAL_KEYS)[number];

/** Sampling period and retention of each interval (vSphere's default performance intervals: vSphere Web Services SDK Programming Guide, "Performance Intervals"). */
export const INTERVALS: Record<IntervalKey, { periodSeconds: number; lengthSeconds: number; label: string }> = {
  realtime: { periodSeconds: 20, lengthSeconds: 3600, label: 'Real-time' },
  day: { periodSeconds: 300, lengthSeconds: 86400, label: 'Last day' },
  week: { periodSeconds: 1800, lengthSeconds: 604800, label: 'Last week' },
  month: { periodSeconds: 7200, lengthSeconds: 2592000, label: 'Last month' },
  year: { periodSeconds: 86400, lengthSeconds: 31536000, label: 'Last year' },
};

export interface MetricSeriesDto {
  entityId: ManagedEntityId;
  interval: IntervalKey;
  /** Sample end times, virtual ms since the lab's epoch. */
  timestampsMs: number[];
  /** counter name → one value per timestamp (null where the entity had no sample, e.g. powered off). */
  values: Record<string, (number | null)[]>;
}
