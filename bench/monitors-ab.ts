/**
 * bench/monitors-ab — one workload under one monitor of bench/monitors.ts on two engine trees (this checkout
 * and `--base DIR`, e.g. an export of the commit before a change with node_modules beside it), measured so that
 * a shared machine whose load moves does not decide the result: separate `--one` processes of one tree differ
 * by up to 1.7× at load, so every figure here is a per-pair ratio (this tree / base) with the two sides of a
 * pair measured next to each other.
 *
 * Run (from this tree): `node --import tsx bench/monitors-ab.ts --base DIR [--workload cpu|mixed|large|cold]
 * [--monitor interp|te|bt|hw|pv] [--mode first|steady|both] [--pairs 8] [--first-pairs N] [--steady-pairs N]
 * [--slice-ms 250] [--warm S] [--child-seconds 0.5] [--base-node-flags F] [--tree-node-flags F]`. Prints one JSON object.
 * - `first` (the start, from power-on): cannot be measured twice in one process (V8 is warm after the first
 *   run), so fresh child processes of `bench/monitors.ts --one WORKLOAD MONITOR --engine-root ROOT` (this
 *   tree's script for both sides, CPU-time clock) alternate base, this, this, base, … for N pairs. Reported:
 *   per host second from power-on each side's median M instructions per CPU-second and the per-pair ratios of
 *   that second (median, range, pairs lower), the same for the whole start phase, and each run's bt figures
 *   (translations, interpreted instructions: they say whether the two sides did the same guest work).
 * - `steady`: both trees in ONE process (their modules loaded from their own roots: no shared state), each
 *   built on the same workload and advanced step for step (the same guest work; 20 ms machine-time steps for
 *   labos, 1 M cycles for bare programs) until each has run `--warm` CPU-seconds (default the workload's start
 *   phase + 2 s); then slices of the same number of steps (sized so that base's slice takes about
 *   `--slice-ms` of CPU), base first in even pairs and this tree first in odd ones, each slice's process CPU
 *   time (user + system, V8's compiler threads included) recorded. Reported: each side's median M
 *   instructions per CPU-second, the median per-pair speed ratio, range and pairs lower, and whether both
 *   sides ran the same instructions in every slice (`sameWork`; false for a change meant to change results).
 * - `--base-node-flags "F"` / `--tree-node-flags "F"` (first mode only): V8 or Node flags (space-separated, e.g.
 *   `--always-sparkplug`) given to one side's child processes, to measure a flag; the two sides may then be the
 *   same tree (`--base .`). V8's flags are process-wide, so `steady` cannot hold the two sides in one process:
 *   there, the children's own steady rate after their start phase (`steadyInChild`, `--child-seconds` long) is
 *   compared instead.
 * Ratios are this tree's speed over base's: below 1 = this tree slower. Both figures are counted, none
 * modelled.
 * Rules: run it against an export of this same tree first — that A/A ratio is the method's noise at the
 * machine's load. Measured on 2026-12-06 (2 cores, shared: load 5.4–8.2; an export of this tree, `mixed bt`):
 * steady 0.986 (8 pairs, 0.80–1.03); first second per pair 0.42–1.72 (median 1.20, 2 of 6 lower), the 3-s start
 * phase 0.98 — at such a load a first-second change shows as most pairs on one side, never in one pair
 * (docs/PERFORMANCE.md, "A committed A/B bench for the monitors"). The in-process steady rate itself moves
 * between runs (1,300–2,900 M/s for `mixed bt` at load 5–8, both sides alike): quote the ratio.
 */
import type { MonitorKind } from '../src-main/engine/monitors/index';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { alternatingPairs, median, pairOrder, perSecondPairs, ratioSummary, type Side, processCpuMs as cpuMs } from './abPairs';
import { openWorkload, runOneProcess, START_SECONDS, type Workload } from './monitorWorkloads';

const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const BASE = opt('base', '');
if (!BASE) { console.error('usage: bench/monitors-ab.ts --base DIR [--workload cpu|mixed|large|cold] [--monitor interp|te|bt|hw|pv] [--mode first|steady|both] [--pairs N] [--first-pairs N] [--steady-pairs N] [--slice-ms MS] [--warm S] [--child-seconds S] [--base-node-flags F] [--tree-node-flags F]'); process.exit(2); }
const WORKLOAD = opt('workload', 'mixed');
const MONITOR = opt('monitor', 'bt') as MonitorKind;
const MODE = opt('mode', 'both');
const PAIRS = Number(opt('pairs', '8'));
const FIRST_PAIRS = Number(opt('first-pairs', String(PAIRS)));
const STEADY_PAIRS = Number(opt('steady-pairs', String(PAIRS)));
const SLICE_MS = Number(opt('slice-ms', '250'));
const CHILD_SECONDS = opt('child-seconds', '0.5');
const nodeFlags = (name: string): string[] => opt(name, '').split(' ').filter((f) => f !== '');
const NODE_FLAGS: Record<Side, string[]> = { base: nodeFlags('base-node-flags'), tree: nodeFlags('tree-node-flags') };
const FLAGS_DIFFER = NODE_FLAGS.base.join(' ') !== NODE_FLAGS.tree.join(' ');
if (FLAGS_DIFFER && MODE !== 'first') { console.error('--base-node-flags/--tree-node-flags: with --mode first only (V8 flags are process-wide; steadyInChild compares the steady rates)'); process.exit(2); }
if (START_SECONDS[WORKLOAD] === undefined) { console.error(`--workload: "${WORKLOAD}" is not one of ${Object.keys(START_SECONDS).join(', ')}`); process.exit(2); }
if (!['first', 'steady', 'both'].includes(MODE)) { console.error(`--mode: "${MODE}" is not first, steady or both`); process.exit(2); }
const WARM_S = Number(opt('warm', String(START_SECONDS[WORKLOAD] + 2)));
const HERE = resolve(import.meta.dirname, '..');
const ROOTS: Record<Side, string> = { base: resolve(BASE), tree: HERE };
if (ROOTS.base === ROOTS.tree && !FLAGS_DIFFER) { console.error('--base: a different checkout than this one (for an A/A, an export of this tree), or the same one with different node flags per side'); process.exit(2); }

const r1 = (x: number): number => Math.round(x * 10) / 10;
const load1 = (): number => r1(loadavg()[0]);

interface OneRun { perSecond: number[]; first: { mips: number }; mips: number; bt?: Record<string, number>; load: number }

/** One fresh process of bench/monitors.ts (this tree's script) on one side's engine, with that side's node flags. */
function firstRun(side: Side): OneRun {
  const root = ROOTS[side];
  const r = runOneProcess(WORKLOAD, MONITOR, root, 'cpu', { ...process.env, HVLAB_BENCH_SECONDS: CHILD_SECONDS }, NODE_FLAGS[side]);
  if (r.error !== undefined) throw new Error(`${root}: ${String(r.error)}`);
  return { ...(r as unknown as Omit<OneRun, 'load'>), load: load1() };
}

function firstSeconds(): Record<string, unknown> {
  const runs = alternatingPairs(FIRST_PAIRS, firstRun);
  const phase = runs.tree.map((t, k) => t.first.mips / runs.base[k].first.mips);
  const after = runs.tree.map((t, k) => t.mips / runs.base[k].mips);
  const btOf = (r: OneRun): Record<string, number> | undefined => r.bt && { translations: r.bt.translations, interpretedInstructions: r.bt.interpretedInstructions, relabels: r.bt.relabels };
  return {
    unit: 'M guest instructions per CPU-second of the child process (all threads), each host second from power-on',
    perSecond: perSecondPairs(runs.base.map((r) => r.perSecond), runs.tree.map((r) => r.perSecond)),
    startPhase: { seconds: START_SECONDS[WORKLOAD], baseMedian: r1(median(runs.base.map((r) => r.first.mips))), treeMedian: r1(median(runs.tree.map((r) => r.first.mips))), ratio: ratioSummary(phase) },
    steadyInChild: { seconds: Number(CHILD_SECONDS), baseMedian: r1(median(runs.base.map((r) => r.mips))), treeMedian: r1(median(runs.tree.map((r) => r.mips))), ratio: ratioSummary(after) },
    runs: Object.fromEntries((['base', 'tree'] as Side[]).map((side) => [side, runs[side].map((r) => ({ perSecond: r.perSecond, steadyMips: r.mips, load: r.load, bt: btOf(r) }))])),
  };
}

async function steady(): Promise<Record<string, unknown>> {
  const w: Record<Side, Workload> = {
    base: await openWorkload(WORKLOAD, MONITOR, ROOTS.base, cpuMs),
    tree: await openWorkload(WORKLOAD, MONITOR, ROOTS.tree, cpuMs),
  };
  /** `steps` steps of one side: [process CPU ms, instructions], or undefined when the workload ended. */
  const run = (side: Side, steps: number): [number, number] | undefined => {
    let n = 0;
    const t0 = cpuMs();
    for (let k = 0; k < steps; k++) {
      const i = w[side].step(false);
      if (i === undefined) return undefined;
      n += i;
    }
    return [cpuMs() - t0, n];
  };
  // Warm-up in lockstep (one step each, alternating) until each side has run WARM_S CPU-seconds.
  const spent: Record<Side, number> = { base: 0, tree: 0 };
  const lastBase: number[] = [];
  let warmSteps = 0;
  while (Math.min(spent.base, spent.tree) < WARM_S * 1000) {
    for (const side of pairOrder(warmSteps)) {
      const r = run(side, 1);
      if (!r) throw new Error(`${WORKLOAD} ended during the warm-up`);
      spent[side] += r[0];
      if (side === 'base') { lastBase.push(r[0]); if (lastBase.length > 20) lastBase.shift(); }
    }
    warmSteps++;
  }
  const stepsPerSlice = Math.max(1, Math.round(SLICE_MS / Math.max(0.01, median(lastBase))));
  const ms: Record<Side, number[]> = { base: [], tree: [] };
  const instr: Record<Side, number[]> = { base: [], tree: [] };
  const loads = [load1()];
  for (let i = 0; i < STEADY_PAIRS; i++) {
    for (const side of pairOrder(i)) {
      const r = run(side, stepsPerSlice);
      if (!r) throw new Error(`${WORKLOAD} ended during the slices`);
      ms[side].push(r[0]);
      instr[side].push(r[1]);
    }
    loads.push(load1());
  }
  const mips = (side: Side): number[] => ms[side].map((t, k) => instr[side][k] / t / 1000);
  const speed = ms.tree.map((_, k) => mips('tree')[k] / mips('base')[k]);
  return {
    unit: 'M guest instructions per CPU-second of this process (all threads), per slice',
    warmSteps, stepsPerSlice, baseMedianMips: r1(median(mips('base'))), treeMedianMips: r1(median(mips('tree'))),
    baseSliceMs: ms.base.map(r1), treeSliceMs: ms.tree.map(r1), ratio: ratioSummary(speed),
    sameWork: instr.base.every((n, k) => n === instr.tree[k]), load: { min: Math.min(...loads), max: Math.max(...loads) },
  };
}

const report: Record<string, unknown> = {
  benchmark: 'monitors-ab', workload: WORKLOAD, monitor: MONITOR, base: ROOTS.base, tree: ROOTS.tree, nodeFlags: NODE_FLAGS,
  ratios: 'this tree / base, speed (below 1 = this tree slower), per pair', loadAtStart: load1(),
};
if (MODE !== 'steady') report.first = { pairs: FIRST_PAIRS, order: 'base, tree, tree, base, ...', ...firstSeconds() };
if (MODE !== 'first') report.steady = { pairs: STEADY_PAIRS, order: 'base first in even pairs, this tree first in odd ones', ...(await steady()) };
report.loadAtEnd = load1();
console.log(JSON.stringify(report, null, 2));
