/**
 * PerformanceManager methods, answered from the counters the engine counted: QueryPerfCounter,
 * QueryPerfCounterByLevel, QueryPerfProviderSummary, QueryAvailablePerfMetric, QueryPerf (normal and CSV,
 * maxSample, start/end times, instances) and QueryPerfComposite (a host and its VMs).
 *
 * Rules: interval ids are sampling periods in seconds (20 = real-time, 300/1800/7200/86400 the rollups);
 * startTime is exclusive and endTime inclusive, as in vSphere; the lab counts aggregates only, so
 * instance "" and "*" both return the aggregate and any other instance returns nothing; an entity with
 * no samples in the range is left out of the result (as vSphere does for a powered-off VM).
 */
import type { MetricSeriesDto, CounterInfo, EntityType, IntervalKey } from '@shared/model/metrics';
import { INTERVALS } from '@shared/model/metrics';
import { kindOfId } from '@shared/model/ids';
import type { VimValue } from '../vimValues';
import { bool, data, dateTime, int, long, ref, str } from '../vimValues';
import type { Arg } from '../soapArgs';
import { invalidArgument, managedObjectNotFound } from '../faults';
import { intervalOfId, REALTIME_INTERVAL_ID, toVimValue } from '../perfCatalog';
import type { Call, MethodTable } from './methodTable';

const METRIC_KINDS: Record<string, EntityType> = { vm: 'vm', host: 'host', cluster: 'cluster', datacenter: 'datacenter', datastore: 'datastore' };
/** The lab's query takes at most this many counters per call. */
const COUNTERS_PER_QUERY = 64;
const MAX_SAMPLES = 10_000;

function entityKind(c: Call, r: { type: string; id: string }): EntityType {
  if (!c.world.model.node(r.id)) throw managedObjectNotFound(r.type, r.id);
  const k = METRIC_KINDS[kindOfId(r.id) ?? ''];
  if (!k) throw invalidArgument(`${r.type} ${r.id} has no performance counters in the lab`, 'entity');
  return k;
}

const metricId = (key: number, instance = '') => data('PerfMetricId', { counterId: int(key), instance: str(instance) });

interface QuerySpec {
  entity: { type: string; id: string };
  kind: EntityType;
  interval: IntervalKey;
  startMs?: number;
  endMs?: number;
  maxSample?: number;
  counters: CounterInfo[];
  instances: Map<string, string>;
  csv: boolean;
}

function readQuerySpec(c: Call, a: Arg): QuerySpec {
  const entity = a.needRef('entity');
  const kind = entityKind(c, entity);
  const intervalId = a.int('intervalId', 1, 2 ** 31);
  const interval = intervalOfId(intervalId);
  if (!interval) throw invalidArgument(`intervalId ${intervalId}: the lab keeps 20 (real-time), 300, 1800, 7200 and 86400`, 'intervalId');
  const format = a.str('format') ?? 'normal';
  if (format !== 'normal' && format !== 'csv') throw invalidArgument(`format "${format.slice(0, 20)}" (normal or csv)`, 'format');
  const counters: CounterInfo[] = [];
  const instances = new Map<string, string>();
  const ids = a.children('metricId');
  if (ids.length === 0) {
    for (const ci of c.svc.catalog.all) if (ci.entityTypes.includes(kind)) { counters.push(ci); instances.set(ci.name, ''); }
  }
  for (const m of ids) {
    const key = m.need('counterId').asInt();
    const ci = c.svc.catalog.byKey(key);
    if (!ci) throw invalidArgument(`no counter with key ${key}`, 'metricId.counterId');
    if (!ci.entityTypes.includes(kind)) continue;
    const inst = m.str('instance') ?? '';
    if (inst !== '' && inst !== '*') continue;
    if (!instances.has(ci.name)) { counters.push(ci); instances.set(ci.name, inst === '*' ? '' : inst); }
  }
  return {
    entity: { type: c.world.model.node(entity.id)!.type, id: entity.id }, kind, interval,
    startMs: a.dateTimeMs('startTime'), endMs: a.dateTimeMs('endTime'), maxSample: a.int('maxSample', 1, MAX_SAMPLES),
    counters, instances, csv: format === 'csv',
  };
}

async function series(c: Call, q: QuerySpec): Promise<{ times: number[]; values: Map<string, (number | null)[]> }> {
  const byTime = q.startMs === undefined && q.endMs === undefined;
  const values = new Map<string, (number | null)[]>();
  let times: number[] = [];
  for (let i = 0; i < q.counters.length; i += COUNTERS_PER_QUERY) {
    const names = q.counters.slice(i, i + COUNTERS_PER_QUERY).map((ci) => ci.name);
    const r = await c.svc.link.request<MetricSeriesDto>('metrics.query', {
      entityId: q.entity.id, counters: names, interval: q.interval, maxSamples: byTime ? (q.maxSample ?? (q.interval === 'realtime' ? 180 : MAX_SAMPLES)) : MAX_SAMPLES,
    });
    times = r.timestampsMs;
    for (const n of names) values.set(n, r.values[n] ?? []);
  }
  // Times are the lab's virtual ms; the client speaks dates.
  const dates = times.map((t) => c.svc.mirror.toDateMs(t));
  let keep = dates.map((d) => (q.startMs === undefined || d > q.startMs) && (q.endMs === undefined || d <= q.endMs));
  if (!byTime && q.maxSample !== undefined) {
    let left = q.maxSample;
    keep = keep.reverse().map((k) => (k && left-- > 0)).reverse();
  }
  const idx = keep.map((k, i) => (k ? i : -1)).filter((i) => i >= 0);
  const out = new Map<string, (number | null)[]>();
  for (const [n, v] of values) out.set(n, idx.map((i) => v[i] ?? null));
  return { times: idx.map((i) => dates[i]), values: out };
}

function entityMetric(c: Call, q: QuerySpec, s: { times: number[]; values: Map<string, (number | null)[]> }): VimValue {
  const period = INTERVALS[q.interval].periodSeconds;
  const ids = q.counters.map((ci) => metricId(c.svc.catalog.key(ci), q.instances.get(ci.name) ?? ''));
  if (q.csv) {
    return data('PerfEntityMetricCSV', {
      entity: ref(q.entity.type, q.entity.id),
      sampleInfoCSV: str(s.times.map((t) => `${period},${new Date(t).toISOString()}`).join(',')),
      value: q.counters.map((ci, i) => data('PerfMetricSeriesCSV', { id: ids[i], value: str((s.values.get(ci.name) ?? []).map((v) => toVimValue(ci, v)).join(',')) })),
    });
  }
  return data('PerfEntityMetric', {
    entity: ref(q.entity.type, q.entity.id),
    sampleInfo: s.times.map((t) => data('PerfSampleInfo', { timestamp: dateTime(t), interval: int(period) })),
    value: q.counters.map((ci, i) => data('PerfMetricIntSeries', { id: ids[i], value: (s.values.get(ci.name) ?? []).map((v) => long(toVimValue(ci, v))) })),
  });
}

export const PERF_METHODS: MethodTable = {
  QueryPerfCounter: {
    on: ['PerformanceManager'],
    run: async (c) => c.args.children('counterId').map((a) => c.svc.catalog.byKey(a.asInt())).filter((ci): ci is CounterInfo => !!ci).map((ci) => c.svc.catalog.counterInfo(ci)),
  },
  QueryPerfCounterByLevel: {
    on: ['PerformanceManager'],
    run: async (c) => {
      const level = c.args.need('level').asInt(1, 4);
      return c.svc.catalog.all.filter((ci) => ci.level <= level).map((ci) => c.svc.catalog.counterInfo(ci));
    },
  },
  QueryPerfProviderSummary: {
    on: ['PerformanceManager'],
    run: async (c) => {
      const e = c.args.needRef('entity');
      const kind = entityKind(c, e);
      const current = kind === 'vm' || kind === 'host';
      return data('PerfProviderSummary', {
        entity: ref(c.world.model.node(e.id)!.type, e.id), currentSupported: bool(current), summarySupported: bool(true),
        refreshRate: current ? int(REALTIME_INTERVAL_ID) : undefined,
      });
    },
  },
  QueryAvailablePerfMetric: {
    on: ['PerformanceManager'],
    run: async (c) => {
      const kind = entityKind(c, c.args.needRef('entity'));
      const intervalId = c.args.int('intervalId', 1, 2 ** 31);
      if (!intervalOfId(intervalId)) throw invalidArgument(`intervalId ${intervalId} is not kept by the lab`, 'intervalId');
      return c.svc.catalog.all.filter((ci) => ci.entityTypes.includes(kind)).map((ci) => metricId(c.svc.catalog.key(ci)));
    },
  },
  QueryPerf: {
    on: ['PerformanceManager'],
    run: async (c) => {
      const out: VimValue[] = [];
      for (const a of c.args.children('querySpec')) {
        const q = readQuerySpec(c, a);
        if (q.counters.length === 0) continue;
        const s = await series(c, q);
        if (s.times.length) out.push(entityMetric(c, q, s));
      }
      return out;
    },
  },
  QueryPerfComposite: {
    on: ['PerformanceManager'],
    run: async (c) => {
      const a = c.args.need('querySpec');
      const q = readQuerySpec(c, a);
      const host = c.world.model.node(q.entity.id)?.host;
      if (!host) throw invalidArgument('QueryPerfComposite needs a HostSystem entity', 'querySpec.entity');
      const parent = entityMetric(c, q, await series(c, q));
      const children: VimValue[] = [];
      for (const vmId of host.vmIds) {
        const vm = c.world.model.node(vmId)?.vm;
        if (!vm || vm.powerState !== 'poweredOn') continue;
        const counters = c.svc.catalog.all.filter((ci) => ci.entityTypes.includes('vm') && q.counters.some((x) => x.name === ci.name));
        const cq: QuerySpec = { ...q, entity: { type: 'VirtualMachine', id: vmId }, kind: 'vm', counters };
        if (!counters.length) continue;
        const s = await series(c, cq);
        if (s.times.length) children.push(entityMetric(c, cq, s));
      }
      return data('PerfCompositeMetric', { entity: parent, childEntity: children });
    },
  },
};

