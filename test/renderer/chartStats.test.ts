import { describe, expect, it } from 'vitest';
import { csvField, csvValue, seriesStats, toCsv } from '@renderer/logic/chartStats';
import { formatClock } from '@renderer/logic/format';
import { overviewCharts } from '@renderer/logic/perfCharts';
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
  it('no counters → no charts', () => {
    expect(overviewCharts([])).toEqual([]);
  });
});
