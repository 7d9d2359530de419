/**
 * A mixed-integer linear program as plain data — what the engine hands to an exact solver through the
 * `MilpSolverPort` (`ports.ts`), and what it gets back. The engine builds models (`arcFlow.ts`,
 * `assignmentModel.ts`) and never imports a solver: HiGHS runs in a worker thread on the Node side.
 *
 * - `MilpModel`: columns (name, bounds, cost, integer?) and sparse rows (lower ≤ Σ coef·x ≤ upper);
 *   `±Infinity` for a missing bound. `MilpBuilder` builds one column/row at a time.
 * - `MilpResult`: status, objective, dual bound, column values, and the solver's work counters
 *   (simplex iterations, branch-and-bound nodes) that the cost model charges in virtual time.
 * - `toLpText(model)` writes CPLEX LP format, for a student who wants to read or re-solve the model.
 */

export interface MilpRow { name: string; lower: number; upper: number; cols: number[]; coefs: number[] }

export interface MilpModel {
  sense: 'minimize' | 'maximize';
  colNames: string[];
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  integer: boolean[];
  rows: MilpRow[];
}

export interface MilpSolveOptions {
  /** Wall-clock limit for the solver, in seconds (HiGHS `time_limit`; the port also enforces it). */
  timeLimitS: number;
  /** A feasible starting solution (one value per column), e.g. from the best heuristic. */
  initial?: number[];
}

export type MilpStatus = 'optimal' | 'infeasible' | 'timeLimit' | 'unbounded' | 'error' | 'other';

export interface MilpResult {
  status: MilpStatus;
  /** Objective of the best solution found (absent when none). */
  objective?: number;
  /** Best proven bound on the objective (the MIP dual bound). */
  bound?: number;
  /** Column values of the best solution (absent when none). */
  values?: number[];
  /** Simplex iterations and branch-and-bound nodes: counted by the solver, charged by the cost model. */
  iterations: number;
  nodes: number;
  /** Wall time the solve took on this machine, measured by the port (machine-dependent; shown, never used for decisions). */
  wallMs: number;
  /** Solver name and version, e.g. "HiGHS 1.15.3 (WebAssembly)". */
  solver: string;
  message?: string;
}

export class MilpBuilder {
  readonly model: MilpModel;

  constructor(sense: 'minimize' | 'maximize' = 'minimize') {
    this.model = { sense, colNames: [], colCost: [], colLower: [], colUpper: [], integer: [], rows: [] };
  }

  col(name: string, lower: number, upper: number, cost: number, integer: boolean): number {
    const m = this.model;
    m.colNames.push(name);
    m.colLower.push(lower);
    m.colUpper.push(upper);
    m.colCost.push(cost);
    m.integer.push(integer);
    return m.colNames.length - 1;
  }

  row(name: string, lower: number, upper: number, terms: [number, number][]): number {
    this.model.rows.push({ name, lower, upper, cols: terms.map((t) => t[0]), coefs: terms.map((t) => t[1]) });
    return this.model.rows.length - 1;
  }

  get numCols(): number { return this.model.colNames.length; }
}

export function nonzeros(model: MilpModel): number {
  let n = 0;
  for (const r of model.rows) n += r.cols.length;
  return n;
}

function term(coef: number, name: string, first: boolean): string {
  const sign = coef < 0 ? '-' : first ? '' : '+';
  const a = Math.abs(coef);
  return `${sign}${sign && !first ? ' ' : ''}${a === 1 ? '' : `${a} `}${name}`.trim();
}

/** CPLEX LP text of a model (names are the model's own; they use only letters, digits and _). */
export function toLpText(model: MilpModel): string {
  const lines: string[] = [model.sense === 'minimize' ? 'Minimize' : 'Maximize'];
  const obj = model.colCost.map((c, j) => (c !== 0 ? [c, model.colNames[j]] as const : null)).filter((x) => x !== null);
  lines.push(` obj: ${obj.length ? obj.map(([c, n], k) => term(c, n, k === 0)).join(' ') : '0'}`);
  lines.push('Subject To');
  for (const r of model.rows) {
    const lhs = r.cols.map((c, k) => term(r.coefs[k], model.colNames[c], k === 0)).join(' ') || '0';
    if (r.lower === r.upper) lines.push(` ${r.name}: ${lhs} = ${r.lower}`);
    else {
      if (Number.isFinite(r.lower)) lines.push(` ${r.name}_lo: ${lhs} >= ${r.lower}`);
      if (Number.isFinite(r.upper)) lines.push(` ${r.name}${Number.isFinite(r.lower) ? '_up' : ''}: ${lhs} <= ${r.upper}`);
    }
  }
  lines.push('Bounds');
  model.colNames.forEach((n, j) => {
    const lo = model.colLower[j];
    const up = model.colUpper[j];
    lines.push(` ${Number.isFinite(lo) ? lo : '-inf'} <= ${n} <= ${Number.isFinite(up) ? up : '+inf'}`);
  });
  const ints = model.colNames.filter((_, j) => model.integer[j]);
  if (ints.length) {
    lines.push('General');
    for (let k = 0; k < ints.length; k += 10) lines.push(` ${ints.slice(k, k + 10).join(' ')}`);
  }
  lines.push('End');
  return lines.join('\n');
}
