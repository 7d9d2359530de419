/**
 * Nested (2-D) paging: every TLB miss walks the guest's tables and translates each guest-physical
 * reference through the nested table — (n+1)(m+1) − 1 references (8 at 2 levels, 24 at 4), fewer
 * with large pages in either dimension; EPT-violation-like exits fill the nested table on demand;
 * page-walk caches cut references and are counted; large pages, TLB tags and VPID.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cpu } from '../../../src-main/engine/cpu/index';
import { CAUSE_PAGE_FAULT, CR_CAUSE, FAULT_PRESENT, PTE_A, PTE_D, PTE_PS, PTE_U, PTE_W } from '../../../src-main/engine/isa/index';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import { makePte, PagingContext, type Gpa, type PageTableLevels, type PagingOptions } from '../../../src-main/engine/mmu/index';
import { build, ENTER_PAGING, HALT_VECTORS, reg } from '../../helpers/cpuHarness';
import { PtBuilder } from './ptBuilder';

const PAGES = 64;
const VA = 0x40000000;

/** Reads PAGES pages twice with a 4-entry TLB (every access misses); returns the counters of the second pass. */
function sweep(levels: PageTableLevels, paging: PagingOptions, guestLarge = false) {
  const stride = guestLarge ? (levels === 2 ? 4 << 20 : 128 << 10) : 4096;
  const src = `${HALT_VECTORS}
  .org 0x2000
_start:${ENTER_PAGING}
  li r5, 2
pass:
  li r2, ${VA}
  li r3, ${PAGES}
loop:
  ldw r4, 0(r2)
  li r6, ${stride}
  add r2, r2, r6
  subi r3, r3, 1
  cmpi r3, 0
  bne loop
  brk
  subi r5, r5, 1
  cmpi r5, 0
  bne pass
  hlt
`;
  const image = build(src);
  const mem = new GuestPhysicalMemory(new HostMemory(), 16 << 20);
  mem.writeBytes(image.loadAddress as Gpa, image.bytes);
  const pt = new PtBuilder(mem, levels, 0x100000);
  pt.identity(0, 0x4000, PTE_W);
  if (guestLarge) {
    // PAGES large pages (a PS entry one level above the leaf: 4 MiB at 2 levels, 128 KiB at 4), all
    // aliasing one physical region, so the 16-entry large-page TLB misses on every access too
    const g = pt.g;
    for (let p = 0; p < PAGES; p++) {
      const va = VA + p * stride;
      pt.leafAddress(va);
      let table = pt.root;
      let ea = 0;
      for (let level = 0; level < g.levels - 1; level++) {
        ea = table + (((va >>> (12 + g.bitsPerLevel * (g.levels - 1 - level))) & (g.entriesPerTable - 1)) * 4);
        table = mem.readWord(ea as Gpa) & ~(g.tableBytes - 1);
      }
      mem.writeWord(ea as Gpa, makePte(0x400000, PTE_W | PTE_PS | 1));
    }
  } else for (let p = 0; p < PAGES; p++) pt.map(VA + p * 4096, 0x400000 + p * 4096, PTE_W);
  const cpu = new Cpu(mem, { levels, tlbEntries: 4, tlbWays: 4, paging: { largePages: guestLarge, ...paging } });
  cpu.reset(image.entry);
  const first = cpu.run(50_000_000);
  assert.equal(first.reason, 'halted');
  const a = cpu.snapshot();
  cpu.state.halted = false;
  cpu.state.pc = cpu.state.cr[4];
  cpu.state.kernel = true;
  const second = cpu.run(50_000_000);
  assert.equal(second.reason, 'halted');
  const b = cpu.snapshot();
  const d = (k: string): number => (b.paging[k] ?? 0) - (a.paging[k] ?? 0);
  return {
    walks: b.pageWalks - a.pageWalks, refs: b.pageWalkRefs - a.pageWalkRefs, guestRefs: d('guestWalkRefs'), nestedRefs: d('nestedWalkRefs'),
    violations: b.paging.nestedViolations ?? 0, pwcHits: d('pwcHits'), ntlbHits: d('ntlbHits'), cycles: b.cycles - a.cycles, ctx: PagingContext.existing(mem), cpu,
  };
}

for (const [levels, want] of [[2, 8], [4, 24]] as const) {
  test(`${levels} levels: a 2-D walk makes (n+1)(m+1)−1 = ${want} memory references; native makes ${levels}`, () => {
    const nat = sweep(levels, { mode: 'native' });
    assert.equal(nat.refs / nat.walks, levels);
    const n = sweep(levels, { mode: 'nested', debugChecks: true });
    assert.equal(n.walks, nat.walks, 'same TLB misses');
    assert.equal(n.refs / n.walks, want);
    assert.equal(n.guestRefs / n.walks, levels);
    assert.equal(n.nestedRefs / n.walks, want - levels);
    assert.ok(n.violations >= PAGES, 'the nested table was filled by violations on first touch');
    assert.ok(n.cycles > nat.cycles);
    assert.deepEqual(n.ctx!.check(), []);
  });
}

test('host large pages shorten the host dimension: 19 at 4 levels (n=4, m=3), 5 at 2 levels (n=2, m=1)', () => {
  assert.equal(((r) => r.refs / r.walks)(sweep(4, { mode: 'nested', hostLargePages: true })), 19);
  assert.equal(((r) => r.refs / r.walks)(sweep(2, { mode: 'nested', hostLargePages: true })), 5);
});

test('guest large pages shorten the guest dimension: 4 levels n=3 → 19, both dimensions → 15; 2 levels n=1 → 5, both → 3', () => {
  assert.equal(((r) => r.refs / r.walks)(sweep(4, { mode: 'nested' }, true)), 19);
  assert.equal(((r) => r.refs / r.walks)(sweep(4, { mode: 'nested', hostLargePages: true }, true)), 15);
  assert.equal(((r) => r.refs / r.walks)(sweep(2, { mode: 'nested' }, true)), 5);
  assert.equal(((r) => r.refs / r.walks)(sweep(2, { mode: 'nested', hostLargePages: true }, true)), 3);
  // and natively the walk is just n
  assert.equal(((r) => r.refs / r.walks)(sweep(4, { mode: 'native' }, true)), 3);
  // shadow splinters a guest large page into 4 KiB shadow leaves unless the host maps large too
  assert.equal(((r) => r.refs / r.walks)(sweep(4, { mode: 'shadow', debugChecks: true }, true)), 4);
  assert.equal(((r) => r.refs / r.walks)(sweep(4, { mode: 'shadow', hostLargePages: true, debugChecks: true }, true)), 3);
});

test('page-walk caches: fewer references per 2-D walk, every hit counted', () => {
  const plain = sweep(4, { mode: 'nested' });
  const pwc = sweep(4, { mode: 'nested', pageWalkCache: true, debugChecks: true });
  assert.equal(pwc.walks, plain.walks);
  assert.ok(pwc.refs < plain.refs / 2, `refs ${pwc.refs} vs ${plain.refs}`);
  assert.ok(pwc.pwcHits > 0 && pwc.ntlbHits > 0);
  assert.ok(pwc.cycles < plain.cycles);
});

test('shadow paging: a TLB miss walks the shadow table (n references), hidden faults fill it once', () => {
  const s = sweep(4, { mode: 'shadow', debugChecks: true });
  assert.equal(s.refs / s.walks, 4, 'steady state: 1-D walks of the shadow table');
  const p = s.cpu.snapshot().paging;
  assert.ok(p.shadowHiddenFaults >= PAGES, 'first pass: one hidden fault per page');
  assert.equal(p.shadowGuestFaults ?? 0, 0);
  assert.deepEqual(s.ctx!.check(), []);
});

function largePageCpu(largePages: boolean, levels: PageTableLevels = 2, extra: PagingOptions = {}) {
  const src = `${HALT_VECTORS}
  .org 0x2000
_start:${ENTER_PAGING}
  li r2, 0x40000000
  li r3, 0x1234
  stw r3, 0x1008(r2)
  li r6, 0x40003000
  ldw r4, 0(r6)
  ldw r5, 8(r6)
  hlt
`;
  const image = build(src);
  const mem = new GuestPhysicalMemory(new HostMemory(), 16 << 20);
  mem.writeBytes(image.loadAddress as Gpa, image.bytes);
  const pt = new PtBuilder(mem, levels, 0x100000);
  pt.identity(0, 0x4000, PTE_W);
  pt.map(0x50000000, 0x500000, PTE_W); // forces the table chain to exist for 0x5..
  // a PS entry at the level above the leaf for 0x40000000
  const g = pt.g;
  let table = pt.root;
  let ea = 0;
  pt.leafAddress(0x40000000);
  for (let level = 0; level < g.levels - 1; level++) {
    ea = table + (((0x40000000 >>> (12 + g.bitsPerLevel * (g.levels - 1 - level))) & (g.entriesPerTable - 1)) * 4);
    table = mem.readWord(ea as Gpa) & ~(g.tableBytes - 1);
  }
  mem.writeWord(ea as Gpa, makePte(0x800000, PTE_W | PTE_PS | 1));
  mem.writeWord((0x803000 + 8) as Gpa, 77);
  const cpu = new Cpu(mem, { levels, paging: { largePages, ...extra } });
  cpu.reset(image.entry);
  const r = cpu.run(1_000_000);
  return { cpu, mem, r, pte: () => mem.readWord(ea as Gpa) };
}

for (const levels of [2, 4] as const) {
  test(`${levels} levels: the PS bit maps a large page when the machine has large pages (one large-TLB entry, A/D on the PS entry)`, () => {
    for (const extra of [{}, { mode: 'shadow' as const, debugChecks: true }, { mode: 'nested' as const, debugChecks: true }]) {
      const b = largePageCpu(true, levels, extra);
      assert.equal(b.r.reason, 'halted');
      assert.equal(b.mem.readWord(0x801008 as Gpa), 0x1234);
      assert.equal(reg(b.cpu, 5), 77);
      assert.equal(b.pte() & (PTE_A | PTE_D), PTE_A | PTE_D);
      const s = b.cpu.snapshot();
      assert.equal(s.paging.largeWalks, 1, `one walk for the large page, then large-TLB hits: ${JSON.stringify(s.paging)}`);
      assert.ok(s.paging.largeTlbHits >= 1);
    }
  });
}

test('without large pages the PS bit is reserved: a protection page fault', () => {
  const b = largePageCpu(false);
  assert.equal(b.cpu.state.cr[CR_CAUSE] & 0xff, CAUSE_PAGE_FAULT);
  assert.ok(b.cpu.state.cr[CR_CAUSE] & FAULT_PRESENT);
});

function tagCpu(tagging: boolean, vpid = true) {
  // two address spaces mapping the same VA to different frames; switch back and forth
  const src = `${HALT_VECTORS}
  .org 0x2000
_start:
  li r10, 0x100000
  li r11, 0x180000
  li r1, 1
  mtcr asid, r1
  mtcr ptbr, r10
  li r1, 1
  mtcr status, r1
  li r2, 0x40000000
  ldw r3, 0(r2)
  li r1, 2
  mtcr asid, r1
  mtcr ptbr, r11
  ldw r4, 0(r2)
  li r1, 1
  mtcr asid, r1
  mtcr ptbr, r10
  ldw r5, 0(r2)
  hlt
`;
  const image = build(src);
  const mem = new GuestPhysicalMemory(new HostMemory(), 16 << 20);
  mem.writeBytes(image.loadAddress as Gpa, image.bytes);
  for (const [root, frame] of [[0x100000, 0x300000], [0x180000, 0x301000]]) {
    const pt = new PtBuilder(mem, 2, root);
    pt.identity(0, 0x4000, PTE_W | PTE_U);
    pt.map(0x40000000, frame, PTE_W);
  }
  mem.writeWord(0x300000 as Gpa, 111);
  mem.writeWord(0x301000 as Gpa, 222);
  const cpu = new Cpu(mem, { paging: { tlbTagging: tagging, vpid } });
  cpu.reset(image.entry);
  assert.equal(cpu.run(1_000_000).reason, 'halted');
  return cpu;
}

test('ASID-tagged TLB: switching address spaces keeps both translations; untagged flushes', () => {
  const t = tagCpu(true);
  const u = tagCpu(false);
  for (const c of [t, u]) assert.deepEqual([reg(c, 3), reg(c, 4), reg(c, 5)], [111, 222, 111]);
  assert.ok(t.snapshot().tlbMisses < u.snapshot().tlbMisses, `${t.snapshot().tlbMisses} vs ${u.snapshot().tlbMisses}`);
  assert.equal(t.snapshot().paging.asidSwitches, 3);
  assert.equal(t.mmu.tlb.validCount() >= 3, true, 'entries of both address spaces are resident');
});

test('VPID: without it every VM transition flushes the TLB (counted); with it nothing happens', () => {
  const with_ = tagCpu(false, true);
  with_.mmu.vmTransition();
  assert.ok(with_.mmu.tlb.validCount() > 0);
  const without = tagCpu(false, false);
  without.mmu.vmTransition();
  assert.equal(without.mmu.tlb.validCount(), 0);
  assert.equal(without.snapshot().paging.vpidFlushes, 1);
});

test('nested: guest page faults and page-table writes cost no exit; the nested table matches guest memory', () => {
  const b = largePageCpu(false, 2, { mode: 'nested', debugChecks: true });
  const p = b.cpu.snapshot().paging;
  assert.equal(b.cpu.state.cr[CR_CAUSE] & 0xff, CAUSE_PAGE_FAULT);
  assert.equal(p.shadowGuestFaults ?? 0, 0);
  assert.ok(p.nestedViolations > 0);
  assert.deepEqual(PagingContext.existing(b.mem)!.check(), []);
});

void PTE_U;

test('host memory: a 4 GiB guest that reads 40 MiB and writes 10 MiB costs about 10 MiB of host frames under shadow and nested paging; two VMs on one host are accounted together', () => {
  const host = new HostMemory();
  const GiB = 1024 * 1024 * 1024;
  const vms = (['shadow', 'nested'] as const).map((mode) => {
    const image = build(`${HALT_VECTORS}
  .org 0x2000
_start:${ENTER_PAGING}
  li r2, 0x40000000
  li r3, 10240
rd:
  ldw r4, 0(r2)
  li r6, 4096
  add r2, r2, r6
  subi r3, r3, 1
  cmpi r3, 0
  bne rd
  li r2, 0x40000000
  li r3, 2560
wr:
  stw r3, 0(r2)
  li r6, 16384
  add r2, r2, r6
  subi r3, r3, 1
  cmpi r3, 0
  bne wr
  hlt
`);
    const mem = new GuestPhysicalMemory(host, 4 * GiB);
    mem.writeBytes(image.loadAddress as Gpa, image.bytes);
    const pt = new PtBuilder(mem, 2, 0x100000);
    pt.identity(0, 0x4000, PTE_W);
    for (let p = 0; p < 10240; p++) pt.map(0x40000000 + p * 4096, 0x10000000 + ((p * 37) % 10240) * 4096 * 97 % (3 * GiB), PTE_W);
    const before = host.framesAllocated;
    const cpu = new Cpu(mem, { paging: { mode } });
    cpu.reset(image.entry);
    assert.equal(cpu.run(200_000_000).reason, 'halted');
    return { mem, cost: host.framesAllocated - before };
  });
  for (const v of vms) {
    assert.ok(v.cost >= 2560 && v.cost <= 2560 + 64, `frames allocated by running: ${v.cost} (reads of untouched memory map the zero page)`);
    assert.ok(v.mem.touchedPageCount * 4096 < 12 * 1024 * 1024);
  }
  assert.equal(host.framesAllocated, vms[0].mem.touchedPageCount + vms[1].mem.touchedPageCount, 'the host accounts for both VMs');
  vms[0].mem.release();
  assert.equal(host.framesAllocated, vms[1].mem.touchedPageCount, 'destroying a VM returns its frames to the host');
});
