// Snapshot revert adopts saved frames copy-on-write: no page data is copied, writes never reach the
// saved state, and one state can be restored many times into independent memories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import type { Gpa } from '../../../src-main/engine/mmu/index';

const MiB = 1024 * 1024;
const gpa = (n: number) => n as Gpa;

test('restoreShared shares frames, copies on first write, and leaves the saved state intact', () => {
  const host = new HostMemory();
  const live = new GuestPhysicalMemory(host, 64 * MiB);
  for (let p = 0; p < 50; p++) live.writeWord(gpa(p * 4096 + 8), 0x1000 + p);
  const saved = live.saveShared();
  const savedDigest = live.digest();
  const framesBefore = host.stats().framesAllocated;

  const a = GuestPhysicalMemory.restoreShared(host, saved);
  assert.equal(a.digest(), savedDigest);
  assert.equal(host.stats().cowCopies, 0, 'restoring copied no page data');
  assert.equal(host.stats().framesAllocated, framesBefore, 'a saved frame still live in the pool is shared, not copied (page sharing survives save and restore)');
  const other = new HostMemory();
  GuestPhysicalMemory.restoreShared(other, saved);
  assert.equal(other.stats().framesAllocated, 50, 'adopted into another pool, frames are accounted like any frame');

  a.writeWord(gpa(3 * 4096 + 8), 0xdead);
  assert.equal(a.readWord(gpa(3 * 4096 + 8)), 0xdead);
  assert.equal(host.stats().cowCopies, 1, 'the first write to a restored page copies exactly that page');
  assert.equal(saved.pages.find((p) => p.gpfn === 3)!.words[2], 0x1003, 'the saved frame was not written');

  const b = GuestPhysicalMemory.restoreShared(host, saved);
  assert.equal(b.digest(), savedDigest, 'the same state restores again, unaffected by writes to the first restore');
  assert.equal(b.readWord(gpa(3 * 4096 + 8)), 0x1003);
  live.writeWord(gpa(4 * 4096 + 8), 7);
  assert.equal(b.readWord(gpa(4 * 4096 + 8)), 0x1004, 'writes to the original memory do not reach a restore');
});

test('restoreShared of a 4 GiB memory costs only its touched pages', () => {
  const host = new HostMemory();
  const live = new GuestPhysicalMemory(host, 4096 * MiB);
  live.writeWord(gpa(4095 * MiB), 1);
  live.writeWord(gpa(17 * MiB), 2);
  const restored = GuestPhysicalMemory.restoreShared(host, live.saveShared());
  assert.equal(restored.touchedPageCount, 2);
  assert.equal(restored.readWord(gpa(4095 * MiB)), 1);
  assert.equal(restored.readWord(gpa(17 * MiB)), 2);
  assert.equal(restored.readWord(gpa(100 * MiB)), 0);
});
