// XBZRLE (QEMU's format and overflow rule), the LRU cache sized in bytes, zero-page detection, the
// dedup index's full compare, and the real codecs through the node port: real bytes in, real bytes out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DedupIndex, XbzrleCache, hashPage, isZeroPage, xbzrleDecode, xbzrleEncode } from '../../../src-main/engine/migration/index';
import { loadPageCodecs } from '../../../src-main/node/codecs/pageCodecs';
import { Rng } from '../../../src-main/engine/sim/rng';

const PAGE = 4096;
const page = (fill = 0) => new Uint8Array(PAGE).fill(fill);

test('XBZRLE: the example of QEMU\'s xbzrle.txt encodes to 24 bytes and decodes back', () => {
  const old = page(7);
  const cur = old.slice();
  // 1001 unchanged bytes, a 21-byte region with 3 changed runs (7 + 2 + 5 + 2 + 5 changed/unchanged), 3074 unchanged.
  const changed = [[1001, 7], [1010, 5], [1017, 5]];
  for (const [at, n] of changed) for (let i = 0; i < n; i++) cur[at + i] = 0x55;
  const out = new Uint8Array(PAGE + 16);
  const len = xbzrleEncode(old, cur, out);
  assert.equal(len, 24);
  const dst = old.slice();
  xbzrleDecode(out, len, dst);
  assert.deepEqual(dst, cur);
});

test('XBZRLE: unchanged → 0, whole-page random change → overflow (-1), random sparse edits round-trip', () => {
  const rng = new Rng(3);
  const out = new Uint8Array(PAGE + 16);
  const old = new Uint8Array(PAGE).map(() => rng.int(256));
  assert.equal(xbzrleEncode(old, old.slice(), out), 0);
  const noise = new Uint8Array(PAGE).map(() => rng.int(256));
  for (let i = 0; i < PAGE; i++) if (noise[i] === old[i]) noise[i] ^= 1;
  assert.equal(xbzrleEncode(old, noise, out), -1);
  for (let t = 0; t < 300; t++) {
    const cur = old.slice();
    const edits = 1 + rng.int(40);
    for (let e = 0; e < edits; e++) { const at = rng.int(PAGE); const n = 1 + rng.int(16); for (let i = at; i < Math.min(PAGE, at + n); i++) cur[i] = rng.int(256); }
    const len = xbzrleEncode(old, cur, out);
    if (len <= 0) { assert.ok(len === 0 ? cur.every((b, i) => b === old[i]) : true); continue; }
    assert.ok(len < PAGE);
    const dst = old.slice();
    xbzrleDecode(out, len, dst);
    assert.deepEqual(dst, cur, `trial ${t}`);
  }
});

test('XBZRLE cache: capacity in bytes, least recently used out, counts hits and misses', () => {
  const c = new XbzrleCache(3 * PAGE);
  assert.equal(c.capacityPages, 3);
  for (let g = 0; g < 3; g++) c.put(XbzrleCache.key(0, g), page(g + 1));
  assert.ok(c.lookup(XbzrleCache.key(0, 0))); // 0 becomes the most recently used
  c.put(XbzrleCache.key(0, 3), page(9)); // evicts 1, the least recently used
  assert.equal(c.lookup(XbzrleCache.key(0, 1)), undefined);
  assert.equal(c.lookup(XbzrleCache.key(0, 0))![0], 1);
  assert.equal(c.size, 3);
  assert.deepEqual({ hits: c.counters.hits, misses: c.counters.misses, evictions: c.counters.evictions }, { hits: 2, misses: 1, evictions: 1 });
});

test('zero pages: every byte checked, including the sign byte of each 8 (−0.0 is not zero)', () => {
  assert.ok(isZeroPage(page()));
  for (const at of [0, 7, 8, 2047, 4095]) { const p = page(); p[at] = 0x80; assert.equal(isZeroPage(p), false, `byte ${at}`); }
});

test('dedup index: a hash match is used only when every byte is equal (forced collisions never corrupt)', () => {
  const idx = new DedupIndex();
  const held = new Map<number, Uint8Array>([[1, page(1)], [2, page(2)], [3, page(3)]]);
  // Every page "hashes" to 42: the worst case.
  for (const g of held.keys()) idx.remember({ member: 0, gpfn: g }, 42);
  const read = (p: { gpfn: number }) => held.get(p.gpfn);
  assert.deepEqual(idx.find(42, page(3), read), { member: 0, gpfn: 3 });
  assert.equal(idx.find(42, page(4), read), undefined);
  assert.equal(idx.counters.collisions, 2 + 3);
  // The place's content changed after it was indexed: the compare catches it too.
  held.set(3, page(5));
  assert.equal(idx.find(42, page(3), read), undefined);
  assert.ok(hashPage(page(1)) !== hashPage(page(2)));
});

test('codec port: zlib, zstd and lz4 really compress text-like pages and not random ones, and give the bytes back', async () => {
  const port = await loadPageCodecs();
  const rng = new Rng(9);
  const words = 'the and pagedatahostmem of a to copydirty bits, VM. linkratesent';
  const text = new Uint8Array(16 * PAGE);
  for (let i = 0; i < text.length; i += 4) { const w = rng.int(16) * 4; for (let k = 0; k < 4; k++) text[i + k] = words.charCodeAt(w + k); }
  const random = new Uint8Array(16 * PAGE).map(() => rng.int(256));
  for (const codec of port.codecs) {
    for (const [name, data] of [['text', text], ['random', random]] as const) {
      const z = port.compress(codec, 1, data);
      const back = port.decompress(codec, z, data.length);
      assert.deepEqual(back, data, `${codec} ${name}`);
      // lz4 trades ratio for speed: it still shrinks text, zlib and zstd much more.
      if (name === 'text') assert.ok(z.length < data.length / (codec === 'lz4' ? 1.3 : 2.5), `${codec} text ratio ${data.length / z.length}`);
      else assert.ok(z.length > data.length * 0.98, `${codec} random ratio ${data.length / z.length}`);
    }
  }
  assert.notEqual(port.hash64(text.subarray(0, PAGE)), port.hash64(text.subarray(PAGE, 2 * PAGE)));
});

test('zstd through kept contexts and buffers gives the package\'s one-shot bytes, whatever came before; a lent output and a given buffer round-trip', async () => {
  const port = await loadPageCodecs();
  const oneShot = (await import('@bokuweb/zstd-wasm')) as unknown as { compress(b: Uint8Array, level: number): Uint8Array; decompress(b: Uint8Array): Uint8Array };
  const rng = new Rng(13);
  const inputs: Uint8Array[] = [];
  for (let n = 0; n < 24; n++) {
    const pages = 1 + rng.int(128);
    const b = new Uint8Array(pages * PAGE);
    const kind = rng.int(3);
    for (let i = 0; i < b.length; i++) b[i] = kind === 0 ? rng.int(256) : kind === 1 ? 97 + ((i >> 3) % 11) + rng.int(2) : (i % 4096 < 64 ? rng.int(256) : 0);
    inputs.push(b);
  }
  const into = new Uint8Array(128 * PAGE);
  for (const [i, b] of inputs.entries()) {
    const level = [1, 1, 3, 9, 19][i % 5];
    const expected = oneShot.compress(b, level);
    const own = port.compress('zstd', level, b);
    assert.deepEqual(own, expected, `input ${i}, level ${level}: the same bytes as a fresh context`);
    const lent = port.compress('zstd', level, b, true);
    assert.equal(lent.length, expected.length);
    const back = port.decompress('zstd', lent, b.length, into);
    assert.equal(back.buffer, into.buffer, 'decompressed into the given buffer');
    assert.deepEqual(back, b);
    assert.deepEqual(port.decompress('zstd', own, b.length), b);
    assert.deepEqual(oneShot.decompress(own), b);
  }
  assert.throws(() => port.decompress('zstd', port.compress('zstd', 1, inputs[0]), inputs[0].length + 1), /zstd/);
});
