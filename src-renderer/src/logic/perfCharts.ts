/**
 * Which charts Monitor › Performance › Overview shows for an object, chosen from the counters the
 * engine's catalogue offers for its type (never from a fixed list the engine may not have).
 *
 * - `overviewCharts(catalog)` → one chart per group (CPU, Memory, Disk, Network first, then any other
 *   group the engine offers, e.g. System), with up to four counters of the group's primary unit, the
 *   vSphere "level 1" counters first.
 * - `hostMemoryChart(catalog)` → a host's stacked "Memory (KB)" chart (consumed, free, then ballooned,
 *   compressed, swapped), or null when the catalogue lacks any of them. Consumed + free is the host's
 *   memory exactly (the engine counts both in frames); the three bands above are guest memory the host
 *   took back. Shared memory is left out: its frames are already inside consumed, a band would count
 *   them twice (the Summary's bar shows what sharing saves).
 * - `METRIC_GROUPS`: group key → label, for the Advanced chart options.
 * - `chartTimeRange(timestampsMs, periodMs)` → the x-axis range to pin when the samples alone cannot
 *   give a readable time axis (none, one, or a span shorter than `MIN_CHART_PERIODS` sample periods),
 *   else null (the chart scales to its samples).
 * - `stackOf(line, kind)` → `{ key, filled }`: the stack a line joins in a stacked graph (lines of one
 *   unit share one), or undefined in a line graph. Only additive rollups stack (average, summation,
 *   latest, none): a minimum or a maximum is not a share of a total, so it gets a stack of its own (drawn
 *   as a plain line over the stack, never added to the average it bounds).
 */
import type { CounterInfo } from '@shared/model/metrics';
import { unitLabel } from './format';

export const METRIC_GROUPS: Record<string, string> = {
  cpu: 'CPU', mem: 'Memory', disk: 'Disk', net: 'Network', virtualDisk: 'Virtual disk', datastore: 'Datastore',
  power: 'Power', sys: 'System', rescpu: 'CPU (resource)', clusterServices: 'Cluster services', vmop: 'Virtual machine operations',
  engine: 'Engine',
};

export function groupLabel(group: string): string {
  return METRIC_GROUPS[group] ?? group;
}

const PRIMARY: Record<string, string> = {
  cpu: 'cpu.usage.average', mem: 'mem.usage.average', disk: 'disk.usage.average', net: 'net.usage.average',
};

export interface OverviewChart {
  key: string;
  title: string;
  counters: CounterInfo[];
  kind?: 'line' | 'stacked';
}

/** The host memory chart's bands, bottom to top. */
export const HOST_MEMORY_STACK = [
  'mem.consumed.average', 'engine.memFree.latest', 'mem.vmmemctl.average', 'mem.compressed.average', 'mem.swapused.average',
] as const;

export function hostMemoryChart(catalog: readonly CounterInfo[]): OverviewChart | null {
  const counters = HOST_MEMORY_STACK.map((name) => catalog.find((c) => c.name === name && c.entityTypes.includes('host')));
  if (counters.some((c) => !c)) return null;
  const found = counters as CounterInfo[];
  return { key: 'mem-stacked', title: `Memory (${unitLabel(found[0].unit)})`, counters: found, kind: 'stacked' };
}

export function groupOf(c: CounterInfo): string {
  return c.group || c.name.split('.')[0];
}

/** One collator for every comparison: `localeCompare` looks up the locale's collation on each call, which
 *  made sorting a catalogue the largest script cost of opening Monitor (same order as `localeCompare`). */
const collator = new Intl.Collator();
/** The catalogue of a type is fetched once and kept (stores/metrics.ts): its charts are computed once. */
const chartsOf = new WeakMap<readonly CounterInfo[], readonly OverviewChart[]>();

export function overviewCharts(catalog: readonly CounterInfo[]): OverviewChart[] {
  let charts = chartsOf.get(catalog);
  if (!charts) chartsOf.set(catalog, (charts = computeOverviewCharts(catalog)));
  return charts.map((c) => ({ ...c, counters: [...c.counters] }));
}

function computeOverviewCharts(catalog: readonly CounterInfo[]): OverviewChart[] {
  const out: OverviewChart[] = [];
  const MAIN = ['cpu', 'mem', 'disk', 'net'];
  const others = [...new Set(catalog.map(groupOf))].filter((g) => !MAIN.includes(g)).sort();
  for (const group of [...MAIN, ...others]) {
    const inGroup = catalog.filter((c) => groupOf(c) === group);
    if (!inGroup.length) continue;
    const sorted = [...inGroup].sort((a, b) =>
      Number(b.name === PRIMARY[group]) - Number(a.name === PRIMARY[group]) || a.level - b.level || collator.compare(a.name, b.name));
    const unit = sorted[0].unit;
    const counters = sorted.filter((c) => c.unit === unit).slice(0, 4);
    out.push({ key: group, title: `${groupLabel(group)} (${unitLabel(unit)})`, counters });
  }
  return out;
}

/** What the Advanced chart shows (Chart Options). */
export interface ChartOptions {
  counters: string[];
  interval: import('@shared/model/metrics').IntervalKey;
  kind: 'line' | 'stacked';
}

/** The shortest time axis a chart shows, in sample periods (a lone sample still gets readable ticks). */
export const MIN_CHART_PERIODS = 5;

export function chartTimeRange(timestampsMs: readonly number[], periodMs: number): { min: number; max: number } | null {
  const span = MIN_CHART_PERIODS * periodMs;
  const first = timestampsMs[0];
  const last = timestampsMs[timestampsMs.length - 1];
  if (first !== undefined && last !== undefined && last - first >= span) return null;
  const max = Math.max(last ?? 0, span);
  return { min: max - span, max };
}

const NOT_ADDITIVE = new Set(['minimum', 'maximum']);

export function stackOf(line: { counter: string; unit: string; rollup: string }, kind: 'line' | 'stacked'): { key: string; filled: boolean } | undefined {
  if (kind !== 'stacked') return undefined;
  return NOT_ADDITIVE.has(line.rollup) ? { key: `alone:${line.counter}`, filled: false } : { key: `unit:${line.unit}`, filled: true };
}
