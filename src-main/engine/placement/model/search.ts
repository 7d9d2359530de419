/**
 * The modelling language's solver: depth-first search with propagation at every node, and
 * branch-and-bound for `maximize`/`minimize` — written for teaching (every step is ordinary code) and
 * because it can list all solutions, which an LP-based solver cannot.
 *
 * - `search(model, { all, nodeLimit, enabled? })` → `SearchResult`: status (`optimal`, `satisfiable`,
 *   `infeasible`, or `limit` when the node limit stopped it), the solutions (all of them with `all`, else
 *   the best), the objective, and statistics (nodes, failures, propagator runs, depth, solutions).
 *   `enabled(group)` switches statements off (the conflict finder uses it).
 *
 * Search: variables declared by the user first, then auxiliary ones; among them the one with the
 * smallest domain (first-fail, ties by declaration order); branch x = lo, then x ≥ lo + 1. Optimisation:
 * each solution tightens the objective (≥ best + 1 when maximising) for the rest of the search, so the
 * last solution found is optimal when the search completes. With `all` and an objective: the optimum
 * first, then a second search lists every solution with that objective value.
 *
 * Every leaf is checked against every enabled propagator's definition (`holds`) before it counts as a
 * solution, independently of propagation.
 */
import { Store, propagate, type Propagator } from './propagators';
import type { CompiledModel } from './compile';
import { CP_DEFAULT_NODE_LIMIT } from '../../params';

export interface SearchStats { nodes: number; failures: number; propagations: number; solutions: number; maxDepth: number }

export interface SearchResult {
  status: 'optimal' | 'satisfiable' | 'infeasible' | 'limit';
  /** Full assignments (one value per model variable). */
  solutions: number[][];
  /** Objective of the best solution, when the model has one. */
  objective?: number;
  stats: SearchStats;
  /** True when the listed solutions are all of them (with `all`), or the optimum is proven. */
  complete: boolean;
}

export interface SearchOptions {
  all?: boolean;
  nodeLimit?: number;
  /** Most solutions kept in `solutions` with `all` (counting goes on). */
  keep?: number;
  enabled?: (group: number) => boolean;
}

interface Run { solutions: number[][]; stats: SearchStats; limited: boolean; best?: number; count: number }

function run(model: CompiledModel, props: Propagator[], opts: { all: boolean; nodeLimit: number; keep: number; objective?: CompiledModel['objective']; fixObjective?: number }, stats: SearchStats): Run {
  const n = model.vars.length;
  const watch: number[][] = Array.from({ length: n }, () => []);
  props.forEach((p, i) => { for (const v of p.vars) watch[v].push(i); });
  const store = new Store(model.vars.map((v) => v.lo), model.vars.map((v) => v.hi));
  const obj = opts.objective;
  if (obj && opts.fixObjective !== undefined && !store.fix(obj.var, opts.fixObjective)) return { solutions: [], stats, limited: false, count: 0 };
  const order = [...Array(n).keys()].sort((a, b) => Number(!model.vars[a].user) - Number(!model.vars[b].user) || a - b);
  const counter = { runs: 0 };
  const solutions: number[][] = [];
  let best: number | undefined;
  let limited = false;
  let count = 0;
  const allQueue = props.map((_, i) => i);

  const pick = (): number => {
    let bestVar = -1, bestSize = Infinity;
    for (const v of order) {
      const size = store.hi[v] - store.lo[v];
      if (size === 0) continue;
      // user variables strictly before auxiliary ones
      if (bestVar >= 0 && model.vars[bestVar].user && !model.vars[v].user) break;
      if (size < bestSize) { bestSize = size; bestVar = v; }
    }
    return bestVar;
  };

  const visit = (queue: number[], depth: number): boolean => {
    // returns false to stop the whole search
    stats.nodes++;
    if (depth > stats.maxDepth) stats.maxDepth = depth;
    if (stats.nodes > opts.nodeLimit) { limited = true; return false; }
    if (obj && best !== undefined && opts.fixObjective === undefined) {
      const ok = obj.sense === 'maximize' ? store.setLo(obj.var, best + 1) : store.setHi(obj.var, best - 1);
      if (!ok) { stats.failures++; return true; }
      queue.push(...watch[obj.var]);
    }
    if (!propagate(store, props, watch, queue, counter)) { stats.failures++; return true; }
    const v = pick();
    if (v < 0) {
      const values = store.lo.slice();
      if (!props.every((p) => p.holds(values))) { stats.failures++; return true; }
      stats.solutions++;
      count++;
      if (obj && opts.fixObjective === undefined) {
        best = values[obj.var];
        solutions.length = 0;
        solutions.push(values);
        return true;
      }
      if (solutions.length < opts.keep) solutions.push(values);
      return opts.all;
    }
    const saveLo = store.lo.slice(), saveHi = store.hi.slice();
    const x = store.lo[v];
    store.fix(v, x);
    store.takeChanged();
    if (!visit(watch[v].slice(), depth + 1)) return false;
    store.lo = saveLo.slice(); store.hi = saveHi.slice();
    store.setLo(v, x + 1);
    store.takeChanged();
    const cont = visit(watch[v].slice(), depth + 1);
    store.lo = saveLo; store.hi = saveHi;
    return cont;
  };
  visit(allQueue.slice(), 0);
  stats.propagations += counter.runs;
  return { solutions, stats, limited, best, count };
}

export function search(model: CompiledModel, opts: SearchOptions = {}): SearchResult {
  const enabled = opts.enabled ?? (() => true);
  const props = model.props.filter((p) => enabled(p.group));
  const stats: SearchStats = { nodes: 0, failures: 0, propagations: 0, solutions: 0, maxDepth: 0 };
  const nodeLimit = opts.nodeLimit ?? CP_DEFAULT_NODE_LIMIT;
  const keep = opts.keep ?? 1000;
  const obj = model.objective;
  if (!obj) {
    const r = run(model, props, { all: !!opts.all, nodeLimit, keep }, stats);
    const status = r.solutions.length ? (r.limited && opts.all ? 'limit' : 'satisfiable') : r.limited ? 'limit' : 'infeasible';
    return { status, solutions: r.solutions, stats, complete: !r.limited };
  }
  const r = run(model, props, { all: false, nodeLimit, keep, objective: obj }, stats);
  if (r.best === undefined) return { status: r.limited ? 'limit' : 'infeasible', solutions: [], stats, complete: !r.limited };
  if (r.limited) return { status: 'limit', solutions: r.solutions, objective: r.best, stats, complete: false };
  if (!opts.all) return { status: 'optimal', solutions: r.solutions, objective: r.best, stats, complete: true };
  // Second pass: every solution with the optimal objective value (stats.solutions then counts those).
  const r2 = run(model, props, { all: true, nodeLimit: nodeLimit + stats.nodes, keep, objective: obj, fixObjective: r.best }, stats);
  stats.solutions = r2.count;
  return { status: r2.limited ? 'limit' : 'optimal', solutions: r2.solutions, objective: r.best, stats, complete: !r2.limited };
}
