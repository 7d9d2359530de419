/** Paging at 2 and 4 levels through the CPU: translation, A/D bits, faults, TLB behaviour. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAUSE_PAGE_FAULT, CR_CAUSE, CR_FADDR, FAULT_PRESENT, FAULT_USER, FAULT_WRITE, PTE_A, PTE_D, PTE_U, PTE_W } from '../../../src-main/engine/isa/index';
import { pagingGeometry, pteIndex, type PageTableLevels } from '../../../src-main/engine/mmu/index';
import { boot, HALT_VECTORS, reg, runToHalt } from '../../helpers/cpuHarness';
import { PtBuilder } from './ptBuilder';

const ENABLE = ' li r1, 0x100000\n mtcr ptbr, r1\n li r1, 1\n mtcr status, r1\n';
const P = `${HALT_VECTORS}\n  .org 0x2000\n_start:\n${ENABLE}`;

function setup(levels: PageTableLevels, body: string, tlbEntries?: number) {
  const b = boot(P + body, { levels, memBytes: 8 << 20, tlbEntries, tlbWays: tlbEntries ? 4 : undefined });
  const pt = new PtBuilder(b.mem, levels, 0x100000);
  pt.identity(0, 0x4000, PTE_W);
  return { ...b, pt };
}

test('geometry: 2 levels = 10+10 bits, 4 levels = 5+5+5+5 bits', () => {
  assert.deepEqual(pagingGeometry(2), { levels: 2, bitsPerLevel: 10, entriesPerTable: 1024, tableBytes: 4096 });
  assert.deepEqual(pagingGeometry(4), { levels: 4, bitsPerLevel: 5, entriesPerTable: 32, tableBytes: 128 });
  assert.equal(pteIndex(0xffc01000, 0, pagingGeometry(2)), 0x3ff);
  assert.equal(pteIndex(0xffc01000, 1, pagingGeometry(2)), 1);
  assert.equal(pteIndex(0xf8000000, 0, pagingGeometry(4)), 31);
  assert.equal(pteIndex(0x0001f000, 3, pagingGeometry(4)), 31);
});

for (const levels of [2, 4] as const) {
  test(`${levels}-level: translate, set A/D, count walks of ${levels} references`, () => {
    const b = setup(levels, ' li r2, 0x40000000\n li r3, 0x1234\n stw r3, 8(r2)\n ldw r4, 8(r2)\n li r5, 0x40001000\n ldw r6, 0(r5)\n hlt');
    b.pt.map(0x40000000, 0x200000, PTE_W);
    b.pt.map(0x40001000, 0x201000, 0);
    runToHalt(b.cpu);
    assert.equal(b.mem.readWord(0x200008 as never), 0x1234);
    assert.equal(reg(b, 4), 0x1234);
    assert.equal(b.pt.pte(0x40000000) & (PTE_A | PTE_D), PTE_A | PTE_D);
    assert.equal(b.pt.pte(0x40001000) & (PTE_A | PTE_D), PTE_A);
    const s = b.cpu.snapshot();
    assert.equal(s.refsPerWalk, levels);
    assert.equal(s.pageWalks, s.tlbMisses);
    assert.ok(s.tlbHits >= 1);
  });

  test(`${levels}-level: page faults report address and kind`, () => {
    const nf = setup(levels, ' li r2, 0x50000010\n ldw r3, 0(r2)\n hlt');
    runToHalt(nf.cpu);
    assert.equal(nf.cpu.state.cr[CR_CAUSE] & 0xff, CAUSE_PAGE_FAULT);
    assert.equal(nf.cpu.state.cr[CR_FADDR], 0x50000010);
    assert.equal(nf.cpu.state.cr[CR_CAUSE] & (FAULT_PRESENT | FAULT_WRITE), 0);

    const ro = setup(levels, ' li r2, 0x40000000\n ldw r3, 0(r2)\n stw r3, 0(r2)\n hlt');
    ro.pt.map(0x40000000, 0x200000, 0);
    runToHalt(ro.cpu);
    assert.equal(ro.cpu.state.cr[CR_CAUSE], CAUSE_PAGE_FAULT | FAULT_PRESENT | FAULT_WRITE);
    assert.equal(ro.pt.pte(0x40000000) & PTE_D, 0, 'no D bit on a faulting write');

    // user mode may not touch a supervisor page
    const u = setup(levels, ` li r12, user\n mtcr epc, r12\n mtcr epsw, r0\n iret\nuser: li r2, 0x40000000\n ldw r3, 0(r2)\n hlt`);
    u.pt.map(0x40000000, 0x200000, PTE_W);
    u.pt.identity(0x2000, 0x3000, PTE_W | PTE_U);
    runToHalt(u.cpu);
    assert.equal(u.cpu.state.cr[CR_CAUSE], CAUSE_PAGE_FAULT | FAULT_PRESENT | FAULT_USER);
  });
}

test('TLB caches translations until invlpg', () => {
  const b = setup(2, ' li r2, 0x40000000\n ldw r3, 0(r2)\n brk\n ldw r4, 0(r2)\n invlpg r2\n ldw r5, 0(r2)\n hlt');
  b.pt.map(0x40000000, 0x200000, PTE_W);
  b.mem.writeWord(0x200000 as never, 111);
  b.mem.writeWord(0x300000 as never, 222);
  b.cpu.run(100_000); // stops at brk's vector (hlt)
  // remap behind the CPU's back: the stale TLB entry is still used until invlpg
  b.pt.map(0x40000000, 0x300000, PTE_W);
  b.cpu.state.halted = false;
  b.cpu.state.pc = b.cpu.state.cr[4];
  b.cpu.state.kernel = true;
  runToHalt(b.cpu);
  assert.equal(reg(b, 3), 111);
  assert.equal(reg(b, 4), 111);
  assert.equal(reg(b, 5), 222);
});

test('TLB hits, misses and FIFO evictions are counted deterministically', () => {
  const loop = ' li r2, 0x40000000\n li r4, 0\nl: ldw r3, 0(r2)\n addi r4, r4, 1\n cmpi r4, 1000\n bne l\n' +
    ' li r4, 0\n li r2, 0x40000000\nm: ldw r3, 0(r2)\n addi r2, r2, 4096\n addi r4, r4, 1\n cmpi r4, 100\n bne m\n hlt';
  const run = () => {
    const b = setup(2, loop, 16);
    for (let k = 0; k < 100; k++) b.pt.map(0x40000000 + k * 4096, 0x200000 + k * 4096, PTE_W);
    runToHalt(b.cpu);
    return b.cpu.snapshot();
  };
  const s = run();
  assert.ok(s.tlbHits >= 999, `hits ${s.tlbHits}`);
  assert.ok(s.tlbMisses >= 100 && s.tlbMisses < 110, `misses ${s.tlbMisses}`);
  assert.ok(s.tlbEvictions > 80, `evictions ${s.tlbEvictions}`);
  assert.deepEqual(run(), s);
});

test('mtcr ptbr flushes the TLB; paging off means physical addressing', () => {
  const b = setup(2, ' li r2, 0x40000000\n ldw r3, 0(r2)\n li r1, 0x100000\n mtcr ptbr, r1\n ldw r3, 0(r2)\n mtcr status, r0\n li r2, 0x200000\n ldw r5, 0(r2)\n hlt');
  b.pt.map(0x40000000, 0x200000, PTE_W);
  b.mem.writeWord(0x200000 as never, 42);
  runToHalt(b.cpu);
  const s = b.cpu.snapshot();
  assert.ok(s.tlbFlushes >= 2);
  assert.equal(reg(b, 5), 42);
  assert.equal(s.pageWalks, s.tlbMisses);
});

test('4-level walk sets A at every level; bus error for frames outside RAM', () => {
  const b = setup(4, ' li r2, 0x40000000\n ldw r3, 0(r2)\n li r2, 0x40001000\n ldw r3, 0(r2)\n hlt');
  b.pt.map(0x40000000, 0x200000, PTE_W);
  b.pt.map(0x40001000, 0x7fff0000, PTE_W); // far outside the 8 MiB of RAM
  runToHalt(b.cpu);
  // follow the walk by hand: every level's entry for 0x40000000 has A
  const g = pagingGeometry(4);
  let table = 0x100000;
  for (let level = 0; level < 4; level++) {
    const pte = b.mem.readWord((table + pteIndex(0x40000000, level, g) * 4) as never);
    assert.ok(pte & PTE_A, `A at level ${level}`);
    table = pte & ~(g.tableBytes - 1);
  }
  assert.equal(b.cpu.state.cr[CR_CAUSE] & 0xff, 9);
  assert.equal(b.cpu.state.cr[CR_FADDR], 0x40001000);
});

test('paging off: an address beyond RAM is a bus error', () => {
  const b = boot(`${HALT_VECTORS}\n  .org 0x2000\n_start:\n li r2, 0x200000\n ldw r3, 0(r2)\n hlt`, { memBytes: 1 << 20 });
  runToHalt(b.cpu);
  assert.equal(b.cpu.state.cr[CR_CAUSE] & 0xff, 9);
  assert.equal(b.cpu.state.cr[CR_FADDR], 0x200000);
});
