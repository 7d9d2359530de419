/**
 * `hvlab place FILE [--algo LIST] [--time-limit S] [--json]`: packs standard bin-packing instances
 * (BPPLIB `n, c, weights` or an OR-Library file of several instances) with the heuristics and/or the
 * exact solver, and prints the bins each algorithm uses, whether the result is proven optimal, and the
 * time (wall time on this machine, and the virtual time the lab's cost model charges).
 *
 * - `--algo` takes one name or a comma list of nf, ff, bf, wf, nfd, ffd, bfd, wfd, exact, or `all`
 *   (default: every heuristic, then exact).
 * - `--time-limit S`: for `exact`, seconds per instance (default 10); the best heuristic is the fallback.
 * - `--generate CLASS [--seed N]`: instead of reading FILE, print a generated instance in BPPLIB form
 *   (CLASS: u120, u250, t60, t120 — `engine/placement/instances/generator.ts`).
 * - A malformed file prints `file:line:col: error: …` with a hint and exits 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from './args';
import { formatSourceDiagnostics } from '../../engine/index';
import { readInstances, instanceProblem, writeBpplib, type Instance } from '../../engine/index';
import { STANDARD_CLASSES, standardInstance, type StandardClass } from '../../engine/index';
import { PLACEMENT_ALGOS, HEURISTIC_TITLES, lowerBound, solvePlacement, type PlacementAlgo, type PlacementOutcome } from '../../engine/index';
import { PLACEMENT_DEFAULT_TIME_LIMIT_S, PLACEMENT_MAX_TIME_LIMIT_S } from '../../engine/index';
import { createHighsSolver } from '../solver/highsSolver';

const USAGE = 'usage: hvlab place FILE [--algo nf|ff|bf|wf|nfd|ffd|bfd|wfd|exact|all[,…]] [--time-limit S] [--json]\n       hvlab place --generate u120|u250|t60|t120 [--seed N]';

export interface PlaceRow {
  algo: PlacementAlgo;
  bins: number | null;
  status: PlacementOutcome['status'];
  provenOptimal: boolean;
  provenBy?: string;
  lowerBound?: number;
  gap?: number;
  wallMs: number;
  virtualMs: number;
  solver?: PlacementOutcome['solver'];
  notes: string[];
}

export interface PlaceReport { instance: string; items: number; capacity: number; bestKnown?: number; lowerBound?: number; results: PlaceRow[] }

function parseAlgos(text: string | undefined): PlacementAlgo[] {
  if (!text || text === 'all') return [...PLACEMENT_ALGOS];
  const out: PlacementAlgo[] = [];
  for (const a of text.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (a === 'all') { out.push(...PLACEMENT_ALGOS); continue; }
    if (!(PLACEMENT_ALGOS as readonly string[]).includes(a)) throw new UsageError(`unknown algorithm "${a}" (choose from ${PLACEMENT_ALGOS.join(', ')}, all)\n${USAGE}`);
    out.push(a as PlacementAlgo);
  }
  return [...new Set(out)];
}

function title(a: PlacementAlgo): string {
  return a === 'exact' ? 'Exact (HiGHS)' : HEURISTIC_TITLES[a];
}

export function placeInstance(inst: Instance, algos: PlacementAlgo[], timeLimitS: number, solver: ReturnType<typeof createHighsSolver>): PlaceReport {
  const problem = instanceProblem(inst);
  const lb = lowerBound(problem);
  const results: PlaceRow[] = [];
  for (const algo of algos) {
    const t0 = performance.now();
    const o = solvePlacement(problem, { algo, timeLimitS, solver });
    const wallMs = performance.now() - t0;
    results.push({
      algo, bins: o.status === 'failed' || o.status === 'infeasible' ? null : o.binsUsed, status: o.status, provenOptimal: o.status === 'optimal',
      provenBy: o.provenBy, lowerBound: o.lowerBound, gap: o.gap, wallMs: Math.round(wallMs * 100) / 100, virtualMs: Math.round(o.virtualMs * 1000) / 1000,
      solver: o.solver, notes: o.notes,
    });
  }
  return { instance: inst.name, items: inst.sizes.length, capacity: inst.capacity, bestKnown: inst.bestKnown, lowerBound: lb?.bins, results };
}

function formatReport(r: PlaceReport): string {
  const lines = [`${r.instance}: ${r.items} items, capacity ${r.capacity}${r.lowerBound !== undefined ? `, lower bound ${r.lowerBound}` : ''}${r.bestKnown !== undefined ? `, best known ${r.bestKnown}` : ''}`];
  lines.push(`  ${'algorithm'.padEnd(26)}${'bins'.padStart(5)}  ${'result'.padEnd(34)}  time (wall on this machine / virtual)`);
  for (const x of r.results) {
    const proven = x.provenOptimal ? `optimal, proven${x.provenBy === 'solver' ? ` by ${x.solver?.model ?? 'solver'}` : ' by the lower bound'}` : x.status === 'feasible' && x.gap !== undefined ? `not proven (gap ${(x.gap * 100).toFixed(1)} %)` : x.status;
    const wall = x.wallMs < 10 ? `${x.wallMs.toFixed(2)} ms` : `${Math.round(x.wallMs)} ms`;
    lines.push(`  ${`${title(x.algo)} (${x.algo})`.padEnd(26)}${String(x.bins ?? '—').padStart(5)}  ${proven.padEnd(34)}  ${wall} / ${x.virtualMs} ms`);
    for (const n of x.notes) if (x.algo === 'exact') lines.push(`      ${n}`);
  }
  return lines.join('\n');
}

export async function place(argv: string[]): Promise<number> {
  let file: string | undefined;
  let algoText: string | undefined;
  let timeLimit = PLACEMENT_DEFAULT_TIME_LIMIT_S;
  let json = false;
  let generate: string | undefined;
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => { const v = argv[++i]; if (v === undefined) throw new UsageError(`${a} needs a value\n${USAGE}`); return v; };
    if (a === '--algo') algoText = algoText ? `${algoText},${value()}` : value();
    else if (a.startsWith('--algo=')) algoText = algoText ? `${algoText},${a.slice(7)}` : a.slice(7);
    else if (a === '--time-limit' || a.startsWith('--time-limit=')) {
      const v = Number(a.includes('=') ? a.slice(13) : value());
      if (!(v > 0) || v > PLACEMENT_MAX_TIME_LIMIT_S) throw new UsageError(`--time-limit needs seconds in (0, ${PLACEMENT_MAX_TIME_LIMIT_S}]`);
      timeLimit = v;
    } else if (a === '--json') json = true;
    else if (a === '--generate') generate = value();
    else if (a === '--seed') { seed = Number(value()); if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed needs an integer ≥ 0'); }
    else if (a === '-h' || a === '--help') { console.log(USAGE); return 0; }
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else if (file) throw new UsageError(`one instance file at a time\n${USAGE}`);
    else file = a;
  }
  if (generate) {
    if (!(generate in STANDARD_CLASSES)) throw new UsageError(`unknown class "${generate}" (choose from ${Object.keys(STANDARD_CLASSES).join(', ')})`);
    const inst = standardInstance(generate as StandardClass, seed);
    process.stdout.write(writeBpplib(inst, `${inst.name}: class ${generate}, seed ${seed} (hvlab place --generate ${generate} --seed ${seed})`));
    return 0;
  }
  const algos = parseAlgos(algoText);
  if (!file) throw new UsageError(`hvlab place needs an instance file\n${USAGE}`);
  if (!existsSync(file)) { console.error(`${file}: error: no such file`); return 1; }
  const read = readInstances(readFileSync(file, 'utf8'), file);
  if (!read.ok) { console.error(formatSourceDiagnostics(read.diagnostics)); return 1; }
  const solver = createHighsSolver();
  if (algos.includes('exact')) solver.warmUp(); // HiGHS loads while the heuristics run
  try {
    const reports = read.instances.map((inst) => placeInstance(inst, algos, timeLimit, solver));
    if (json) console.log(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
    else console.log(reports.map(formatReport).join('\n\n'));
  } finally {
    solver.close();
  }
  return 0;
}
