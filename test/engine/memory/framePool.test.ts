// A host's frames are carved from one pool buffer (HostMemory.words) so the software TLB holds a frame as a
// word offset into it: frames are views of the pool, a freed frame's slot is reused zero-filled, a frozen
// frame's words (a saved state's) are not handed out again while the state holds them, frames of saved states
// are copied in on adoption; frames past the pool's size are never held by the software TLB (their accesses
// take the slow path, and the saved MMU state does not tell them apart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import { Mmu, SOFT_READ_OFFSET, SOFT_READ_TAG, SOFT_WRITE_OFFSET, SOFT_WRITE_TAG, type Gpa, type Hfn } from '../../../src-main/engine/mmu/index';
import { HOST_POOL_MAX_FRAMES } from '../../../src-main/engine/params';

const MiB = 1024 * 1024;
const gpa = (n: number) => n as Gpa;
const mmuOn = (mem: GuestPhysicalMemory): Mmu => new Mmu(mem, { levels: 2, tlbEntries: 16, tlbWays: 4, costs: { tlbMiss: 0, walkRef: 0, adWrite: 0 } });

test('a frame is a view of the pool: its writes are the pool\'s words at its offset, before and after later allocations', () => {
  const host = new HostMemory({ capacityBytes: 64 * 4096 });
  const h = host.allocFrame() as Hfn;
  const f = host.frame(h);
  const off = host.offsetOf(f);
  assert.ok(off > 0 && off % 1024 === 0, 'a frame starts on a slot past the zero frame');
  f[5] = 77;
  for (let i = 0; i < 40; i++) host.allocFrame();
  assert.equal(host.words[off + 5], 77);
  host.words[off + 6] = 88;
  assert.equal(host.frame(h)[6], 88, 'the view handed out first still aliases the pool');
  assert.equal(host.frame(h), f);
  assert.equal(host.words.length, 65 * 1024, 'capacity + 1 slots (the zero frame)');
});

test('a freed frame\'s slot is reused zero-filled; a frozen frame\'s slot is not (a saved state keeps its words)', () => {
  const host = new HostMemory();
  const a = host.allocFrame() as Hfn;
  const offA = host.offsetOf(host.frame(a));
  host.frame(a).fill(-1);
  host.release(a);
  const b = host.allocFrame() as Hfn;
  assert.equal(host.offsetOf(host.frame(b)), offA, 'the slot came back');
  assert.ok(host.frame(b).every((w) => w === 0), 'zero-filled');

  host.frame(b).fill(9);
  host.freeze(b);
  const saved = host.frame(b);
  host.release(b);
  const c = host.allocFrame() as Hfn;
  assert.notEqual(host.offsetOf(host.frame(c)), offA, 'a frozen frame\'s slot is never handed out again');
  host.frame(c).fill(3);
  assert.ok(saved.every((w) => w === 9), 'the saved words are intact');
  assert.equal(host.stats().framesAllocated, 1, 'accounting unchanged');
});

test('privatize gives the frame a new pool slot and leaves the frozen words to the saved state', () => {
  const host = new HostMemory();
  const h = host.allocFrame() as Hfn;
  host.frame(h)[0] = 42;
  host.freeze(h);
  const saved = host.frame(h);
  host.privatize(h);
  const now = host.frame(h);
  assert.notEqual(now, saved);
  assert.ok(host.offsetOf(now) >= 0 && host.offsetOf(now) !== host.offsetOf(saved), 'the copy is in the pool, in a slot of its own');
  now[0] = 1;
  assert.equal(saved[0], 42);
});

test('an adopted frame is copied into the pool (frozen, found again by its words); the software TLB holds it by offset', () => {
  const first = new HostMemory();
  const live = new GuestPhysicalMemory(first, 1 * MiB);
  live.writeWord(gpa(2 * 4096 + 8), 0x1234);
  const saved = live.saveShared();
  const host = new HostMemory();
  const mem = GuestPhysicalMemory.restoreShared(host, saved);
  assert.equal(host.stats().cowCopies, 0, 'adoption is not a copy-on-write break');
  const again = GuestPhysicalMemory.restoreShared(host, saved);
  assert.equal(host.stats().framesAllocated, 1, 'a second restore of the same state shares the copy');
  const mmu = mmuOn(mem);

  const f = mmu.fillRead(2 * 4096 + 8)!;
  assert.equal(f[2], 0x1234);
  const off = host.offsetOf(f);
  assert.ok(off > 0, 'the adopted frame is in the pool');
  assert.equal(mmu.T[SOFT_READ_TAG + 2], 2);
  assert.equal(mmu.T[SOFT_READ_OFFSET + 2], off);
  assert.equal(mmu.M[mmu.T[SOFT_READ_OFFSET + 2] | 2], 0x1234, 'the fast path reads the adopted word');

  // an untouched page reads as the pool's zero frame
  mmu.fillRead(5 * 4096);
  assert.equal(mmu.T[SOFT_READ_TAG + 5], 5);
  assert.equal(mmu.T[SOFT_READ_OFFSET + 5], host.zeroOffset);

  // a write copies the shared page (copy on write) into a slot of its own
  const w = mmu.fillWrite(2 * 4096 + 8)!;
  w[2] = 0x5678;
  const woff = host.offsetOf(w);
  assert.ok(woff > 0 && woff !== off);
  assert.equal(mmu.T[SOFT_WRITE_TAG + 2], 2);
  assert.equal(mmu.T[SOFT_WRITE_OFFSET + 2], woff);
  assert.equal(again.readWord(gpa(2 * 4096 + 8)), 0x1234, 'the other restore still reads the saved word');
  assert.equal(saved.pages.find((p) => p.gpfn === 2)!.words[2], 0x1234, 'the saved state is untouched');
});

test('frames past the pool\'s size are separate arrays: still zero-filled, counted and reused, never held by the software TLB', () => {
  const host = new HostMemory();
  const hs: Hfn[] = [];
  for (let i = 1; i < HOST_POOL_MAX_FRAMES; i++) hs.push(host.allocFrame() as Hfn);
  assert.ok(host.offsetOf(host.frame(hs[hs.length - 1])) >= 0, 'the pool holds capacity + 1 slots, one of them the zero frame');
  const past = host.allocFrame() as Hfn;
  assert.equal(host.offsetOf(host.frame(past)), -1);
  assert.ok(host.frame(past).every((w) => w === 0));
  assert.equal(host.stats().framesAllocated, HOST_POOL_MAX_FRAMES);
  host.release(past);

  // a guest page on a frame past the pool: read and written exactly through the slow path, never held
  const mem = new GuestPhysicalMemory(host, 1 * MiB);
  mem.writeWord(gpa(3 * 4096 + 4), 99);
  const mmu = mmuOn(mem);
  assert.equal(mmu.fillRead(3 * 4096 + 4)![1], 99);
  assert.equal(mmu.T[SOFT_READ_TAG + 3], -1, 'no software entry for a frame outside the pool');
  mmu.fillWrite(3 * 4096 + 4)![1] = 5;
  assert.equal(mmu.T[SOFT_WRITE_TAG + 3], -1);
  assert.equal(mem.readWord(gpa(3 * 4096 + 4)), 5);

  // whether the software TLB could hold a frame is the host's business: the saved MMU state is the same
  // (a frame past the pool would otherwise leave another refill count in a digest)
  const pooled = mmuOn(new GuestPhysicalMemory(new HostMemory({ capacityBytes: 64 * 4096 }), 1 * MiB));
  for (let i = 0; i < 3; i++) { pooled.fillRead(3 * 4096 + 4); mmu.fillRead(3 * 4096 + 4); }
  assert.ok(mmu.counters.softRefills < pooled.counters.softRefills, 'the pooled MMU refilled once, this one never');
  assert.deepEqual(mmu.save(), pooled.save());

  host.release(hs[7]);
  const again = host.allocFrame() as Hfn;
  assert.ok(host.offsetOf(host.frame(again)) > 0, 'a freed pool slot serves the next allocation');
});
