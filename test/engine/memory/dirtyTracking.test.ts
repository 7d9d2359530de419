/**
 * Dirty-page tracking for a running VM (memory/dirtyTracking.ts) under native, shadow and nested
 * paging (dirty bits and PML): after read-and-clear a write marks exactly its page; no written page
 * is ever missed (a full memory comparison after every slice of random paging programs, with DMA
 * writes between slices); the mechanism's work is counted (write-protection faults, PML entries and
 * PML-full exits, dirty-bit scans) and the dirty rate is pages per virtual second.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cpu } from '../../../src-main/engine/cpu/index';
import { PTE_W } from '../../../src-main/engine/isa/index';
import { DirtyTracker, GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import { dirtyHarvesterFor, PagingContext, type Gpa, type PagingOptions } from '../../../src-main/engine/mmu/index';
import { build, ENTER_PAGING, HALT_VECTORS } from '../../helpers/cpuHarness';
import { PtBuilder } from '../mmu/ptBuilder';
import { bootPaging, makePagingProgram, rng } from '../mmu/shadowFuzz';
import { changedPages, snapshotPages } from './memoryDiff';

const MODES: { name: string; paging: PagingOptions; nested?: 'pml' | 'dirty-bits' }[] = [
  { name: 'native', paging: { mode: 'native' } },
  { name: 'shadow', paging: { mode: 'shadow', debugChecks: true } },
  { name: 'nested+pml', paging: { mode: 'nested', debugChecks: true }, nested: 'pml' },
  { name: 'nested+dirty-bits', paging: { mode: 'nested' }, nested: 'dirty-bits' },
];

/** A kernel that stores r3 to the address in r2, then brk (the vector halts); the host sets r2 and resumes. */
function storeLoop(paging: PagingOptions, nested?: 'pml' | 'dirty-bits') {
  const image = build(`${HALT_VECTORS}
  .org 0x2000
_start:${ENTER_PAGING}
loop:
  stw r3, 0(r2)
  brk
  j loop
`);
  const mem = new GuestPhysicalMemory(new HostMemory(), 16 << 20);
  mem.writeBytes(image.loadAddress as Gpa, image.bytes);
  const pt = new PtBuilder(mem, 2, 0x100000);
  pt.identity(0, 0x4000, PTE_W);
  for (let p = 0; p < 1024; p++) pt.map(0x40000000 + p * 4096, 0x400000 + p * 4096, PTE_W);
  const cpu = new Cpu(mem, { paging });
  if (nested) PagingContext.existing(mem)!.nestedDirtyMechanism = nested;
  cpu.reset(image.entry);
  const store = (va: number, value = 1): void => {
    cpu.state.regs[2] = va;
    cpu.state.regs[3] = value;
    cpu.state.halted = false;
    cpu.state.kernel = true;
    const r = cpu.run(1_000_000);
    assert.equal(r.reason, 'halted');
    cpu.state.pc = cpu.state.cr[4]; // after brk: back to `j loop`
  };
  cpu.state.regs[2] = 0x40000000;
  cpu.run(1_000_000);
  cpu.state.pc = cpu.state.cr[4];
  return { cpu, mem, store, pt };
}

for (const m of MODES) {
  test(`${m.name}: after read-and-clear, a write to a page marks exactly that page`, () => {
    const s = storeLoop(m.paging, m.nested);
    const t = new DirtyTracker(s.mem, { harvester: dirtyHarvesterFor(s.mem) });
    t.start(0);
    for (let p = 0; p < 8; p++) s.store(0x40000000 + p * 4096); // warm: TLB entries and D bits set
    t.readAndClear(1000);
    s.store(0x40003000 + 8, 42);
    const d = t.readAndClear(2000);
    assert.deepEqual([...d.pages], [0x403], 'only the written page');
    assert.equal(d.bitmap()[0x403 >>> 5] >>> 0, (1 << (0x403 & 31)) >>> 0);
    assert.ok(d.has(0x403) && !d.has(0x402));
    // a first store to a never-written page also dirties its page-table page (the walker sets D there)
    s.store(0x40100000, 7);
    const e = t.readAndClear(3000);
    assert.ok(e.has(0x500));
    assert.ok(e.pages.every((g) => g === 0x500 || (g >= 0x100 && g < 0x200)), `page + page-table pages only: ${e.pages}`);
    assert.equal(t.counters.mechanism, m.name.startsWith('nested') ? m.nested : 'write-protect');
    // nothing written, nothing reported
    assert.equal(t.readAndClear(4000).count, 0);
  });
}

for (const m of MODES) {
  test(`${m.name}: no written page is ever missed (random paging programs, slices, DMA, full memory comparison)`, () => {
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const prog = makePagingProgram(seed, { levels: seed % 2 ? 2 : 4, largePages: seed % 3 === 0, ops: 200 });
      const { cpu, mem } = bootPaging(prog, { levels: seed % 2 ? 2 : 4, paging: { largePages: seed % 3 === 0, ...m.paging } });
      if (m.nested) PagingContext.existing(mem)!.nestedDirtyMechanism = m.nested;
      const t = new DirtyTracker(mem, { harvester: dirtyHarvesterFor(mem) });
      const r = rng(seed);
      t.start(0);
      let before = snapshotPages(mem);
      let now = 0;
      for (let slice = 0; slice < 5000 && !cpu.state.halted; slice++) {
        const res = cpu.run(200 + Math.floor(r() * 3000));
        now += res.cycles;
        if (r() < 0.3) mem.writeWord((0x600000 + Math.floor(r() * 64) * 4096) as Gpa, slice + 1); // a device's DMA
        const d = t.readAndClear(now);
        const changed = changedPages(before, mem);
        for (const g of changed) assert.ok(d.has(g), `seed ${seed} slice ${slice}: page ${g} changed but was not reported dirty`);
        checked += changed.length;
        before = snapshotPages(mem);
      }
      assert.ok(cpu.state.halted, 'program finished');
    }
    assert.ok(checked > 100, `compared ${checked} changed pages`);
  });
}

test('mechanism costs: shadow write-protection faults, PML entries and a PML-full exit, dirty-bit scans; the dirty rate', () => {
  const wp = storeLoop({ mode: 'shadow' });
  const pml = storeLoop({ mode: 'nested' }, 'pml');
  const bits = storeLoop({ mode: 'nested' }, 'dirty-bits');
  const trackers = [wp, pml, bits].map((s) => new DirtyTracker(s.mem, { harvester: dirtyHarvesterFor(s.mem) }));
  trackers.forEach((t) => t.start(0));
  for (const [i, s] of [wp, pml, bits].entries()) {
    for (let p = 0; p < 600; p++) s.store(0x40000000 + p * 4096);
    const d = trackers[i].readAndClear(1e9 / 2); // half a virtual second
    assert.ok(d.count >= 600);
    assert.equal(d.ratePagesPerSecond, d.count * 2);
  }
  const wpP = wp.cpu.snapshot().paging;
  assert.ok(wpP.dirtyWpFaults >= 600, 'one write-protection fault per page');
  const pmlP = pml.cpu.snapshot().paging;
  assert.ok(pmlP.pmlEntries >= 600);
  assert.equal(pmlP.pmlFullExits, 1, '512-entry log filled once');
  assert.equal(pmlP.dirtyWpFaults ?? 0, 0, 'no write-protection faults with PML');
  assert.equal(trackers[1].counters.harvestEntries, pmlP.pmlEntries, 'every logged entry drained once');
  assert.ok(trackers[2].counters.harvestEntries >= 600, 'dirty-bit harvesting scans every nested leaf');
  // a second round over pages already backed: only the dirty-logging mechanism differs
  const cyc = [wp, pml].map((s) => s.cpu.snapshot().paging.pagingCycles);
  for (const s of [wp, pml]) for (let p = 0; p < 600; p++) s.store(0x40000000 + p * 4096);
  const delta = [wp, pml].map((s, i) => s.cpu.snapshot().paging.pagingCycles - cyc[i]);
  assert.ok(delta[0] >= 600 * 2000, `each write-protection fault is a trap into the monitor: ${delta[0]}`);
  assert.ok(delta[1] < delta[0] / 5, `PML logging is far cheaper: ${delta[1]} vs ${delta[0]}`);
  assert.equal(trackers[0].counters.mechanism, 'write-protect');
});
