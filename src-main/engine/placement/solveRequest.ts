/**
 * `placement.solve` behind the contract: request DTO → problem (from the inventory through
 * `clusterView.ts`, or the given instance) → `solvePlacement` → result DTO. Read-only: the lab is not
 * changed, and the virtual time the work is charged is reported, not advanced (a query may be retried).
 *
 * - `placementSolve(lab, params, solver?)` → `PlacementSolveResult` or `{ error }` (typed ApiError naming
 *   the field: an unknown VM or host in a constraint, a kind without its fields, a malformed instance).
 *   With `trace`, a heuristic's steps come too (`stepHeuristic`, the same decisions as the fast run);
 *   refused for `exact` and above PLACEMENT_TRACE_MAX_ITEMS items.
 */
import { apiError, type ApiError } from '@shared/api/errors';
import type { QueryParams } from '@shared/api/queries';
import type { PlacementSolveResult } from '@shared/model/placement';
import type { Lab } from '../lab/index';
import type { MilpSolverPort } from '../ports';
import { PLACEMENT_DEFAULT_TIME_LIMIT_S, PLACEMENT_MAX_TIME_LIMIT_S, PLACEMENT_TRACE_MAX_ITEMS } from '../params';
import type { PlacementProblem } from './problem';
import { problemError } from './problem';
import type { PlacementConstraint } from './constraints';
import { solvePlacement } from './exact';
import { clusterProblem } from './clusterView';
import { stepHeuristic, type PackStep } from './heuristics';

type Params = QueryParams<'placement.solve'>;

function toConstraint(c: NonNullable<Params['constraints']>[number], field: string): PlacementConstraint | ApiError {
  const need = (key: 'items' | 'bins' | 'groups' | 'max'): ApiError | null =>
    (c[key] === undefined ? apiError('E_INVALID_ARGUMENT', `a ${c.kind} constraint needs "${key}"`, `${field}.${key}`) : null);
  const name = c.name ? { name: c.name } : {};
  switch (c.kind) {
    case 'spread': case 'gather': return need('items') ?? { kind: c.kind, items: c.items!, ...name };
    case 'ban': case 'fence': return need('items') ?? need('bins') ?? { kind: c.kind, items: c.items!, bins: c.bins!, ...name };
    case 'among': return need('items') ?? need('groups') ?? { kind: 'among', items: c.items!, groups: c.groups!, ...name };
    case 'maxVms': return need('max') ?? { kind: 'maxVms', max: c.max!, ...(c.bins ? { bins: c.bins } : {}), ...name };
  }
}

export function placementSolve(lab: Lab, p: Params, solver: MilpSolverPort | undefined): PlacementSolveResult | { error: ApiError } {
  let problem: PlacementProblem;
  const notes: string[] = [];
  if (p.instance) {
    problem = { dimensions: p.instance.dimensions, items: p.instance.items, bins: p.instance.bins, constraints: [] };
  } else {
    const view = clusterProblem(lab, { clusterId: p.clusterId, demand: p.demand ?? 'configured', windowSamples: p.windowSamples });
    if ('error' in view) return { error: apiError('E_NOT_FOUND', view.error.message, view.error.field) };
    problem = view.problem;
    notes.push(...view.notes);
  }
  const constraints: PlacementConstraint[] = [];
  for (let i = 0; i < (p.constraints ?? []).length; i++) {
    const c = toConstraint(p.constraints![i], `params.constraints[${i}]`);
    if ('code' in c) return { error: c };
    constraints.push(c);
  }
  problem = { ...problem, constraints };
  const mistake = problemError(problem);
  if (mistake) {
    const field = mistake.field.startsWith('constraints') ? `params.${mistake.field}` : `params.instance.${mistake.field}`;
    return { error: apiError('E_INVALID_ARGUMENT', mistake.message, field) };
  }
  if (p.trace && p.algo === 'exact') return { error: apiError('E_INVALID_ARGUMENT', 'only a heuristic can be traced step by step, not the exact solver', 'params.trace') };
  if (p.trace && problem.items.length > PLACEMENT_TRACE_MAX_ITEMS) {
    return { error: apiError('E_INVALID_ARGUMENT', `a step-by-step trace is for at most ${PLACEMENT_TRACE_MAX_ITEMS} VMs (this problem has ${problem.items.length})`, 'params.trace') };
  }
  const timeLimitS = Math.min(PLACEMENT_MAX_TIME_LIMIT_S, p.timeLimitS ?? PLACEMENT_DEFAULT_TIME_LIMIT_S);
  const o = solvePlacement(problem, { algo: p.algo, timeLimitS, solver });
  const D = problem.dimensions.length;
  const load = problem.bins.map(() => new Array<number>(D).fill(0));
  o.placement.binOf.forEach((j, i) => { if (j >= 0) for (let k = 0; k < D; k++) load[j][k] += problem.items[i].demand[k]; });
  const { solver: rep } = o;
  return {
    algo: p.algo,
    status: o.status,
    provenOptimal: o.status === 'optimal',
    ...(o.provenBy ? { provenBy: o.provenBy } : {}),
    dimensions: problem.dimensions,
    placement: problem.items.map((it, i) => ({ itemId: it.id, demand: it.demand, binId: o.placement.binOf[i] >= 0 ? problem.bins[o.placement.binOf[i]].id : null })),
    bins: problem.bins.map((b, j) => ({ binId: b.id, capacity: b.capacity, load: load[j].map((x) => Math.round(x * 1000) / 1000), state: b.state ?? 'on' })),
    binsUsed: o.binsUsed,
    suspended: o.suspended,
    ...(o.lowerBound !== undefined ? { lowerBound: o.lowerBound } : {}),
    ...(o.gap !== undefined ? { gap: o.gap } : {}),
    source: o.source,
    ...(o.heuristics ? { heuristics: o.heuristics } : {}),
    ...(rep ? { solver: { name: rep.name, model: rep.model, status: rep.status, columns: rep.columns, rows: rep.rows, nonzeros: rep.nonzeros, iterations: rep.iterations, nodes: rep.nodes, wallMs: Math.round(rep.wallMs) } } : {}),
    virtualMs: o.virtualMs,
    notes: [...notes, ...o.notes],
    ...(o.explanation ? { explanation: o.explanation } : {}),
    violations: o.violations,
    ...(p.trace && p.algo !== 'exact' ? { trace: traceOf(problem, p.algo) } : {}),
  };
}

/** The heuristic's steps as DTOs (ids rather than indices). */
function traceOf(problem: PlacementProblem, algo: Exclude<Params['algo'], 'exact'>): NonNullable<PlacementSolveResult['trace']> {
  const steps: PackStep[] = [];
  const run = stepHeuristic(problem, algo);
  for (let r = run.next(); !r.done; r = run.next()) steps.push(r.value);
  const binId = (j: number) => problem.bins[j].id;
  return steps.map((st) => ({
    itemId: problem.items[st.item].id,
    placedIds: st.placed.map((i) => problem.items[i].id),
    considered: st.considered.map((c) => ({ binId: binId(c.bin), fits: c.fits, ...(c.reason ? { reason: c.reason } : {}) })),
    binId: st.chosen >= 0 ? binId(st.chosen) : null,
    why: st.why,
  }));
}
