/**
 * Expressions: numbers computed from the lab through the contract — host and VM fields, counters over
 * a window, task durations, event counts and times, the time between two events, migration results,
 * the engine's own packing of a cluster (`placement.solve`), the availability maths (`availability.*`: a
 * design in the file, the student's saved design, the lab's cluster as N+k) — and arithmetic over them (ratio,
 * difference, sum, product).
 *
 * - `evaluateExpr(expr, ctx)` → `{ value, text }` (text says what was read, for reasons and reports) or
 *   `{ error }` (why it has no value yet: no such VM, no samples, no matching task…).
 * - `readCounter(source, ctx)`, `selectTasks`, `selectEvents`, `sinceMs`: shared with checks.ts.
 * - `matches(value, match)`, `describeMatch(match)`: the comparison rules (docs/exercises.md).
 *
 * Rules: counters are real-time samples (20 s each); a window covers the samples whose period ends
 * inside it; `percent` = Σ ms ÷ (samples × 20 000 ms) × 100 (vSphere's ready-% rule: for a VM it is the
 * whole VM's share, so it can pass 100 % with several vCPUs); `perSecond` = Σ ÷ (samples × 20 s).
 * Nothing here invents a value: a missing sample is an error with its reason, never a zero; an exact
 * packing the solver did not prove optimal, or a heuristic that could not place every VM, has no
 * `hostsUsed`. A placement with `vms` or `standbyHosts: available` is solved as an instance built from
 * the cluster's own problem (the engine's demands and capacities, in its order), so it is the same
 * packing the engine computes for the cluster, restricted to those VMs or with those hosts awake.
 */
import type { TaskDto } from '../model/task';
import type { MigrationStats } from '../model/migration';
import type { EventDto } from '../model/eventLog';
import { INTERVALS } from '../model/metrics';
import type { LabView } from './labView';
import type {
  AvailabilityField, AvailabilitySelector, Comparison, CounterSource, EntityKey, EventSelector, Expr, HostField, MigrationField, MigrationSelector, NumberMatch, PlacementSelector, Since, TaskSelector, VmField,
} from './format';
import type { PlacementSolveResult } from '../model/placement';
import type { QueryParams } from '../api/queries';
import type { ClusterId } from '../model/ids';
import { ENTITY_KEYS } from './format';
import { durationMs, formatDuration } from './duration';

export interface EvalContext {
  view: LabView;
  /** Virtual ms when the exercise started (0: the lab's beginning). */
  exerciseStartMs: number;
  /** Virtual ms when the current step started. */
  stepStartMs: number;
  /** When the step ended (the next step started); absent while it is the current step. */
  stepEndMs?: number;
}

export type ExprResult = { value: number; text: string } | { error: string };

export const SAMPLE_PERIOD_MS = INTERVALS.realtime.periodSeconds * 1000;
const DEFAULT_WINDOW_MS = 60_000;

export function sinceMs(since: Since | undefined, ctx: EvalContext): number {
  if (since === 'lab') return 0;
  if (since === 'step') return ctx.stepStartMs;
  return ctx.exerciseStartMs;
}

/** End of a `since` window: a step's window closes when the next step starts, the others run to now. */
export function untilMs(since: Since | undefined, ctx: EvalContext): number {
  return since === 'step' && ctx.stepEndMs !== undefined ? ctx.stepEndMs : Infinity;
}

export function sinceText(since: Since | undefined): string {
  return since === 'lab' ? 'since the lab started' : since === 'step' ? 'during this step' : 'since the exercise started';
}

export function round(v: number): number {
  if (!Number.isFinite(v)) return v;
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return Number(v.toFixed(digits));
}

export function matches(value: number, m: NumberMatch): boolean {
  if (typeof m === 'number') return value === m;
  return comparisonHolds(value, m);
}

export function comparisonHolds(value: number, c: Comparison): boolean {
  if (c.equals !== undefined && value !== c.equals) return false;
  if (c.above !== undefined && !(value > c.above)) return false;
  if (c.below !== undefined && !(value < c.below)) return false;
  if (c.atLeast !== undefined && !(value >= c.atLeast)) return false;
  if (c.atMost !== undefined && !(value <= c.atMost)) return false;
  if (c.between !== undefined && !(value >= c.between[0] && value <= c.between[1])) return false;
  return true;
}

export function describeMatch(m: NumberMatch, unit = ''): string {
  const u = unit ? ` ${unit}` : '';
  if (typeof m === 'number') return `= ${m}${u}`;
  const parts: string[] = [];
  if (m.equals !== undefined) parts.push(`= ${m.equals}${u}`);
  if (m.above !== undefined) parts.push(`> ${m.above}${u}`);
  if (m.atLeast !== undefined) parts.push(`≥ ${m.atLeast}${u}`);
  if (m.below !== undefined) parts.push(`< ${m.below}${u}`);
  if (m.atMost !== undefined) parts.push(`≤ ${m.atMost}${u}`);
  if (m.between !== undefined) parts.push(`between ${m.between[0]} and ${m.between[1]}${u}`);
  return parts.join(' and ');
}

/** `count: 2` means at least two (docs/exercises.md); a comparison is taken as written. */
export function countMatch(m: NumberMatch | undefined): Comparison {
  if (m === undefined) return { atLeast: 1 };
  return typeof m === 'number' ? { atLeast: m } : m;
}

export function entityOf(src: { vm?: string; host?: string; cluster?: string; datacenter?: string }): { kind: EntityKey; name: string } | undefined {
  for (const k of ENTITY_KEYS) {
    const n = src[k];
    if (n !== undefined) return { kind: k, name: n };
  }
  return undefined;
}

const ENTITY_WORD: Record<EntityKey, string> = { vm: 'VM', host: 'host', cluster: 'cluster', datacenter: 'datacenter' };

export function describeCounter(src: CounterSource, entity = entityOf(src)): string {
  const win = src.over !== undefined ? `the last ${formatDuration(durationMs(src.over))}` : src.since ? sinceText(src.since).replace('since ', 'since ') : `the last ${formatDuration(DEFAULT_WINDOW_MS)}`;
  const agg = src.aggregate ?? (src.name.endsWith('.summation') ? 'sum' : 'avg');
  const as = src.as === 'percent' ? ' as % of time' : src.as === 'perSecond' ? ' per second' : '';
  return `${agg === 'latest' ? 'latest' : agg} of ${src.name}${as} of ${entity ? `${ENTITY_WORD[entity.kind]} ${entity.name}` : 'each row'} over ${win}`;
}

/** Reads a counter over its window and aggregates it. */
export async function readCounter(src: CounterSource, ctx: EvalContext, entityOverride?: { kind: EntityKey; name: string }): Promise<ExprResult> {
  const entity = entityOverride ?? entityOf(src);
  if (!entity) return { error: `counter ${src.name}: no object named` };
  const obj = await ctx.view.entityByName(entity.kind, entity.name);
  if (!obj) return { error: `there is no ${ENTITY_WORD[entity.kind]} named "${entity.name}"` };
  const status = await ctx.view.status();
  const end = Math.min(status.virtualTimeMs, untilMs(src.since, ctx));
  let start = end - (src.over !== undefined ? durationMs(src.over) : DEFAULT_WINDOW_MS);
  if (src.since) start = src.over !== undefined ? Math.max(start, sinceMs(src.since, ctx)) : sinceMs(src.since, ctx);
  let series;
  try {
    series = await ctx.view.series(obj.id, [src.name]);
  } catch (e) {
    return { error: `${src.name} of ${entity.name}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const values: number[] = [];
  const ts = series.timestampsMs;
  const col = series.values[src.name] ?? [];
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] > start && ts[i] <= end && col[i] !== null && col[i] !== undefined) values.push(col[i] as number);
  }
  const what = describeCounter(src, entity);
  if (values.length === 0) {
    return { error: `no samples of ${src.name} for ${entity.name} in that window yet (real-time samples come every ${SAMPLE_PERIOD_MS / 1000} s, while the object runs)` };
  }
  const agg = src.aggregate ?? (src.name.endsWith('.summation') ? 'sum' : 'avg');
  let v: number;
  switch (agg) {
    case 'sum': v = values.reduce((a, b) => a + b, 0); break;
    case 'max': v = Math.max(...values); break;
    case 'min': v = Math.min(...values); break;
    case 'latest': v = values[values.length - 1]; break;
    default: v = values.reduce((a, b) => a + b, 0) / values.length;
  }
  let unit = '';
  // percent / perSecond work on one sample's worth: the mean sample for sum and avg, the chosen sample otherwise.
  const perSample = agg === 'sum' ? v / values.length : v;
  if (src.as === 'percent') {
    v = (perSample / SAMPLE_PERIOD_MS) * 100;
    unit = ' %';
  } else if (src.as === 'perSecond') {
    v = perSample / (SAMPLE_PERIOD_MS / 1000);
    unit = '/s';
  }
  return { value: v, text: `${what}: ${round(v)}${unit} (${values.length} sample${values.length === 1 ? '' : 's'})` };
}

export async function selectTasks(sel: TaskSelector, ctx: EvalContext): Promise<{ tasks: TaskDto[] } | { error: string }> {
  const from = sinceMs(sel.since, ctx);
  const until = untilMs(sel.since, ctx);
  let targetId: string | undefined;
  if (sel.target !== undefined) {
    const inv = await ctx.view.inventory();
    const all = [...inv.vms, ...inv.hosts, ...inv.clusters, ...inv.datacenters] as { id: string; name: string }[];
    targetId = all.find((x) => x.name === sel.target)?.id;
  }
  const state = sel.state ?? 'success';
  const tasks = (await ctx.view.tasks()).filter((t) => t.operation === sel.operation && t.queuedAtMs >= from && t.queuedAtMs < until && t.state === state
    && (sel.target === undefined || t.targetId === targetId || t.targetName === sel.target));
  return { tasks };
}

export async function selectEvents(sel: EventSelector, ctx: EvalContext, fromMs?: number): Promise<EventDto[]> {
  const from = fromMs ?? sinceMs(sel.since, ctx);
  const until = untilMs(sel.since, ctx);
  return (await ctx.view.events()).filter((e) => e.type === sel.type && e.timeMs >= from && e.timeMs < until && (sel.entity === undefined || e.entityName === sel.entity));
}

/** A migration task with the statistics the lab keeps for it (absent when the lab has none). */
export interface MigrationRun { task: TaskDto; stats?: MigrationStats }

/**
 * Migration tasks (`vm.migrate`) of a VM, oldest first, each with its `migration.list` statistics; the
 * technique filters (`mode`, `stopRule`, `to`, `compressed`, `autoConverge`, `xbzrle`, `dedup`) keep only the runs whose options match.
 */
export async function selectMigrations(sel: MigrationSelector, ctx: EvalContext): Promise<MigrationRun[]> {
  const r = await selectTasks({ operation: 'vm.migrate', target: sel.vm, state: sel.state ?? 'success', since: sel.since }, ctx);
  if (!('tasks' in r)) return [];
  const vm = await ctx.view.vmByName(sel.vm);
  const stats = vm ? await ctx.view.migrations(vm.id) : [];
  const runs = r.tasks.map((task) => ({ task, stats: stats.find((m) => m.taskId === task.id) }));
  if (sel.mode === undefined && sel.stopRule === undefined && sel.to === undefined && sel.compressed === undefined && sel.autoConverge === undefined
    && sel.xbzrle === undefined && sel.dedup === undefined) return runs;
  const to = sel.to === undefined ? undefined : (await ctx.view.hostByName(sel.to))?.id;
  return runs.filter(({ stats: m }) => m !== undefined
    && (sel.mode === undefined || m.options.mode === sel.mode)
    && (sel.stopRule === undefined || m.options.stopRule === sel.stopRule)
    && (sel.to === undefined || m.destinationHostId === to)
    && (sel.compressed === undefined || (m.options.compression !== 'none') === sel.compressed)
    && (sel.autoConverge === undefined || m.options.autoConverge === sel.autoConverge)
    && (sel.xbzrle === undefined || m.options.xbzrle === sel.xbzrle)
    && (sel.dedup === undefined || m.options.dedup === sel.dedup));
}

/** Which migrations a selector means, in words: "compressed precopy migration(s) of web-01 to esx-01 with auto-converge, with XBZRLE". */
export function describeMigrations(sel: MigrationSelector, noun = 'migration(s)'): string {
  const before = [sel.compressed === undefined ? '' : sel.compressed ? 'compressed' : 'uncompressed', sel.mode ?? ''].filter(Boolean).join(' ');
  const after = `${sel.stopRule !== undefined ? ` (${sel.stopRule} stop rule)` : ''}${sel.to !== undefined ? ` to ${sel.to}` : ''}${sel.autoConverge === undefined ? '' : sel.autoConverge ? ' with auto-converge' : ' without auto-converge'}`
    + `${sel.xbzrle === undefined ? '' : sel.xbzrle ? ', with XBZRLE' : ', without XBZRLE'}${sel.dedup === undefined ? '' : sel.dedup ? ', with dedup' : ', without dedup'}`;
  return `${before ? `${before} ` : ''}${noun} of ${sel.vm}${after}`;
}

export function downtimeOf(t: TaskDto): number | undefined {
  const r = t.result as { downtimeMs?: unknown } | undefined;
  return r && typeof r.downtimeMs === 'number' ? r.downtimeMs : undefined;
}

const MiB = 1024 * 1024;

/** A migration field of one run, with its unit; undefined when the run does not report it. */
export function migrationField(run: MigrationRun, f: MigrationField): { value: number; unit: string } | undefined {
  const t = run.task;
  if (f === 'downtimeMs') { const d = downtimeOf(t) ?? run.stats?.downtime; return d === undefined ? undefined : { value: d, unit: 'ms' }; }
  if (f === 'durationMs') return t.startedAtMs !== undefined && t.completedAtMs !== undefined ? { value: t.completedAtMs - t.startedAtMs, unit: 'ms' } : undefined;
  const m = run.stats;
  if (!m) return undefined;
  switch (f) {
    case 'totalTimeMs': return { value: m['total-time'], unit: 'ms' };
    case 'rounds': return { value: m.rounds.length, unit: 'rounds' };
    case 'normalPages': return { value: m.ram.normal, unit: 'pages' };
    case 'zeroPages': return { value: m.ram.duplicate, unit: 'pages' };
    case 'transferredMiB': return { value: m.ram.transferred / MiB, unit: 'MiB' };
    case 'postcopyRequests': return { value: m.ram['postcopy-requests'], unit: 'requests' };
    case 'blocktimeMs': return { value: m['postcopy-blocktime'], unit: 'ms' };
    case 'throttlePct': return { value: m['cpu-throttle-percentage'], unit: '%' };
    case 'compressionRate': return { value: m.compression['compression-rate'], unit: '×' };
    case 'amplification': return { value: m.amplification, unit: '× RAM' };
    case 'xbzrlePages': return { value: m['xbzrle-cache'].pages, unit: 'pages' };
    // What the delta-encoded pages would have cost whole, less what their deltas cost (record headers left out).
    case 'xbzrleSavedMiB': return { value: (m['xbzrle-cache'].pages * m.ram['page-size'] - m['xbzrle-cache'].bytes) / MiB, unit: 'MiB' };
    case 'dedupPages': return { value: m.dedup.pages, unit: 'pages' };
    case 'dedupSavedMiB': return { value: m.dedup['bytes-saved'] / MiB, unit: 'MiB' };
  }
}

function hostField(h: import('../model/inventory').HostDto, f: HostField, inv: import('../model/inventory').InventoryDto): number {
  switch (f) {
    case 'sockets': return h.sockets;
    case 'coresPerSocket': return h.coresPerSocket;
    case 'threadsPerCore': return h.threadsPerCore;
    case 'cores': return h.sockets * h.coresPerSocket;
    case 'logicalCpus': return h.sockets * h.coresPerSocket * h.threadsPerCore;
    case 'cpuMhz': return h.cpuMhz;
    case 'cpuCapacityMhz': return h.sockets * h.coresPerSocket * h.cpuMhz;
    case 'memoryGiB': return h.memoryBytes / 2 ** 30;
    case 'memoryMiB': return h.memoryBytes / 2 ** 20;
    case 'vms': return h.vmIds.length;
    case 'poweredOnVms': return inv.vms.filter((v) => v.hostId === h.id && v.powerState === 'poweredOn').length;
    case 'uptimeS': return h.uptimeMs / 1000;
  }
}

function vmField(v: import('../model/inventory').VmDto, f: VmField): number {
  switch (f) {
    case 'vcpus': return v.vcpus;
    case 'memoryMiB': return v.memoryBytes / 2 ** 20;
    case 'disks': return v.disks.length;
    case 'diskGiB': return v.disks.reduce((a, d) => a + d.capacityBytes, 0) / 2 ** 30;
    case 'nics': return v.nics.length;
    case 'snapshots': return v.snapshotCount;
    case 'uptimeS': return v.uptimeMs / 1000;
    case 'pageTableLevels': return v.pageTableLevels;
    case 'cpuShares': return v.cpuShares;
    case 'cpuReservationMhz': return v.cpuReservationMhz;
    case 'cpuLimitMhz': return v.cpuLimitMhz;
  }
}

/** `placement.solve` for a selector: the cluster as the engine sees it, or the instance reshaped from it. */
async function solvePlacement(sel: PlacementSelector, ctx: EvalContext): Promise<{ result: PlacementSolveResult; scope: string } | { error: string }> {
  const inv = await ctx.view.inventory();
  const cluster = inv.clusters.find((c) => c.name === sel.cluster);
  if (!cluster) return { error: `there is no cluster named "${sel.cluster}"` };
  const clusterId = cluster.id as ClusterId;
  const demand = sel.demand ?? 'configured';
  if (sel.vms === undefined && sel.standbyHosts !== 'available') {
    const result = await ctx.view.placement({ algo: sel.algo, clusterId, demand });
    return { result, scope: `the ${result.placement.length} powered-on VMs of cluster ${sel.cluster}` };
  }
  // The engine's own problem for the cluster (demands, capacities, order), from a cheap heuristic run.
  const base = await ctx.view.placement({ algo: 'ff', clusterId, demand });
  let items = base.placement;
  if (sel.vms !== undefined) {
    const ids: string[] = [];
    for (const name of sel.vms) {
      const vm = inv.vms.find((v) => v.name === name);
      if (!vm) return { error: `there is no VM named "${name}"` };
      if (!items.some((x) => x.itemId === vm.id)) return { error: `${name} is not a powered-on VM of cluster ${sel.cluster}` };
      ids.push(vm.id);
    }
    items = items.filter((x) => ids.includes(x.itemId));
  }
  const standby = new Set(inv.hosts.filter((h) => h.powerState === 'standBy').map((h) => h.id as string));
  const wake = sel.standbyHosts === 'available';
  const result = await ctx.view.placement({
    algo: sel.algo,
    instance: {
      dimensions: base.dimensions,
      items: items.map((x) => ({ id: x.itemId, demand: x.demand })),
      bins: base.bins.map((b) => ({ id: b.binId, capacity: b.capacity, state: wake && b.state === 'off' && standby.has(b.binId) ? 'on' : b.state })),
    },
  });
  const scope = `${sel.vms ? `${items.length} VMs (${sel.vms.join(', ')})` : `the ${items.length} powered-on VMs`} of cluster ${sel.cluster}${wake ? ', hosts in standby counted as available' : ''}`;
  return { result, scope };
}

const TIER_NUMBER: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4 };

/** The engine's availability figures: a design (written or the student's saved one) or a cluster as N+k. */
async function evaluateAvailability(sel: AvailabilitySelector, field: AvailabilityField, ctx: EvalContext): Promise<ExprResult> {
  const show = (v: number): string => (field === 'tier' ? (v ? `tier ${['I', 'II', 'III', 'IV'][v - 1]}` : 'below tier I') : String(round(v)));
  if (sel.cluster !== undefined) {
    const inv = await ctx.view.inventory();
    const cluster = inv.clusters.find((c) => c.name === sel.cluster);
    if (!cluster) return { error: `there is no cluster named "${sel.cluster}"` };
    // Only the formula is read: the smallest simulation the query accepts keeps the check cheap.
    const r = await ctx.view.clusterAvailability({ clusterId: cluster.id as ClusterId, mtbfH: sel.mtbfH!, mttrH: sel.mttrH!, years: 1, replications: 2, seed: 1 });
    const v = field === 'tier' ? (r.tier ? TIER_NUMBER[r.tier] : 0) : (r as unknown as Record<string, number>)[field];
    if (typeof v !== 'number') return { error: `a cluster's availability has no ${field}` };
    return { value: v, text: `${field} of cluster ${sel.cluster} as N+${r.tolerate} (${r.hosts} hosts, host MTBF ${sel.mtbfH} h, MTTR ${sel.mttrH} h): ${show(v)}` };
  }
  let params: QueryParams<'availability.design'>;
  let what: string;
  if (sel.design === 'saved') {
    const saved = await ctx.view.savedDesign();
    if (!saved) return { error: 'no design has been saved with the lab yet (Monitor › Data-center availability › SAVE DESIGN)' };
    params = saved.design;
    what = `the design saved at ${saved.savedAtMs / 1000} s (${saved.design.groups.map((g) => g.name).join(', ')})`;
  } else {
    params = { groups: sel.groups!, ...(sel.combine ? { combine: sel.combine } : {}) };
    what = `the design ${sel.groups!.map((g) => g.name).join(sel.combine === 'parallel' ? ' ∥ ' : ' + ')}`;
  }
  const d = await ctx.view.design(params);
  const v = field === 'tier' ? (d.tier ? TIER_NUMBER[d.tier] : 0) : field === 'groups' ? d.groups.length : (d as unknown as Record<string, number>)[field];
  if (typeof v !== 'number') return { error: `a design's availability has no ${field}` };
  return { value: v, text: `${field} of ${what}: ${show(v)}` };
}

async function evaluatePlacement(sel: PlacementSelector, field: 'hostsUsed' | 'lowerBound' | 'unplaced', ctx: EvalContext): Promise<ExprResult> {
  const r = await solvePlacement(sel, ctx);
  if ('error' in r) return r;
  const { result, scope } = r;
  const algo = sel.algo === 'exact' ? 'the exact solver' : sel.algo.toUpperCase();
  const unplaced = result.placement.filter((x) => x.binId === null).length;
  if (field === 'unplaced') return { value: unplaced, text: `VMs ${algo} could not place, packing ${scope}: ${unplaced}` };
  if (field === 'lowerBound') {
    if (result.lowerBound === undefined) return { error: `placement.solve gave no lower bound for ${scope}` };
    return { value: result.lowerBound, text: `lower bound on the hosts for ${scope}: ${result.lowerBound}` };
  }
  if (result.status === 'infeasible' || result.status === 'failed' || unplaced > 0) {
    return { error: `${algo} could not place every VM (${unplaced} left over) packing ${scope}${result.explanation ? `: ${result.explanation.message}` : ''}` };
  }
  if (sel.algo === 'exact' && !result.provenOptimal) {
    return { error: `the exact solver did not prove its ${result.binsUsed} host(s) optimal for ${scope}${result.notes.length ? ` (${result.notes.join('; ')})` : ''}` };
  }
  const proof = sel.algo === 'exact' ? ` (proven optimal${result.provenBy === 'bound' ? ': a heuristic meets the lower bound' : ' by the solver'})` : '';
  return { value: result.binsUsed, text: `hosts used by ${algo} packing ${scope}: ${result.binsUsed}${proof}` };
}

export async function evaluateExpr(expr: Expr, ctx: EvalContext, depth = 0): Promise<ExprResult> {
  if (typeof expr === 'number') return { value: expr, text: String(expr) };
  if (depth > 8) return { error: 'expression nested too deeply' };
  try {
    if ('host' in expr) {
      const h = await ctx.view.hostByName(expr.host);
      if (!h) return { error: `there is no host named "${expr.host}"` };
      const v = hostField(h, expr.field, await ctx.view.inventory());
      return { value: v, text: `${expr.field} of host ${expr.host}: ${round(v)}` };
    }
    if ('vm' in expr) {
      const vm = await ctx.view.vmByName(expr.vm);
      if (!vm) return { error: `there is no VM named "${expr.vm}"` };
      const v = vmField(vm, expr.field);
      return { value: v, text: `${expr.field} of VM ${expr.vm}: ${round(v)}` };
    }
    if ('counter' in expr) return await readCounter(expr.counter, ctx);
    if ('task' in expr) {
      const r = await selectTasks(expr.task, ctx);
      if ('error' in r) return r;
      const what = `${expr.task.operation}${expr.task.target ? ` of ${expr.task.target}` : ''}`;
      if (expr.field === 'count') return { value: r.tasks.length, text: `${what} tasks (${expr.task.state ?? 'success'}): ${r.tasks.length}` };
      const t = expr.task.which === 'first' ? r.tasks[0] : r.tasks[r.tasks.length - 1];
      if (!t) return { error: `no ${expr.task.state ?? 'successful'} ${what} task ${sinceText(expr.task.since)}` };
      let v: number | undefined;
      if (expr.field === 'durationMs') v = t.startedAtMs !== undefined && t.completedAtMs !== undefined ? t.completedAtMs - t.startedAtMs : undefined;
      else if (expr.field === 'startedAtS') v = t.startedAtMs !== undefined ? t.startedAtMs / 1000 : undefined;
      else v = t.completedAtMs !== undefined ? t.completedAtMs / 1000 : undefined;
      if (v === undefined) return { error: `the ${what} task has not finished` };
      return { value: v, text: `${expr.field} of the ${expr.task.which ?? 'last'} ${what} task: ${round(v)}` };
    }
    if ('event' in expr) {
      const list = await selectEvents(expr.event, ctx);
      const what = `${expr.event.type}${expr.event.entity ? ` of ${expr.event.entity}` : ''}`;
      if (expr.field === 'count') return { value: list.length, text: `${what} events: ${list.length}` };
      const e = expr.event.which === 'first' ? list[0] : list[list.length - 1];
      if (!e) return { error: `no ${what} event ${sinceText(expr.event.since)}` };
      return { value: e.timeMs / 1000, text: `time of the ${expr.event.which ?? 'last'} ${what}: ${e.timeMs / 1000} s` };
    }
    if ('between' in expr) {
      const froms = await selectEvents(expr.between.from, ctx);
      const from = expr.between.from.which === 'first' ? froms[0] : froms[froms.length - 1];
      if (!from) return { error: `no ${expr.between.from.type}${expr.between.from.entity ? ` of ${expr.between.from.entity}` : ''} ${sinceText(expr.between.from.since)}` };
      const tos = (await selectEvents(expr.between.to, ctx, from.timeMs)).filter((e) => e.id !== from.id);
      const to = tos[0];
      if (!to) return { error: `no ${expr.between.to.type}${expr.between.to.entity ? ` of ${expr.between.to.entity}` : ''} after the ${expr.between.from.type} at ${from.timeMs / 1000} s` };
      const v = to.timeMs - from.timeMs;
      return { value: v, text: `from ${expr.between.from.type} (${from.timeMs / 1000} s) to ${expr.between.to.type} (${to.timeMs / 1000} s): ${v} ms` };
    }
    if ('migration' in expr) {
      const list = await selectMigrations(expr.migration, ctx);
      const run = expr.migration.which === 'first' ? list[0] : list[list.length - 1];
      const what = describeMigrations(expr.migration, 'migration');
      if (!run) return { error: `no ${expr.migration.state ?? 'completed'} ${what} ${sinceText(expr.migration.since)}` };
      const v = migrationField(run, expr.field);
      if (v === undefined) return { error: `the ${what} does not report ${expr.field}` };
      return { value: v.value, text: `${expr.field} of the ${expr.migration.which ?? 'last'} ${what}: ${round(v.value)} ${v.unit}` };
    }
    if ('placement' in expr) return await evaluatePlacement(expr.placement, expr.field, ctx);
    if ('availability' in expr) return await evaluateAvailability(expr.availability, expr.field, ctx);
    const parts = 'ratio' in expr ? expr.ratio : 'difference' in expr ? expr.difference : 'sum' in expr ? expr.sum : expr.product;
    const vals: number[] = [];
    const texts: string[] = [];
    for (const p of parts) {
      const r = await evaluateExpr(p, ctx, depth + 1);
      if ('error' in r) return r;
      vals.push(r.value);
      texts.push(r.text);
    }
    let v: number;
    if ('ratio' in expr) {
      if (vals[1] === 0) return { error: `ratio: the divisor is 0 (${texts[1]})` };
      v = vals[0] / vals[1];
    } else if ('difference' in expr) v = vals[0] - vals[1];
    else if ('sum' in expr) v = vals.reduce((a, b) => a + b, 0);
    else v = vals.reduce((a, b) => a * b, 1);
    const op = 'ratio' in expr ? 'ratio' : 'difference' in expr ? 'difference' : 'sum' in expr ? 'sum' : 'product';
    return { value: v, text: `${op} of [${texts.join('; ')}] = ${round(v)}` };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
