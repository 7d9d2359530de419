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

export function buildReport(engine: Engine, meta: { seed: number; title: string; guestExecution: string }): RunReport {
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
    const s = query<MetricSeriesDto>(engine, 'metrics.query', { entityId: e.id, counters: names, interval: 'realtime', maxSamples: 1 });
    const row: Record<string, number> = {};
    for (const n of names) { const v = s.values[n]?.[0]; if (v !== null && v !== undefined) row[n] = v; }
    if (Object.keys(row).length) counters[e.name] = row;
  }
  const events = query<EventDto[]>(engine, 'events.list', { limit: 5000 }).reverse()
    .map((e) => ({ timeMs: e.timeMs, severity: e.severity, type: e.type, ...(e.entityName ? { entity: e.entityName } : {}), message: e.message }));
  const tasks = query<TaskDto[]>(engine, 'tasks.list', { limit: 1000 }).reverse().map((t) => ({
    name: t.name, target: t.targetName, state: t.state, queuedAtMs: t.queuedAtMs,
    ...(t.completedAtMs !== undefined ? { completedAtMs: t.completedAtMs } : {}), ...(t.error ? { error: t.error.message } : {}),
  }));
  return {
    scenario: engine.scenarioName(), title: meta.title, seed: meta.seed, virtualTimeMs: engine.simStatus().virtualTimeMs,
    guestExecution: meta.guestExecution,
    inventory: {
      datacenters: inv.datacenters.length, clusters: inv.clusters.length, hosts: inv.hosts.length,
      vms: inv.vms.filter((v) => !v.isTemplate).length, templates: inv.vms.filter((v) => v.isTemplate).length,
      poweredOn: inv.vms.filter((v) => v.powerState === 'poweredOn').length,
    },
    counters, events, tasks, digest: stateDigest(engine),
  };
}

const KEY_COUNTERS = [
  ['cpu.usage.average', '%'], ['cpu.usagemhz.average', 'MHz'], ['cpu.ready.summation', 'ms rdy'], ['cpu.costop.summation', 'ms cstp'],
  ['mem.consumed.average', 'KB mem'], ['power.power.average', 'W'], ['engine.clockLag.latest', 'ms lag'],
  ['vmop.numPoweron.latest', 'poweron'],
] as const;

export function formatReport(r: RunReport): string {
  const out: string[] = [];
  const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  out.push(`scenario: ${r.scenario} (${r.title})  seed: ${r.seed}  virtual time: ${s(r.virtualTimeMs)}`);
  out.push(`guest execution: ${r.guestExecution}`);
  const i = r.inventory;
  out.push(`inventory: ${i.datacenters} datacenter(s), ${i.clusters} cluster(s), ${i.hosts} host(s), ${i.vms} VM(s) (${i.poweredOn} powered on), ${i.templates} template(s)`);
  out.push('', 'counters (newest real-time sample):');
  for (const [name, row] of Object.entries(r.counters)) {
    const cells = KEY_COUNTERS.filter(([k]) => k in row).map(([k, u]) => `${row[k].toFixed(k.includes('usage') ? 2 : 1)} ${u}`);
    out.push(`  ${name.padEnd(24)} ${cells.join('  ')}`);
  }
  out.push('', `events (${r.events.length}):`);
  for (const e of r.events) out.push(`  [${s(e.timeMs).padStart(12)}] ${e.severity.padEnd(7)} ${e.type}: ${e.message}`);
  out.push('', `tasks (${r.tasks.length}):`);
  for (const t of r.tasks) out.push(`  ${t.name} — ${t.target}: ${t.state}${t.error ? ` (${t.error})` : ''}`);
  out.push('', `digest: ${r.digest}`);
  return out.join('\n');
}
