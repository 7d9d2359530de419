/**
 * bt's exact warm-up (executor option `exactEnterAfterInstructions`, translator/exactWarmUp.ts): until a
 * region has run N guest instructions the interpreter runs it in its function's place, exactly as the
 * function would have. Whatever N, a run gives the same guest state, cycles, counters and digest AND the
 * same bt counters (region entries, cache hits vs chained jumps, translated vs interpreted instructions,
 * callouts, translations, evictions): labos guests, and the fuzzer's programs — register jumps, static
 * exits, callouts, faults, interrupts, paging, self-modifying code, budget stops at every run chunk.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { assemble } from '../../../src-main/engine/isa/index';
import { BinaryTranslationMonitor } from '../../../src-main/engine/monitors/index';
import type { ExecutorOptions } from '../../../src-main/engine/translator/index';
import { EXACT_COSTS, runBare } from '../../helpers/cpuHarness';
import { runGuest, WORKLOADS } from '../../helpers/machineHarness';
import { generateProgram } from '../../differential/fuzz/generator';

/** Warm-ups: 0 = the function from the first call; short, medium, longer than any of these runs; and the
 *  longest ended for every region after 300 K instructions in all (`exactWarmUpLimit`). */
const WARM_UPS: readonly ExecutorOptions[] = [
  ...[0, 1, 200, 20_000, 1_000_000, 1e12].map((n): ExecutorOptions => ({ exactEnterAfterInstructions: n })),
  { exactEnterAfterInstructions: 1e12, exactWarmUpLimit: 300_000 },
];
/** labos workloads: kernel and user code, system calls, page faults, the timer; `cpu` long enough that its loops pass 1 M. */
const GUESTS: Record<string, string> = { mixed: WORKLOADS.mixed, cpu: 'cpu iterations=300000 report=100000', syscall: WORKLOADS.syscall };

for (const workload of Object.keys(GUESTS)) {
  test(`bt ${workload}: every counter, bt's own included, the digest and the console do not depend on the exact warm-up`, () => {
    const runs = WARM_UPS.map((o) => {
      let mon: BinaryTranslationMonitor | undefined;
      const r = runGuest(GUESTS[workload], {
        monitor: 'bt', untilNs: 2e9,
        env: { createMonitor: (k) => (k === 'bt' ? (mon = new BinaryTranslationMonitor(o)) : undefined) },
      });
      assert.ok(mon, 'the bt monitor was built');
      return { n: JSON.stringify(o), state: r.state, console: r.console, digest: r.digest, endNs: r.endNs, counters: r.machine.counters() };
    });
    const ref = runs[0];
    assert.ok((ref.counters['bt.regionEntries'] as number) > 200 && (ref.counters['bt.chainedJumps'] as number) > 0, 'regions run and chain');
    for (const r of runs.slice(1)) {
      assert.equal(r.digest, ref.digest, `N=${r.n}: digest`);
      assert.equal(r.console, ref.console, `N=${r.n}: console`);
      assert.equal(r.endNs, ref.endNs, `N=${r.n}: end time`);
      const diffs = Object.keys(ref.counters).filter((k) => !isDeepStrictEqual(ref.counters[k], r.counters[k]));
      assert.deepEqual(diffs.map((k) => `${k}: ${JSON.stringify(r.counters[k])} vs ${JSON.stringify(ref.counters[k])}`), [], `N=${r.n}: counters`);
    }
  });
}

test('bt on the fuzzer\'s programs: guest counters and bt counters do not depend on the exact warm-up', () => {
  let compared = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const p = generateProgram(seed);
    const a = assemble(p.source, { file: `fuzz-${seed}.s` });
    assert.ok(a.ok, `seed ${seed} assembles`);
    const outcome = (n: number) => {
      const mon = new BinaryTranslationMonitor({ hotCycles: [0, 300, 5000][seed % 3], exactEnterAfterInstructions: n });
      const o = runBare(a.image, mon, { seed, costs: EXACT_COSTS, externalIrqs: true });
      return { o, bt: mon.counters(o.cpu) };
    };
    const ref = outcome(0);
    for (const n of [1, 50, 1e12]) {
      const r = outcome(n);
      const where = `seed ${seed}, N=${n}`;
      assert.equal(r.o.digest, ref.o.digest, `${where}: digest`);
      assert.equal(r.o.reason, ref.o.reason, `${where}: stop reason`);
      assert.equal(r.o.console, ref.o.console, `${where}: console`);
      assert.deepEqual(r.o.counters, ref.o.counters, `${where}: guest counters`);
      assert.deepEqual(r.bt, ref.bt, `${where}: bt counters`);
      compared++;
    }
  }
  assert.equal(compared, 180);
});
