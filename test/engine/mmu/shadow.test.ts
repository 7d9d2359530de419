/**
 * Shadow paging: hidden faults fill the shadow on demand and are told apart from true guest faults;
 * guest page-table pages are traced (write-protected) and their writes trapped, updating or
 * invalidating shadow entries; A/D bits reach the guest's tables exactly as on bare hardware; the
 * shadow cache survives address-space switches; write-flooded tables are zapped; DMA into a page
 * table is seen; transition costs follow the monitor (te / bt / hw).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cpu, DEFAULT_COSTS } from '../../../src-main/engine/cpu/index';
import { CAUSE_PAGE_FAULT, CR_CAUSE, PTE_A, PTE_D, PTE_U, PTE_W } from '../../../src-main/engine/isa/index';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import { PagingContext, pagingCostsFor, type Gpa, type PagingOptions } from '../../../src-main/engine/mmu/index';
import { build, HALT_VECTORS, reg } from '../../helpers/cpuHarness';
import { PtBuilder } from './ptBuilder';

const A0 = 0x100000;
const A1 = 0x180000;

/** Kernel: two address spaces sharing the kernel mapping; `body` runs with AS0 loaded. */
function kernel(body: string, paging: PagingOptions, setup?: (pts: PtBuilder[], mem: GuestPhysicalMemory) => void) {
  const image = build(`${HALT_VECTORS}
  .org 0x2000
_start:
  li r10, ${A0}
  li r11, ${A1}
  mtcr ptbr, r10
  li r1, 1
  mtcr status, r1
${body}
  hlt
`);
  const mem = new GuestPhysicalMemory(new HostMemory(), 16 << 20);
  mem.writeBytes(image.loadAddress as Gpa, image.bytes);
  const pts = [new PtBuilder(mem, 2, A0), new PtBuilder(mem, 2, A1)];
  for (const pt of pts) {
    pt.identity(0, 0x4000, PTE_W);
    pt.identity(0x100000, 0x200000, PTE_W); // the tables themselves (kernel writes PTEs)
  }
  pts[0].map(0x40000000, 0x300000, PTE_W | PTE_U);
  pts[0].map(0x40001000, 0x301000, PTE_W);
  pts[1].map(0x40000000, 0x302000, PTE_W);
  setup?.(pts, mem);
  const cpu = new Cpu(mem, { paging: { mode: 'shadow', debugChecks: true, ...paging } });
  cpu.reset(image.entry);
  const r = cpu.run(10_000_000);
  return { cpu, mem, r, pts, p: cpu.snapshot().paging, ctx: PagingContext.existing(mem)! };
}

test('hidden faults fill the shadow; a missing guest mapping is a true guest fault', () => {
  const k = kernel(`
  li r2, 0x40000000
  ldw r3, 0(r2)
  stw r3, 4(r2)
  li r2, 0x40005000
  ldw r3, 0(r2)        ; not mapped: a guest page fault (vector 3 halts)
`, {});
  assert.equal(k.cpu.state.cr[CR_CAUSE] & 0xff, CAUSE_PAGE_FAULT);
  assert.equal(k.p.shadowGuestFaults, 1);
  assert.ok(k.p.shadowHiddenFaults >= 2, 'code page, data page (read), then the write for D');
  assert.equal(k.p.shadowDirtyFaults, 1, 'the first write to a clean page is an A/D-emulation fault');
  assert.ok(k.p.shadowTablesBuilt >= 2);
  assert.equal(k.pts[0].pte(0x40000000) & (PTE_A | PTE_D), PTE_A | PTE_D, 'A and D reached the guest table');
  assert.deepEqual(k.ctx.check(), []);
});

/** Where kernel() puts AS0's leaf PTE for va (the builders allocate deterministically). */
function leafAddr(va: number): number {
  let a = 0;
  kernel('', {}, (pts) => { a = pts[0].leafAddress(va); });
  return a;
}

test('page-table writes are trapped: updated in place (A set) or invalidated; the new mapping is used after invlpg', () => {
  const k = kernel(`
  li r2, 0x40000000
  ldw r3, 0(r2)        ; 0x300000's word
  li r4, ${leafAddr(0x40000000)}
  li r5, 0x30400f      ; new frame 0x304000, P|W|U|A
  stw r5, 0(r4)        ; traced store: shadow leaf updated in place
  invlpg r2
  ldw r6, 0(r2)        ; 0x304000's word, no hidden fault
  li r5, 0x305007      ; P|W|U, A clear: shadow leaf invalidated
  stw r5, 0(r4)
  invlpg r2
  ldw r7, 0(r2)        ; hidden fault, then 0x305000's word
`, {}, (_pts, mem) => {
    mem.writeWord(0x300000 as Gpa, 1);
    mem.writeWord(0x304000 as Gpa, 2);
    mem.writeWord(0x305000 as Gpa, 3);
  });
  assert.deepEqual([reg(k.cpu, 3), reg(k.cpu, 6), reg(k.cpu, 7)], [1, 2, 3]);
  assert.equal(k.p.ptWriteTraps, 2);
  assert.equal(k.p.shadowEntriesUpdated, 1);
  assert.equal(k.p.shadowEntriesInvalidated, 1);
});

test('the shadow cache survives address-space switches (root hits), tables shared across spaces', () => {
  const k = kernel(`
  li r2, 0x40000000
  li r9, 5
again:
  mtcr ptbr, r10
  ldw r3, 0(r2)
  mtcr ptbr, r11
  ldw r4, 0(r2)
  subi r9, r9, 1
  cmpi r9, 0
  bne again
`, {});
  assert.equal(k.p.shadowRootMisses, 1, 'the second root is built once (the first was built when paging came on)');
  assert.equal(k.p.shadowRootHits, 9, 'every later switch finds its shadow root');
  assert.ok(k.p.shadowHiddenFaults <= 8, `no refill on switches: ${k.p.shadowHiddenFaults}`);
  assert.deepEqual(k.ctx.check(), []);
});

test('write flooding: a guest table written repeatedly with no walk through it is zapped, then rebuilt when used', () => {
  const k = kernel(`
  li r2, 0x40000000
  ldw r3, 0(r2)
  li r4, ${leafAddr(0x40000000)}
  li r5, 0x300007
  stw r5, 8(r4)
  stw r5, 12(r4)
  stw r5, 16(r4)
  stw r5, 20(r4)
  invlpg r2
  ldw r3, 0(r2)
`, {});
  assert.equal(k.p.ptWriteTraps, 3, 'the fourth store is no longer trapped: the table was zapped (flooding threshold 3)');
  assert.equal(k.p.shadowTablesZapped, 1);
  assert.equal(k.p.shadowTablesRebuilt, 1);
  assert.equal(reg(k.cpu, 3), 0);
});

test('a DMA (host) write into a traced page table invalidates the shadow', () => {
  const image = build(`${HALT_VECTORS}
  .org 0x2000
_start:
  li r1, ${A0}
  mtcr ptbr, r1
  li r1, 1
  mtcr status, r1
  li r2, 0x40000000
  ldw r3, 0(r2)
  brk
  invlpg r2
  ldw r4, 0(r2)
  hlt
`);
  const mem = new GuestPhysicalMemory(new HostMemory(), 16 << 20);
  mem.writeBytes(image.loadAddress as Gpa, image.bytes);
  const pt = new PtBuilder(mem, 2, A0);
  pt.identity(0, 0x4000, PTE_W);
  pt.map(0x40000000, 0x300000, PTE_W);
  mem.writeWord(0x300000 as Gpa, 5);
  mem.writeWord(0x310000 as Gpa, 6);
  const cpu = new Cpu(mem, { paging: { mode: 'shadow', debugChecks: true } });
  cpu.reset(image.entry);
  cpu.run(1_000_000);
  // the host (a device's DMA) rewrites the PTE
  mem.writeWord(pt.leafAddress(0x40000000) as Gpa, 0x310003);
  cpu.state.halted = false;
  cpu.state.pc = cpu.state.cr[4];
  cpu.state.kernel = true;
  assert.equal(cpu.run(1_000_000).reason, 'halted');
  assert.deepEqual([reg(cpu, 3), reg(cpu, 4)], [5, 6]);
  assert.deepEqual(PagingContext.existing(mem)!.check(), []);
});

test('transition costs follow the monitor: te traps, bt uses a callout for traced stores, hw pays VM exits', () => {
  const te = pagingCostsFor({ name: 'te' }, DEFAULT_COSTS);
  const bt = pagingCostsFor({ name: 'bt' }, DEFAULT_COSTS);
  const hw = pagingCostsFor({ name: 'hw' }, DEFAULT_COSTS);
  assert.equal(te.traceWrite, DEFAULT_COSTS.monitorTrap + DEFAULT_COSTS.ptWriteEmulate);
  assert.equal(bt.traceWrite, 391, 'A&A ptemod under BT');
  assert.equal(hw.exit, DEFAULT_COSTS.worldSwitch);
  assert.equal(hw.switchExit, DEFAULT_COSTS.worldSwitch, 'shadow paging needs CR3-load exiting');
  assert.equal(te.switchExit, 0, 'te already traps mtcr');
  const custom = pagingCostsFor({ name: 'hw', pagingCosts: () => ({ switchExit: 0 }) }, DEFAULT_COSTS);
  assert.equal(custom.switchExit, 0, 'a monitor that intercepts ptbr loads itself says so');
});

test('shadow tables cost monitor memory, reported by the context', () => {
  const k = kernel(' li r2, 0x40000000\n ldw r3, 0(r2)', {});
  const t = k.ctx.shadowTablesIfAny!;
  assert.ok(t.tableCount >= 2);
  assert.equal(t.bytes, t.tableCount * 4096);
});
