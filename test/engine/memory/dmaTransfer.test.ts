/**
 * Device DMA into and out of guest memory (`dmaWrite` / `dmaRead`, what the disk's transfers use): the
 * same result as writing the bytes word by word (`writeWord`, `writeByte` where a word would not be
 * aligned or whole) and reading them byte by byte — contents, frames, copy-on-write breaks, the dirty
 * log, each watch hook call, the page at which a full host stops the transfer — with one frame lookup
 * per unwatched page.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import type { Gpa, Gpfn } from '../../../src-main/engine/mmu/index';

const g = (n: number): Gpfn => n as Gpfn;
const a = (n: number): Gpa => n as Gpa;

/** The transfer as a device wrote it before: word by word where aligned and whole, else byte by byte. */
function wordByWord(m: GuestPhysicalMemory, gpa: number, data: Uint8Array): boolean {
  for (let k = 0; k < data.length;) {
    const x = gpa + k;
    if ((x & 3) === 0 && k + 4 <= data.length) {
      if (!m.writeWord(a(x), data[k] | (data[k + 1] << 8) | (data[k + 2] << 16) | (data[k + 3] << 24))) return false;
      k += 4;
    } else {
      if (!m.writeByte(a(x), data[k])) return false;
      k++;
    }
  }
  return true;
}

interface Setup { m: GuestPhysicalMemory; host: HostMemory; seen: number[][] }

/** A memory with history: touched pages, a page shared copy-on-write with another memory, a watched page, dirty logging on. */
function setup(capacityFrames?: number): Setup {
  const host = new HostMemory(capacityFrames === undefined ? {} : { capacityBytes: capacityFrames * 4096 });
  const m = new GuestPhysicalMemory(host, 1 << 20);
  const other = new GuestPhysicalMemory(host, 1 << 20);
  m.writeWord(a(0x3000), 11);
  other.writeWord(a(0x9000), 22);
  assert.equal(m.sharePage(g(4), other, g(9)), true);
  const seen: number[][] = [];
  m.watch(g(5), m.addWatcher((p, off, size) => seen.push([p, off, size])));
  m.enableDirtyLog();
  return { m, host, seen };
}

function observe(s: Setup): unknown {
  const pages: number[][] = [];
  for (let p = 0; p < 12; p++) pages.push(s.m.isTouched(g(p)) ? Array.from(s.m.pageWords(g(p))!) : []);
  const { m } = s;
  return { pages, seen: s.seen, dirty: m.readAndClearDirty(), watched: m.watchedWrites, dirtied: m.pagesDirtied, breaks: m.sharedBreaks, frames: s.host.stats().framesAllocated };
}

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (Math.imul(i + seed, 0x9e3779b1) >>> 13) & 255;
  return b;
}

test('dmaWrite leaves what word-by-word writes leave: contents, frames, COW breaks, dirty log, every watch call', () => {
  // aligned whole pages over untouched, touched, shared and watched pages; unaligned starts and ends; a short tail
  const cases: [number, number][] = [[0x2000, 5 * 4096], [0x2ffd, 3 * 4096 + 7], [0x4ffe, 4100], [0x5001, 9], [0x5000, 4096], [0x7fff, 1]];
  for (const [gpa, n] of cases) {
    const data = bytes(n, gpa);
    const before = setup();
    assert.equal(wordByWord(before.m, gpa, data), true);
    const after = setup();
    assert.equal(after.m.dmaWrite(a(gpa), data), true);
    assert.deepEqual(observe(after), observe(before), `transfer of ${n} bytes at 0x${gpa.toString(16)}`);
  }
});

test('a watched page still gets its writes word by word (its watcher sees each one)', () => {
  const s = setup();
  assert.equal(s.m.dmaWrite(a(0x5000), bytes(4096, 1)), true);
  assert.equal(s.seen.length, 1024);
  assert.deepEqual(s.seen[1], [5, 4, 4]);
});

test('a full host stops dmaWrite at the same page as word-by-word writes, earlier pages written', () => {
  // the setup holds 2 frames (a touched page, the frame shared with the other memory); 3 more fit
  const before = setup(5);
  const after = setup(5);
  const data = bytes(4 * 4096, 7);
  assert.equal(wordByWord(before.m, 0x6000, data), false);
  assert.equal(after.m.dmaWrite(a(0x6000), data), false);
  assert.deepEqual(observe(after), observe(before));
  assert.equal(after.m.isTouched(g(8)), true);
  assert.equal(after.m.isTouched(g(9)), false);
});

test('dmaRead returns the bytes byte-by-byte reads return, across pages and from untouched ones', () => {
  const s = setup();
  s.m.dmaWrite(a(0x2000), bytes(3 * 4096, 3));
  for (const [gpa, n] of [[0x1ffe, 3 * 4096 + 9], [0x3001, 5], [0xa000, 4096]] as [number, number][]) {
    const out = new Uint8Array(n);
    s.m.dmaRead(a(gpa), out);
    const ref = Array.from({ length: n }, (_, k) => s.m.readByte(a(gpa + k)));
    assert.deepEqual(Array.from(out), ref, `read of ${n} bytes at 0x${gpa.toString(16)}`);
  }
});
