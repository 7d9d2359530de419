/**
 * Cross-page chaining: a region whose static exit leads to another page's region goes straight on in the
 * executor's chaining loop — the fetch latch moved as the outer loop would move it (one counted TLB
 * lookup), when that fetch would only count a hit and land on the link's page (`Mmu.peekFetch`) — instead
 * of a trip round the outer loop. Host-side only: at every budget the run must equal the outer loop's (the
 * same executor with the shortcut refused) in pc, registers, cycles, per-opcode counts, TLB and walk
 * counters and every `bt.*` counter, and the interpreter's in guest state and cycles.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PTE_W } from '../../../src-main/engine/isa/index';
import { BinaryTranslationMonitor } from '../../../src-main/engine/monitors/index';
import type { Cpu } from '../../../src-main/engine/cpu/index';
import { boot, ENTER_PAGING, EXACT_COSTS } from '../../helpers/cpuHarness';
import { PtBuilder } from '../mmu/ptBuilder';

/** `blocks` blocks of 7 instructions (as bench `large`: a load and a never-taken branch each) over several pages, in an endless loop; with `flush`, the loop's end reloads ptbr (TLB flushed: the next page crossings miss). */
function program(paging: boolean, blocks: number, flush: boolean): string {
  const lines = ['  .org 0x1000', '_start:'];
  if (paging) lines.push(ENTER_PAGING);
  lines.push('  li r2, 0x80000', 'outer:');
  for (let b = 0; b < blocks; b++) {
    lines.push(`  addi r1, r1, ${b & 127}`, '  andi r3, r1, 4092', '  add r4, r2, r3', '  ldw r5, 0(r4)', '  add r6, r6, r5', '  cmpi r1, -1', `  beq .skip${b}`, `.skip${b}:`);
  }
  if (flush) lines.push('  li r7, 0x100000', '  mtcr ptbr, r7');
  lines.push('  j outer');
  return lines.join('\n');
}

function machine(paging: boolean, flush: boolean, monitor: BinaryTranslationMonitor | undefined): Cpu {
  const b = boot(program(paging, 700, flush), { monitor, costs: EXACT_COSTS, memBytes: 2 << 20 });
  for (let w = 0; w < 1024; w++) b.mem.writeWord((0x80000 + w * 4) as never, (w * 2654435761) | 0);
  if (paging) new PtBuilder(b.mem, 2, 0x100000).identity(0, 0x100000, PTE_W);
  return b.cpu;
}

function snapshot(cpu: Cpu, bt: BinaryTranslationMonitor | undefined): Record<string, unknown> {
  return {
    pc: cpu.state.pc,
    regs: Array.from(cpu.state.regs),
    cycles: cpu.counters.cycles,
    instructions: cpu.counters.instructions,
    opCounts: Array.from(cpu.counters.opCounts),
    tlb: { ...cpu.mmu.tlb.stats },
    mmu: { ...cpu.mmu.counters },
    bt: bt?.counters(cpu),
  };
}

/** Budgets from 1 cycle to ~6,000 (a few at a time, then longer runs), the same sequence for every machine. */
function budgets(): number[] {
  const out: number[] = [];
  let s = 12345;
  for (let i = 0; i < 400; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(i % 50 === 49 ? 200_000 : 1 + (s % 6000));
  }
  return out;
}

for (const [paging, flush] of [[false, false], [true, false], [true, true]] as const) {
  test(`cross-page chaining is taken and leaves every counter as the outer loop (paging ${paging ? 'on' : 'off'}${flush ? ', TLB flushed each lap' : ''})`, () => {
    const fast = new BinaryTranslationMonitor({ hotCycles: 2000 });
    const slow = new BinaryTranslationMonitor({ hotCycles: 2000 });
    // the outer loop's way: the chaining loop never moves the latch to another page
    (slow.executor as unknown as { latchPageAhead: () => boolean }).latchPageAhead = () => false;
    const a = machine(paging, flush, fast);
    const b = machine(paging, flush, slow);
    const ref = machine(paging, flush, undefined);
    for (const n of budgets()) {
      const ra = a.run(n);
      const rb = b.run(n);
      const rr = ref.run(n);
      assert.deepEqual(ra, rb, `run(${n})`);
      assert.deepEqual(snapshot(a, fast), snapshot(b, slow), `after run(${n})`);
      assert.equal(ra.cycles, rr.cycles);
      assert.equal(ra.instructions, rr.instructions);
      assert.equal(a.state.pc, ref.state.pc);
      assert.deepEqual(Array.from(a.state.regs), Array.from(ref.state.regs));
      assert.equal(a.counters.cycles, ref.counters.cycles);
    }
    const chains = fast.executor.crossPageChains;
    const c = fast.counters(a);
    assert.ok(c['bt.chainedJumps'] > 1000, `regions chained: ${c['bt.chainedJumps']}`);
    assert.ok(chains > 100, `jumps to another page's region taken by the chaining loop: ${chains}`);
    assert.equal(slow.executor.crossPageChains, 0);
    if (flush) assert.ok(a.mmu.tlb.stats.misses > 50, 'page crossings after a flush miss the TLB and go round the outer loop');
  });
}
