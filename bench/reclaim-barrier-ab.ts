/**
 * reclaim-barrier-ab — what the `memory.reclaim` barrier costs on two engine trees side by side in ONE
 * process: the CPU time inside the service's `atBarrier` (every host's view check and reclaimer pass, and
 * however the coordinator reaches the reclaimers), per host per barrier, on a lab whose hosts reclaim.
 *
 * Run (from this tree): `node --import tsx bench/reclaim-barrier-ab.ts --base DIR [--hosts 4] [--vms 8]
 * [--host-gib 0.27] [--guests fake|real] [--after 2] [--pairs 12]`. DIR is another checkout of the engine (an
 * export of the commit to compare against, node_modules beside it). Both trees build the same lab: `--hosts`
 * hosts of 8 cores at 100 MHz with `--host-gib` of memory (0.27 for 8 VMs: hard and low), `--vms` one-vCPU
 * 64 MiB VMs per host (the busy mix: cpu, memwrite, io, five idle — `RECLAIM_MIX` of test/helpers/pinnedLabs.ts,
 * its memwrite VMs writing a larger working set), the test double `fakeGuest` (default:
 * cheap segments, real pages) or the real guest machine under `bt`, seed 1; run `--after` virtual seconds
 * untimed, then advance in alternating 1-virtual-s slices (base first in even pairs, this tree first in odd
 * ones). The service's `atBarrier` is wrapped to sum its process CPU time (user + system). Prints one JSON
 * object: each tree's median slice in ns per host per barrier, and the median of per-pair ratios (this tree /
 * base) with how many pairs were lower — the figure to quote. `--seam`: instead, wall time (hrtime) of the
 * service less that of the reclaimers' own passes (`HostReclaimer.prototype.atBarrier` of each tree, wrapped
 * the same way): what reaching the reclaimers costs (views, calls, replies, events), without their work,
 * which is the same in both trees.
 * Rules: the wrapper is the same on both sides; the two labs stay bit-identical to separate runs (the trees
 * share no module state). The first pairs include V8 warming up on either side.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternatingPairs, median, pairRatios, ratioSummary } from './abPairs';
import { RECLAIM_MIX } from '../test/helpers/pinnedLabs';

const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const BASE = opt('base', '');
if (!BASE) { console.error('usage: bench/reclaim-barrier-ab.ts --base DIR [--hosts N] [--vms N] [--host-gib G] [--guests fake|real] [--after S] [--pairs N]'); process.exit(2); }
const HOSTS = Number(opt('hosts', '4'));
const VMS = Number(opt('vms', '8'));
const HOST_GIB = Number(opt('host-gib', '0.27'));
const GUESTS = opt('guests', 'fake');
const AFTER = Number(opt('after', '2'));
const PAIRS = Number(opt('pairs', '12'));
const SEAM = process.argv.includes('--seam');
const HERE = resolve(import.meta.dirname, '..');

const scenario = {
  version: 1, name: 'reclaim-ab', title: 'memory.reclaim A/B',
  datacenters: [{
    name: 'DC0',
    clusters: [{ name: 'DC0_C0', hosts: { count: HOSTS, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: HOST_GIB } }],
    vms: Array.from({ length: HOSTS * VMS }, (_, i) => ({
      name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / VMS)}`, vcpus: 1, memoryMiB: 64, monitor: GUESTS === 'real' ? 'bt' : 'interp', powerOn: true, ...RECLAIM_MIX[i % RECLAIM_MIX.length],
    })),
  }],
};

interface Side { advance(ms: number): void; reclaimNs: () => number; barriers: () => number }
async function sideOf(root: string): Promise<Side> {
  const url = (p: string): string => pathToFileURL(resolve(root, p)).href;
  const { Lab } = await import(url('src-main/engine/lab/index.ts'));
  const { HostReclaimer } = await import(url('src-main/engine/overcommit/index.ts'));
  const factory = GUESTS === 'real'
    ? (await import(url('src-main/node/guestFactories.ts'))).defaultGuestFactory().factory
    : (await import(url('test/helpers/fakeGuest.ts'))).fakeGuestFactory;
  if (!factory) throw new Error(`${root}: no guest machine`);
  const lab = new Lab(scenario as never, 1, () => {}, { guestFactory: factory });
  const service = lab.overcommit.service as { atBarrier: (nowMs: number) => void };
  const inner = service.atBarrier;
  let ns = 0;
  let count = 0;
  if (SEAM) {
    const pass = HostReclaimer.prototype.atBarrier as (this: unknown, nowMs: number) => void;
    HostReclaimer.prototype.atBarrier = function (this: unknown, nowMs: number): void {
      const t0 = process.hrtime.bigint();
      pass.call(this, nowMs);
      ns -= Number(process.hrtime.bigint() - t0);
    };
  }
  service.atBarrier = (nowMs: number): void => {
    if (SEAM) {
      const t0 = process.hrtime.bigint();
      inner(nowMs);
      ns += Number(process.hrtime.bigint() - t0);
    } else {
      const c0 = process.cpuUsage();
      inner(nowMs);
      const c = process.cpuUsage(c0);
      ns += (c.user + c.system) * 1000;
    }
    count++;
  };
  return { advance: (ms) => lab.advance(ms), reclaimNs: () => ns, barriers: () => count };
}

const base = await sideOf(resolve(BASE));
const here = await sideOf(HERE);
base.advance(AFTER * 1000);
here.advance(AFTER * 1000);

/** One virtual second: ns inside memory.reclaim per host per barrier. */
const slice = (s: Side): number => {
  const ns0 = s.reclaimNs();
  const b0 = s.barriers();
  s.advance(1000);
  return (s.reclaimNs() - ns0) / Math.max(1, s.barriers() - b0) / HOSTS;
};
const perBarrier = alternatingPairs(PAIRS, (side) => slice(side === 'base' ? base : here));
const ratio = ratioSummary(pairRatios(perBarrier));
const round = (v: number, d = 0): number => Math.round(v * 10 ** d) / 10 ** d;
const load = (() => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return null; } })();
console.log(JSON.stringify({
  benchmark: 'reclaim-barrier-ab', measure: SEAM ? 'seam: wall ns of the service less the reclaimers\' passes' : 'CPU ns of the service', hosts: HOSTS, vmsPerHost: VMS, hostGiB: HOST_GIB, guests: GUESTS, afterSeconds: AFTER, pairs: PAIRS,
  base: resolve(BASE), tree: HERE, barriersPerVirtualS: here.barriers() / (AFTER + PAIRS),
  baseNsPerHostPerBarrier: round(median(perBarrier.base), 1), treeNsPerHostPerBarrier: round(median(perBarrier.tree), 1),
  ratioMedian: ratio.median, ratioMin: ratio.min, ratioMax: ratio.max, pairsLower: ratio.pairsLower, loadAverageAtEnd: load,
}, null, 2));
