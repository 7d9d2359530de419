/**
 * Translating only the code that ran (executor option `onlyCodeThatRan`, the default of `hw` and
 * `pv`): a hot page is first interpreted block by block, and its region holds the words seen
 * executing — a path that never ran stays out of the generated function and is left to the
 * interpreter when it is finally taken. Results are those of the interpreter either way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Cpu } from '../../../src-main/engine/cpu/index';
import { HardwareAssistMonitor, InterpMonitor } from '../../../src-main/engine/monitors/index';
import { CALLOUT_HELPERS, TranslationCache } from '../../../src-main/engine/translator/index';
import { boot, EXACT_COSTS, runToHalt } from '../../helpers/cpuHarness';

/** A hot loop whose rare path (`rare`) runs once, on the last iteration, long after the page is hot. */
const PROGRAM = `
  .org 0x1000
_start:
  li r1, 0
  li r2, 60000
loop:
  addi r1, r1, 1
  addi r5, r5, 3
  cmp r1, r2
  beq rare
  j loop
rare:
  addi r4, r4, 7
  addi r4, r4, 9
  hlt
`;

function coveredBy(cpu: Cpu, w: number): boolean {
  const tc = TranslationCache.for(cpu.mem, cpu.opCost, CALLOUT_HELPERS);
  return tc.list().some((r) => r.gpfn === 1 && r.plan.covered[w] === 1);
}

function run(onlyCodeThatRan: boolean | 'interp') {
  const monitor = onlyCodeThatRan === 'interp' ? new InterpMonitor() : new HardwareAssistMonitor({ onlyCodeThatRan, hotCycles: 20_000, kernelTranslateAfterCycles: 0, enterAfterInstructions: 0 });
  const b = boot(PROGRAM, { monitor, costs: EXACT_COSTS });
  const rareWord = ((b.image.symbols.rare - 0x1000) >>> 2) + 1; // the second instruction of the rare path: never the arrival point
  // stop before the rare path runs: what is translated then was decided without it
  b.cpu.run(300_000);
  const before = coveredBy(b.cpu, rareWord);
  const loopCovered = coveredBy(b.cpu, (b.image.symbols.loop - 0x1000) >>> 2);
  runToHalt(b.cpu);
  return { cpu: b.cpu, before, loopCovered };
}

test('hw compiles the hot loop without its never-run path, and the result is the interpreter\'s', () => {
  const ref = run('interp');
  const only = run(true);
  const whole = run(false);
  assert.ok(only.loopCovered && whole.loopCovered, 'the loop is translated either way');
  assert.equal(whole.before, true, 'whole regions take in the path that has not run');
  assert.equal(only.before, false, 'the region holds only the code that ran');
  for (const r of [only, whole]) {
    assert.equal(r.cpu.digest(), ref.cpu.digest());
    assert.equal(r.cpu.state.regs[4], 16);
    const a = ref.cpu.snapshot();
    const s = r.cpu.snapshot();
    for (const k of ['instructions', 'cycles', 'tlbHits', 'tlbMisses', 'exceptions'] as const) assert.equal(s[k], a[k], k);
    assert.ok(isDeepStrictEqual(s.byOpcode, a.byOpcode), 'per-opcode counts');
  }
});
