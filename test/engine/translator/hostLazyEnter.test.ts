/**
 * Host-side lazy compilation (executor option `enterAfterInstructions`, the default of `hw` and `pv`): a
 * region is translated when its page is hot, as before, but its generated function is first called only
 * after the interpreter has run that many guest instructions from the region's entries — until then
 * control arriving there is interpreted. The results are the interpreter's whichever way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Cpu } from '../../../src-main/engine/cpu/index';
import { InterpMonitor } from '../../../src-main/engine/monitors/index';
import { CALLOUT_HELPERS, TranslatedExecutor, TranslationCache } from '../../../src-main/engine/translator/index';
import { boot, EXACT_COSTS, HOT_LOOP_PROGRAM } from '../../helpers/cpuHarness';

const PROGRAM = HOT_LOOP_PROGRAM;

function regions(cpu: Cpu) {
  return TranslationCache.for(cpu.mem, cpu.opCost, CALLOUT_HELPERS).list();
}

/** Runs the program through an executor (warm-up `enterAfter`) in steps of `step` cycles; what it saw after the first step. */
function run(enterAfter: number | 'interp', step = 50_000) {
  const b = boot(PROGRAM, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  if (enterAfter === 'interp') {
    b.cpu.run(10_000_000);
    return { cpu: b.cpu, first: undefined, last: undefined };
  }
  const ex = new TranslatedExecutor({ chargeTranslation: false, hotCycles: 0, enterAfterInstructions: enterAfter });
  ex.execute(b.cpu, step);
  const first = { regions: regions(b.cpu).length, entries: ex.stats.regionEntries, warmup: regions(b.cpu).reduce((s, r) => s + r.warmup, 0) };
  for (let i = 0; i < 1000 && !b.cpu.state.halted; i++) ex.execute(b.cpu, step);
  assert.ok(b.cpu.state.halted, 'the program ran to its hlt');
  return { cpu: b.cpu, first, last: { entries: ex.stats.regionEntries, translated: ex.stats.translatedExecuted } };
}

test('a translated region is interpreted until its warm-up on the host is done, then entered; the results are the interpreter\'s', () => {
  const ref = run('interp');
  const lazy = run(100_000);
  const eager = run(0);
  assert.ok(lazy.first!.regions > 0, 'the hot loop is translated at once (hotCycles 0)');
  assert.equal(lazy.first!.entries, 0, 'but its function is not called during the warm-up');
  assert.ok(lazy.first!.warmup > 0 && lazy.first!.warmup < 100_000, `instructions interpreted from its entry are counted (${lazy.first!.warmup})`);
  assert.ok(lazy.last!.entries > 0 && lazy.last!.translated > 100_000, 'after the warm-up the region runs');
  assert.ok(eager.first!.entries > 0, 'without a warm-up the region is entered at once');
  for (const r of [lazy, eager]) {
    assert.equal(r.cpu.digest(), ref.cpu.digest());
    const a = ref.cpu.snapshot();
    const s = r.cpu.snapshot();
    for (const k of ['instructions', 'cycles', 'tlbHits', 'tlbMisses', 'exceptions'] as const) assert.equal(s[k], a[k], k);
    assert.ok(isDeepStrictEqual(s.byOpcode, a.byOpcode), 'per-opcode counts');
  }
});
