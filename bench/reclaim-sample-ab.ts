/**
 * reclaim-sample-ab — what a VM's part of the host's 20 s sample (`takeVmReclaimSample`: the frames its
 * guest maps and shares, its reclamation counters) costs on two engine trees side by side in ONE process.
 *
 * Run (from this tree): `node --import tsx bench/reclaim-sample-ab.ts --base DIR [--vms 4] [--pages 8192]
 * [--rounds 20] [--pairs 12]`. DIR is another checkout of the engine (an export of the commit to compare
 * against, node_modules beside it). Both trees build the same host: `--vms` page-level test guests
 * (test/helpers/pageGuest.ts: the engine's own guest memory, no CPU) of `--pages` 4 KiB pages, every page
 * written with its own words, then every fourth page of each guest but the first shared onto the first's
 * (frames mapped by 1 and by `--vms` pages, as page sharing leaves them). A measurement samples every VM
 * `--rounds` times; base and this tree alternate (base first in even pairs). Prints one JSON object: each
 * tree's median in µs of process CPU time (user + system) per VM sample, and the median of per-pair ratios
 * (this tree / base) with how many pairs were lower — the figure to quote.
 * Rules: the same guests' contents on both sides; the trees share no module state.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternatingPairs, median, pairRatios, ratioSummary } from './abPairs';

const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const BASE = opt('base', '');
if (!BASE) { console.error('usage: bench/reclaim-sample-ab.ts --base DIR [--vms N] [--pages N] [--rounds N] [--pairs N]'); process.exit(2); }
const [VMS, PAGES, ROUNDS, PAIRS] = ([['vms', '4'], ['pages', '8192'], ['rounds', '20'], ['pairs', '12']] as const).map(([name, def]) => Number(opt(name, def)));
const HERE = resolve(import.meta.dirname, '..');

const cpuNs = (): number => { const c = process.cpuUsage(); return (c.user + c.system) * 1000; };

/** One tree's host: a reclaimer with its guests attached; `sample()` takes every VM's sample once. */
async function sideOf(root: string): Promise<{ sample: () => number }> {
  const url = (p: string): string => pathToFileURL(resolve(root, p)).href;
  const { HostReclaimer, takeVmReclaimSample } = await import(url('src-main/engine/overcommit/index.ts'));
  const { HostMemory } = await import(url('src-main/engine/memory/index.ts'));
  const { PageGuest } = await import(url('test/helpers/pageGuest.ts'));
  const frames = VMS * PAGES + 16;
  const pool = new HostMemory({ capacityBytes: frames * 4096 });
  const host = { id: 'host-1', memoryBytes: frames * 4096, memoryReclamation: { compression: false, ballooning: false } };
  const guests = Array.from({ length: VMS }, () => new PageGuest(pool, PAGES));
  const env = {
    host: () => host, pool: () => pool, vm: () => ({ memoryBytes: PAGES * 4096 }),
    guest: (id: string) => guests[Number(id.slice(3))], stateChanged: () => {},
  };
  const r = new HostReclaimer('host-1', env, 7);
  guests.forEach((g, i) => r.attach(`vm-${i}`, g, i + 1));
  let seq = 1;
  for (const g of guests) for (let p = 0; p < PAGES; p++) g.write(p, new Int32Array(1024).fill(seq++));
  for (let i = 1; i < VMS; i++) for (let p = 0; p < PAGES; p += 4) guests[i].sharePage(p, guests[0], p);
  const reclaims = guests.map((_, i) => r.vm(`vm-${i}`));
  return {
    sample: () => {
      let sink = 0;
      for (let i = 0; i < VMS; i++) sink += takeVmReclaimSample(reclaims[i], guests[i], 0).consumedFrames;
      return sink;
    },
  };
}

const sides = { base: await sideOf(resolve(BASE)), tree: await sideOf(HERE) };
const check = { base: sides.base.sample(), tree: sides.tree.sample() };
if (check.base !== check.tree) throw new Error(`the trees' samples differ: consumed frames ${check.base} (base), ${check.tree} (tree)`);
const usPerSample = alternatingPairs(PAIRS, (side) => {
  const t0 = cpuNs();
  for (let k = 0; k < ROUNDS; k++) sides[side].sample();
  return (cpuNs() - t0) / 1000 / (ROUNDS * VMS);
});
const r1 = (x: number): number => Math.round(x * 10) / 10;
console.log(JSON.stringify({
  vms: VMS, pages: PAGES, rounds: ROUNDS, pairs: PAIRS,
  usPerVmSample: { base: r1(median(usPerSample.base)), tree: r1(median(usPerSample.tree)) },
  ratio: ratioSummary(pairRatios(usPerSample)),
}));
