/**
 * Back edges that go round a copy of their loop (codegen.ts `backEdgeLoops`): a branch or jump back
 * to a small cycle of plain blocks (arithmetic and control flow only) runs a copy of the cycle in a JS
 * `for(;;)` instead of dispatching through the region's `switch`; each copied block keeps its budget
 * check, cost and counter, a way off the cycle goes back through the switch (to a `case` label that
 * is not an entry). Loops through a load or a callout are left to the switch. Whatever the budget, the
 * counters, cycles and state after every run are the interpreter's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPCODE_BY_MNEMONIC } from '../../../src-main/engine/isa/index';
import { BinaryTranslationMonitor, createMonitor } from '../../../src-main/engine/monitors/index';
import { backEdgeLoops, CALLOUT_HELPERS, TranslationCache } from '../../../src-main/engine/translator/index';
import { boot, EXACT_COSTS } from '../../helpers/cpuHarness';

const VEC = `  .org 0\n${Array.from({ length: 32 }, () => '  hlt').join('\n')}\n`;

/**
 * An outer loop through a callout (getf) and a load; inside it a loop of arithmetic whose first block
 * leaves it every 16th time round (beq off the cycle), then a loop closed by a jump (j) whose first
 * block leaves it by its branch, a loop whose branch skips a block reached only by falling through (the
 * copy leaves the cycle there); a straight epilogue.
 */
const PROGRAM = `${VEC}
  .org 0x2000
_start:
  li r9, 300
  li r8, 0x3000
outer:
  getf r2
  ldw r3, 0(r8)
  li r5, 7
inner:
  addi r1, r1, 1
  andi r6, r1, 15
  cmpi r6, 0
  beq leave
  xor r6, r6, r1
  addi r5, r5, -1
  cmpi r5, 0
  bne inner
leave:
  add r4, r4, r3
  li r10, 5
jl:
  addi r10, r10, -1
  cmpi r10, 0
  beq jdone
  xor r7, r7, r10
  j jl
jdone:
  li r11, 9
sk:
  addi r11, r11, -1
  andi r12, r11, 3
  cmpi r12, 0
  bne body
  addi r13, r13, 1
body:
  xor r7, r7, r11
  cmpi r11, 0
  bne sk
  addi r9, r9, -1
  cmpi r9, 0
  bne outer
  addi r7, r7, 5
  hlt
`;
const op = (m: string): number => OPCODE_BY_MNEMONIC.get(m)!.opcode;

test('backEdgeLoops copies the loops of arithmetic (closed by a branch or a jump), not the loop through a callout and a load', () => {
  const b = boot(PROGRAM);
  const tc = TranslationCache.for(b.cpu.mem, b.cpu.opCost, CALLOUT_HELPERS);
  const r = tc.translate(2, true, [0]).region;
  const loops = backEdgeLoops(r.plan);
  const blockWith = (m: string, nth = 0): number => r.plan.blocks.filter((bl) => bl.instrs.some((i) => i.op === op(m)))[nth].id;
  const bne = blockWith('bne'), andi = blockWith('andi'), j = blockWith('j'), jl = blockWith('beq', 1);
  assert.deepEqual(loops.get(bne), [andi, bne], 'the inner loop: its two blocks, from the back edge\'s target');
  assert.deepEqual(loops.get(j), [jl, j], 'the loop closed by a jump');
  const sk = blockWith('andi', 1), body = blockWith('bne', 2), skipped = sk + 1;
  assert.deepEqual(loops.get(body), [sk, body], 'the loop whose branch skips a block');
  assert.equal(loops.size, 3, 'not the outer loop (a callout and a load on it)');
  assert.match(r.source, new RegExp(`back${bne}: for \\(;;\\)`), 'the inner loop\'s back edge runs its copy');
  assert.match(r.source, new RegExp(`back${j}: for \\(;;\\)`), 'so does the jump\'s');
  assert.match(r.source, new RegExp(`case ${skipped}:`), 'the skipped block (the copy\'s way off the cycle) has a case label');
  assert.equal(r.entryAt[r.plan.blocks[skipped].start], -1, 'which is not an entry');
});

test('bt with back edges round loop copies: after every run the counters are the interpreter\'s, whatever the budget', () => {
  for (const step of [1, 2, 3, 5, 7, 11, 13, 40, 1000, 10_000_000]) {
    const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
    const t = boot(PROGRAM, { monitor: bt, costs: EXACT_COSTS });
    const i = boot(PROGRAM, { monitor: createMonitor('interp'), costs: EXACT_COSTS });
    for (let k = 0; k < 1_000_000 && !t.cpu.state.halted; k++) {
      t.cpu.run(step);
      i.cpu.run(step);
      assert.equal(t.cpu.counters.instructions, i.cpu.counters.instructions, `step ${step}, run ${k}: instructions`);
      assert.equal(t.cpu.counters.cycles, i.cpu.counters.cycles, `step ${step}, run ${k}: cycles`);
      assert.deepEqual(t.cpu.counters.opCounts, i.cpu.counters.opCounts, `step ${step}, run ${k}: opCounts`);
      assert.equal(t.cpu.state.pc, i.cpu.state.pc, `step ${step}, run ${k}: pc`);
    }
    assert.ok(t.cpu.state.halted && i.cpu.state.halted, `step ${step}: both ran to the hlt`);
    assert.equal(t.cpu.digest(), i.cpu.digest(), `step ${step}: same state`);
    if (step >= 40) assert.ok(bt.executor.stats.translatedExecuted > 10_000, `step ${step}: the loops ran translated (${bt.executor.stats.translatedExecuted})`);
  }
});
