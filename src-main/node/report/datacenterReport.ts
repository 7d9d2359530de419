/**
 * The datacenter report, for instructors and anyone using the lab as a small vSphere: inventory,
 * per-host and per-cluster utilization, top VMs by CPU, memory and ready time, events and alarms, and
 * energy, over a chosen period — the figures vSphere capacity tools sell.
 *
 * - `buildDatacenterReport(api, options)` → `ReportDoc` (unsealed). `options.fromMs`/`toMs`: the period in
 *   virtual ms; the sample interval is the finest that covers it (real-time 20 s for an hour, 5 min for
 *   a day, …). `defaultPeriod(nowMs)`: what a period left out means.
 *
 * The default period is what a user expects of "the lab so far": from the lab's start while it has run
 * less than an hour, the last hour after that. A lab that has not run yet (just loaded at 0 s) still gets
 * its report — inventory, tasks and events at 0 s — with a note that no counter has been sampled yet,
 * and so does a lab younger than one sample; only a period the user chose that is empty once clamped to
 * [0, now] (from after to, or entirely in the future) is an error.
 *
 * Rules: every figure is an aggregate of the engine's counters over the period (averages of averages,
 * sums of summations, energy = Σ power.energy.summation); an object with no samples shows "—". Host
 * power and energy come from the engine's documented power model (engine README, "Models").
 */
import type { HvlabApi } from '@shared/api/index';
import { ApiException, apiError } from '@shared/api/errors';
import type { IntervalKey, MetricSeriesDto } from '@shared/model/metrics';
import { INTERVALS } from '@shared/model/metrics';
import type { Cell, ReportDoc, Section } from './reportModel';
import { uniqueIds } from './reportModel';
import { formatClockMs } from './svgChart';
import type { ChartSeries } from './svgChart';
import { eventRows, intervalFor, taskRows } from './reportData';
import { labDigest } from './seal';

export interface DatacenterReportOptions {
  fromMs?: number;
  toMs?: number;
  generatedAt: string;
}

const TOP = 10;
/** The default period's longest span: the last hour, as vSphere's real-time charts. */
export const DEFAULT_PERIOD_MS = 3_600_000;

/** The period a report covers when none is chosen: from the lab's start, or the last hour once it has run that long. */
export function defaultPeriod(nowMs: number): { fromMs: number; toMs: number } {
  return { fromMs: Math.max(0, nowMs - DEFAULT_PERIOD_MS), toMs: nowMs };
}

interface Agg { avg: number | null; max: number | null; sum: number | null; n: number }

function aggregate(m: MetricSeriesDto, counter: string, from: number, to: number): Agg {
  const vals: number[] = [];
  m.timestampsMs.forEach((t, i) => {
    const v = m.values[counter]?.[i];
    if (t > from && t <= to && v !== null && v !== undefined) vals.push(v);
  });
  if (!vals.length) return { avg: null, max: null, sum: null, n: 0 };
  const sum = vals.reduce((a, b) => a + b, 0);
  return { avg: sum / vals.length, max: Math.max(...vals), sum, n: vals.length };
}

function seriesOf(m: MetricSeriesDto, counter: string, from: number, to: number): { t: number; v: number | null }[] {
  return m.timestampsMs.map((t, i) => ({ t, v: m.values[counter]?.[i] ?? null })).filter((p) => p.t > from && p.t <= to);
}

export async function buildDatacenterReport(api: HvlabApi, options: DatacenterReportOptions): Promise<ReportDoc> {
  const [info, status, inv, tasks, events] = await Promise.all([
    api.query('engine.info', {}), api.query('sim.status', {}), api.query('inventory.get', {}),
    api.query('tasks.list', { limit: 1000 }), api.query('events.list', { limit: 5000 }),
  ]);
  const to = Math.min(options.toMs ?? status.virtualTimeMs, status.virtualTimeMs);
  const from = Math.max(0, options.fromMs ?? defaultPeriod(to).fromMs);
  // A lab at 0 s has an empty period whatever is asked: report what it has, and say why there are no figures.
  const notRunYet = status.virtualTimeMs === 0 && from === 0;
  if (!(to > from) && !notRunYet) {
    throw new ApiException(apiError('E_INVALID_ARGUMENT', `the period is empty (from ${from / 1000} s to ${to / 1000} s of virtual time; the lab is at ${status.virtualTimeMs / 1000} s): let the lab run, or choose a period`, 'report.period'));
  }
  const interval: IntervalKey = intervalFor(status.virtualTimeMs - from);
  const periodMs = INTERVALS[interval].periodSeconds * 1000;
  // The first sample of an interval ends one period after the lab's start: before that there are no figures.
  const noSamples = to < periodMs;
  const id = uniqueIds();
  const names = new Map<string, string>([...inv.hosts, ...inv.clusters, ...inv.vms, ...inv.datacenters].map((x) => [x.id as string, x.name]));
  const sections: Section[] = [];

  // Inventory.
  const hostRows: Cell[][] = inv.hosts.map((h) => [h.name, h.clusterId ? names.get(h.clusterId) ?? '' : '(standalone)', `${h.vendor} ${h.model}`,
    h.sockets * h.coresPerSocket, h.sockets * h.coresPerSocket * h.threadsPerCore, h.cpuMhz, h.memoryBytes / 2 ** 30, h.vmIds.length,
    h.connectionState + (h.inMaintenanceMode ? ', maintenance' : '')]);
  const vms = inv.vms.filter((v) => !v.isTemplate);
  const vmRows: Cell[][] = vms.map((v) => [v.name, v.hostId ? names.get(v.hostId) ?? '' : '', v.powerState, v.vcpus, v.memoryBytes / 2 ** 20, v.monitor, v.paging, v.workload, v.snapshotCount]);
  if (noSamples) {
    const why = notRunYet ? 'The lab has not run yet' : `The period ends at ${formatClockMs(to)} of virtual time`;
    sections.push({ id: id('No samples yet'), title: 'No samples yet', blocks: [
      { kind: 'html', html: `<p>${why}: the lab samples its counters every ${periodMs / 1000} s of virtual time, so utilization, top VMs and energy have no figures yet ("—"). Let the lab run, then export again.</p>` },
    ] });
  }
  sections.push({ id: id('Inventory'), title: 'Inventory', blocks: [
    { kind: 'table', table: { id: 'hosts', title: `Hosts (${inv.hosts.length})`, columns: ['Host', 'Cluster', 'Model', 'Cores', 'Logical CPUs', 'MHz', 'Memory (GiB)', 'VMs', 'State'], rows: hostRows } },
    { kind: 'table', table: { id: 'vms', title: `Virtual machines (${vms.length}; templates: ${inv.vms.length - vms.length})`, columns: ['VM', 'Host', 'Power', 'vCPUs', 'Memory (MiB)', 'Monitor', 'Paging', 'Workload', 'Snapshots'], rows: vmRows } },
  ] });

  // Hosts and clusters.
  const hostM = new Map<string, MetricSeriesDto>();
  for (const h of inv.hosts) {
    hostM.set(h.id, await api.query('metrics.query', { entityId: h.id, counters: ['cpu.usage.average', 'mem.usage.average', 'power.power.average', 'power.energy.summation', 'cpu.ready.summation'], interval }));
  }
  const util: Cell[][] = inv.hosts.map((h) => {
    const m = hostM.get(h.id)!;
    const c = aggregate(m, 'cpu.usage.average', from, to);
    const mem = aggregate(m, 'mem.usage.average', from, to);
    return [h.name, c.avg, c.max, mem.avg, mem.max, c.n];
  });
  const clusterRows: Cell[][] = [];
  const clusterChart: ChartSeries[] = [];
  for (const c of inv.clusters) {
    const m = await api.query('metrics.query', { entityId: c.id, counters: ['cpu.usage.average', 'mem.usage.average', 'clusterServices.effectivecpu.average'], interval });
    const cpu = aggregate(m, 'cpu.usage.average', from, to);
    const mem = aggregate(m, 'mem.usage.average', from, to);
    const eff = aggregate(m, 'clusterServices.effectivecpu.average', from, to);
    clusterRows.push([c.name, inv.hosts.filter((h) => h.clusterId === c.id).length, cpu.avg, cpu.max, mem.avg, mem.max, eff.avg]);
    clusterChart.push({ name: c.name, unit: '%', points: seriesOf(m, 'cpu.usage.average', from, to) });
  }
  sections.push({ id: id('Utilization'), title: 'Utilization', blocks: [
    { kind: 'table', table: { id: 'host-utilization', title: 'Hosts', columns: ['Host', 'CPU avg (%)', 'CPU max (%)', 'Memory avg (%)', 'Memory max (%)', 'Samples'], rows: util } },
    { kind: 'table', table: { id: 'cluster-utilization', title: 'Clusters', columns: ['Cluster', 'Hosts', 'CPU avg (%)', 'CPU max (%)', 'Memory avg (%)', 'Memory max (%)', 'Effective CPU (MHz)'], rows: clusterRows } },
    { kind: 'chart', chart: { id: 'host-cpu', title: 'Host CPU usage', series: inv.hosts.slice(0, 6).map((h) => ({ name: h.name, unit: '%', points: seriesOf(hostM.get(h.id)!, 'cpu.usage.average', from, to) })) } },
    ...(clusterChart.length ? [{ kind: 'chart' as const, chart: { id: 'cluster-cpu', title: 'Cluster CPU usage', series: clusterChart.slice(0, 6) } }] : []),
  ] });

  // Top VMs.
  const vmAgg: { name: string; host: string; vcpus: number; cpu: Agg; mhz: Agg; mem: Agg; ready: Agg }[] = [];
  for (const v of vms) {
    const m = await api.query('metrics.query', { entityId: v.id, counters: ['cpu.usage.average', 'cpu.usagemhz.average', 'mem.consumed.average', 'cpu.ready.summation'], interval });
    vmAgg.push({ name: v.name, host: v.hostId ? names.get(v.hostId) ?? '' : '', vcpus: v.vcpus, cpu: aggregate(m, 'cpu.usage.average', from, to), mhz: aggregate(m, 'cpu.usagemhz.average', from, to),
      mem: aggregate(m, 'mem.consumed.average', from, to), ready: aggregate(m, 'cpu.ready.summation', from, to) });
  }
  const readyPct = (a: Agg) => (a.sum === null ? null : (a.sum / (a.n * periodMs)) * 100);
  const top = (key: (x: (typeof vmAgg)[number]) => number | null, row: (x: (typeof vmAgg)[number]) => Cell[]): Cell[][] =>
    vmAgg.filter((x) => key(x) !== null).sort((a, b) => (key(b) ?? 0) - (key(a) ?? 0)).slice(0, TOP).map(row);
  sections.push({ id: id('Top VMs'), title: 'Top virtual machines', blocks: [
    { kind: 'html', html: `<p class="muted">Averages over the period (${interval === 'realtime' ? '20 s' : `${INTERVALS[interval].periodSeconds / 60} min`} samples). Ready % is the VM's total over its vCPUs, as vSphere reports it.</p>` },
    { kind: 'table', table: { id: 'top-cpu', title: `Top ${TOP} by CPU`, columns: ['VM', 'Host', 'vCPUs', 'CPU avg (%)', 'CPU avg (MHz)', 'CPU max (%)'], rows: top((x) => x.mhz.avg, (x) => [x.name, x.host, x.vcpus, x.cpu.avg, x.mhz.avg, x.cpu.max]) } },
    { kind: 'table', table: { id: 'top-memory', title: `Top ${TOP} by memory consumed`, columns: ['VM', 'Host', 'Consumed avg (MB)', 'Consumed max (MB)'], rows: top((x) => x.mem.avg, (x) => [x.name, x.host, (x.mem.avg ?? 0) / 1024, (x.mem.max ?? 0) / 1024]) } },
    { kind: 'table', table: { id: 'top-ready', title: `Top ${TOP} by ready time`, columns: ['VM', 'Host', 'vCPUs', 'Ready (%)', 'Ready (ms)'], rows: top((x) => readyPct(x.ready), (x) => [x.name, x.host, x.vcpus, readyPct(x.ready), x.ready.sum]) } },
  ] });

  // Events and alarms.
  const alarms: Cell[][] = [];
  for (const h of inv.hosts) if (h.connectionState !== 'connected') alarms.push(['critical', 'Host connection and power state', h.name, `Host is ${h.connectionState}`]);
  for (const v of inv.vms) if (v.guestState === 'crashed') alarms.push(['critical', 'Virtual machine error', v.name, v.crashReason ?? 'The guest crashed']);
  const inPeriod = events.filter((e) => e.timeMs >= from && e.timeMs <= to);
  const serious = inPeriod.filter((e) => e.severity !== 'info');
  sections.push({ id: id('Events and alarms'), title: 'Events and alarms', blocks: [
    { kind: 'table', table: { id: 'alarms', title: `Triggered alarms now (${alarms.length})`, columns: ['Severity', 'Alarm', 'Object', 'Detail'], rows: alarms, status: alarms.map(() => 'fail') } },
    { kind: 'table', table: eventRows('warnings', `Warnings and errors in the period (${serious.length})`, serious) },
    { kind: 'table', table: taskRows('tasks', 'Tasks in the period', tasks.filter((t) => t.queuedAtMs >= from && t.queuedAtMs <= to)) },
    { kind: 'table', table: eventRows('events', 'Events in the period', inPeriod) },
  ] });

  // Energy.
  let totalJ = 0;
  const energyRows: Cell[][] = inv.hosts.map((h) => {
    const m = hostM.get(h.id)!;
    const e = aggregate(m, 'power.energy.summation', from, to);
    const w = aggregate(m, 'power.power.average', from, to);
    totalJ += e.sum ?? 0;
    return [h.name, w.avg, w.max, e.sum === null ? null : e.sum / 3.6e6];
  });
  energyRows.push(['Total', null, null, totalJ / 3.6e6]);
  sections.push({ id: id('Energy'), title: 'Energy', blocks: [
    { kind: 'html', html: '<p class="muted">Modelled, not metered: host power = idle watts per box and socket + watts per busy core × utilization (engine README, "Models"); energy is the sum of power.energy.summation over the period.</p>' },
    { kind: 'table', table: { id: 'energy', title: 'Energy per host', columns: ['Host', 'Power avg (W)', 'Power max (W)', 'Energy (kWh)'], rows: energyRows } },
    { kind: 'chart', chart: { id: 'host-power', title: 'Host power', series: inv.hosts.slice(0, 6).map((h) => ({ name: h.name, unit: 'W', points: seriesOf(hostM.get(h.id)!, 'power.power.average', from, to) })) } },
  ] });

  const digest = await labDigest(api);
  const poweredOn = vms.filter((v) => v.powerState === 'poweredOn').length;
  return {
    format: 'hvlab-report', version: 1, kind: 'datacenter',
    title: 'Datacenter report', subtitle: `${inv.datacenters.map((d) => d.name).join(', ')} · scenario ${info.scenario}`,
    generatedAt: options.generatedAt,
    facts: [
      ['Period', `${formatClockMs(from)} – ${formatClockMs(to)} virtual (${Math.round((to - from) / 1000)} s, ${interval === 'realtime' ? 'real-time 20 s' : `${INTERVALS[interval].label.toLowerCase()}, ${INTERVALS[interval].periodSeconds / 60} min`} samples)`],
      ['Lab', `scenario ${info.scenario}, seed ${info.seed}, at ${formatClockMs(status.virtualTimeMs)} virtual`],
      ['Inventory', `${inv.datacenters.length} datacenter(s), ${inv.clusters.length} cluster(s), ${inv.hosts.length} host(s), ${vms.length} VMs (${poweredOn} powered on)`],
      ['Energy', `${(totalJ / 3.6e6).toFixed(4)} kWh in the period (modelled)`],
      ['Report made', options.generatedAt],
    ],
    sections,
    integrity: { labDigest: digest.digest, digestVersion: digest.version, virtualTimeMs: digest.virtualTimeMs, seal: null },
  };
}
