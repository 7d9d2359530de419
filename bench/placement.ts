/**
 * Placement benchmarks (JSON on stdout; figures go to docs/PERFORMANCE.md with the machine and its load).
 *
 * Run: `npm run bench -- placement` or `npx tsx bench/placement.ts [--runs 7] [--instances 20] [--time-limit 5]`.
 *  - `ffd2d`: FFD placing 10,000 VMs onto 1,000 hosts in two dimensions (CPU MHz, memory MiB), seeded;
 *    median and min wall time of `runs` runs after one warm-up, hosts used, item–host checks, and the
 *    measured wall ns per check beside the cost model's (PLACEMENT_NS_PER_CHECK, params.ts).
 *    Goal: < 100 ms.
 *  - `exactU120`: the exact solver (all eight heuristics, bounds, then HiGHS on the arc-flow model) on
 *    `instances` generated u120 instances (seeds 1…N), each with the time limit; how many are proven
 *    optimal, the median and max wall time per instance, how many were closed by a bound alone; per
 *    instance the counts the cost model charges (simplex iterations, B&B nodes, nonzeros) and the virtual
 *    time it charged, and the median measured ns per (iteration × nonzero) of HiGHS's wall time beside the
 *    model's (PLACEMENT_NS_PER_ITERATION_NONZERO).
 *    Goal: each proven optimal in < 5 s.
 *  - `plan500`: a re-packing of 500 VMs spread evenly over 50 hosts onto FFD's number of hosts: FFD, the
 *    target copying less memory of FFD aligned with where the VMs run (`alignTarget`) and emptying the
 *    least loaded hosts (`evacuationTarget`), chosen by `consolidationTarget` as `placement.plan` does, and the
 *    reconfiguration plan (`planReconfiguration`, 2 moves per host at once), median and min wall time of
 *    `runs` runs; moves, pivots, suspends, the plan's estimated duration (the migration model's
 *    pre-copy estimate, `precopyEstimate`, for an idle VM), checked by the plan checker; and what each candidate target would move (`targets`).
 *    Goal: < 2 s.
 * `--only ffd2d,exactU120,plan500` runs a subset.
 * The load average is printed with the figures: this machine is shared, and HiGHS's time depends on it.
 */
import { cpus, loadavg } from 'node:os';
import { Rng } from '../src-main/engine/sim/rng';
import { checkPlacement, checkPlan, planReconfiguration, consolidationTarget, alignTarget, evacuationTarget, runHeuristic, solvePlacement, type PlacementProblem, type PlanInput } from '../src-main/engine/placement/index';
import { POWER_OP_DURATION_MS } from '../src-main/engine/vm/index';
import { precopyEstimate } from '../src-main/engine/migration/index';
import { standardInstance } from '../src-main/engine/placement/instances/generator';
import { instanceProblem } from '../src-main/engine/placement/instances/bpplib';
import { createHighsSolver } from '../src-main/node/solver/highsSolver';
import { PLACEMENT_NODE_ITERATIONS, PLACEMENT_NS_PER_CHECK, PLACEMENT_NS_PER_ITERATION_NONZERO } from '../src-main/engine/params';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('runs', 7);
const INSTANCES = arg('instances', 20);
const TIME_LIMIT = arg('time-limit', 5);
const onlyAt = process.argv.indexOf('--only');
const ONLY = new Set(onlyAt > 0 ? process.argv[onlyAt + 1].split(',') : ['ffd2d', 'exactU120', 'plan500']);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const r2 = (x: number) => Math.round(x * 100) / 100;

function cluster(seed: number): PlacementProblem {
  const rng = new Rng(seed);
  return {
    dimensions: ['cpuMhz', 'memMiB'],
    items: Array.from({ length: 10_000 }, (_, i) => ({ id: `vm-${i + 1}`, demand: [200 + rng.int(2801), 512 + rng.int(15_873)] })),
    bins: Array.from({ length: 1_000 }, (_, j) => ({ id: `host-${j + 1}`, capacity: [20_000, 131_072] })),
    constraints: [],
  };
}

const load0 = loadavg()[0];
const out: Record<string, unknown> = {};

if (ONLY.has('ffd2d')) {
  const p = cluster(1);
  runHeuristic(p, 'ffd');
  const times: number[] = [];
  let result = runHeuristic(p, 'ffd');
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    result = runHeuristic(p, 'ffd');
    times.push(performance.now() - t0);
  }
  out.ffd2d = {
    vms: 10_000, hosts: 1_000, dimensions: 2, runs: RUNS, medianMs: r2(median(times)), minMs: r2(Math.min(...times)),
    hostsUsed: result.binsUsed, checks: result.checks, valid: checkPlacement(p, result.placement).length === 0, goalMs: 100,
    measuredNsPerCheck: r2((median(times) * 1e6) / result.checks), modelNsPerCheck: PLACEMENT_NS_PER_CHECK,
  };
}

if (ONLY.has('exactU120')) {
  const solver = createHighsSolver();
  solver.warmUp();
  await new Promise((r) => setTimeout(r, 3000)); // let HiGHS load before the first timed instance
  const per: {
    seed: number; bins: number; ffd: number; proven: boolean; provenBy?: string; wallMs: number; solverMs?: number;
    iterations?: number; nodes?: number; nonzeros?: number; virtualMs: number;
  }[] = [];
  for (let seed = 1; seed <= INSTANCES; seed++) {
    const prob = instanceProblem(standardInstance('u120', seed));
    const t0 = performance.now();
    const o = solvePlacement(prob, { algo: 'exact', timeLimitS: TIME_LIMIT, solver });
    const wallMs = performance.now() - t0;
    const s = o.solver;
    per.push({
      seed, bins: o.binsUsed, ffd: o.heuristics?.ffd ?? -1, proven: o.status === 'optimal', provenBy: o.provenBy, wallMs: r2(wallMs),
      solverMs: s ? r2(s.wallMs) : undefined, iterations: s?.iterations, nodes: s?.nodes, nonzeros: s?.nonzeros, virtualMs: r2(o.virtualMs),
    });
  }
  solver.close();
  const closed = per.filter((x) => x.proven && x.wallMs < TIME_LIMIT * 1000);
  // HiGHS's wall ns per unit the cost model charges, on the instances the solver closed (a stopped solve's counts depend on the machine).
  const perUnit = per.filter((x) => x.provenBy === 'solver' && x.solverMs !== undefined && x.nonzeros)
    .map((x) => (x.solverMs! * 1e6) / ((x.iterations! + PLACEMENT_NODE_ITERATIONS * x.nodes!) * x.nonzeros!));
  out.exactU120 = {
    instances: INSTANCES, timeLimitS: TIME_LIMIT, provenOptimal: closed.length, provenByBoundAlone: per.filter((x) => x.provenBy === 'bound').length,
    medianMs: r2(median(per.map((x) => x.wallMs))), maxMs: r2(Math.max(...per.map((x) => x.wallMs))), goal: 'each proven optimal in < 5 s',
    measuredNsPerIterationNonzero: perUnit.length ? r2(median(perUnit)) : null, modelNsPerIterationNonzero: PLACEMENT_NS_PER_ITERATION_NONZERO,
    perInstance: per,
  };
}

if (ONLY.has('plan500')) {
  const rng = new Rng(5);
  const p: PlacementProblem = {
    dimensions: ['cpuMhz', 'memMiB'],
    items: Array.from({ length: 500 }, (_, i) => ({ id: `vm-${i + 1}`, demand: [200 + rng.int(1801), 512 + rng.int(7681)] })),
    bins: Array.from({ length: 50 }, (_, j) => ({ id: `host-${j + 1}`, capacity: [20_000, 131_072] })),
    constraints: [],
  };
  // Spread out: VM i on host i mod 50 (ten per host, within capacity), as after an even initial placement.
  const from = { binOf: p.items.map((_, i) => i % 50) };
  const mem = p.items.map((it) => it.demand[1]);
  const moved = (x: { binOf: number[] }) => x.binOf.reduce((s, j, i) => s + (j !== from.binOf[i] ? mem[i] : 0), 0);
  const plan = () => {
    const packed = runHeuristic(p, 'ffd').placement;
    const target = consolidationTarget(p, from, packed, { evacuate: true });
    const to = target.placement;
    const input: PlanInput = {
      problem: p, from, to, maxConcurrentPerHost: 2, allowSuspend: true,
      durations: { migrateMs: (i) => precopyEstimate({ memoryBytes: mem[i] * 1048576, dirtyBytesPerS: 0 }).totalMs, suspendMs: () => POWER_OP_DURATION_MS.suspend, resumeMs: () => POWER_OP_DURATION_MS.powerOn },
    };
    return { input, plan: planReconfiguration(input), packed, evacuated: target.evacuated };
  };
  const vmsMoved = (x: { binOf: number[] }) => x.binOf.filter((j, i) => j !== from.binOf[i]).length;
  plan();
  const times: number[] = [];
  let last = plan();
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    last = plan();
    times.push(performance.now() - t0);
  }
  const { input, plan: pl, packed, evacuated } = last;
  // Both candidate targets, outside the timed runs (consolidationTarget plans towards the one copying less memory).
  const aligned = alignTarget(p, from, packed);
  const evac = evacuationTarget(p, from, new Set(packed.binOf).size);
  out.plan500 = {
    vms: 500, hosts: 50, hostsBefore: new Set(from.binOf).size, hostsAfter: new Set(input.to.binOf).size, runs: RUNS,
    medianMs: r2(median(times)), minMs: r2(Math.min(...times)), feasible: pl.feasible, moved: pl.moved, migrations: pl.migrations,
    pivots: pl.pivots, suspends: pl.suspends, estimatedDurationS: r2(pl.durationMs / 1000), valid: checkPlan(input, pl).length === 0, goalMs: 2000,
    targets: {
      aligned: { vmsMoved: vmsMoved(aligned), memMiBMoved: moved(aligned) },
      evacuation: evac ? { vmsMoved: vmsMoved(evac), memMiBMoved: moved(evac) } : null,
      planned: evacuated ? 'evacuation' : 'aligned',
    },
  };
}

console.log(JSON.stringify({
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, loadAverageAtStart: r2(load0), loadAverageAtEnd: r2(loadavg()[0]) },
  ...out,
}, null, 2));
