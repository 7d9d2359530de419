/**
 * The conflict of an infeasible model: a minimal set of its statements that cannot hold together.
 *
 * - `findConflict(model, nodeLimit)` → `{ groups, minimal }`: indices into `model.groups` (constraint
 *   statements and variable definitions; the objective never conflicts).
 *
 * Deletion filter (Chinneck & Dravnieks 1991): switch each statement off in turn; if the rest is still
 * infeasible leave it off, otherwise it is needed and goes back on. What stays on is infeasible, and
 * switching off any one of it makes the model feasible — a minimal conflict (one of possibly several).
 * Variable domains are never switched off: they are part of every conflict's setting. `minimal` is false
 * when a feasibility test stopped at the node limit (the set is then only known to conflict).
 */
import type { CompiledModel } from './compile';
import { search } from './search';

export function findConflict(model: CompiledModel, nodeLimit: number): { groups: number[]; minimal: boolean } {
  const on = model.groups.map(() => true);
  const candidates = model.groups.map((g, i) => (g.label.endsWith(' objective') ? -1 : i)).filter((i) => i >= 0);
  let minimal = true;
  const noObjective: CompiledModel = { ...model, objective: undefined };
  const infeasible = (): boolean | undefined => {
    const r = search(noObjective, { nodeLimit, enabled: (g) => on[g] });
    if (r.status === 'limit') return undefined;
    return r.status === 'infeasible';
  };
  for (const g of candidates) {
    on[g] = false;
    const v = infeasible();
    if (v === true) continue;
    if (v === undefined) minimal = false;
    on[g] = true;
  }
  return { groups: candidates.filter((g) => on[g]), minimal };
}
