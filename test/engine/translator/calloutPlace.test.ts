/**
 * Under `bt` a callout (`btCallout`, counted per opcode) is a property of the sensitive instruction's
 * place — kernel code of a valid region — not of which engine runs it: the executor's interpreter
 * charges it too when it runs a region's code (a block's tail after a budget stop or an interrupt, a
 * block without a label), and never for code no region holds. So where a run is cut (host-side: the
 * run's slices) never changes bt's cycles, counters or callouts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryTranslationMonitor } from '../../../src-main/engine/monitors/index';
import { boot } from '../../helpers/cpuHarness';

const VEC = `  .org 0\n${Array.from({ length: 32 }, () => '  hlt').join('\n')}\n`;

/** A kernel loop with sensitive instructions inside and at the end of its blocks. */
const PROGRAM = `${VEC}
  .org 0x2000
_start:
  li r9, 3000
loop:
  addi r1, r1, 1
  getf r2
  addi r3, r3, 2
  smsw r4
  addi r5, r5, 3
  xor r6, r6, r1
  cli
  addi r9, r9, -1
  cmpi r9, 0
  bne loop
  hlt
`;

/** Runs PROGRAM under bt in calls of `step` cycles to its hlt; what bt charged and counted. */
function run(step: number, hotCycles = 0) {
  const bt = new BinaryTranslationMonitor({ hotCycles });
  const b = boot(PROGRAM, { monitor: bt });
  for (let i = 0; i < 1_000_000 && !b.cpu.state.halted; i++) b.cpu.run(step);
  assert.ok(b.cpu.state.halted, 'the program ran to its hlt');
  return {
    result: { digest: b.cpu.digest(), cycles: b.cpu.counters.cycles, instructions: b.cpu.counters.instructions, callouts: bt.executor.stats.callouts, emulated: bt.stats.emulated },
    interpreted: bt.executor.stats.interpretedInstructions,
    translated: bt.executor.stats.translatedExecuted,
  };
}

test('bt: a run cut mid-block (its tail interpreted) charges the same callouts and cycles as one run', () => {
  const whole = run(10_000_000);
  assert.ok(whole.translated > 20_000, `the loop ran translated (${whole.translated})`);
  assert.ok(whole.result.callouts >= 3 * 3000, `its sensitive instructions were callouts (${whole.result.callouts})`);
  for (const step of [1, 3, 5, 7]) {
    const cut = run(step);
    assert.ok(cut.interpreted > whole.interpreted + 1000, `step ${step}: block tails were interpreted (${cut.interpreted} vs ${whole.interpreted})`);
    assert.deepEqual(cut.result, whole.result, `step ${step}`);
  }
});

test('bt: the interpreter charges no callout for code no region holds (cold code is interpreted, not translated)', () => {
  const cold = run(10_000_000, 1e15);
  assert.equal(cold.translated, 0, 'nothing was translated');
  assert.equal(cold.result.callouts, 0);
  assert.deepEqual(cold.result.emulated, {});
  const hot = run(10_000_000);
  assert.ok(hot.result.cycles > cold.result.cycles, 'translated kernel code pays for its callouts');
});
