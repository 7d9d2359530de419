/**
 * Memory-overcommitment benchmark: the host-time work of reclamation on real page contents — the sharing
 * scanner's 64-bit page hash (GiB/s of pages hashed, one core) and the LZ4 codec of the compression cache
 * (pages/s compressed and decompressed, the ratio, and what share of pages fit in half a page).
 *
 * Run: `npx tsx bench/overcommit.ts [--pages 20000]`. Prints one JSON object.
 * Pages: "text" (a 64-byte phrase rotated per page, as memwrite content=1 writes), "sparse" (one word per
 * page, as memwrite content=0 leaves after one pass), "random" (xorshift words, content=2: nothing to
 * compress), "code" (the labos kernel image's own pages, cycled).
 * The decompression figure is what `DECOMPRESS_NS_PER_PAGE` (params.ts) models in virtual time.
 */
import { hashPage } from '../src-main/engine/overcommit/index';
import { LZ4_MAX_OUTPUT, lz4Compress, lz4Decompress } from '../src-main/engine/overcommit/index';
import { labosImage } from '../test/helpers/machineHarness';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const PAGES = arg('pages', 20_000);
const PAGE = 4096;

function kind(name: string, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const phrase = new TextEncoder().encode('the quick brown fox jumps over the lazy dog; pack my box with 5 ');
  const img = labosImage().bytes;
  for (let p = 0; p < n; p++) {
    const b = new Uint8Array(PAGE);
    if (name === 'text') for (let i = 0; i < PAGE; i++) b[i] = phrase[(i + p * 4) % 64];
    else if (name === 'sparse') new DataView(b.buffer).setUint32((p * 4) % PAGE, (p * 0x9e3779b9) >>> 0, true);
    else if (name === 'random') {
      let x = (p * 2 + 1) >>> 0;
      const dv = new DataView(b.buffer);
      for (let i = 0; i < PAGE; i += 4) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; dv.setUint32(i, x, true); }
    } else {
      const pages = Math.max(1, Math.floor(img.length / PAGE));
      b.set(img.subarray((p % pages) * PAGE, (p % pages) * PAGE + PAGE));
    }
    out.push(b);
  }
  return out;
}

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const result: Record<string, unknown> = { pages: PAGES };
const hash: Record<string, number> = {};
const codec: Record<string, unknown> = {};
const out = new Uint32Array(2);
const zip = new Uint8Array(LZ4_MAX_OUTPUT(PAGE));
const back = new Uint8Array(PAGE);
for (const name of ['text', 'sparse', 'random', 'code']) {
  const pages = kind(name, PAGES);
  const words = pages.map((b) => new Int32Array(b.buffer));
  for (let r = 0; r < 2; r++) for (const w of words) hashPage(w, out); // warm-up
  const hs = timeIt(() => { for (let r = 0; r < 5; r++) for (const w of words) hashPage(w, out); });
  hash[name] = +((5 * PAGES * PAGE) / hs / 2 ** 30).toFixed(2);
  const blocks: Uint8Array[] = [];
  let bytes = 0; let fit = 0;
  for (const b of pages.slice(0, 1000)) lz4Compress(b, zip); // warm-up
  const cs = timeIt(() => {
    for (const b of pages) {
      const n = lz4Compress(b, zip);
      bytes += n;
      if (n <= PAGE / 2) fit++;
      blocks.push(zip.slice(0, n));
    }
  });
  const ds = timeIt(() => { for (const z of blocks) lz4Decompress(z, back); });
  for (let i = 0; i < pages.length; i += 997) { lz4Decompress(blocks[i], back); if (!back.every((v, k) => v === pages[i][k])) throw new Error(`round trip failed on ${name} page ${i}`); }
  codec[name] = {
    compressPagesPerSec: Math.round(PAGES / cs), decompressPagesPerSec: Math.round(PAGES / ds),
    decompressNsPerPage: Math.round((ds / PAGES) * 1e9), ratio: +((PAGES * PAGE) / bytes).toFixed(2), fitHalfPage: +(fit / PAGES).toFixed(3),
  };
}
result.hashGiBPerSec = hash;
result.lz4 = codec;
console.log(JSON.stringify(result, null, 2));
