/**
 * Every frame a machine maps comes from its host's pool and goes back to it: boot, copy-on-write
 * breaks after a save, restore (adopted frames), guest resets, suspend (save + dispose), power off —
 * the pool's count equals the frames the machines on it map, and is zero once they are disposed.
 * `frameStats()` (mapped, private, shared, not present) sits beside `memoryStats()`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMachine, runMachine, type Machine } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { bootMachine, labosImage, VEC, WORKLOADS } from '../../helpers/machineHarness';

const boot = (pool: HostMemory, cmdline = WORKLOADS.mixed, monitor = 'interp'): Machine =>
  buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 16 << 20, levels: 2, monitor, cmdline, bootNs: 0 }, image: labosImage() }, { hostMemory: pool });

test('a machine maps exactly the frames its pool counts; two machines add up; dispose empties the pool', () => {
  const pool = new HostMemory();
  const a = boot(pool);
  const b = boot(pool, WORKLOADS.memwrite, 'bt');
  runMachine(a, { untilNs: 5e6 });
  runMachine(b, { untilNs: 5e6 });
  const fa = a.frameStats();
  const fb = b.frameStats();
  assert.equal(fa.mappedPages, a.mem.touchedPageCount);
  assert.equal(fa.privateFrames, fa.mappedPages);
  assert.deepEqual([fa.sharedPages, fa.sharedFrames, fa.notPresentPages], [0, 0, 0]);
  assert.equal(fa.configuredPages, (16 << 20) / 4096);
  assert.equal(pool.framesAllocated, fa.mappedPages + fb.mappedPages);
  assert.equal(a.memoryStats().touchedBytes, fa.mappedPages * 4096, 'memoryStats still reports the same pages');
  a.dispose();
  assert.equal(pool.framesAllocated, fb.mappedPages);
  b.dispose();
  assert.equal(pool.framesAllocated, 0);
});

test('suspend (save, dispose) then resume (restore) on another pool: frames follow the machine, the saved state keeps its bytes', () => {
  const pool = new HostMemory();
  const m = boot(pool);
  runMachine(m, { untilNs: 5e6 });
  const state = m.save();
  runMachine(m, { untilNs: 8e6 }); // copy-on-write breaks after the save
  assert.ok(pool.stats().cowCopies > 0);
  assert.equal(pool.framesAllocated, m.frameStats().mappedPages, 'COW copies come from the pool, the old frames left it');
  m.dispose();
  assert.equal(pool.framesAllocated, 0);

  const other = new HostMemory();
  const back = buildMachine({ kind: 'restore', state }, { hostMemory: other });
  assert.equal(other.framesAllocated, back.frameStats().mappedPages, 'adopted frames are counted on the pool restored into');
  assert.equal(pool.framesAllocated, 0);
  const again = buildMachine({ kind: 'restore', state }, { hostMemory: other }); // a second revert to the same snapshot
  const distinct = (): number => { const s = new Set<number>(); for (const x of [back, again]) x.scanPages((_g, h) => { if (h >= 0) s.add(h); }); return s.size; };
  assert.equal(other.framesAllocated, distinct(), 'the two restores share the saved frames copy-on-write');
  assert.equal(distinct(), back.frameStats().mappedPages);
  runMachine(back, { untilNs: 2e9 });
  runMachine(again, { untilNs: 2e9 });
  assert.equal(back.digest(), again.digest());
  assert.equal(other.framesAllocated, distinct());
  back.dispose();
  again.dispose();
  assert.equal(other.framesAllocated, 0);
});

test('a guest that powered itself off still holds its frames until dispose', () => {
  const pool = new HostMemory();
  const m = boot(pool, WORKLOADS.hello);
  runMachine(m, { untilNs: 2e9 });
  assert.equal(m.state, 'off');
  assert.ok(pool.framesAllocated > 0);
  m.dispose();
  assert.equal(pool.framesAllocated, 0);
});

const RESETS = `${VEC({})}
  .org 0x2000
_start:
  li r1, 0x40000
  li r2, 16
.touch:
  stw r2, 0(r1)
  addi r1, r1, 4096
  addi r2, r2, -1
  cmpi r2, 0
  bne .touch
  li r1, 1
  out r1, 0xf4(r0)            ; reset: the machine reboots with fresh memory
  j .
fault:
  hlt
`;

test('guest resets release the old memory to the pool: no frame leaks across reboots', () => {
  const pool = new HostMemory();
  const m = bootMachine(RESETS, { memoryBytes: 1 << 20 }, { hostMemory: pool });
  runMachine(m, { untilNs: 2e6 });
  assert.ok(m.counters().reboots > 3, `it rebooted: ${m.counters().reboots}`);
  assert.equal(pool.framesAllocated, m.frameStats().mappedPages);
  assert.ok(m.frameStats().mappedPages <= 2 + 16 + 1);
  m.dispose();
  assert.equal(pool.framesAllocated, 0);
});

test('shared frames: a page shared with another machine counts as shared on both, once in the pool', () => {
  const pool = new HostMemory();
  const a = boot(pool, WORKLOADS.hello);
  const b = boot(pool, WORKLOADS.hello);
  const before = pool.framesAllocated;
  const code = 2; // both booted the same image: page 2 holds the same bytes
  assert.deepEqual(a.readPage(code), b.readPage(code));
  assert.equal(b.sharePage(code, a, code), true);
  assert.equal(pool.framesAllocated, before - 1);
  assert.equal(a.frameStats().sharedPages, 1);
  assert.equal(b.frameStats().sharedPages, 1);
  runMachine(a, { untilNs: 2e9 });
  runMachine(b, { untilNs: 2e9 });
  assert.equal(a.consoleRead(0).text, b.consoleRead(0).text);
  assert.match(a.consoleRead(0).text, /hello from labos/);
  a.dispose();
  b.dispose();
  assert.equal(pool.framesAllocated, 0);
});
