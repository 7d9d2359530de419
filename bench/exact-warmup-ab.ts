/**
 * exact-warmup-ab — bt's exact warm-up's own rate (translator/exactWarmUp.ts), this tree against a base tree:
 * labos `mixed` (or `cpu`) booted under a bt whose warm-up never ends (`exactEnterAfterInstructions` and
 * `exactWarmUpLimit` Infinity), so every region entry is run by the interpreter in place of its function — the
 * path that runs most of bt's first second, measured on its own, steady, without V8's compiles of the region
 * functions that make the first second's figures spread so much.
 *
 * Run: `node --import tsx bench/exact-warmup-ab.ts --base DIR [--workload mixed|cpu] [--pairs 8] [--warm 2]
 * [--slice-ms 250]`. Prints one JSON object.
 * How: both trees in ONE process (modules loaded from their own roots), each machine advanced in the same 2 ms
 * machine-time steps (bench/monitorWorkloads.ts' start steps) until each has run `--warm` CPU-seconds; then
 * slices of the same number of steps (sized so base's takes about `--slice-ms`), base first in even pairs and
 * this tree first in odd ones, each slice's process CPU time recorded. Reported: each side's median M guest
 * instructions per CPU-second, the median per-pair ratio (this tree / base: below 1 = slower), range, pairs
 * lower, and `sameWork` (the same instructions in every slice: the warm-up is exact, so it must be). Counted,
 * nothing modelled.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternatingPairs, median, pairRatios, processCpuMs as cpuMs, ratioSummary, type Side } from './abPairs';

const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const BASE = opt('base', '');
if (!BASE) { console.error('usage: bench/exact-warmup-ab.ts --base DIR [--workload mixed|cpu] [--pairs N] [--warm S] [--slice-ms MS]'); process.exit(2); }
const WORKLOAD = opt('workload', 'mixed');
if (!['mixed', 'cpu'].includes(WORKLOAD)) { console.error(`--workload: "${WORKLOAD}" is not mixed or cpu`); process.exit(2); }
const PAIRS = Number(opt('pairs', '8'));
const WARM_S = Number(opt('warm', '2'));
const SLICE_MS = Number(opt('slice-ms', '250'));
const STEP_NS = 2e6;


interface Side1 { step(): number; instructions: number }

/** A labos machine of the tree at `root` under a bt whose exact warm-up never ends. */
async function open(root: string): Promise<Side1> {
  const load = (p: string): Promise<any> => import(pathToFileURL(join(root, p)).href);
  const machine = await load('src-main/engine/machine/index.ts');
  const monitors = await load('src-main/engine/monitors/index.ts');
  const harness = await load('test/helpers/machineHarness.ts');
  const createMonitor = (kind: string): unknown => kind === 'bt' ? new monitors.BinaryTranslationMonitor({ exactEnterAfterInstructions: Infinity, exactWarmUpLimit: Infinity }) : undefined;
  const m = machine.buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 32 << 20, levels: 2, monitor: 'bt', cmdline: WORKLOAD, bootNs: 0 }, image: harness.labosImage({}, 'labos.s') }, { createMonitor });
  let until = 0;
  const side: Side1 = {
    instructions: 0,
    step: () => {
      if (m.state === 'off' || m.state === 'crashed') throw new Error(`${root}: the guest stopped (${m.state})`);
      until += STEP_NS;
      const n = machine.runMachine(m, { untilNs: until }).instructions as number;
      side.instructions += n;
      return n;
    },
  };
  return side;
}

const sides: Record<Side, Side1> = { base: await open(BASE), tree: await open(join(import.meta.dirname, '..')) };
const load0 = loadavg()[0];

// Warm both (V8's compiles of the interpreter and the dispatcher, the guest's boot), step for step.
const warmSteps: Record<Side, number> = { base: 0, tree: 0 };
for (const s of ['base', 'tree'] as Side[]) {
  const t0 = cpuMs();
  while (cpuMs() - t0 < WARM_S * 1000) { sides[s].step(); warmSteps[s]++; }
}
while (warmSteps.base < warmSteps.tree) { sides.base.step(); warmSteps.base++; }
while (warmSteps.tree < warmSteps.base) { sides.tree.step(); warmSteps.tree++; }

// Steps per slice: about SLICE_MS of base's CPU.
let sliceSteps = 0;
{
  const t0 = cpuMs();
  while (cpuMs() - t0 < SLICE_MS) { sides.base.step(); sides.tree.step(); sliceSteps++; }
}

const runs = alternatingPairs(PAIRS, (side) => {
  const s = sides[side];
  const n0 = s.instructions;
  const t0 = cpuMs();
  for (let k = 0; k < sliceSteps; k++) s.step();
  const ms = cpuMs() - t0;
  return { instructions: s.instructions - n0, mips: (s.instructions - n0) / ms / 1e3 };
});
const mips = (side: Side): number[] => runs[side].map((r) => r.mips);
const r1 = (x: number): number => Math.round(x * 10) / 10;

console.log(JSON.stringify({
  benchmark: 'exact-warmup-ab', workload: WORKLOAD, monitor: 'bt, exact warm-up never ending', base: BASE,
  unit: 'M guest instructions per CPU-second of the process (all threads)', loadAtStart: r1(load0), loadAtEnd: r1(loadavg()[0]),
  warmSteps: warmSteps.base, sliceSteps, pairs: PAIRS,
  baseMedian: r1(median(mips('base'))), treeMedian: r1(median(mips('tree'))),
  ratio: ratioSummary(pairRatios({ base: mips('base'), tree: mips('tree') })),
  sameWork: runs.base.every((r, k) => r.instructions === runs.tree[k].instructions),
}));
