import { describe, expect, it } from 'vitest';
import { csvField, csvValue, seriesStats, toCsv } from '@renderer/logic/chartStats';
import { formatClock } from '@renderer/logic/format';
import { HOST_MEMORY_STACK, MIN_CHART_PERIODS, chartTimeRange, hostMemoryChart, overviewCharts, stackOf } from '@renderer/logic/perfCharts';
import type { CounterInfo } from '@shared/model/metrics';

describe('chart legend statistics', () => {
  it('computes Latest / Maximum / Minimum / Average over non-null samples', () => {
    expect(seriesStats([10, null, 30, 20])).toEqual({ latest: 20, maximum: 30, minimum: 10, average: 20, count: 3 });
  });
  it('latest is the last non-null sample; nulls are never zeros', () => {
    expect(seriesStats([5, null]).latest).toBe(5);
    expect(seriesStats([null, 4, null]).minimum).toBe(4);
  });
  it('no samples → all null', () => {
    expect(seriesStats([])).toEqual({ latest: null, maximum: null, minimum: null, average: null, count: 0 });
    expect(seriesStats([null, null]).average).toBeNull();
  });
});

describe('CSV export', () => {
  const series = {
    entityId: 'vm-1' as const, interval: 'realtime' as const,
    timestampsMs: [20_000, 40_000, 3_600_000],
    values: { 'cpu.usage.average': [1.5, null, 3], 'mem.usage.average': [10, 11, 12] },
  };
  it('writes a header, one row per timestamp and empty cells for missing samples', () => {
    const csv = toCsv(series, [
      { counter: 'cpu.usage.average', heading: 'web, 1 cpu.usage.average (%)' },
      { counter: 'mem.usage.average', heading: 'mem "usage" (%)' },
    ], formatClock);
    expect(csv.split('\r\n')).toEqual([
      'Time,Timestamp (ms),"web, 1 cpu.usage.average (%)","mem ""usage"" (%)"',
      '00:00:20,20000,1.5,10',
      '00:00:40,40000,,11',
      '01:00:00,3600000,3,12',
      '',
    ]);
  });
  it('writes values at their counter\'s precision, without float noise', () => {
    const series = { entityId: 'vm-1', interval: 'realtime', timestampsMs: [20_000], values: { 'cpu.usage.average': [100.30760000000001], 'cpu.ready.summation': [1234.5000000001] } } as const;
    const csv = toCsv(series as never, [
      { counter: 'cpu.usage.average', unit: 'percent', heading: 'cpu (%)' },
      { counter: 'cpu.ready.summation', unit: 'ms', heading: 'ready (ms)' },
    ], formatClock);
    expect(csv.split('\r\n')[1]).toBe('00:00:20,20000,100.31,1234.5');
    expect(csvValue(-0.0001, 'percent')).toBe('0');
  });
  it('quotes only fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a\nb')).toBe('"a\nb"');
  });
});

describe('Overview charts from the catalogue', () => {
  const c = (name: string, unit: CounterInfo['unit'], level: CounterInfo['level'] = 1): CounterInfo => ({
    name, group: name.split('.')[0], label: name, description: '', unit, rollup: 'average', stats: 'rate', level, entityTypes: ['vm'],
  });
  it('one chart per offered group, primary counter first, one unit per chart', () => {
    const charts = overviewCharts([
      c('sys.uptime.latest', 's'), c('cpu.usagemhz.average', 'MHz'), c('cpu.usage.average', 'percent'),
      c('cpu.readiness.average', 'percent', 4), c('mem.usage.average', 'percent'),
    ]);
    expect(charts.map((x) => x.title)).toEqual(['CPU (%)', 'Memory (%)', 'System (s)']);
    expect(charts[0].counters.map((x) => x.name)).toEqual(['cpu.usage.average', 'cpu.readiness.average']);
  });
  it('a catalogue\'s charts are computed once; each caller gets its own copy', () => {
    const catalog = [c('cpu.usage.average', 'percent'), c('cpu.b.average', 'percent', 2), c('cpu.a.average', 'percent', 2)];
    const first = overviewCharts(catalog);
    first[0].counters.pop();
    first.pop();
    const again = overviewCharts(catalog);
    expect(again.map((x) => x.counters.map((y) => y.name))).toEqual([['cpu.usage.average', 'cpu.a.average', 'cpu.b.average']]);
    expect(overviewCharts([...catalog])).toEqual(again);
  });
  it('no counters → no charts', () => {
    expect(overviewCharts([])).toEqual([]);
  });
  it('a host gets the stacked memory chart in band order, only when the catalogue has every band', () => {
    const host = (name: string): CounterInfo => ({ ...c(name, 'KB'), entityTypes: ['host'] });
    const all = [...HOST_MEMORY_STACK].reverse().map(host);
    const chart = hostMemoryChart([c('mem.usage.average', 'percent'), ...all]);
    expect(chart?.kind).toBe('stacked');
    expect(chart?.title).toBe('Memory (KB)');
    expect(chart?.counters.map((x) => x.name)).toEqual([...HOST_MEMORY_STACK]);
    expect(hostMemoryChart(all.filter((x) => x.name !== 'mem.swapused.average'))).toBeNull();
    expect(hostMemoryChart([...HOST_MEMORY_STACK].map((n) => c(n, 'KB')))).toBeNull();
  });
});

describe('chart time axis', () => {
  const period = 20_000;
  it('a VM never powered on (no samples) still gets a readable axis of several periods, not ticks within one instant', () => {
    expect(chartTimeRange([], period)).toEqual({ min: 0, max: 5 * period });
  });
  it('one or few samples: the axis ends at the last sample and spans MIN_CHART_PERIODS periods', () => {
    expect(chartTimeRange([200_000], period)).toEqual({ min: 200_000 - MIN_CHART_PERIODS * period, max: 200_000 });
    expect(chartTimeRange([20_000, 40_000], period)).toEqual({ min: 0, max: 100_000 });
  });
  it('enough samples: the chart scales to them (no pinned range)', () => {
    expect(chartTimeRange([20_000, 40_000, 60_000, 80_000, 100_000, 120_000], period)).toBeNull();
  });
});

describe('stacked graph', () => {
  const line = (counter: string, rollup: string, unit = 'percent') => ({ counter, rollup, unit });
  it('stacks additive rollups of one unit together', () => {
    expect(stackOf(line('mem.shared.average', 'average', 'kiloBytes'), 'stacked')).toEqual({ key: 'unit:kiloBytes', filled: true });
    expect(stackOf(line('mem.swapped.average', 'average', 'kiloBytes'), 'stacked')).toEqual({ key: 'unit:kiloBytes', filled: true });
  });
  it('never stacks a minimum or maximum on the average it bounds', () => {
    const avg = stackOf(line('cpu.usage.average', 'average'), 'stacked');
    const max = stackOf(line('cpu.usage.maximum', 'maximum'), 'stacked');
    const min = stackOf(line('cpu.usage.minimum', 'minimum'), 'stacked');
    expect(max?.key).not.toBe(avg?.key);
    expect(min?.key).not.toBe(avg?.key);
    expect(min?.key).not.toBe(max?.key);
    expect(max?.filled).toBe(false);
  });
  it('a line graph stacks nothing', () => {
    expect(stackOf(line('cpu.usage.average', 'average'), 'line')).toBeUndefined();
  });
});
