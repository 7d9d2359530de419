/**
 * Tiering is host-side only: the same labos run under `hw` and `pv` gives the same counters (every
 * one the machine reports, `tlbHits` included), digest, console and end time whether the translated
 * engine compiles a page at once (threshold 0), after a little heat (5,000 cycles), with the defaults
 * (bt's threshold), with regions of only the code seen running or whole regions as under bt, later
 * and paced (4 M cycles, at most one compile per 10 M: the variant measured in docs/PERFORMANCE.md),
 * at once but paced, kernel pages from power-on or only after a while (hw's default), a region's function
 * called at once or only after a host-side warm-up on the interpreter (the default), or never (the monitor on the interpreter). Translated code counts its software-TLB hits
 * lazily; they must be settled under the paging mode they ran in, whatever switches the mode (an
 * interpreted `mtcr status`, pv's paging hypercall, a budget edge): before that was so, `tlbHits`
 * depended on how much code ran translated (pv: +27 % on `hello` at threshold 0).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Monitor } from '../../src-main/engine/monitors/index';
import { HardwareAssistMonitor, ParavirtMonitor } from '../../src-main/engine/monitors/index';
import { runGuest, WORKLOADS } from '../helpers/machineHarness';

type Engine = { hotCycles?: number; translateSpacingCycles?: number; onlyCodeThatRan?: boolean; kernelTranslateAfterCycles?: number; enterAfterInstructions?: number } | 'interp';
/** Compile at once, after a little heat, the defaults (bt's threshold, no pacing; hw: regions of only
 *  the code that ran and no kernel page in its first 100 M cycles, pv: whole regions; both: a region's
 *  function first called after 5 M interpreted instructions), either region shape explicitly, later and
 *  paced, at once but paced, kernel pages at once or after 2 M cycles (all these calling regions at once);
 *  regions called after a short or a long host-side warm-up; never. */
const ENGINES: readonly Engine[] = [
  { hotCycles: 0, translateSpacingCycles: 0, enterAfterInstructions: 0 }, { hotCycles: 5000, translateSpacingCycles: 0, enterAfterInstructions: 0 }, {},
  { onlyCodeThatRan: true, enterAfterInstructions: 0 }, { onlyCodeThatRan: false, enterAfterInstructions: 0 },
  { hotCycles: 4_000_000, translateSpacingCycles: 10_000_000, enterAfterInstructions: 0 }, { hotCycles: 0, translateSpacingCycles: 1_000_000, enterAfterInstructions: 0 },
  { hotCycles: 0, kernelTranslateAfterCycles: 0, enterAfterInstructions: 0 }, { kernelTranslateAfterCycles: 0, enterAfterInstructions: 0 },
  { hotCycles: 5000, kernelTranslateAfterCycles: 2_000_000, enterAfterInstructions: 0 },
  { hotCycles: 0, kernelTranslateAfterCycles: 0, enterAfterInstructions: 20_000 }, { hotCycles: 5000, enterAfterInstructions: 1_000_000 }, 'interp',
];

function monitorFor(kind: 'hw' | 'pv', e: Engine): Monitor {
  const o = e === 'interp' ? { engine: 'interp' as const } : e;
  return kind === 'hw' ? new HardwareAssistMonitor(o) : new ParavirtMonitor(o);
}

for (const kind of ['hw', 'pv'] as const) {
  for (const workload of ['hello', 'syscall']) {
    test(`${kind} ${workload}: counters, digest and console do not depend on the translation threshold or pacing`, () => {
      // pv has no kernel-start option (its kernel runs deprivileged, in user mode)
      const runs = ENGINES.filter((e) => kind === 'hw' || e === 'interp' || e.kernelTranslateAfterCycles === undefined).map((e) => {
        const r = runGuest(WORKLOADS[workload], {
          monitor: kind, file: kind === 'pv' ? 'labos-pv.s' : 'labos.s', untilNs: 2e9,
          env: { createMonitor: (k) => (k === kind ? monitorFor(kind, e) : undefined) },
        });
        return { engine: JSON.stringify(e), state: r.state, console: r.console, digest: r.digest, endNs: r.endNs, counters: r.machine.counters() };
      });
      const ref = runs[runs.length - 1];
      assert.equal(ref.state, 'off', ref.console);
      assert.ok(ref.counters.tlbHits > 1000, `the guest ran with paging on (${ref.counters.tlbHits} TLB hits)`);
      for (const r of runs.slice(0, -1)) {
        assert.equal(r.console, ref.console, `${r.engine}: console`);
        assert.equal(r.digest, ref.digest, `${r.engine}: digest`);
        assert.equal(r.endNs, ref.endNs, `${r.engine}: end time`);
        assert.deepEqual(r.counters, ref.counters, `${r.engine}: counters`);
      }
    });
  }
}
