/**
 * Exact placement: the fewest hosts, proven — or the best solution found within the time limit, with
 * its gap, never worse than the best heuristic.
 *
 * - `solvePlacement(problem, { algo, timeLimitS, solver })` → `PlacementOutcome`. `algo` is a heuristic
 *   name (that heuristic alone) or `exact`.
 *
 * `exact`, step by step:
 *  1. run all eight heuristics; the best valid one (fewest suspended, then fewest hosts) is the fallback
 *     and the solver's starting solution;
 *  2. lower bounds (`bounds.ts`): when the fallback meets one, it is optimal — proven without a solver;
 *  3. otherwise build a model — arc-flow for one-dimensional packing of identical bins without side
 *     constraints, the assignment model with symmetry breaking for everything else — and hand it to the
 *     `MilpSolverPort` (HiGHS in a worker thread) with the time limit;
 *  4. decode, check the solution with the independent checker, keep the better of it and the fallback;
 *     report proven-optimal, the lower bound and gap, the solver's counts and the virtual time charged
 *     (`costModel.ts`); an infeasible problem gets an explanation (`explain.ts`).
 *
 * Objective: fewest suspended VMs first, then fewest hosts (score = hosts + (hosts + 1) × suspended).
 */
import type { Placement, PlacementProblem } from './problem';
import { binIsUsable, binsUsed, suspendedCount } from './problem';
import { HEURISTICS, runHeuristic, type HeuristicName, type HeuristicResult } from './heuristics';
import { lowerBound } from './bounds';
import { arcFlowApplies, buildArcFlow } from './arcFlow';
import { buildAssignment } from './assignmentModel';
import { checkPlacement, type Violation } from './checker';
import { nonzeros, type MilpResult, type MilpModel } from './milp';
import { exactVirtualMs, heuristicVirtualMs } from './costModel';
import { explainInfeasible, type Explanation } from './explain';
import type { MilpSolverPort } from '../ports';

export type PlacementAlgo = HeuristicName | 'exact';
export const PLACEMENT_ALGOS: readonly PlacementAlgo[] = [...HEURISTICS, 'exact'];

export interface SolveOptions {
  algo: PlacementAlgo;
  timeLimitS: number;
  solver?: MilpSolverPort;
}

export type PlacementStatus = 'optimal' | 'feasible' | 'infeasible' | 'failed';

export interface SolverReport {
  name: string;
  model: 'arc-flow' | 'assignment';
  status: MilpResult['status'];
  columns: number;
  rows: number;
  nonzeros: number;
  iterations: number;
  nodes: number;
  /** Measured on this machine; depends on it (not used for any decision). */
  wallMs: number;
  message?: string;
}

export interface PlacementOutcome {
  algo: PlacementAlgo;
  /** `optimal`: proven; `feasible`: valid, not proven optimal; `failed`: the heuristic could not place every VM
   *  that must run (no claim about the problem); `infeasible`: proven that no valid placement exists. */
  status: PlacementStatus;
  placement: Placement;
  binsUsed: number;
  suspended: number;
  /** Where the returned placement came from: a heuristic's name, or `solver`. */
  source: HeuristicName | 'solver' | 'none';
  lowerBound?: number;
  /** Relative gap (hosts − lower bound) ÷ hosts, when a bound is known. */
  gap?: number;
  provenBy?: 'bound' | 'solver';
  solver?: SolverReport;
  /** Every heuristic's hosts used (exact runs all eight), null where one failed. */
  heuristics?: Partial<Record<HeuristicName, number | null>>;
  /** Virtual time charged for the work (cost model). */
  virtualMs: number;
  /** Violations the independent checker found in the returned placement (always empty unless `failed`). */
  violations: Violation[];
  explanation?: Explanation;
  notes: string[];
}

/** A static explanation (from `explain.ts`) is a proof: the status becomes infeasible. */
function markInfeasible(o: PlacementOutcome, why: Explanation | undefined): void {
  if (!why) return;
  o.explanation = why;
  o.status = 'infeasible';
}

const score = (bins: number, suspended: number, m: number) => bins + (m + 1) * suspended;

function fromHeuristic(problem: PlacementProblem, h: HeuristicResult): PlacementOutcome {
  const violations = checkPlacement(problem, h.placement);
  return {
    algo: h.algo,
    status: h.failed.length ? 'failed' : 'feasible',
    placement: h.placement,
    binsUsed: h.binsUsed,
    suspended: h.suspended.length,
    source: h.algo,
    virtualMs: heuristicVirtualMs(h.checks),
    violations,
    notes: h.failed.length ? [`${h.algo.toUpperCase()} could not place ${h.failed.map((i) => problem.items[i].id).join(', ')}`] : [],
  };
}

export function solvePlacement(problem: PlacementProblem, opts: SolveOptions): PlacementOutcome {
  if (opts.algo !== 'exact') {
    const out = fromHeuristic(problem, runHeuristic(problem, opts.algo));
    const lb = lowerBound(problem);
    if (lb && out.status === 'feasible') {
      out.lowerBound = lb.bins;
      out.gap = out.binsUsed > 0 ? (out.binsUsed - lb.bins) / out.binsUsed : 0;
      if (out.binsUsed === lb.bins) { out.status = 'optimal'; out.provenBy = 'bound'; out.notes.push(`meets the lower bound ${lb.by}`); }
    }
    if (out.status === 'failed') {
      const why = explainInfeasible(problem, undefined);
      if (why) { out.explanation = why; out.status = 'infeasible'; }
    }
    return out;
  }
  return solveExact(problem, opts);
}

function solveExact(problem: PlacementProblem, opts: SolveOptions): PlacementOutcome {
  const m = problem.bins.length;
  const runs = HEURISTICS.map((a) => runHeuristic(problem, a));
  let virtualMs = runs.reduce((s, r) => s + heuristicVirtualMs(r.checks), 0);
  const heuristics: Partial<Record<HeuristicName, number | null>> = {};
  for (const r of runs) heuristics[r.algo] = r.failed.length ? null : r.binsUsed;
  const valid = runs.filter((r) => r.failed.length === 0);
  valid.sort((a, b) => score(a.binsUsed, a.suspended.length, m) - score(b.binsUsed, b.suspended.length, m));
  const best = valid[0];
  const notes: string[] = [];
  const lb = lowerBound(problem);
  const base = (): PlacementOutcome => {
    const o = best ? fromHeuristic(problem, best) : fromHeuristic(problem, runs[HEURISTICS.indexOf('ffd')]);
    o.algo = 'exact';
    o.heuristics = heuristics;
    o.virtualMs = virtualMs;
    if (lb) { o.lowerBound = lb.bins; o.gap = o.binsUsed > 0 && best ? (o.binsUsed - lb.bins) / o.binsUsed : undefined; }
    o.notes = notes;
    return o;
  };
  if (best && lb && best.binsUsed === lb.bins) {
    const o = base();
    o.status = 'optimal';
    o.provenBy = 'bound';
    o.gap = 0;
    notes.push(`${best.algo.toUpperCase()} meets the lower bound ${lb.by}: optimal without a solver`);
    return o;
  }
  if (!opts.solver) {
    notes.push('no exact solver is available here: best heuristic returned');
    const o = base();
    if (!best) markInfeasible(o, explainInfeasible(problem, undefined));
    return o;
  }
  // Build the model.
  const usable = problem.bins.filter(binIsUsable).length;
  let model: MilpModel | undefined;
  let modelName: 'arc-flow' | 'assignment' = 'assignment';
  let decode: ((v: number[]) => Placement) | undefined;
  let initial: number[] | undefined;
  let objectiveIsBins = true;
  if (arcFlowApplies(problem)) {
    const af = buildArcFlow(problem, { lower: Math.max(1, lb?.bins ?? 1), upper: best ? best.binsUsed : usable }, best?.placement);
    // No start for arc-flow: its LP bound is tight and HiGHS's own heuristics close it faster without one
    // (measured on u120); the best heuristic remains the fallback.
    if (af) { model = af.model; decode = af.decode; modelName = 'arc-flow'; }
    else notes.push('arc-flow graph too large (or an item larger than a bin): assignment model used');
  }
  if (!model) {
    const asg = buildAssignment(problem, best?.placement);
    if (!asg) {
      notes.push('problem too large for the exact model: best heuristic returned');
      const o = base();
      if (!best) markInfeasible(o, explainInfeasible(problem, undefined));
      return o;
    }
    model = asg.model; decode = asg.decode; initial = asg.initial;
    objectiveIsBins = !problem.items.some((it) => it.running === 'maySuspend');
  }
  const result = opts.solver.solve(model, { timeLimitS: opts.timeLimitS, initial });
  const nnz = nonzeros(model);
  virtualMs += exactVirtualMs(result.iterations, result.nodes, nnz);
  const report: SolverReport = {
    name: result.solver, model: modelName, status: result.status, columns: model.colNames.length, rows: model.rows.length,
    nonzeros: nnz, iterations: result.iterations, nodes: result.nodes, wallMs: result.wallMs, message: result.message,
  };
  if (result.status === 'infeasible') {
    const o = base();
    o.solver = report;
    if (best) {
      notes.push('the solver says infeasible but a heuristic found a valid placement: solver result ignored');
      return o;
    }
    o.status = 'infeasible';
    o.explanation = explainInfeasible(problem, opts.solver, opts.timeLimitS) ?? { conflicts: [], message: 'the solver proved that no valid placement exists', minimal: false };
    return o;
  }
  let solved: Placement | undefined;
  if (result.values && decode) {
    const p = decode(result.values);
    const v = checkPlacement(problem, p);
    if (v.length === 0) solved = p;
    else notes.push(`the solver's solution failed the independent check (${v[0].rule}: ${v[0].message}): not used`);
  }
  const o = base();
  o.solver = report;
  const solverScore = solved ? score(binsUsed(solved), suspendedCount(solved), m) : Infinity;
  const bestScore = best ? score(best.binsUsed, best.suspended.length, m) : Infinity;
  if (solved && solverScore <= bestScore) {
    o.placement = solved;
    o.binsUsed = binsUsed(solved);
    o.suspended = suspendedCount(solved);
    o.source = 'solver';
    o.status = 'feasible';
    o.violations = [];
    o.notes = notes;
  } else if (!best) {
    o.status = 'failed';
    notes.push('no valid placement found within the time limit');
    markInfeasible(o, explainInfeasible(problem, undefined));
    return o;
  }
  // Bound from the solver (objective = hosts when no VM may be suspended).
  if (objectiveIsBins && result.bound !== undefined && Number.isFinite(result.bound)) {
    const solverLb = Math.ceil(result.bound - 1e-6);
    o.lowerBound = Math.max(o.lowerBound ?? 0, solverLb);
  }
  if (result.status === 'optimal' && o.source === 'solver') { o.status = 'optimal'; o.provenBy = 'solver'; }
  else if (result.status === 'optimal' && solverScore >= bestScore) { o.status = 'optimal'; o.provenBy = 'solver'; }
  else if (o.lowerBound !== undefined && o.binsUsed === o.lowerBound && o.suspended === 0) { o.status = 'optimal'; o.provenBy = 'bound'; }
  if (o.lowerBound !== undefined && objectiveIsBins) o.gap = o.binsUsed > 0 ? (o.binsUsed - o.lowerBound) / o.binsUsed : 0;
  if (o.status === 'optimal') o.gap = 0;
  if (result.status === 'timeLimit') notes.push(`time limit of ${opts.timeLimitS} s reached: ${o.source === 'solver' ? "solver's best" : 'best heuristic'} returned`);
  return o;
}
