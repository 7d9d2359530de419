/**
 * The switch's verification cost per page: the source's hash list (`sourceCheck`: its machine digest with
 * the per-page hasher states, `DigestMemo`) plus the destination's check (`verifySwitch` in one pass with
 * its digest), against the byte-for-byte way it replaced — both digests taken plainly and every page pair
 * compared with `Buffer.compare` — on the same two machines (two labos machines booted alike, not run,
 * then the same random bytes written into a share of their pages), in the same process, alternating.
 *
 * Run: `node --expose-gc --import tsx bench/migration-verify.ts [--mib 64,256] [--dirty 0.1,0.5,1] [--reps 5]`.
 * Prints ONE JSON object: the machine and its load, then per memory size and dirtiness (share of pages
 * holding random bytes; the others are labos's boot image and zero or untouched pages): median
 * milliseconds of `reps` runs for each part —
 *  - `sourceDigest`, `destDigest`: a plain `GuestMachine.digest()` of each side (what the byte-for-byte
 *    way needed anyway); `compare`: every page pair read as words in place (`pageWords`, no copy) and
 *    compared with `Buffer.compare` (untouched pages on either side read as the shared zero page);
 *  - `sourceCheck`: the source's side (digest + hash list); `verifySwitch`: the destination's side;
 *  - `hashWay` = sourceCheck + verifySwitch, `byteWay` = sourceDigest + destDigest + compare, and
 *    `ratio` = hashWay / byteWay (the cost at the switch of checking by hash list rather than reading both
 *    memories in one thread), with `perPageNs` of each way over all the VM's pages.
 * Every run must verify (the bench throws otherwise). Counted, not modelled: host CPU wall time.
 */
import { loadavg, cpus } from 'node:os';
import { buildMachine, type Machine } from '../src-main/engine/machine/index';
import { HostMemory } from '../src-main/engine/memory/index';
import { machineSource } from '../src-main/engine/migration/machineSource';
import { SourcePages, verifySwitch } from '../src-main/engine/migration/verify';
import type { MigrationEnv } from '../src-main/engine/migration/migrationEnv';
import { PAGE_SIZE_BYTES } from '../src-main/engine/params';
import { labosImage, WORKLOADS } from '../test/helpers/machineHarness';

const opt = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SIZES_MIB = opt('mib', '64,256').split(',').map(Number);
const DIRTY = opt('dirty', '0.1,0.5,1').split(',').map(Number);
const REPS = Number(opt('reps', '5'));
const gc = (globalThis as { gc?: () => void }).gc;

/** A deterministic byte stream (xorshift32), so both machines get the same pages. */
function filler(seed: number): (out: Uint8Array) => void {
  let x = seed >>> 0 || 1;
  return (out) => {
    const w = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >>> 2);
    for (let i = 0; i < w.length; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; w[i] = x; }
  };
}

/** A labos machine of `mib` MiB, booted (not run), with `dirty` of its pages (evenly spread) random. */
function machine(mib: number, dirty: number): Machine {
  const m = buildMachine({
    kind: 'boot', config: { vcpus: 1, memoryBytes: mib << 20, levels: 2, monitor: 'interp', cmdline: WORKLOADS.mixed, bootNs: 0 }, image: labosImage({}, 'labos.s'),
  }, { hostMemory: new HostMemory() });
  const fill = filler(0x5eed + mib);
  const page = new Uint8Array(PAGE_SIZE_BYTES);
  const every = dirty > 0 ? 1 / dirty : Infinity;
  // Pages past the boot image only (the first 1 MiB keeps labos's image as it was loaded).
  for (let k = 0, g = 256; g < m.pageCount; k++, g = 256 + Math.floor(k * every)) {
    fill(page);
    if (!m.writePage(g, page)) throw new Error('host out of memory');
  }
  return m;
}

function compareAll(a: Machine, b: Machine): number {
  let differ = 0;
  for (let g = 0; g < a.pageCount; g++) {
    const x = a.pageWords(g);
    const y = b.pageWords(g);
    if (!x || !y) { differ++; continue; }
    if (Buffer.compare(new Uint8Array(x.buffer, x.byteOffset, PAGE_SIZE_BYTES), new Uint8Array(y.buffer, y.byteOffset, PAGE_SIZE_BYTES)) !== 0) differ++;
  }
  return differ;
}

function timed<T>(f: () => T): [number, T] {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [Number(process.hrtime.bigint() - t0) / 1e6, r];
}

const median = (xs: number[]): number => { const s = [...xs].sort((p, q) => p - q); return s[s.length >> 1]; };
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

const load = [loadavg()[0]];
const rows: unknown[] = [];
for (const mib of SIZES_MIB) {
  for (const dirty of DIRTY) {
    const src = machine(mib, dirty);
    const dst = machine(mib, dirty);
    const env = { memberCount: 1, ...machineSource(() => src) } as unknown as MigrationEnv;
    const parts: Record<string, number[]> = { sourceDigest: [], destDigest: [], compare: [], sourceCheck: [], verifySwitch: [] };
    for (let r = 0; r < REPS + 1; r++) {
      gc?.();
      // Alternating which way goes first, so neither always meets a cold cache.
      const byte = (): void => {
        const [a, da] = timed(() => src.digest());
        const [b, db] = timed(() => dst.digest());
        const [c, differ] = timed(() => compareAll(src, dst));
        if (da !== db || differ !== 0) throw new Error('the byte-for-byte way did not find the copy equal');
        if (r > 0) { parts.sourceDigest.push(a); parts.destDigest.push(b); parts.compare.push(c); }
      };
      const hash = (): void => {
        const [a, check] = timed(() => env.sourceCheck(0));
        const [b, verdict] = timed(() => verifySwitch([dst], [new SourcePages(check)], false));
        if (!verdict.verified) throw new Error('the hash-list way did not verify the copy');
        if (r > 0) { parts.sourceCheck.push(a); parts.verifySwitch.push(b); }
      };
      if (r % 2) { byte(); hash(); } else { hash(); byte(); }
    }
    const med = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(median(v))]));
    const hashWay = median(parts.sourceCheck.map((x, i) => x + parts.verifySwitch[i]));
    const byteWay = median(parts.sourceDigest.map((x, i) => x + parts.destDigest[i] + parts.compare[i]));
    const ratios = parts.sourceCheck.map((x, i) => (x + parts.verifySwitch[i]) / (parts.sourceDigest[i] + parts.destDigest[i] + parts.compare[i]));
    rows.push({
      mib, dirty, pages: src.pageCount, randomPages: Math.ceil((src.pageCount - 256) * dirty),
      ms: med, hashWay: round(hashWay), byteWay: round(byteWay), ratio: round(median(ratios), 3),
      ratioRange: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
      perPageNs: { hashWay: round((hashWay * 1e6) / src.pageCount, 0), byteWay: round((byteWay * 1e6) / src.pageCount, 0) },
    });
    src.dispose?.();
    dst.dispose?.();
    load.push(loadavg()[0]);
  }
}
console.log(JSON.stringify({
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
  loadAverage1m: { min: round(Math.min(...load)), max: round(Math.max(...load)) }, reps: REPS, rows,
}, null, 2));
