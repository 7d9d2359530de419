/**
 * bt with a host tier probe (translator/tierProbe.ts; node/v8Tuning.ts installs V8's): after its exact
 * warm-up a region's function runs a few calls, its optimised code is asked for, and the exact path runs the
 * region until the probe says that code is there (asking again when the host dropped the request). None of it
 * may change a result: with a scripted probe (compiles that take a while, requests dropped), labos guests and
 * the fuzzer's programs give the same guest state, cycles, counters, digest and bt counters as without one —
 * and the probe's paths did run (requests, waits on the exact path, requests made again).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { assemble } from '../../../src-main/engine/isa/index';
import { BinaryTranslationMonitor } from '../../../src-main/engine/monitors/index';
import { FN_COMPILING, FN_IDLE, FN_OPTIMIZED, setRegionTierProbe, type ExecutorOptions, type RegionTierProbe } from '../../../src-main/engine/translator/index';
import { EXACT_COSTS, runBare } from '../../helpers/cpuHarness';
import { runGuest, WORKLOADS } from '../../helpers/machineHarness';
import { generateProgram } from '../../differential/fuzz/generator';

/** A deterministic stand-in for V8: every other first request is dropped (a full queue); a compile takes `slow` state queries. */
class ScriptedProbe implements RegionTierProbe {
  readonly asked = new Map<object, number>();
  requests = 0;
  waits = 0;
  retries = 0;
  private readonly queries = new Map<object, number>();
  /** Functions in the order of their first request. */
  private readonly order = new Map<object, number>();
  constructor(private readonly slow: number) {}
  request(fn: object): void {
    this.requests++;
    const n = (this.asked.get(fn) ?? 0) + 1;
    if (n > 1) this.retries++;
    if (!this.order.has(fn)) this.order.set(fn, this.order.size);
    this.asked.set(fn, n);
  }
  state(fn: object): number {
    const n = this.asked.get(fn) ?? 0;
    if (n === 0 || (n === 1 && this.order.get(fn)! % 2 === 0)) return FN_IDLE;
    const q = (this.queries.get(fn) ?? 0) + 1;
    this.queries.set(fn, q);
    if (q > this.slow) return FN_OPTIMIZED;
    this.waits++;
    return FN_COMPILING;
  }
}

function withProbe<T>(probe: RegionTierProbe | undefined, f: () => T): T {
  setRegionTierProbe(probe);
  try {
    return f();
  } finally {
    setRegionTierProbe(undefined);
  }
}

const GUESTS: Record<string, string> = { mixed: WORKLOADS.mixed, cpu: 'cpu iterations=300000 report=100000' };
/** Short warm-ups, so regions reach the probe's path within the run; one ended for all by the limit. */
const OPTIONS: readonly ExecutorOptions[] = [{ exactEnterAfterInstructions: 200 }, { exactEnterAfterInstructions: 20_000 }, { exactEnterAfterInstructions: 1e12, exactWarmUpLimit: 300_000 }];

for (const workload of Object.keys(GUESTS)) {
  test(`bt ${workload}: every counter, the digest and the console are the same with a tier probe as without`, () => {
    for (const o of OPTIONS) {
      const run = (probe: ScriptedProbe | undefined) => withProbe(probe, () => {
        let mon: BinaryTranslationMonitor | undefined;
        const r = runGuest(GUESTS[workload], { monitor: 'bt', untilNs: 2e9, env: { createMonitor: (k) => (k === 'bt' ? (mon = new BinaryTranslationMonitor(o)) : undefined) } });
        assert.ok(mon);
        return { state: r.state, console: r.console, digest: r.digest, endNs: r.endNs, counters: r.machine.counters() };
      });
      const ref = run(undefined);
      const probe = new ScriptedProbe(40);
      const got = run(probe);
      const n = JSON.stringify(o);
      assert.ok(probe.requests > 0 && probe.waits > 0 && probe.retries > 0, `${n}: the probe's paths ran (${probe.requests} requests, ${probe.waits} waits, ${probe.retries} retries)`);
      assert.equal(got.digest, ref.digest, `${n}: digest`);
      assert.equal(got.console, ref.console, `${n}: console`);
      assert.equal(got.endNs, ref.endNs, `${n}: end time`);
      const diffs = Object.keys(ref.counters).filter((k) => !isDeepStrictEqual(ref.counters[k], got.counters[k]));
      assert.deepEqual(diffs.map((k) => `${k}: ${JSON.stringify(got.counters[k])} vs ${JSON.stringify(ref.counters[k])}`), [], `${n}: counters`);
    }
  });
}

test('bt on the fuzzer\'s programs: guest and bt counters are the same with a tier probe as without', () => {
  let waited = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const a = assemble(generateProgram(seed).source, { file: `fuzz-${seed}.s` });
    assert.ok(a.ok, `seed ${seed} assembles`);
    const outcome = (probe: ScriptedProbe | undefined) => withProbe(probe, () => {
      const mon = new BinaryTranslationMonitor({ hotCycles: [0, 300, 5000][seed % 3], exactEnterAfterInstructions: 50 });
      const o = runBare(a.image, mon, { seed, costs: EXACT_COSTS, externalIrqs: true });
      return { o, bt: mon.counters(o.cpu) };
    });
    const ref = outcome(undefined);
    const probe = new ScriptedProbe(seed % 5);
    const r = outcome(probe);
    waited += probe.waits;
    assert.equal(r.o.digest, ref.o.digest, `seed ${seed}: digest`);
    assert.equal(r.o.reason, ref.o.reason, `seed ${seed}: stop reason`);
    assert.equal(r.o.console, ref.o.console, `seed ${seed}: console`);
    assert.deepEqual(r.o.counters, ref.o.counters, `seed ${seed}: guest counters`);
    assert.deepEqual(r.bt, ref.bt, `seed ${seed}: bt counters`);
  }
  assert.ok(waited > 0, 'some regions waited on the exact path');
});
