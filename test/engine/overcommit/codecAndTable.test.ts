/** The pure parts of memory overcommitment: the free-memory states, the LZ4 codec, the page hash and the sharing table. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freeMemoryState, memStateNumber, minFreeFrames } from '../../../src-main/engine/overcommit/memState';
import { LZ4_MAX_OUTPUT, lz4Compress, lz4Decompress } from '../../../src-main/engine/overcommit/lz4';
import { hashPage } from '../../../src-main/engine/overcommit/pageHash';
import { hintRef, isShared, refGpfn, refVm, sharedRef, SharingTable } from '../../../src-main/engine/overcommit/sharingTable';
import { Rng } from '../../../src-main/engine/sim/rng';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

test('minFree follows ESXi\'s sliding scale: ~899 MB at 28 GB, +1 % beyond; 6 % of a small host', () => {
  assert.ok(Math.abs(minFreeFrames(28 * GiB) * 4096 / MiB - 901.12) < 0.01, '6 % of 4 + 4 % of 8 + 2 % of 16 GiB');
  assert.ok(Math.abs(minFreeFrames(100 * GiB) * 4096 / MiB - (901.12 + 0.01 * 72 * 1024)) < 0.01);
  assert.equal(minFreeFrames(1 * GiB), Math.floor(0.06 * GiB / 4096));
});

test('states: high ≥ 100 %, clear < 100 %, soft < 64 %, hard < 32 %, low < 16 % of minFree', () => {
  const m = 1000;
  assert.equal(freeMemoryState(1000, m), 'high');
  assert.equal(freeMemoryState(999, m), 'clear');
  assert.equal(freeMemoryState(640, m), 'clear');
  assert.equal(freeMemoryState(639, m), 'soft');
  assert.equal(freeMemoryState(319, m), 'hard');
  assert.equal(freeMemoryState(159, m), 'low');
  assert.equal(freeMemoryState(0, m), 'low');
  assert.deepEqual(['high', 'clear', 'soft', 'hard', 'low'].map((s) => memStateNumber(s as never)), [0, 1, 2, 3, 4]);
});

function page(kind: 'zero' | 'text' | 'random' | 'runs', seed: number): Uint8Array {
  const b = new Uint8Array(4096);
  const r = new Rng(seed);
  if (kind === 'text') { const w = 'the quick brown fox jumps over the lazy dog '; for (let i = 0; i < 4096; i++) b[i] = w.charCodeAt((i * 7 + seed) % w.length); }
  if (kind === 'random') for (let i = 0; i < 4096; i++) b[i] = r.int(256);
  if (kind === 'runs') for (let i = 0; i < 4096; i++) b[i] = (i >> (r.int(6) + 2)) & 0xff;
  return b;
}

test('LZ4 round-trips real page contents; zero and text pages fit in half a page, random ones do not', () => {
  const dst = new Uint8Array(LZ4_MAX_OUTPUT(4096));
  const back = new Uint8Array(4096);
  for (const kind of ['zero', 'text', 'random', 'runs'] as const) {
    for (let s = 0; s < 20; s++) {
      const src = page(kind, s);
      const n = lz4Compress(src, dst);
      assert.ok(n > 0);
      assert.equal(lz4Decompress(dst.subarray(0, n), back), 4096);
      assert.deepEqual(back, src, `${kind} ${s}`);
      if (kind === 'zero' || kind === 'text') assert.ok(n <= 2048, `${kind} compresses to ${n}`);
      if (kind === 'random') { assert.ok(n > 2048); assert.equal(lz4Compress(src, dst, 2048), -1, 'gives up past the limit'); }
    }
  }
});

test('LZ4 round-trips seeded random mixtures; malformed input is a RangeError, never an overrun', () => {
  const r = new Rng(7);
  const dst = new Uint8Array(LZ4_MAX_OUTPUT(4096));
  const back = new Uint8Array(4096);
  for (let t = 0; t < 300; t++) {
    const src = new Uint8Array(4096);
    let i = 0;
    while (i < 4096) {
      const len = 1 + r.int(300);
      const mode = r.int(3);
      for (let k = 0; k < len && i < 4096; k++, i++) src[i] = mode === 0 ? 0 : mode === 1 ? r.int(256) : src[Math.max(0, i - 1 - r.int(40))];
    }
    const n = lz4Compress(src, dst);
    assert.equal(lz4Decompress(dst.subarray(0, n), back), 4096);
    assert.deepEqual(back, src);
    const bad = dst.slice(0, n);
    bad[r.int(n)] ^= 1 + r.int(255);
    try { lz4Decompress(bad, new Uint8Array(4096)); } catch (e) { assert.ok(e instanceof RangeError); }
  }
});

test('the page hash separates pages that differ in one word, and is stable', () => {
  const a = new Int32Array(1024); const b = new Int32Array(1024);
  const ha = new Uint32Array(2); const hb = new Uint32Array(2);
  const seen = new Set<string>();
  for (let i = 0; i < 1024; i++) {
    b.fill(0); b[i] = 1;
    hashPage(b, hb);
    seen.add(`${hb[0]}:${hb[1]}`);
  }
  assert.equal(seen.size, 1024);
  hashPage(a, ha); const again = new Uint32Array(2); hashPage(a, again);
  assert.deepEqual(ha, again);
});

test('sharing table: insert, find, refs, backward-shift removal under growth', () => {
  const t = new SharingTable(16);
  const r = new Rng(3);
  const keys: [number, number, number][] = [];
  for (let i = 0; i < 5000; i++) {
    const hi = r.next(); const lo = i % 7 === 0 ? 5 : r.next();
    if (t.find(hi, lo) >= 0) continue;
    const ref = i % 2 ? sharedRef(i % 100, i) : hintRef(i % 100, i);
    t.insert(hi, lo, ref);
    keys.push([hi, lo, ref]);
  }
  assert.equal(t.size, keys.length);
  for (const [hi, lo, ref] of keys) assert.equal(t.refAt(t.find(hi, lo)), ref);
  for (let k = 0; k < keys.length; k += 2) t.remove(t.find(keys[k][0], keys[k][1]));
  for (let k = 0; k < keys.length; k++) assert.equal(t.find(keys[k][0], keys[k][1]) >= 0, k % 2 === 1);
  t.removeWhere((ref) => refVm(ref) === 1);
  for (let k = 1; k < keys.length; k += 2) assert.equal(t.find(keys[k][0], keys[k][1]) >= 0, refVm(keys[k][2]) !== 1);
  const s = sharedRef(2046, (1 << 20) - 1);
  assert.ok(isShared(s)); assert.equal(refVm(s), 2046); assert.equal(refGpfn(s), (1 << 20) - 1);
  assert.equal(t.bytes % 12, 0);
});
