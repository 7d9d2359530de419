// The HiGHS port: a real MILP solved in the worker thread through the synchronous call, the time limit
// honoured (HiGHS's own, and the port's deadline that terminates an overrunning worker), and a model
// HiGHS rejects answered as an error — after which the port still solves.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHighsSolver } from '../../src-main/node/solver/highsSolver';
import { MilpBuilder } from '../../src-main/engine/placement/index';

const solver = createHighsSolver();
after(() => solver.close());

test('solves a small MIP synchronously: optimum, values, bound, counts, the solver name', () => {
  // The chairs and tables workshop: max 30c + 50t, c + 2t ≤ 40, 2c + t ≤ 50, integers → 1100 at (20, 10).
  const b = new MilpBuilder('maximize');
  const c = b.col('chairs', 0, Infinity, 30, true);
  const t = b.col('tables', 0, Infinity, 50, true);
  b.row('carpentry', -Infinity, 40, [[c, 1], [t, 2]]);
  b.row('finishing', -Infinity, 50, [[c, 2], [t, 1]]);
  const r = solver.solve(b.model, { timeLimitS: 10 });
  assert.equal(r.status, 'optimal');
  assert.equal(Math.round(r.objective!), 1100);
  assert.deepEqual(r.values!.map(Math.round), [20, 10]);
  assert.match(r.solver, /^HiGHS \d+\.\d+\.\d+ \(WebAssembly\)$/);
  assert.ok(r.wallMs >= 0);
  assert.equal(solver.name(), r.solver);
});

test('infeasible is a status, not an exception', () => {
  const b = new MilpBuilder();
  const x = b.col('x', 0, 1, 1, true);
  b.row('impossible', 2, Infinity, [[x, 1]]);
  assert.equal(solver.solve(b.model, { timeLimitS: 5 }).status, 'infeasible');
});

test('the time limit holds on a model HiGHS cannot close: back within the limit plus the port\'s grace', () => {
  // 1-D assignment model of 70 items in 40 identical bins without symmetry breaking: hopeless in 0.5 s.
  const b = new MilpBuilder();
  const n = 70, m = 40;
  const y = Array.from({ length: m }, (_, j) => b.col(`y${j}`, 0, 1, 1, true));
  const x = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => b.col(`x${i}_${j}`, 0, 1, 0, true)));
  for (let i = 0; i < n; i++) b.row(`a${i}`, 1, 1, x[i].map((c) => [c, 1] as [number, number]));
  for (let j = 0; j < m; j++) b.row(`c${j}`, -Infinity, 0, [...x.map((row, i) => [row[j], 20 + ((i * 37) % 61)] as [number, number]), [y[j], -150]]);
  const t0 = performance.now();
  const r = solver.solve(b.model, { timeLimitS: 0.5 });
  const ms = performance.now() - t0;
  assert.ok(ms < 500 + 1500 + 500, `returned after ${Math.round(ms)} ms`);
  assert.ok(r.status === 'timeLimit' || r.status === 'optimal', r.status);
});

test('a model HiGHS rejects gives status error with a message; the port keeps working', () => {
  const b = new MilpBuilder();
  const x = b.col('x', 0, 1, 1, true);
  b.row('r', 0, 1, [[x, Number.NaN]]);
  const bad = solver.solve(b.model, { timeLimitS: 5 });
  assert.equal(bad.status, 'error');
  assert.ok(bad.message && bad.message.length > 0);
  const ok = new MilpBuilder();
  ok.col('z', 3, 10, 1, true);
  assert.equal(Math.round(solver.solve(ok.model, { timeLimitS: 5 }).objective!), 3);
});

test('the time limit counts from the call, loading included: a fresh port with 50 ms answers timeLimit, then solves', () => {
  const fresh = createHighsSolver();
  try {
    const b = new MilpBuilder();
    b.col('z', 2, 10, 1, true);
    const t0 = performance.now();
    const r = fresh.solve(b.model, { timeLimitS: 0.05 });
    assert.ok(performance.now() - t0 < 50 + 1500, 'back within the limit plus the grace');
    assert.equal(r.status, 'timeLimit');
    assert.match(r.message ?? '', /still loading/);
    assert.equal(Math.round(fresh.solve(b.model, { timeLimitS: 30 }).objective!), 2, 'the load went on and the next solve uses it');
  } finally {
    fresh.close();
  }
});
