/**
 * One budget check per run of blocks (codegen.ts `budgetRuns`): in a region's fast variant a labelled
 * block checks the cost of itself and of the blocks only it falls into, which have no check of their own;
 * when that run could cross the budget, the resumable variant (a check per block) goes on from the
 * labelled block. Host-side only: at every budget the run must equal one where every region runs its
 * resumable variant (a check per block, as before) in pc, registers, cycles, per-opcode counts, TLB
 * counters and every `bt.*` counter (the translated / interpreted split included), and the
 * interpreter's in guest state and cycles.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PTE_W } from '../../../src-main/engine/isa/index';
import { BinaryTranslationMonitor } from '../../../src-main/engine/monitors/index';
import type { Cpu } from '../../../src-main/engine/cpu/index';
import type { TranslationCache } from '../../../src-main/engine/translator/index';
import { boot, ENTER_PAGING, EXACT_COSTS } from '../../helpers/cpuHarness';
import { PtBuilder } from '../mmu/ptBuilder';

/** `blocks` blocks as bench `large`'s (a load, a never-taken branch: runs of blocks reached by falling through) over pages, in an endless loop; `flush`: the loop's end reloads ptbr (loads miss the TLB: mid-block slow paths). */
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
  const b = boot(program(paging, 400, flush), { monitor, costs: EXACT_COSTS, memBytes: 2 << 20 });
  for (let w = 0; w < 1024; w++) b.mem.writeWord((0x80000 + w * 4) as never, (w * 2654435761) | 0);
  if (paging) new PtBuilder(b.mem, 2, 0x100000).identity(0, 0x100000, PTE_W);
  return b.cpu;
}

/** Makes every region of `tc` (now and after each translation or relabel) run its resumable variant: a budget check per block. */
function checkEveryBlock(tc: TranslationCache): void {
  const patch = (): void => {
    for (const r of tc.list()) {
      const v = r.makeResume().fn;
      if (r.fn !== v && !(r as unknown as { patched?: boolean }).patched) {
        r.fn = v;
        (r as unknown as { patched?: boolean }).patched = true;
      }
    }
  };
  const t = tc.translate.bind(tc);
  const l = tc.label.bind(tc);
  tc.translate = (...a: Parameters<TranslationCache['translate']>) => { const r = t(...a); patch(); return r; };
  tc.label = (...a: Parameters<TranslationCache['label']>) => { const r = l(...a); patch(); return r; };
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

/** Budgets from 1 cycle to ~6,000, now and then a long one; the same sequence for every machine. */
function budgets(): number[] {
  const out: number[] = [];
  let s = 4242;
  for (let i = 0; i < 400; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(i % 50 === 49 ? 200_000 : 1 + (s % 6000));
  }
  return out;
}

test('a fast region checks the budget once per run of blocks reached by falling through', () => {
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const cpu = machine(false, false, bt);
  cpu.run(50_000);
  const r = bt.cache(cpu).list()[0];
  const blocks = (r.source.match(/bc\[\d+\]\+\+/g) ?? []).length;
  const checks = (r.source.match(/>= stop\)/g) ?? []).length;
  assert.ok(blocks > 20, `blocks: ${blocks}`);
  assert.ok(checks * 4 < blocks, `budget checks ${checks} for ${blocks} blocks`);
  assert.match(r.source, /if \(cyc \+ \d+ >= stop\) \{ s = -1; b = \d+; break mid; \}/);
});

for (const [paging, flush] of [[false, false], [true, false], [true, true]] as const) {
  test(`one budget check per run leaves every counter as a check per block (paging ${paging ? 'on' : 'off'}${flush ? ', TLB flushed each lap' : ''})`, () => {
    const fast = new BinaryTranslationMonitor({ hotCycles: 2000 });
    const ref = new BinaryTranslationMonitor({ hotCycles: 2000 });
    const a = machine(paging, flush, fast);
    const b = machine(paging, flush, ref);
    checkEveryBlock(ref.cache(b));
    const interp = machine(paging, flush, undefined);
    for (const n of budgets()) {
      const ra = a.run(n);
      const rb = b.run(n);
      const ri = interp.run(n);
      assert.deepEqual(ra, rb, `run(${n})`);
      assert.deepEqual(snapshot(a, fast), snapshot(b, ref), `after run(${n})`);
      assert.deepEqual([ra.cycles, ra.instructions, a.state.pc, a.counters.cycles], [ri.cycles, ri.instructions, interp.state.pc, interp.counters.cycles]);
      assert.deepEqual(Array.from(a.state.regs), Array.from(interp.state.regs));
    }
    const c = fast.counters(a);
    assert.ok(c['bt.translatedExecuted'] > 10 * c['bt.interpretedInstructions'], JSON.stringify(c));
    // budget stops inside runs went on in the resumable variant (without slow paths, nothing else makes one)
    const resumed = fast.cache(a).list().filter((r) => r.resumeFn !== undefined).length;
    if (!paging) assert.ok(resumed > 0, 'a budget stop inside a run continues in the resumable variant');
  });
}
