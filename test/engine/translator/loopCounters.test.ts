/**
 * Block counters of tight loops kept in locals (codegen.ts `loopBlocks`): the blocks of a small cycle
 * of plain arithmetic in a region count in JS locals during a call and are added to the region's
 * counters on every way out — a budget stop, a page exit, each slow path (a TLB miss, a callout, one
 * that leaves). The other blocks count straight into the counters. Either way the per-opcode counts, instructions and cycles a
 * reader sees after every run are the interpreter's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPCODE_BY_MNEMONIC } from '../../../src-main/engine/isa/index';
import { BinaryTranslationMonitor, createMonitor } from '../../../src-main/engine/monitors/index';
import { CALLOUT_HELPERS, loopBlocks, TranslationCache } from '../../../src-main/engine/translator/index';
import { boot, EXACT_COSTS } from '../../helpers/cpuHarness';

const VEC = `  .org 0\n${Array.from({ length: 32 }, () => '  hlt').join('\n')}\n`;

/** A straight prologue; an outer loop with a callout (getf) and a load; inside it a tight loop of arithmetic; a straight epilogue. */
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
  xor r6, r6, r1
  addi r5, r5, -1
  cmpi r5, 0
  bne inner
  add r4, r4, r3
  addi r9, r9, -1
  cmpi r9, 0
  bne outer
  addi r7, r7, 5
  hlt
`;
const op = (m: string): number => OPCODE_BY_MNEMONIC.get(m)!.opcode;

test('loopBlocks marks the blocks of a tight loop of arithmetic, not a loop through a callout or a load, nor straight code', () => {
  const b = boot(PROGRAM);
  const tc = TranslationCache.for(b.cpu.mem, b.cpu.opCost, CALLOUT_HELPERS);
  const r = tc.translate(2, true, [0]).region;
  const looping = loopBlocks(r.plan);
  const blockWith = (m: string): number => r.plan.blocks.find((bl) => bl.instrs.some((i) => i.op === op(m)))!.id;
  assert.equal(looping[blockWith('xor')], 1, 'the inner loop is tight');
  assert.equal(looping[blockWith('getf')], 0, 'the outer loop goes through a callout');
  assert.equal(looping[blockWith('ldw')], 0, 'and a load');
  assert.equal(looping[blockWith('add')], 0, 'the outer loop\'s tail');
  assert.equal(looping[0], 0, 'the prologue runs once per call');
  assert.equal([...looping].reduce((s, v) => s + v, 0), 1, 'only the inner loop');
  assert.match(r.source, new RegExp(`c${blockWith('xor')}\\+\\+`), 'the tight loop counts in a local');
  assert.match(r.source, new RegExp(`bc\\[${blockWith('getf')}\\]\\+\\+`), 'the outer loop counts straight into bc');
});

test('bt with loop counters in locals: after every run the counters are the interpreter\'s, whatever the budget', () => {
  for (const step of [1, 2, 3, 5, 7, 11, 40, 1000, 10_000_000]) {
    const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
    const t = boot(PROGRAM, { monitor: bt, costs: EXACT_COSTS });
    const i = boot(PROGRAM, { monitor: createMonitor('interp'), costs: EXACT_COSTS });
    for (let k = 0; k < 1_000_000 && !t.cpu.state.halted; k++) {
      t.cpu.run(step);
      i.cpu.run(step);
      assert.equal(t.cpu.counters.instructions, i.cpu.counters.instructions, `step ${step}, run ${k}: instructions`);
      assert.equal(t.cpu.counters.cycles, i.cpu.counters.cycles, `step ${step}, run ${k}: cycles`);
      assert.deepEqual(t.cpu.counters.opCounts, i.cpu.counters.opCounts, `step ${step}, run ${k}: opCounts`);
    }
    assert.ok(t.cpu.state.halted && i.cpu.state.halted, `step ${step}: both ran to the hlt`);
    assert.equal(t.cpu.digest(), i.cpu.digest(), `step ${step}: same state`);
    if (step >= 40) assert.ok(bt.executor.stats.translatedExecuted > 10_000, `step ${step}: the loop ran translated (${bt.executor.stats.translatedExecuted})`);
  }
});
