/**
 * runReport — what a headless run prints: the lab's counters (latest real-time sample per entity),
 * events, tasks and a sha256 digest of the final state (`engine.digestInput()`), as text or as one JSON
 * object. Used by `hvlab scenario run` and `hvlab lab load`.
 *
 * Rule: nothing from the wall clock or the machine gets in, so the same file + seed gives byte-identical
 * output.
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../../engine/index';
import type { InventoryDto } from '@shared/model/inventory';
import type { EventDto } from '@shared/model/eventLog';
import type { TaskDto } from '@shared/model/task';
import type { MetricSeriesDto } from '@shared/model/metrics';
import type { CounterInfo } from '@shared/model/metrics';
import { API_VERSION } from '@shared/api/channels';

export interface RunReport {
  scenario: string;
  title: string;
  description?: string;
  seed: number;
  virtualTimeMs: number;
  guestExecution: string;
  inventory: { datacenters: number; clusters: number; hosts: number; vms: number; templates: number; poweredOn: number };
  /** entity name → counter → value, from the newest real-time sample. */
  counters: Record<string, Record<string, number>>;
  events: { timeMs: number; severity: string; type: string; entity?: string; message: string }[];
  tasks: { name: string; target: string; state: string; queuedAtMs: number; completedAtMs?: number; error?: string }[];
  digest: string;
}

let nextId = 1;
function query<T>(engine: Engine, name: string, params: unknown): T {
  const r = engine.handle({ v: API_VERSION, id: nextId++, kind: 'query', name, params });
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.result as T;
}

export function stateDigest(engine: Engine): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(engine.digestInput())).digest('hex')}`;
}

/** The most counters one `metrics.query` may name (its schema's array bound in src-shared/api/queries.ts). */
const METRICS_QUERY_MAX_COUNTERS = 64;

export function buildReport(engine: Engine, meta: { seed: number; title: string; description?: string; guestExecution: string }): RunReport {
  const inv = query<InventoryDto>(engine, 'inventory.get', {});
  const catalog = query<CounterInfo[]>(engine, 'metrics.catalog', {});
  const counters: Record<string, Record<string, number>> = {};
  const entities: { id: string; name: string; type: string }[] = [
    ...inv.datacenters.map((x) => ({ id: x.id, name: x.name, type: 'datacenter' })),
    ...inv.clusters.map((x) => ({ id: x.id, name: x.name, type: 'cluster' })),
    ...inv.hosts.map((x) => ({ id: x.id, name: x.name, type: 'host' })),
    ...inv.vms.filter((v) => v.powerState === 'poweredOn').map((x) => ({ id: x.id, name: x.name, type: 'vm' })),
  ];
  for (const e of entities) {
    const names = catalog.filter((c) => c.entityTypes.includes(e.type as never)).map((c) => c.name);
    const row: Record<string, number> = {};
    // A query names at most METRICS_QUERY_MAX_COUNTERS counters (the contract's bound): ask in batches.
    for (let i = 0; i < names.length; i += METRICS_QUERY_MAX_COUNTERS) {
      const batch = names.slice(i, i + METRICS_QUERY_MAX_COUNTERS);
      const s = query<MetricSeriesDto>(engine, 'metrics.query', { entityId: e.id, counters: batch, interval: 'realtime', maxSamples: 1 });
      for (const n of batch) { const v = s.values[n]?.[0]; if (v !== null && v !== undefined) row[n] = v; }
    }
    if (Object.keys(row).length) counters[e.name] = row;
  }
  const events = query<EventDto[]>(engine, 'events.list', { limit: 5000 }).reverse()
    .map((e) => ({ timeMs: e.timeMs, severity: e.severity, type: e.type, ...(e.entityName ? { entity: e.entityName } : {}), message: e.message }));
  const tasks = query<TaskDto[]>(engine, 'tasks.list', { limit: 1000 }).reverse().map((t) => ({
    name: t.name, target: t.targetName, state: t.state, queuedAtMs: t.queuedAtMs,
    ...(t.completedAtMs !== undefined ? { completedAtMs: t.completedAtMs } : {}), ...(t.error ? { error: t.error.message } : {}),
  }));
  return {
    scenario: engine.scenarioName(), title: meta.title, ...(meta.description ? { description: meta.description } : {}), seed: meta.seed,
    virtualTimeMs: engine.simStatus().virtualTimeMs,
    guestExecution: meta.guestExecution,
    inventory: {
      datacenters: inv.datacenters.length, clusters: inv.clusters.length, hosts: inv.hosts.length,
      vms: inv.vms.filter((v) => !v.isTemplate).length, templates: inv.vms.filter((v) => v.isTemplate).length,
      poweredOn: inv.vms.filter((v) => v.powerState === 'poweredOn').length,
    },
    counters, events, tasks, digest: stateDigest(engine),
  };
}

/** The counters the text report shows: counter, the label each cell starts with, its unit. */
const KEY_COUNTERS = [
  ['cpu.usage.average', 'cpu', '%'], ['cpu.usagemhz.average', 'cpu', 'MHz'], ['cpu.ready.summation', 'ready', 'ms'],
  ['cpu.costop.summation', 'co-stop', 'ms'], ['mem.consumed.average', 'mem consumed', 'KB'], ['power.power.average', 'power', 'W'],
  ['engine.clockLag.latest', 'clock lag', 'ms'], ['vmop.numPoweron.latest', 'power-ons', ''],
] as const;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function formatReport(r: RunReport): string {
  const out: string[] = [];
  const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  out.push(`scenario: ${r.scenario} (${r.title})  seed: ${r.seed}  virtual time: ${s(r.virtualTimeMs)}`);
  if (r.description) out.push(...wrap(r.description, 100).map((l) => `  ${l}`));
  out.push(`guest execution: ${r.guestExecution}`);
  const i = r.inventory;
  out.push(`inventory: ${i.datacenters} datacenter(s), ${i.clusters} cluster(s), ${i.hosts} host(s), ${i.vms} VM(s) (${i.poweredOn} powered on), ${i.templates} template(s)`);
  out.push('', 'counters (newest real-time sample; ready and co-stop are summed over the 20 s sample):');
  for (const [name, row] of Object.entries(r.counters)) {
    const cells = KEY_COUNTERS.filter(([k]) => k in row).map(([k, label, u]) => `${label} ${row[k].toFixed(k.includes('usage') ? 2 : 1)}${u ? ` ${u}` : ''}`);
    out.push(`  ${name.padEnd(24)} ${cells.join('  ')}`);
  }
  out.push(`  (${KEY_COUNTERS.map(([k, label]) => `${label}: ${k}`).filter((x, i, all) => all.indexOf(x) === i).join(', ')})`);
  out.push('', `events (${r.events.length}):`);
  for (const e of r.events) out.push(`  [${s(e.timeMs).padStart(12)}] ${e.severity.padEnd(7)} ${e.type}: ${e.message}`);
  out.push('', `tasks (${r.tasks.length}):`);
  for (const t of r.tasks) out.push(`  ${t.name} — ${t.target}: ${t.state}${t.error ? ` (${t.error})` : ''}`);
  out.push('', `digest: ${r.digest}`);
  return out.join('\n');
}
