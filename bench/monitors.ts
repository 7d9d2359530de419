/**
 * bench/monitors — guest instructions per host second under each CPU-virtualization monitor
 * (interp, te, bt, hw, pv), on: `cpu` (labos's compute workload: hot user code + timer ticks),
 * `mixed` (labos's concurrent cpu/memwrite/pagetable/syscall/tlbmiss processes), `large` (a bare
 * program whose hot code spans 2,048 blocks on 14 pages — the "many blocks" case of docs/monitors.md, "Why page regions") and
 * `cold` (a bare program of 64 Ki instructions run 32 times: code too cold to translate).
 * Per (workload, monitor): the rate in EACH host second (CPU time by default, `--clock`) from power-on (`perSecond`: the start, where
 * translation and V8's compilation of the generated code happen), the whole start phase (`first`),
 * then the steady rate over the next seconds; translation host time, translations, relabels, cache hit rate,
 * the translated/interpreted split.
 * Prints ONE JSON object. Run: `npm run bench -- monitors` (or `node --import tsx bench/monitors.ts`).
 * Options: `--workloads cpu,mixed` and `--monitors interp,bt` (subsets); `--repeat N` (each
 * measurement N times, medians reported); `--baseline DIR`: every measurement also runs with the
 * engine of another checkout DIR of this project (e.g. a `git worktree` of the commit before a
 * change), alternating with this one, so before and after share the machine's load; the JSON then
 * has `baseline` figures and `afterOverBefore` ratios; `--engine DIR` measures another checkout as
 * "after" (default: this one). HVLAB_BENCH_SECONDS=S sets the steady seconds
 * (default 2). Each measurement runs in its own process (`--one WORKLOAD MONITOR [--engine-root DIR]`), with the
 * V8 flags that tree's product sets (its src-main/node/v8Tuning.ts, if it has one; `v8Flags` in the JSON;
 * HVLAB_V8_TUNING=off runs without).
 * A benchmark is a measurement, not a test: docs/PERFORMANCE.md records its figures with the machine.
 */
import type { MonitorKind } from '../src-main/engine/monitors/index';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './abPairs';
import { openWorkload, runOneProcess, START_SECONDS } from './monitorWorkloads';

const SECONDS = Number(process.env.HVLAB_BENCH_SECONDS ?? 2);
/**
 * The clock: `cpu` (default) = this process's CPU time, user + system, all its threads (V8's
 * background compilers included) — on a machine shared with other jobs (load average far above the
 * cores) wall time mostly measures the wait for a core; `wall` = elapsed time. `--clock wall|cpu`.
 */
const CLOCK = process.argv.includes('--clock') ? process.argv[process.argv.indexOf('--clock') + 1] : 'cpu';
const now = CLOCK === 'wall' ? (): number => performance.now() : (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const ALL_MONITORS: MonitorKind[] = ['interp', 'te', 'bt', 'hw', 'pv'];
const HERE = fileURLToPath(import.meta.url);
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

interface Measure {
  instructions: number;
  hostSeconds: number;
  mips: number;
  virtualCycles: number;
  bt?: Record<string, number>;
  translateMs?: number;
}
type Result = Measure & { first: Measure; perSecond: number[] };

/** Instructions per host second, by whole second since power-on (a chunk spanning seconds is split by its host time). */
class PerSecond {
  private readonly counts: number[] = [];
  constructor(private readonly t0: number) {}
  add(from: number, to: number, instructions: number): void {
    const a = (from - this.t0) / 1000;
    const b = (to - this.t0) / 1000;
    if (b <= a) { this.counts[Math.floor(a)] = (this.counts[Math.floor(a)] ?? 0) + instructions; return; }
    for (let s = Math.floor(a); s < b; s++) {
      const part = (Math.min(b, s + 1) - Math.max(a, s)) / (b - a);
      this.counts[s] = (this.counts[s] ?? 0) + instructions * part;
    }
  }
  /** M instructions/s of each complete second before `seconds`. */
  mips(seconds: number): number[] {
    const out: number[] = [];
    for (let s = 0; s < Math.floor(seconds); s++) out.push(Math.round((this.counts[s] ?? 0) / 1e5) / 10);
    return out;
  }
}

async function child(name: string, mon: MonitorKind, engineRoot: string): Promise<Result> {
  const w = await openWorkload(name, mon, engineRoot, now);
  /**
   * Runs `step()` (→ instructions) for `warm` host seconds from power-on (per-second figures and `first`),
   * then `steady` seconds (the main figure).
   */
  const measure = (warm: number, steady: number): Result => {
    const t0 = now();
    const seconds = new PerSecond(t0);
    const phase = (s: number, isWarm: boolean): Measure => {
      w.takeTranslateMs();
      let instructions = 0;
      const c0 = w.cycles();
      const start = now();
      let t = start;
      while (t - start < s * 1000) {
        const n = w.step(isWarm);
        if (n === undefined) break;
        const t1 = now();
        if (isWarm) seconds.add(t, t1, n);
        instructions += n;
        t = t1;
      }
      const hostSeconds = (t - start) / 1000;
      return { instructions, hostSeconds, mips: instructions / hostSeconds / 1e6, virtualCycles: w.cycles() - c0, translateMs: mon === 'bt' ? w.takeTranslateMs() : undefined };
    };
    const first = phase(warm, true);
    const st = phase(steady, false);
    return { ...st, first, perSecond: seconds.mips(warm), bt: w.btFigures() };
  };
  if (WARM[name] === undefined) throw new Error(`unknown workload ${name}`);
  return measure(WARM[name], SECONDS);
}

/** Start-phase seconds per workload (per-second figures cover them). */
const WARM = START_SECONDS;

const round = (m: Measure): Record<string, unknown> => ({
  ...m, hostSeconds: Math.round(m.hostSeconds * 1000) / 1000, mips: Math.round(m.mips * 10) / 10,
  translateMs: m.translateMs === undefined ? undefined : Math.round(m.translateMs * 10) / 10,
});

const r2 = (x: number): number => Math.round(x * 100) / 100;

interface Row { mips: number; first: number; perSecond: number[]; runs: Record<string, unknown>[] }

function summarize(runs: Record<string, unknown>[]): Row | { error: unknown } {
  const ok = runs.filter((r) => r.error === undefined) as unknown as (Measure & { first: Measure; perSecond: number[] })[];
  if (ok.length === 0) return { error: runs[0]?.error };
  const n = Math.min(...ok.map((r) => r.perSecond.length));
  return {
    mips: median(ok.map((r) => r.mips)), first: median(ok.map((r) => r.first.mips)),
    perSecond: Array.from({ length: n }, (_, s) => median(ok.map((r) => r.perSecond[s]))),
    runs: ok.length === 1 ? (runs as Record<string, unknown>[]) : runs.map((r) => ({ mips: r.mips, perSecond: r.perSecond, first: (r.first as Measure | undefined)?.mips, bt: r.bt })),
  };
}

/** Ratios of each translated monitor to the interpreter of the same engine: steady, the start phase, each second, and the worst second. */
function ratiosOf(rows: Record<string, Record<string, Row | { error: unknown }>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, byMon] of Object.entries(rows)) {
    const base = byMon.interp as Row | undefined;
    if (!base || !('mips' in base)) continue;
    for (const mon of ['bt', 'hw', 'pv']) {
      const r = byMon[mon] as Row | undefined;
      if (!r || !('mips' in r)) continue;
      const perSecond = r.perSecond.map((x, s) => r2(x / base.perSecond[s]));
      out[`${name}.${mon}/interp`] = { steady: r2(r.mips / base.mips), first: r2(r.first / base.first), perSecond, worstSecond: Math.min(...perSecond) };
    }
  }
  return out;
}

const one = process.argv.indexOf('--one');
if (one >= 0) {
  // Child mode: one (workload, monitor) measurement in a fresh process, printed as one JSON line.
  const [name, mon] = [process.argv[one + 1], process.argv[one + 2] as MonitorKind];
  const root = resolve(arg('engine-root') ?? join(dirname(HERE), '..'));
  // The engine's V8 flags as that tree's product sets them (none for a tree from before src-main/node/v8Tuning.ts).
  const tuning = join(root, 'src-main/node/v8Tuning.ts');
  const v8Flags = existsSync(tuning) ? ((await import(pathToFileURL(tuning).href)) as { applyEngineTiering(): readonly string[] }).applyEngineTiering() : [];
  const m = await child(name, mon, root);
  console.log(JSON.stringify({ ...round(m), first: round(m.first), perSecond: m.perSecond, v8Flags }));
} else {
  const workloads = (arg('workloads') ?? Object.keys(WARM).join(',')).split(',');
  const monitorsWanted = (arg('monitors') ?? ALL_MONITORS.join(',')).split(',') as MonitorKind[];
  const repeat = Math.max(1, Number(arg('repeat') ?? 1));
  const self = resolve(arg('engine') ?? join(dirname(HERE), '..'));
  const baseline = arg('baseline');
  const trees: [string, string][] = baseline ? [['after', self], ['before', resolve(baseline)]] : [['after', self]];
  const raw: Record<string, Record<string, Record<string, Record<string, unknown>[]>>> = { after: {}, before: {} };
  const load: number[] = [loadavg()[0]];
  for (const name of workloads) {
    for (const mon of monitorsWanted) {
      if ((name === 'large' || name === 'cold') && mon === 'pv') continue; // bare programs have no PV build
      for (let k = 0; k < repeat; k++) {
        for (const [tree, root] of k % 2 === 0 ? trees : [...trees].reverse()) {
          ((raw[tree][name] ??= {})[mon] ??= []).push(runOneProcess(name, mon, root, CLOCK));
        }
      }
      load.push(loadavg()[0]);
    }
  }
  const rows = (tree: string): Record<string, Record<string, Row | { error: unknown }>> =>
    Object.fromEntries(Object.entries(raw[tree]).map(([name, byMon]) => [name, Object.fromEntries(Object.entries(byMon).map(([mon, runs]) => [mon, summarize(runs)]))]));
  const after = rows('after');
  const report: Record<string, unknown> = {
    benchmark: 'monitors', unit: `guest instructions per host second of ${CLOCK === 'wall' ? 'elapsed time' : 'process CPU time (all threads)'} (mips = millions/s)`,
    method: `each (workload, monitor) in its own process: "perSecond" = each host second from power-on (start seconds: cpu ${WARM.cpu}, mixed ${WARM.mixed}, large ${WARM.large}, cold ${WARM.cold}; translation and V8 compilation included), "first" = those seconds together, "mips" = the next ${SECONDS} s; medians of ${repeat} run(s)`,
    goals: { 'cpu.bt/interp': '>= 5', 'cpu.bt.mips': '>= 1000', 'every second, bt/hw/pv on cpu, mixed, large, cold': '>= 1x interp', 'large.bt/interp': '>= 5' },
    loadAverage1m: { min: Math.min(...load), max: Math.max(...load) },
    ratios: ratiosOf(after), results: after,
  };
  if (baseline) {
    const before = rows('before');
    const cmp: Record<string, unknown> = {};
    for (const [name, byMon] of Object.entries(after)) {
      for (const [mon, a] of Object.entries(byMon)) {
        const b = before[name]?.[mon];
        if (!b || !('mips' in a) || !('mips' in b)) continue;
        cmp[`${name}.${mon}`] = { steady: r2(a.mips / b.mips), first: r2(a.first / b.first), perSecond: a.perSecond.map((x, s) => r2(x / b.perSecond[s])) };
      }
    }
    Object.assign(report, { baseline: { ratios: ratiosOf(before), results: before }, afterOverBefore: cmp });
  }
  console.log(JSON.stringify(report, null, 2));
}
