/**
 * The course's constraint-programming practical as a small modelling language and its exact solver
 * (docs/placement.md, "The modelling language"): integer and boolean variables, arrays, sums, products,
 * reified constraints, `binPacking`, `maximize`/`minimize`.
 *
 * - `solveModel(text, file, { all?, nodeLimit? })` → `ModelRun`: parse errors and compile errors as
 *   `file:line:col` diagnostics; otherwise the status, the optimum (or every solution with `all`), the
 *   search statistics, the virtual time charged (cost model), and for an infeasible model the conflict —
 *   a minimal set of statements that cannot hold together, each with its name and position.
 *
 * Reading order: `lexer.ts` → `parser.ts` (`ast.ts`) → `compile.ts` → `propagators.ts` → `search.ts` →
 * `conflict.ts`.
 */
import type { SourceDiagnostic } from '../diagnostics';
import { parseModel } from './parser';
import { compileModel, type CompiledModel } from './compile';
import { search, type SearchStats } from './search';
import { findConflict } from './conflict';
import { searchVirtualMs } from '../costModel';
import { CP_DEFAULT_NODE_LIMIT } from '../../params';

export type { SearchStats } from './search';
export type { CompiledModel } from './compile';
export { parseModel } from './parser';
export { compileModel } from './compile';

export type Value = number | number[];

export interface ModelSolution { values: Record<string, Value>; objective?: number }

export type ModelRun =
  | { ok: false; diagnostics: SourceDiagnostic[] }
  | {
    ok: true;
    status: 'optimal' | 'satisfiable' | 'infeasible' | 'limit';
    sense?: 'maximize' | 'minimize';
    objective?: number;
    /** The optimum's solution, or every solution (every optimal one with an objective) with `all`. */
    solutions: ModelSolution[];
    /** How many solutions the search counted (with `all`: all of them, even beyond those kept). */
    solutionCount: number;
    /** The list (with `all`) is complete / the optimum is proven. */
    complete: boolean;
    stats: SearchStats;
    virtualMs: number;
    variables: number;
    propagators: number;
    conflict?: { statements: { label: string; line: number; col: number }[]; minimal: boolean };
  };

function userValues(model: CompiledModel, values: number[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const u of model.userVars) out[u.name] = u.isArray ? u.vars.map((v) => values[v]) : values[u.vars[0]];
  return out;
}

export function solveModel(text: string, file: string, opts: { all?: boolean; nodeLimit?: number; keep?: number } = {}): ModelRun {
  const parsed = parseModel(text, file);
  if ('diagnostics' in parsed) return { ok: false, diagnostics: parsed.diagnostics };
  const compiled = compileModel(parsed.ast);
  if ('diagnostics' in compiled) return { ok: false, diagnostics: compiled.diagnostics };
  const model = compiled.model;
  const nodeLimit = opts.nodeLimit ?? CP_DEFAULT_NODE_LIMIT;
  const r = search(model, { all: opts.all, nodeLimit, keep: opts.keep });
  const obj = model.objective;
  const stats = { ...r.stats };
  let conflict: { statements: { label: string; line: number; col: number }[]; minimal: boolean } | undefined;
  if (r.status === 'infeasible') {
    const c = findConflict(model, Math.min(nodeLimit, 200_000));
    conflict = { statements: c.groups.map((g) => ({ label: model.groups[g].label, line: model.groups[g].at.line, col: model.groups[g].at.col })), minimal: c.minimal };
  }
  return {
    ok: true,
    status: r.status,
    ...(obj ? { sense: obj.sense } : {}),
    ...(r.objective !== undefined ? { objective: r.objective } : {}),
    solutions: r.solutions.map((s) => ({ values: userValues(model, s), ...(obj ? { objective: s[obj.var] } : {}) })),
    solutionCount: r.stats.solutions,
    complete: r.complete,
    stats,
    virtualMs: searchVirtualMs(stats.nodes, stats.propagations),
    variables: model.vars.length,
    propagators: model.props.length,
    ...(conflict ? { conflict } : {}),
  };
}
