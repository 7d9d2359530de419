/** Host memory (lazy frames, refcounts, accounting) and guest-physical memory (COW, watches, dirty log, save/digest). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GuestPhysicalMemory, HostMemory, ZERO_FRAME } from '../../../src-main/engine/memory/index';
import type { Gpa, Gpfn } from '../../../src-main/engine/mmu/index';

const GiB = 1024 * 1024 * 1024;
const a = (n: number): Gpa => n as Gpa;

test('a 4 GiB guest that touched 10 MiB costs about 10 MiB of host frames', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 4 * GiB);
  for (let p = 0; p < 2560; p++) m.writeWord(a(p * 4096 * 37 % (4 * GiB - 4096) & ~0xfff), p + 1);
  assert.equal(m.pageCount, 1 << 20);
  assert.ok(host.stats().bytesAllocated <= 10 * 1024 * 1024);
  assert.equal(host.stats().framesAllocated, m.touchedPageCount);
  assert.equal(m.readWord(a(0x7000_0000)), 0, 'untouched reads as zero');
  assert.equal(host.framesAllocated, m.touchedPageCount, 'reads allocate nothing');
});

test('bytes are little-endian inside words', () => {
  const m = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  m.writeWord(a(0x100), 0x44332211);
  assert.deepEqual(Array.from(m.readBytes(a(0x100), 4)), [0x11, 0x22, 0x33, 0x44]);
  m.writeByte(a(0x102), 0xaa);
  assert.equal(m.readWord(a(0x100)) >>> 0, 0x44aa2211);
});

test('fork shares frames copy-on-write; a write copies exactly one frame', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 64 << 20);
  for (let p = 0; p < 100; p++) m.writeWord(a(p * 4096), p);
  const before = host.framesAllocated;
  const epoch = m.epoch;
  const snap = m.fork();
  assert.equal(host.framesAllocated, before, 'fork allocates no frames');
  assert.ok(m.epoch > epoch, 'fork invalidates cached frame references');
  assert.equal(m.fastWritable(5 as Gpfn), false, 'shared pages are not fast-writable');
  m.writeWord(a(5 * 4096), 999);
  assert.equal(host.framesAllocated, before + 1);
  assert.equal(host.stats().cowCopies, 1);
  assert.equal(m.readWord(a(5 * 4096)), 999);
  assert.equal(snap.readWord(a(5 * 4096)), 5);
  assert.equal(m.fastWritable(5 as Gpfn), true);
  snap.release();
  assert.equal(host.framesAllocated, before + 1 - 1, 'releasing the snapshot frees the frame only it held');
  assert.equal(m.readWord(a(7 * 4096)), 7);
  m.release();
  assert.equal(host.framesAllocated, 0);
});

test('host capacity: allocation fails as a value, not an exception', () => {
  const host = new HostMemory({ capacityBytes: 2 * 4096 });
  const m = new GuestPhysicalMemory(host, 1 << 20);
  assert.equal(m.writeWord(a(0), 1), true);
  assert.equal(m.writeWord(a(4096), 1), true);
  assert.equal(m.writeWord(a(8192), 1), false);
});

test('watches: writes to a watched page run the listener and are never fast', () => {
  const m = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  const seen: [number, number, number][] = [];
  const bit = m.addWatcher((g, off, size) => seen.push([g, off, size]));
  m.writeWord(a(0x3000), 1);
  assert.equal(m.fastWritable(3 as Gpfn), true);
  const e = m.epoch;
  m.watch(3 as Gpfn, bit);
  assert.ok(m.epoch > e);
  assert.equal(m.fastWritable(3 as Gpfn), false);
  m.writeByte(a(0x3005), 7);
  m.writeWord(a(0x4000), 7);
  assert.deepEqual(seen, [[3, 5, 1]]);
  m.unwatch(3 as Gpfn, bit);
  assert.equal(m.fastWritable(3 as Gpfn), true);
});

test('dirty log: after read-and-clear, a write marks exactly that page', () => {
  const m = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  for (let p = 0; p < 10; p++) m.writeWord(a(p * 4096), 1);
  m.enableDirtyLog();
  assert.equal(m.fastWritable(2 as Gpfn), false, 'clean pages trap their first write');
  m.writeWord(a(2 * 4096 + 8), 5);
  m.writeWord(a(7 * 4096), 5);
  m.writeWord(a(2 * 4096), 6);
  assert.deepEqual(m.readAndClearDirty(), [2, 7]);
  m.writeByte(a(4 * 4096 + 3), 1);
  assert.deepEqual(m.readAndClearDirty(), [4]);
  assert.deepEqual(m.readAndClearDirty(), []);
  assert.equal(m.pagesDirtied, 3);
});

test('save/restore round trip and digest (untouched == zero-filled)', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 1 << 20);
  m.writeWord(a(0x1000), 0); // touched but zero
  m.writeWord(a(0x5004), -1);
  const s = structuredClone(m.save());
  assert.equal(s.pages.length, 1);
  const r = GuestPhysicalMemory.restore(host, s);
  assert.equal(r.readWord(a(0x5004)), -1);
  assert.equal(r.digest(), m.digest());
  const fresh = new GuestPhysicalMemory(host, 1 << 20);
  fresh.writeWord(a(0x5004), -1);
  assert.equal(fresh.digest(), m.digest());
  fresh.writeWord(a(0x5008), 1);
  assert.notEqual(fresh.digest(), m.digest());
  assert.equal(ZERO_FRAME.every((w) => w === 0), true);
});

test('out-of-range guest pages are a programming error (RangeError), sizes are validated', () => {
  const m = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  assert.throws(() => m.readWord(a(1 << 20)), RangeError);
  assert.throws(() => new GuestPhysicalMemory(new HostMemory(), 1000), RangeError);
});

test('writeBytes (the loader) across pages: the same memory and watch notifications as byte-by-byte writes, one per page span', () => {
  const data = new Uint8Array(9000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) & 255;
  const a = new GuestPhysicalMemory(new HostMemory(), 1 << 16);
  const b = new GuestPhysicalMemory(new HostMemory(), 1 << 16);
  const seen: [number, number, number][] = [];
  const bit = a.addWatcher((g, off, size) => { seen.push([g, off, size]); });
  for (const g of [1, 2, 3]) a.watch(g as Gpfn, bit);
  assert.ok(a.writeBytes(0x1ffd as Gpa, data));
  for (let k = 0; k < data.length; k++) assert.ok(b.writeByte((0x1ffd + k) as Gpa, data[k]));
  for (let g = 0; g < 16; g++) assert.deepEqual(a.frameForRead(g as Gpfn), b.frameForRead(g as Gpfn), `page ${g}`);
  assert.deepEqual(a.readBytes(0x1ffd as Gpa, data.length), data);
  assert.deepEqual(seen, [[1, 0xffd, 3], [2, 0, 4096], [3, 0, 4096]], 'the watched pages are told of the span written on them');
  assert.equal(a.frameStats().mappedPages, b.frameStats().mappedPages);
});
