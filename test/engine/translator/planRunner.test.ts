/**
 * The plan runner (translator planRunner.ts; executor option `planRunCycles`, `bt`'s default): a fresh
 * region runs through the shared runner, which does exactly what its generated function does, until it has
 * run that many guest cycles; only then is its function called. Nothing the guest, the counters (`bt.*`
 * included) or the profiles see may change: a labos guest under `bt` with the runner for every call, with
 * the default warm-up and with the function from the first call ends in the same state, digest and counters.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Machine, runMachine } from '../../../src-main/engine/machine/index';
import { BinaryTranslationMonitor } from '../../../src-main/engine/monitors/index';
import { BT_BUDGET_EXIT_FEEDBACK_ENTRY } from '../../../src-main/engine/params';
import { CALLOUT_HELPERS, TranslationCache } from '../../../src-main/engine/translator/index';
import { bootGuest } from '../../helpers/machineHarness';

/** labos `cmdline` under `bt` with the given plan-runner warm-up, to `ns` of guest time. */
function run(cmdline: string, planRunCycles: number, ns: number): Machine {
  const m = bootGuest(cmdline, { monitor: 'bt', env: { createMonitor: (k) => (k === 'bt' ? new BinaryTranslationMonitor({ planRunCycles }) : undefined) } });
  runMachine(m, { untilNs: ns });
  return m;
}

function figures(m: Machine): { digest: string; counters: Record<string, unknown> } {
  const cpu = m.slots[0].cpu;
  const mon = cpu.monitor as BinaryTranslationMonitor;
  return { digest: m.digest(), counters: { ...cpu.snapshot(), ...mon.counters(cpu), emulated: mon.stats.emulated, reflected: mon.stats.reflected } };
}

/** The regions of the machine's translation cache whose generated function has been called (its budget-exit feeding counted down). */
function called(m: Machine): number {
  const cpu = m.slots[0].cpu;
  return TranslationCache.for(cpu.mem, cpu.opCost, CALLOUT_HELPERS).list().filter((r) => r.feedIn !== BT_BUDGET_EXIT_FEEDBACK_ENTRY).length;
}

for (const cmdline of ['mixed', 'syscall']) {
  test(`labos ${cmdline} under bt: the plan runner for every call, the default warm-up and the function at once give the same run`, () => {
    const ns = 60e6;
    const runner = run(cmdline, Number.MAX_SAFE_INTEGER, ns);
    const warm = run(cmdline, 100_000, ns);
    const fn = run(cmdline, 0, ns);
    const regions = TranslationCache.for(runner.slots[0].cpu.mem, runner.slots[0].cpu.opCost, CALLOUT_HELPERS).list();
    assert.ok(regions.length > 5, `regions were made (${regions.length})`);
    assert.equal(called(runner), 0, 'with the runner for every call no region function is called');
    assert.ok(regions.some((r) => r.planCycles > 0), 'the runner ran');
    assert.ok(called(warm) > 0, 'after its warm-up a region\'s function is called');
    assert.ok(called(fn) >= called(warm), 'without a warm-up the functions are called from the start');
    const ref = figures(fn);
    for (const [name, m] of [['runner', runner], ['warm', warm]] as const) {
      const f = figures(m);
      assert.equal(f.digest, ref.digest, `${name}: digest`);
      assert.deepEqual(f.counters, ref.counters, `${name}: counters`);
    }
  });
}
