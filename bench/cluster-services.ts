/**
 * Cluster services benchmarks (JSON on stdout; figures go to docs/PERFORMANCE.md with the machine and its load).
 *
 * Run: `npm run bench -- cluster-services` or `npx tsx bench/cluster-services.ts [--runs 7]`.
 *  - `drsPass`: one DRS recommendation pass (`recommendMoves`, threshold 5, up to 32 moves) over a
 *    seeded 64-host, 2,000-VM cluster whose first 8 hosts carry twice the load. Goal: < 200 ms.
 *  - `haPlan`: restart planning (`planRestarts`) for a failed host's 100 VMs over 63 survivors.
 *    Goal: < 50 ms.
 * Median and min wall time of `runs` runs after one warm-up.
 */
import { cpus, loadavg } from 'node:os';
import { Rng } from '../src-main/engine/sim/rng';
import { planRestarts, recommendMoves } from '../src-main/engine/services/index';
import type { DrsHost, DrsVm, RestartCandidate, RestartHost } from '../src-main/engine/services/index';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('runs', 7);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const r2 = (x: number) => Math.round(x * 100) / 100;

function timed<T>(f: () => T): { ms: number[]; last: T } {
  let last = f();
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    last = f();
    ms.push(performance.now() - t0);
  }
  return { ms, last };
}

const rng = new Rng(42);
const hosts: DrsHost[] = Array.from({ length: 64 }, (_, j) => ({ id: `host-${j + 1}`, name: `h${j}`, cpuMhz: 40_000, memBytes: 256 * 2 ** 30, canReceive: true }));
const vms: DrsVm[] = Array.from({ length: 2_000 }, (_, i) => {
  const host = i < 500 ? i % 8 : 8 + (i % 56);
  return { id: `vm-${i + 1}`, hostId: `host-${host + 1}`, cpuMhz: 100 + rng.int(900), memBytes: (1 + rng.int(8)) * 2 ** 30, movable: true };
});
const drs = timed(() => recommendMoves(hosts, vms, 5, 32));

const survivors: RestartHost[] = Array.from({ length: 63 }, (_, j) => ({ hostId: `host-${j + 2}`, cpuFreeMhz: 10_000 + rng.int(20_000), memFreeBytes: (32 + rng.int(96)) * 2 ** 30, failoverHost: false }));
const failed: RestartCandidate[] = Array.from({ length: 100 }, (_, i) => ({ vmId: `vm-${i + 1}`, rank: 1 + rng.int(5), cpuMhz: rng.int(2000), memBytes: (1 + rng.int(8)) * 2 ** 30 }));
const ha = timed(() => planRestarts(failed, survivors));

console.log(JSON.stringify({
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map(r2) }, runs: RUNS,
  drsPass: { hosts: 64, vms: 2000, medianMs: r2(median(drs.ms)), minMs: r2(Math.min(...drs.ms)), moves: drs.last.length, goalMs: 200 },
  haPlan: { vms: 100, survivors: 63, medianMs: r2(median(ha.ms)), minMs: r2(Math.min(...ha.ms)), placed: ha.last.placed.length, unplaced: ha.last.unplaced.length, goalMs: 50 },
}, null, 2));
