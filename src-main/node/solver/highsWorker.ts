/**
 * The HiGHS worker thread: loads HiGHS (compiled to WebAssembly, the `highs` package — the only file
 * that imports it) once, then solves each model it is sent. `solve` is synchronous inside HiGHS, which
 * is why it runs here and not on the thread that owns the engine.
 *
 * Protocol (see `highsSolver.ts`): `workerData = { port, signal }`. Every reply is posted on `port`
 * and then announced by incrementing `signal[0]` (an Int32Array over a SharedArrayBuffer) and
 * notifying it, so the owner can block on `Atomics.wait` and read the reply with
 * `receiveMessageOnPort`. Replies: `{ type: 'ready', solver }`, `{ type: 'result', id, result }`,
 * `{ type: 'fatal', message }` (the module could not load, or HiGHS aborted: the owner replaces the
 * worker).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import loadHighs from 'highs';
import type { MilpModel, MilpResult, MilpSolveOptions, MilpStatus } from '../../engine/index';

interface Init { port: MessagePort; signal: Int32Array }
const { port, signal } = workerData as Init;

function reply(message: unknown): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

type Highs = Awaited<ReturnType<typeof loadHighs>>;

function statusOf(highs: Highs, code: number): MilpStatus {
  const s = highs.constants.modelStatus;
  if (code === s.optimal) return 'optimal';
  if (code === s.infeasible) return 'infeasible';
  if (code === s.timeLimit) return 'timeLimit';
  if (code === s.unbounded || code === s.unboundedOrInfeasible) return 'unbounded';
  if (code === s.empty) return 'optimal';
  if (code === s.loadError || code === s.modelError || code === s.solveError || code === s.presolveError || code === s.postsolveError) return 'error';
  return 'other';
}

function solve(highs: Highs, solverName: string, model: MilpModel, options: MilpSolveOptions): MilpResult {
  const t0 = performance.now();
  const numCols = model.colNames.length;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of model.rows) {
    for (let k = 0; k < r.cols.length; k++) { indices.push(r.cols[k]); values.push(r.coefs[k]); }
    starts.push(indices.length);
  }
  const inf = highs.infinity;
  const clamp = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
  const isMip = model.integer.some(Boolean);
  return highs.withModel({
    numCols,
    numRows: model.rows.length,
    sense: model.sense === 'minimize' ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize,
    colCost: model.colCost,
    colLower: model.colLower.map(clamp),
    colUpper: model.colUpper.map(clamp),
    rowLower: model.rows.map((r) => clamp(r.lower)),
    rowUpper: model.rows.map((r) => clamp(r.upper)),
    matrix: { format: 'csr', numRows: model.rows.length, numCols, starts, indices, values },
    ...(isMip ? { integrality: model.integer.map((b) => (b ? highs.constants.variableType.integer : highs.constants.variableType.continuous)) } : {}),
  }, (m) => {
    // Deterministic: one thread (this build has no others), fixed seed, no output; gap 0 = prove optimality.
    m.options.set({ output_flag: false, time_limit: Math.max(0.01, options.timeLimitS), mip_rel_gap: 0, random_seed: 0 });
    if (options.initial && options.initial.length === numCols) {
      try { m.setSolution({ colValue: options.initial }); } catch { /* a start HiGHS rejects is only a missed hint */ }
    }
    m.run();
    const status = statusOf(highs, m.getModelStatus());
    const info = m.info;
    const num = (key: string): number | undefined => {
      try {
        const v = info.get(key as never) as unknown;
        return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : undefined;
      } catch { return undefined; }
    };
    const primalStatus = num('primal_solution_status') ?? 0;
    const hasSolution = status === 'optimal' || primalStatus === 2;
    const col = hasSolution ? Array.from(m.getSolution().colValue) : undefined;
    const objective = hasSolution ? m.getObjectiveValue() : undefined;
    const bound = isMip ? num('mip_dual_bound') : status === 'optimal' ? objective : undefined;
    return {
      status,
      objective,
      bound: bound !== undefined && Number.isFinite(bound) && Math.abs(bound) < 1e30 ? bound : undefined,
      values: col,
      iterations: num('simplex_iteration_count') ?? 0,
      nodes: isMip ? num('mip_node_count') ?? 0 : 0,
      wallMs: performance.now() - t0,
      solver: solverName,
    } satisfies MilpResult;
  });
}

try {
  const highs = await loadHighs();
  const solverName = `HiGHS ${highs.version.string} (WebAssembly)`;
  port.on('message', (m: { type: 'solve'; id: number; model: MilpModel; options: MilpSolveOptions }) => {
    if (m.type !== 'solve') return;
    let result: MilpResult;
    try {
      result = solve(highs, solverName, m.model, m.options);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      reply({ type: 'result', id: m.id, result: { status: 'error', iterations: 0, nodes: 0, wallMs: 0, solver: solverName, message } satisfies MilpResult });
      if (e instanceof WebAssembly.RuntimeError) { reply({ type: 'fatal', message }); process.exit(1); }
      return;
    }
    reply({ type: 'result', id: m.id, result });
  });
  reply({ type: 'ready', solver: solverName });
} catch (e) {
  reply({ type: 'fatal', message: `cannot load HiGHS: ${e instanceof Error ? e.message : String(e)}` });
}
