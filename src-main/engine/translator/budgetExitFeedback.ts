/**
 * budgetExitFeedback — gives V8 type feedback for a region function's budget exit before the function
 * first runs for real, by calling it a few times with a budget it has already reached.
 *
 * Why: a region leaves through its budget exit (`break bud`: write the locals back, set pc, EXIT_BUDGET)
 * at most once per `execute` call, so V8 usually optimises the function before that path has ever run;
 * its keyed stores then have no feedback and the first budget stop deoptimises the function, which V8
 * then runs in its bytecode tier until it optimises it again. On a large footprint (~60 regions made
 * close together) that is ~60 deoptimisations and re-optimisations in the first seconds.
 *
 * When: at the function's 12th and 60th real call (params BT_BUDGET_EXIT_FEEDBACK_*): not at its creation,
 * because V8 allocates a function's feedback vector only after it has run about 8 times its bytecode's
 * length (before that, feedback is dropped), and not late, because calling an optimised function
 * through an exit it has no feedback for deoptimises it — the very thing this avoids.
 *
 * Interface: `feedBudgetExit(fn, x, b)` — fn: a region function (either variant), x: the executor's
 * context for the CPU that will run it, b: a labelled block of the region (a `case` that starts with
 * the block's budget check).
 * Rules: host-side only and guest-invisible. With `stop` = `cyc` = 0 the function leaves at the first
 * budget check, before the block charges cycles or bumps its counter: it reads the registers and flags
 * and writes the same values back, and sets `st.pc`, which is restored; every field of `x` a real entry
 * sets is restored too. No slow path, callout, counter or charge can run, so results, counters and digests
 * are those of a run without it (runDigests and the differential tests check it).
 */
import { BT_BUDGET_EXIT_FEEDBACK_CALLS } from '../params';
import type { ExecContext } from './callouts';
import type { RegionFn } from './region';

export function feedBudgetExit(fn: RegionFn, x: ExecContext, b: number): void {
  if (b < 0) return;
  const st = x.st;
  const pc = st.pc;
  const { base, b: xb, stop, cyc, kind, site, tail } = x;
  x.base = 0;
  x.stop = 0;
  for (let k = 0; k < BT_BUDGET_EXIT_FEEDBACK_CALLS; k++) {
    x.b = b;
    x.cyc = 0;
    fn(x);
  }
  st.pc = pc;
  x.base = base;
  x.b = xb;
  x.stop = stop;
  x.cyc = cyc;
  x.kind = kind;
  x.site = site;
  x.tail = tail;
}
