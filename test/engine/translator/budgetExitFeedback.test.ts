/**
 * A region function's budget exit is given V8 type feedback before V8 optimises the function
 * (translator/budgetExitFeedback.ts): at its BT_BUDGET_EXIT_FEEDBACK_ENTRY-th real call the executor
 * first calls it with a budget already reached, so it leaves at once through that exit. Those calls
 * must leave nothing behind: the registers, flags, pc, block counters and the executor's context
 * are as before, and a run gives the interpreter's results.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Cpu } from '../../../src-main/engine/cpu/index';
import { InterpMonitor } from '../../../src-main/engine/monitors/index';
import { BT_BUDGET_EXIT_FEEDBACK_CALLS, BT_BUDGET_EXIT_FEEDBACK_ENTRY, BT_BUDGET_EXIT_FEEDBACK_FACTOR, BT_BUDGET_EXIT_FEEDBACK_LAST } from '../../../src-main/engine/params';
import { CALLOUT_HELPERS, EXIT_BUDGET, TranslatedExecutor, TranslationCache, type Region } from '../../../src-main/engine/translator/index';
import { boot, EXACT_COSTS, HOT_LOOP_PROGRAM } from '../../helpers/cpuHarness';

const PROGRAM = HOT_LOOP_PROGRAM;

const STEP = 1_000;

function regions(cpu: Cpu): Region[] {
  return TranslationCache.for(cpu.mem, cpu.opCost, CALLOUT_HELPERS).list();
}

interface FeedCall { entry: number; kind: number; unchanged: boolean }

test('a region is called through its budget exit at its 12th and 60th real calls, leaving no trace; the results are the interpreter\'s', () => {
  const ref = boot(PROGRAM, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  ref.cpu.run(10_000_000);

  const b = boot(PROGRAM, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  const cpu = b.cpu;
  const ex = new TranslatedExecutor({ chargeTranslation: false, hotCycles: 0 });
  ex.execute(cpu, STEP);
  const made = regions(cpu);
  assert.equal(made.length, 1, 'the loop is translated in the first step');
  const region = made[0];
  const realEntries = ex.stats.regionEntries;
  assert.ok(realEntries < BT_BUDGET_EXIT_FEEDBACK_ENTRY, `few real entries in the first step (${realEntries})`);

  // Watch the region's function: a call with a budget already reached (stop 0) is a feeding call.
  const fn = region.fn;
  const feeds: FeedCall[] = [];
  let real = realEntries;
  const seen = (): unknown => ({ regs: [...cpu.state.regs], pc: cpu.state.pc, fk: cpu.state.fk, fa: cpu.state.fa, fb: cpu.state.fb, bc: [...region.bc] });
  region.fn = (x: unknown): void => {
    const c = x as { stop: number; cyc: number; kind: number };
    if (c.stop !== 0) {
      real++;
      fn(x);
      return;
    }
    const before = seen();
    fn(x);
    const after = seen();
    // the pc is set by the exit and restored after the last feeding call: compare the rest here
    feeds.push({ entry: real + 1, kind: c.kind, unchanged: isDeepStrictEqual({ ...(before as object), pc: 0 }, { ...(after as object), pc: 0 }) });
  };
  for (let i = 0; i < 1000 && !cpu.state.halted; i++) ex.execute(cpu, STEP);
  assert.ok(cpu.state.halted, 'the program ran to its hlt');
  // fed before its 12th real call, and again 48 calls later (a call may run little of a function)
  const expected: number[] = [];
  for (let at = BT_BUDGET_EXIT_FEEDBACK_ENTRY, step = at; at <= real && step <= BT_BUDGET_EXIT_FEEDBACK_LAST; step *= BT_BUDGET_EXIT_FEEDBACK_FACTOR, at += step) {
    for (let k = 0; k < BT_BUDGET_EXIT_FEEDBACK_CALLS; k++) expected.push(at);
  }
  assert.ok(expected.length > 0, `enough real calls (${real})`);
  assert.deepEqual(feeds.map((f) => f.entry), expected, 'fed just before the 12th and the 60th real call, not later');
  for (const f of feeds) {
    assert.equal(f.kind, EXIT_BUDGET, 'a feeding call leaves through the budget exit');
    assert.ok(f.unchanged, 'a feeding call leaves registers, flags and block counters as they were');
  }

  assert.equal(cpu.digest(), ref.cpu.digest());
  const a = ref.cpu.snapshot();
  const s = cpu.snapshot();
  for (const k of ['instructions', 'cycles', 'tlbHits', 'tlbMisses', 'exceptions'] as const) assert.equal(s[k], a[k], k);
  assert.ok(isDeepStrictEqual(s.byOpcode, a.byOpcode), 'per-opcode counts');
});
