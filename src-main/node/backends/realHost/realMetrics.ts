/**
 * realMetrics — performance data of real hosts: the counter catalogue each kind of real backend offers,
 * and the real-time samples it has read (20 s apart, kept one hour, as vSphere's real-time interval).
 *
 * - `realCounterCatalog(kind, entityType?)` → `CounterInfo[]`: the counters a libvirt or vim25 backend
 *   can produce, described by where the value comes from (docs/real-hosts.md has the same table).
 * - `RealSampleStore`: `record(timeMs, entityId, values)`, `query(entityId, counters, interval, max?)` →
 *   `MetricSeriesDto`, `latest(entityId)`.
 *
 * Rules: samples are stamped with the wall-clock time they were read (real hosts live in real time, not
 * the lab's virtual time); a counter with no value in a sample is `null` there; only the real-time
 * interval exists (no rollups are kept for real hosts, so longer intervals answer no samples).
 */
import type { CounterInfo, CounterUnit, EntityType, IntervalKey, MetricSeriesDto, RollupType, StatsType } from '@shared/model/metrics';
import type { ManagedEntityId } from '@shared/model/ids';
import { LIBVIRT_COUNTER_MAP } from '../libvirt/index';
import { VIM25_SAMPLED_COUNTERS } from '../vim25/index';
import type { DriverKind } from './hostDriver';

export const REAL_SAMPLE_PERIOD_MS = 20_000;
/** One hour of 20 s samples. */
export const REAL_SAMPLES_KEPT = 180;

const META: Record<string, { label: string; unit: CounterUnit; stats: StatsType; level: 1 | 2 | 3 | 4; description: string }> = {
  'cpu.usage.average': { label: 'Usage', unit: 'percent', stats: 'rate', level: 1, description: 'CPU usage as a percentage of the configured vCPUs (VM) or of all CPUs (host)' },
  'cpu.usagemhz.average': { label: 'Usage in MHz', unit: 'MHz', stats: 'rate', level: 1, description: 'CPU usage in megahertz' },
  'cpu.run.summation': { label: 'Run', unit: 'ms', stats: 'delta', level: 2, description: 'Time the vCPUs ran on a host CPU during the interval' },
  'cpu.ready.summation': { label: 'Ready', unit: 'ms', stats: 'delta', level: 1, description: 'Time the vCPUs were runnable but waited for a host CPU during the interval' },
  'cpu.totalCapacity.average': { label: 'Total capacity', unit: 'MHz', stats: 'absolute', level: 2, description: 'CPUs × clock' },
  'mem.usage.average': { label: 'Usage', unit: 'percent', stats: 'absolute', level: 1, description: 'Memory in use as a percentage of the configured (VM) or physical (host) memory' },
  'mem.consumed.average': { label: 'Consumed', unit: 'KB', stats: 'absolute', level: 1, description: 'Host memory backing the VM (VM) / in use (host)' },
  'mem.granted.average': { label: 'Granted', unit: 'KB', stats: 'absolute', level: 2, description: 'Memory the guest may use' },
  'mem.active.average': { label: 'Active', unit: 'KB', stats: 'absolute', level: 2, description: 'Memory the guest touched recently (as the hypervisor estimates it)' },
  'mem.vmmemctl.average': { label: 'Balloon', unit: 'KB', stats: 'absolute', level: 1, description: 'Memory reclaimed by the guest\'s balloon driver' },
  'mem.totalCapacity.average': { label: 'Total capacity', unit: 'MB', stats: 'absolute', level: 2, description: 'Physical memory of the host' },
  'disk.usage.average': { label: 'Usage', unit: 'KBps', stats: 'rate', level: 1, description: 'Disk reads and writes' },
  'disk.read.average': { label: 'Read rate', unit: 'KBps', stats: 'rate', level: 2, description: 'Disk reads' },
  'disk.write.average': { label: 'Write rate', unit: 'KBps', stats: 'rate', level: 2, description: 'Disk writes' },
  'disk.numberReadAveraged.average': { label: 'Average read requests per second', unit: 'num', stats: 'rate', level: 1, description: 'Read requests per second' },
  'disk.numberWriteAveraged.average': { label: 'Average write requests per second', unit: 'num', stats: 'rate', level: 1, description: 'Write requests per second' },
  'disk.totalReadLatency.average': { label: 'Read latency', unit: 'ms', stats: 'absolute', level: 2, description: 'Average time a read took' },
  'disk.totalWriteLatency.average': { label: 'Write latency', unit: 'ms', stats: 'absolute', level: 2, description: 'Average time a write took' },
  'net.usage.average': { label: 'Usage', unit: 'KBps', stats: 'rate', level: 1, description: 'Network data received and transmitted' },
  'net.received.average': { label: 'Data receive rate', unit: 'KBps', stats: 'rate', level: 2, description: 'Network data received' },
  'net.transmitted.average': { label: 'Data transmit rate', unit: 'KBps', stats: 'rate', level: 2, description: 'Network data transmitted' },
  'net.packetsRx.summation': { label: 'Packets received', unit: 'num', stats: 'delta', level: 3, description: 'Packets received during the interval' },
  'net.packetsTx.summation': { label: 'Packets transmitted', unit: 'num', stats: 'delta', level: 3, description: 'Packets transmitted during the interval' },
  'net.droppedRx.summation': { label: 'Receive packets dropped', unit: 'num', stats: 'delta', level: 2, description: 'Received packets dropped during the interval' },
  'net.droppedTx.summation': { label: 'Transmit packets dropped', unit: 'num', stats: 'delta', level: 2, description: 'Transmitted packets dropped during the interval' },
  'sys.uptime.latest': { label: 'Uptime', unit: 's', stats: 'absolute', level: 1, description: 'Time since the last start' },
};

function info(name: string, entityTypes: EntityType[], source: string): CounterInfo {
  const m = META[name];
  const parts = name.split('.');
  return {
    name, group: parts[0], label: m.label, description: `${m.description} — ${source}`, unit: m.unit,
    rollup: parts[parts.length - 1] as RollupType, stats: m.stats, level: m.level, entityTypes,
  };
}

export function realCounterCatalog(kind: DriverKind, entityType?: EntityType): CounterInfo[] {
  const out: CounterInfo[] = [];
  if (kind === 'libvirt') {
    const names = [...new Set(LIBVIRT_COUNTER_MAP.map((m) => m.counter))];
    for (const name of names) {
      const maps = LIBVIRT_COUNTER_MAP.filter((m) => m.counter === name);
      const types = maps.map((m) => m.entity as EntityType);
      out.push(info(name, types, maps.map((m) => `${m.entity}: ${m.formula} from ${m.source}`).join('; ')));
    }
  } else {
    for (const name of VIM25_SAMPLED_COUNTERS) out.push(info(name, ['vm', 'host'], 'the server\'s own counter (PerformanceManager, 20 s samples)'));
  }
  return entityType ? out.filter((c) => c.entityTypes.includes(entityType)) : out;
}

interface Series { timesMs: number[]; values: Record<string, number>[] }

export class RealSampleStore {
  private readonly series = new Map<string, Series>();

  record(timeMs: number, entityId: string, values: Record<string, number>): void {
    const s = this.series.get(entityId) ?? { timesMs: [], values: [] };
    s.timesMs.push(timeMs);
    s.values.push(values);
    if (s.timesMs.length > REAL_SAMPLES_KEPT) { s.timesMs.shift(); s.values.shift(); }
    this.series.set(entityId, s);
  }

  latest(entityId: string): { timeMs: number; values: Record<string, number> } | undefined {
    const s = this.series.get(entityId);
    return s && s.timesMs.length ? { timeMs: s.timesMs[s.timesMs.length - 1], values: s.values[s.values.length - 1] } : undefined;
  }

  query(entityId: ManagedEntityId, counters: string[], interval: IntervalKey, maxSamples?: number): MetricSeriesDto {
    const s = interval === 'realtime' ? this.series.get(entityId) : undefined;
    const from = s ? Math.max(0, s.timesMs.length - (maxSamples ?? s.timesMs.length)) : 0;
    const times = s ? s.timesMs.slice(from) : [];
    const values: Record<string, (number | null)[]> = {};
    for (const c of counters) values[c] = s ? s.values.slice(from).map((v) => (c in v ? v[c] : null)) : [];
    return { entityId, interval, timestampsMs: times, values };
  }
}
