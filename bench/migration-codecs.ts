/**
 * Live migration's host-side work, measured: the source of the engine's cost model for it
 * (`MIGRATION_CPU_COST` and `CODEC_CPU_COST` in src-main/engine/params.ts, docs/migration.md "Cost model").
 *
 * Run: `npm run bench -- migration-codecs` or `npx tsx bench/migration-codecs.ts [--mib 16]`.
 * Prints JSON: the machine and its load, then CPU ns per byte (process CPU time, not wall time, so a
 * busy shared machine disturbs it less) for
 *  - scanning: zero-page detection, the page hash (xxHash64 from the codec port vs the engine's own
 *    pure-TypeScript hash — which one the port uses is decided here), full page compare, page copy,
 *    and the scan rate in GiB/s per core (zero check + hash of every page: the issue's ≥ 2 GiB/s goal);
 *  - XBZRLE encode and decode of a page with one word changed (the sparse case) and with every byte changed
 *    (overflow: the encoder gives up);
 *  - each codec and level on multifd packets of 128 pages (what the engine compresses), once on random
 *    (incompressible) pages and once on text-like pages (four-letter chunks of a 16-entry table, as
 *    memwrite's content=text writes), with the compression ratio; and the fit
 *    ns = inNs × input bytes + outNs × output bytes from those two points, per level;
 *  - the migration stream's zstd packet path as it was (the package's one-shot calls, a copy per page) and
 *    as it is (kept contexts and buffers through the port), alternated (`zstdPacketPath`).
 * The pages are generated from a fixed-seed xorshift32, as memwrite's are.
 */
import { cpus, loadavg } from 'node:os';
import { loadPageCodecs } from '../src-main/node/codecs/pageCodecs';
import { equalPages, hashPage, isZeroPage, xbzrleDecode, xbzrleEncode } from '../src-main/engine/migration/index';
import type { PageCodecName } from '../src-main/engine/index';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const PAGE = 4096;
const PACKET_PAGES = 128;
const MIB = arg('mib', 16);
const PAGES = (MIB * 1048576) / PAGE;
const MIN_CPU_MS = 250;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}
const TEXT_TABLE = ['the ', 'and ', 'page', 'host', 'dirt', 'copy', 'ram ', 'vm  ', 'lab ', 'bits', 'wire', 'link', 'ok. ', 'time', 'rate', 'sent'];
function pages(kind: 'random' | 'text', n: number, seed: number): Uint8Array {
  const next = xorshift(seed);
  const out = new Uint8Array(n * PAGE);
  const w = new DataView(out.buffer);
  for (let o = 0; o < out.length; o += 4) {
    const r = next();
    if (kind === 'random') w.setUint32(o, r, true);
    else { const t = TEXT_TABLE[r >>> 28]; for (let k = 0; k < 4; k++) out[o + k] = t.charCodeAt(k); }
  }
  return out;
}

/** CPU ns per call of `fn`, repeated until MIN_CPU_MS of process CPU time. */
function cpuNsPerCall(fn: () => void): number {
  for (let i = 0; i < 3; i++) fn();
  let calls = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < MIN_CPU_MS * 1000) {
    fn();
    calls++;
    const u = process.cpuUsage(start);
    used = u.user + u.system;
  }
  return (used * 1000) / calls;
}

const port = await loadPageCodecs();
const random = pages('random', PAGES, 7);
const text = pages('text', PAGES, 11);
const zero = new Uint8Array(PAGES * PAGE);
const pageAt = (buf: Uint8Array, i: number) => buf.subarray(i * PAGE, (i + 1) * PAGE);
const bytes = PAGES * PAGE;
let sink = 0;

// --- scanning ---
const zeroScanNs = cpuNsPerCall(() => { for (let i = 0; i < PAGES; i++) if (isZeroPage(pageAt(zero, i))) sink++; }) / bytes;
const zeroScanNonZeroNs = cpuNsPerCall(() => { for (let i = 0; i < PAGES; i++) if (isZeroPage(pageAt(random, i))) sink++; }) / bytes;
const xxhNs = cpuNsPerCall(() => { for (let i = 0; i < PAGES; i++) sink ^= port.hash64(pageAt(random, i)); }) / bytes;
const engineHashNs = cpuNsPerCall(() => { for (let i = 0; i < PAGES; i++) sink ^= hashPage(pageAt(random, i)); }) / bytes;
const copyOfRandom = random.slice();
const compareNs = cpuNsPerCall(() => { for (let i = 0; i < PAGES; i++) if (equalPages(pageAt(random, i), pageAt(copyOfRandom, i))) sink++; }) / bytes;
const dst = new Uint8Array(bytes);
const copyNs = cpuNsPerCall(() => { for (let i = 0; i < PAGES; i++) dst.set(pageAt(random, i), i * PAGE); }) / bytes;
const hashNs = Math.min(xxhNs, engineHashNs);
// The source's scan of a dirty page: zero check (a non-zero page exits early, a zero page is read whole)
// and the hash for dedup; the worst case is the zero page's full read plus the hash.
const scanGiBs = 1e9 / (zeroScanNs + hashNs) / 2 ** 30;

// --- XBZRLE ---
const SPARSE_PAGES = Math.min(PAGES, 1024);
const changedSparse = random.slice(0, SPARSE_PAGES * PAGE);
for (let i = 0; i < SPARSE_PAGES; i++) changedSparse[i * PAGE + ((i * 64) % PAGE)] ^= 0x5a;
const changedAll = pages('random', SPARSE_PAGES, 99);
const enc = new Uint8Array(PAGE + 64);
const encodedSparse: Uint8Array[] = [];
for (let i = 0; i < SPARSE_PAGES; i++) {
  const n = xbzrleEncode(pageAt(random, i), pageAt(changedSparse, i), enc);
  encodedSparse.push(enc.slice(0, n));
}
const xbzrleEncodeSparseNs = cpuNsPerCall(() => { for (let i = 0; i < SPARSE_PAGES; i++) sink += xbzrleEncode(pageAt(random, i), pageAt(changedSparse, i), enc); }) / (SPARSE_PAGES * PAGE);
const xbzrleEncodeOverflowNs = cpuNsPerCall(() => { for (let i = 0; i < SPARSE_PAGES; i++) sink += xbzrleEncode(pageAt(random, i), pageAt(changedAll, i), enc); }) / (SPARSE_PAGES * PAGE);
const scratch = random.slice(0, SPARSE_PAGES * PAGE);
const xbzrleDecodeNs = cpuNsPerCall(() => { for (let i = 0; i < SPARSE_PAGES; i++) xbzrleDecode(encodedSparse[i], encodedSparse[i].length, pageAt(scratch, i)); }) / (SPARSE_PAGES * PAGE);

// --- codecs on multifd packets ---
const LEVELS: Record<PageCodecName, number[]> = { zlib: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], zstd: [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 19, 22], lz4: [1] };
const PACKETS = Math.min(8, PAGES / PACKET_PAGES);
const packet = (buf: Uint8Array, i: number) => buf.subarray(i * PACKET_PAGES * PAGE, (i + 1) * PACKET_PAGES * PAGE);
interface Point { inBytes: number; outBytes: number; ns: number }
function measure(codec: PageCodecName, level: number, buf: Uint8Array): { c: Point; d: Point } {
  const outs = Array.from({ length: PACKETS }, (_, i) => port.compress(codec, level, packet(buf, i)));
  const inBytes = PACKETS * PACKET_PAGES * PAGE;
  const outBytes = outs.reduce((s, o) => s + o.length, 0);
  const c = cpuNsPerCall(() => { for (let i = 0; i < PACKETS; i++) sink += port.compress(codec, level, packet(buf, i)).length; });
  const d = cpuNsPerCall(() => { for (let i = 0; i < PACKETS; i++) sink += port.decompress(codec, outs[i], PACKET_PAGES * PAGE).length; });
  return { c: { inBytes, outBytes, ns: c }, d: { inBytes: outBytes, outBytes: inBytes, ns: d } };
}
/**
 * ns = a × in + b × out through the random and the text point. b may be negative: a codec spends more
 * per input byte on data it can compress (it finds matches) than on data it gives up on, so fewer output
 * bytes cost more; the line stays ≥ 0 between the two points and at out = 0. Equal outputs (zlib 0
 * stores): b = 0, a = the mean.
 */
function fit(p: Point, q: Point, by: 'in' | 'out'): { inNs: number; outNs: number } {
  // Compression: the same input, different outputs. Decompression: the same output, different inputs.
  const [px, qx, py, qy] = by === 'in' ? [p.outBytes, q.outBytes, p.inBytes, q.inBytes] : [p.inBytes, q.inBytes, p.outBytes, q.outBytes];
  if (px === qx) {
    const mean = (p.ns / py + q.ns / qy) / 2;
    return by === 'in' ? { inNs: r3(mean), outNs: 0 } : { inNs: 0, outNs: r3(mean) };
  }
  const slope = (p.ns - q.ns) / (px - qx);
  const fixed = (p.ns - slope * px) / py;
  return by === 'in' ? { inNs: r3(fixed), outNs: r3(slope) } : { inNs: r3(slope), outNs: r3(fixed) };
}
/**
 * The migration stream's zstd packet path (pageSender.ts `flush`), random pages at level 1: 128 pages
 * gathered into a packet, compressed, decompressed. `oneShot` as the stream did it with the package's
 * own calls (a copy of each page, a new packet buffer, and per call a new context, buffers and output
 * array); `kept` as it does now through the port (pages gathered into one kept buffer, compressed into
 * the port's own buffer, decompressed into a kept one). Alternated, CPU ns per packet byte.
 */
async function zstdPacketPath(): Promise<{ oneShotNsPerByte: number; keptNsPerByte: number; keptOverOneShot: number }> {
  const pkg = await import('@bokuweb/zstd-wasm') as unknown as { compress(b: Uint8Array, level: number): Uint8Array; decompress(b: Uint8Array): Uint8Array };
  const packetBytes = PACKET_PAGES * PAGE;
  const kept = new Uint8Array(packetBytes);
  const unpacked = new Uint8Array(packetBytes);
  const oneShot = (i: number): void => {
    const copies = Array.from({ length: PACKET_PAGES }, (_, k) => pageAt(random, (i * PACKET_PAGES + k) % PAGES).slice());
    const raw = new Uint8Array(packetBytes);
    copies.forEach((c, k) => raw.set(c, k * PAGE));
    sink += pkg.decompress(pkg.compress(raw, 1)).length;
  };
  const keptPath = (i: number): void => {
    for (let k = 0; k < PACKET_PAGES; k++) kept.set(pageAt(random, (i * PACKET_PAGES + k) % PAGES), k * PAGE);
    sink += port.decompress('zstd', port.compress('zstd', 1, kept, true), packetBytes, unpacked).length;
  };
  const perByte = (path: (i: number) => void): number => cpuNsPerCall(() => { for (let i = 0; i < PACKETS; i++) path(i); }) / (PACKETS * packetBytes);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 5; round++) { a.push(perByte(oneShot)); b.push(perByte(keptPath)); }
  const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
  return { oneShotNsPerByte: r3(median(a)), keptNsPerByte: r3(median(b)), keptOverOneShot: r3(median(b) / median(a)) };
}
const zstdPacket = port.codecs.includes('zstd') ? await zstdPacketPath() : undefined;

const codecs: Record<string, unknown> = {};
for (const codec of port.codecs) {
  const levels = [];
  let decompressFit: { inNs: number; outNs: number } | undefined;
  for (const level of LEVELS[codec]) {
    const rnd = measure(codec, level, random);
    const txt = measure(codec, level, text);
    if (rnd.c.outBytes !== txt.c.outBytes) decompressFit ??= fit(rnd.d, txt.d, 'out');
    levels.push({
      level,
      random: { ratio: r3(rnd.c.inBytes / rnd.c.outBytes), compressNsPerByte: r3(rnd.c.ns / rnd.c.inBytes), decompressNsPerByte: r3(rnd.d.ns / rnd.d.outBytes) },
      text: { ratio: r3(txt.c.inBytes / txt.c.outBytes), compressNsPerByte: r3(txt.c.ns / txt.c.inBytes), decompressNsPerByte: r3(txt.d.ns / txt.d.outBytes) },
      compressFit: fit(rnd.c, txt.c, 'in'),
    });
  }
  codecs[codec] = { version: port.versions[codec], levels, decompressFit };
}

console.log(JSON.stringify({
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) },
  pagesMiB: MIB,
  nsPerByte: {
    zeroScan: r3(zeroScanNs), zeroScanNonZeroPage: r3(zeroScanNonZeroNs), hashXxh64: r3(xxhNs), hashEngine: r3(engineHashNs),
    compare: r3(compareNs), copy: r3(copyNs), xbzrleEncode: r3(xbzrleEncodeSparseNs), xbzrleEncodeOverflow: r3(xbzrleEncodeOverflowNs), xbzrleDecode: r3(xbzrleDecodeNs),
  },
  fasterHash: xxhNs <= engineHashNs ? port.hashName : 'engine hash (pure TypeScript)',
  scanGiBPerSecondPerCore: r3(scanGiBs),
  xbzrleSparseEncodedBytesPerPage: r3(encodedSparse.reduce((s, e) => s + e.length, 0) / SPARSE_PAGES),
  zstdPacketPath: zstdPacket,
  codecs,
  sink: sink & 1,
}, null, 2));
