/**
 * The lab's counter catalogue as vSphere's `PerformanceManager.perfCounter`: keys, group/name/unit
 * descriptions, rollup and stats types, levels; and the intervals (`historicalInterval`).
 *
 * - `PerfCatalog.from(counters)`: `byKey(k)`, `byName(n)`, `all`, `counterInfo(c)` → PerfCounterInfo.
 * - `toVimValue(c, v)`: a lab sample in vSphere's fixed-point form (percent × 100, integers).
 * - `HISTORICAL_INTERVALS`: the rollups the lab keeps (day/week/month/year), keys 1–4 as in vCenter;
 *   real-time is interval id 20 (`refreshRate`), not a historical interval.
 *
 * Rules: counter keys are the catalogue's order from 1 (clients must resolve counters by name, as on real
 * vSphere where keys differ between ESXi and vCenter); units the WSDL has no name for (`pages`, `cycles`)
 * are reported as `number`.
 */
import type { CounterInfo, IntervalKey } from '@shared/model/metrics';
import { INTERVALS } from '@shared/model/metrics';
import type { VimValue } from './vimValues';
import { arr, bool, data, en, int, str } from './vimValues';

const UNIT: Record<string, [string, string]> = {
  percent: ['percent', 'Percentage'], MHz: ['megaHertz', 'Megahertz'], ms: ['millisecond', 'Millisecond'],
  KB: ['kiloBytes', 'Kilobytes'], KBps: ['kiloBytesPerSecond', 'Kilobytes per second'], MB: ['megaBytes', 'Megabytes'],
  num: ['number', 'Number'], W: ['watt', 'Watt'], J: ['joule', 'Joule'], s: ['second', 'Second'],
  pages: ['number', 'Number (pages)'], pagesPerSecond: ['number', 'Number (pages per second)'], cycles: ['number', 'Number (cycles)'],
  ns: ['nanosecond', 'Nanosecond'],
};

const GROUP_LABEL: Record<string, string> = {
  cpu: 'CPU', mem: 'Memory', disk: 'Disk', virtualDisk: 'Virtual disk', net: 'Network', power: 'Power', sys: 'System',
  clusterServices: 'Cluster services', vmop: 'Virtual machine operations', engine: 'Hypervisor Lab engine', datastore: 'Datastore',
};

export const REALTIME_INTERVAL_ID = 20;

export const HISTORICAL_INTERVALS: { key: number; interval: IntervalKey; name: string }[] = [
  { key: 1, interval: 'day', name: 'Past day' },
  { key: 2, interval: 'week', name: 'Past week' },
  { key: 3, interval: 'month', name: 'Past month' },
  { key: 4, interval: 'year', name: 'Past year' },
];

/** vSphere interval id (a sampling period in seconds) → the lab's interval key. */
export function intervalOfId(id: number | undefined): IntervalKey | undefined {
  if (id === undefined || id === REALTIME_INTERVAL_ID) return 'realtime';
  for (const [k, v] of Object.entries(INTERVALS)) if (v.periodSeconds === id) return k as IntervalKey;
  return undefined;
}

export function historicalIntervals(): VimValue {
  return arr('PerfInterval', HISTORICAL_INTERVALS.map((h) => data('PerfInterval', {
    key: int(h.key), samplingPeriod: int(INTERVALS[h.interval].periodSeconds), name: str(h.name),
    length: int(INTERVALS[h.interval].lengthSeconds), level: int(1), enabled: bool(true),
  })));
}

const desc = (label: string, summary: string, key: string) => data('ElementDescription', { label: str(label), summary: str(summary), key: str(key) });

export class PerfCatalog {
  private readonly keyOf = new Map<string, number>();

  constructor(readonly all: CounterInfo[]) {
    all.forEach((c, i) => this.keyOf.set(c.name, i + 1));
  }

  key(c: CounterInfo): number { return this.keyOf.get(c.name)!; }
  byKey(k: number): CounterInfo | undefined { return Number.isInteger(k) && k >= 1 ? this.all[k - 1] : undefined; }
  byName(n: string): CounterInfo | undefined { const k = this.keyOf.get(n); return k ? this.all[k - 1] : undefined; }

  counterInfo(c: CounterInfo): VimValue {
    const parts = c.name.split('.');
    const [unitKey, unitLabel] = UNIT[c.unit] ?? ['number', c.unit];
    return data('PerfCounterInfo', {
      key: int(this.key(c)),
      nameInfo: desc(c.label, c.description, parts.slice(1, -1).join('.')),
      groupInfo: desc(GROUP_LABEL[c.group] ?? c.group, GROUP_LABEL[c.group] ?? c.group, c.group),
      unitInfo: desc(unitLabel, unitLabel, unitKey),
      rollupType: en('PerfSummaryType', c.rollup),
      statsType: en('PerfStatsType', c.stats),
      level: int(c.level),
      perDeviceLevel: int(c.level),
      associatedCounterId: arr('int', []),
    });
  }
}

/** A sample as vSphere reports it: percent × 100, everything an integer; -1 where there is no sample. */
export function toVimValue(c: CounterInfo, v: number | null | undefined): number {
  if (v === null || v === undefined || !Number.isFinite(v)) return -1;
  return Math.round(c.unit === 'percent' ? v * 100 : v);
}
