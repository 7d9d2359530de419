/**
 * `hvlab model FILE.cp [--all] [--json] [--node-limit N]`: solves a model written in the placement
 * modelling language (docs/placement.md) with the engine's own search: the optimum (or, with `--all`,
 * every solution — every optimal one when there is an objective), the search statistics, and for an
 * infeasible model the conflicting statements with their positions.
 *
 * A malformed model prints every `file:line:col: error: …` with hints and exits 1; an answer (including
 * "infeasible") exits 0; a search stopped by the node limit says so and exits 3.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from './args';
import { formatSourceDiagnostics } from '../../engine/index';
import { solveModel, type ModelRun, type Value } from '../../engine/index';

const USAGE = 'usage: hvlab model FILE.cp [--all] [--json] [--node-limit N]';
const SHOWN = 50;

function show(v: Value): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

export function formatModelRun(file: string, r: Extract<ModelRun, { ok: true }>, all: boolean, wallMs: number): string {
  const out: string[] = [];
  const head: Record<string, string> = {
    optimal: r.sense ? `optimal: ${r.sense === 'maximize' ? 'maximum' : 'minimum'} ${r.objective} (proven)` : 'solved',
    satisfiable: all ? `${r.solutionCount} solution${r.solutionCount === 1 ? '' : 's'}` : 'a solution',
    infeasible: 'infeasible: no solution',
    limit: `stopped at the node limit${r.objective !== undefined ? `: best ${r.objective} so far, not proven` : ''}`,
  };
  out.push(`${file}: ${head[r.status]}`);
  if (r.status === 'optimal' && all) out.push(`${r.solutionCount} optimal solution${r.solutionCount === 1 ? '' : 's'}`);
  r.solutions.slice(0, SHOWN).forEach((s, k) => {
    const vals = Object.entries(s.values).map(([n, v]) => `${n} = ${show(v)}`).join('   ');
    out.push(`${r.solutions.length > 1 ? `  #${k + 1}  ` : '  '}${vals}${s.objective !== undefined && !('objective' in s.values) ? `   (objective ${s.objective})` : ''}`);
  });
  if (r.solutions.length > SHOWN) out.push(`  … ${r.solutions.length - SHOWN} more (--json lists them all)`);
  if (r.conflict) {
    out.push(`conflict${r.conflict.minimal ? ' (minimal: drop any one and the rest has a solution)' : ' (not proven minimal)'}:`);
    for (const c of r.conflict.statements) out.push(`  ${file}:${c.line}:${c.col}: ${c.label}`);
  }
  const st = r.stats;
  out.push(`search: ${st.nodes} nodes, ${st.failures} failures, ${st.propagations} propagator runs, depth ${st.maxDepth}; ${r.variables} variables, ${r.propagators} propagators`);
  out.push(`time: ${wallMs < 10 ? wallMs.toFixed(2) : Math.round(wallMs)} ms wall on this machine; ${r.virtualMs.toFixed(3)} ms virtual (cost model)`);
  return out.join('\n');
}

export async function model(argv: string[]): Promise<number> {
  let all = false;
  let json = false;
  let nodeLimit: number | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--all') all = true;
    else if (a === '--json') json = true;
    else if (a === '--node-limit') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new UsageError(`--node-limit needs a positive integer\n${USAGE}`);
      nodeLimit = v;
    } else if (a === '-h' || a === '--help') { console.log(USAGE); return 0; }
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError(`hvlab model needs exactly one model file\n${USAGE}`);
  const file = files[0];
  if (!existsSync(file)) { console.error(`${file}: error: no such file`); return 1; }
  const t0 = performance.now();
  const r = solveModel(readFileSync(file, 'utf8'), file, { all, nodeLimit, keep: json ? 100_000 : SHOWN + 1 });
  const wallMs = performance.now() - t0;
  if (!r.ok) {
    console.error(formatSourceDiagnostics(r.diagnostics));
    console.error(`hvlab model: ${r.diagnostics.length} error${r.diagnostics.length === 1 ? '' : 's'}`);
    return 1;
  }
  if (json) console.log(JSON.stringify({ file, ...r, wallMs: Math.round(wallMs * 100) / 100 }, null, 2));
  else console.log(formatModelRun(file, r, all, wallMs));
  return r.status === 'limit' ? 3 : 0;
}
