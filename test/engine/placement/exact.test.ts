// Exact placement with the real HiGHS (in its worker thread): proven optima equal a brute-force
// enumeration on tiny problems, exact is never worse than any heuristic, every returned placement
// passes the independent checker, the time limit is honoured with a valid fallback, and infeasible
// requests name the constraints in conflict.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  HEURISTICS, checkPlacement, oneDimensional, runHeuristic, solvePlacement, type PlacementProblem,
} from '../../../src-main/engine/placement/index';
import { standardInstance } from '../../../src-main/engine/placement/instances/generator';
import { instanceProblem } from '../../../src-main/engine/placement/instances/bpplib';
import { createHighsSolver } from '../../../src-main/node/solver/highsSolver';
import { randomProblem } from './randomProblems';

const solver = createHighsSolver();
after(() => solver.close());

/** Fewest hosts + (hosts + 1) × suspended over every assignment (independent of every model). */
function bruteForce(p: PlacementProblem): number | null {
  const n = p.items.length, m = p.bins.length;
  let best: number | null = null;
  const binOf = new Array<number>(n).fill(-1);
  const rec = (i: number) => {
    if (i === n) {
      if (checkPlacement(p, { binOf }).length) return;
      const used = new Set(binOf.filter((b) => b >= 0)).size;
      const score = used + (m + 1) * binOf.filter((b) => b < 0).length;
      if (best === null || score < best) best = score;
      return;
    }
    for (let j = -1; j < m; j++) { binOf[i] = j; rec(i + 1); }
  };
  rec(0);
  return best;
}

const score = (p: PlacementProblem, binOf: number[]) => new Set(binOf.filter((b) => b >= 0)).size + (p.bins.length + 1) * binOf.filter((b) => b < 0).length;

test('proven optima equal brute force; exact never worse than any heuristic; every placement checked (120 random problems)', () => {
  let proven = 0, infeasible = 0;
  for (let seed = 1; seed <= 120; seed++) {
    const p = randomProblem(seed * 7919, { maxItems: 6, maxBins: 4, constraints: seed % 4 !== 0, maySuspend: seed % 3 === 0 });
    const o = solvePlacement(p, { algo: 'exact', timeLimitS: 5, solver });
    const truth = bruteForce(p);
    if (truth === null) {
      assert.equal(o.status, 'infeasible', `seed ${seed}: brute force finds no placement`);
      assert.ok(o.explanation && o.explanation.conflicts.length > 0, `seed ${seed}: explained`);
      infeasible++;
      continue;
    }
    assert.notEqual(o.status, 'infeasible', `seed ${seed}`);
    assert.deepEqual(checkPlacement(p, o.placement), [], `seed ${seed}: ${JSON.stringify(o.notes)}`);
    assert.equal(o.status, 'optimal', `seed ${seed}: tiny problems are always closed (${o.notes.join('; ')})`);
    assert.equal(score(p, o.placement.binOf), truth, `seed ${seed}: the proven optimum is the true optimum`);
    for (const a of HEURISTICS) {
      const h = runHeuristic(p, a);
      if (h.failed.length === 0) assert.ok(score(p, o.placement.binOf) <= score(p, h.placement.binOf), `seed ${seed}: exact ≤ ${a}`);
    }
    proven++;
  }
  assert.ok(proven > 50 && infeasible > 0, `both kinds occur (${proven} proven, ${infeasible} infeasible)`);
});

test('a Falkenauer u120 instance: arc-flow proves the optimum; FFD is at most 11/9·OPT + 6/9', () => {
  const p = instanceProblem(standardInstance('u120', 1));
  const o = solvePlacement(p, { algo: 'exact', timeLimitS: 60, solver });
  assert.equal(o.status, 'optimal');
  assert.deepEqual(checkPlacement(p, o.placement), []);
  assert.equal(o.binsUsed, 48);
  assert.equal(o.lowerBound, 48);
  const ffd = runHeuristic(p, 'ffd').binsUsed;
  assert.ok(ffd >= o.binsUsed && ffd <= (11 / 9) * o.binsUsed + 6 / 9);
  if (o.provenBy === 'solver') assert.equal(o.solver?.model, 'arc-flow');
});

test('the time limit is honoured and the fallback is the best valid heuristic', () => {
  // A 2-D assignment model of 60 VMs on 30 hosts: far beyond what HiGHS closes in 0.3 s.
  const big: PlacementProblem = {
    dimensions: ['cpu', 'mem'],
    items: Array.from({ length: 60 }, (_, i) => ({ id: `v${i}`, demand: [17 + ((i * 37) % 41), 11 + ((i * 53) % 47)] })),
    bins: Array.from({ length: 30 }, (_, j) => ({ id: `h${j}`, capacity: [100, 100] })),
    constraints: [],
  };
  const t0 = performance.now();
  const o = solvePlacement(big, { algo: 'exact', timeLimitS: 0.3, solver });
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < 300 + 1500 + 3000, `returned in ${Math.round(elapsed)} ms (limit 0.3 s + the port's grace + model building)`);
  assert.deepEqual(checkPlacement(big, o.placement), []);
  const best = Math.min(...HEURISTICS.map((a) => runHeuristic(big, a).binsUsed));
  assert.ok(o.binsUsed <= best, 'never worse than the best heuristic');
  assert.ok(o.status === 'optimal' || o.status === 'feasible');
});

test('infeasible requests name the constraints in conflict', () => {
  const two = (constraints: PlacementProblem['constraints'], extra: Partial<PlacementProblem> = {}): PlacementProblem => ({
    dimensions: ['cpu'],
    items: [{ id: 'a', demand: [3] }, { id: 'b', demand: [3] }, { id: 'c', demand: [3] }],
    bins: [{ id: 'h1', capacity: [10] }, { id: 'h2', capacity: [10] }],
    constraints,
    ...extra,
  });
  const spread = solvePlacement(two([{ kind: 'spread', items: ['a', 'b', 'c'], name: 'web tier apart' }]), { algo: 'exact', timeLimitS: 5, solver });
  assert.equal(spread.status, 'infeasible');
  assert.ok(spread.explanation!.conflicts.includes('web tier apart'));
  const banFence = solvePlacement(two([{ kind: 'ban', items: ['a'], bins: ['h1'] }, { kind: 'fence', items: ['a'], bins: ['h1'] }]), { algo: 'ffd', timeLimitS: 5, solver });
  assert.equal(banFence.status, 'infeasible', 'a static proof needs no solver');
  assert.ok(banFence.explanation!.conflicts.some((c) => c.startsWith('ban#1')) && banFence.explanation!.conflicts.some((c) => c.startsWith('fence#2')));
  assert.ok(banFence.explanation!.conflicts.includes('running(a)'));
  const offline = solvePlacement(two([], { items: [{ id: 'a', demand: [8] }, { id: 'b', demand: [8] }], bins: [{ id: 'h1', capacity: [10] }, { id: 'h2', capacity: [10], state: 'maintenance' }] }), { algo: 'exact', timeLimitS: 5, solver });
  assert.equal(offline.status, 'infeasible');
  assert.deepEqual(offline.explanation!.conflicts, ['capacity(cpu)', 'offline(h2)']);
  // A conflict only the solver sees: gather(a, b) on hosts of 10, spread(b, c), maxVms 2, fence c to h1.
  const deep = solvePlacement({
    dimensions: ['cpu'],
    items: [{ id: 'a', demand: [4] }, { id: 'b', demand: [4] }, { id: 'c', demand: [1] }, { id: 'd', demand: [1] }],
    bins: [{ id: 'h1', capacity: [10] }, { id: 'h2', capacity: [10] }],
    constraints: [
      { kind: 'gather', items: ['a', 'b'], name: 'g' },
      { kind: 'fence', items: ['a'], bins: ['h1'], name: 'a on h1' },
      { kind: 'fence', items: ['c'], bins: ['h1'], name: 'c on h1' },
      { kind: 'spread', items: ['b', 'c'], name: 'b apart from c' },
      { kind: 'ban', items: ['d'], bins: ['h2'], name: 'd not on h2' },
    ],
  }, { algo: 'exact', timeLimitS: 5, solver });
  assert.equal(deep.status, 'infeasible');
  assert.equal(deep.explanation!.minimal, true);
  assert.deepEqual(deep.explanation!.conflicts.filter((c) => !c.startsWith('capacity')).sort(), ['a on h1', 'b apart from c', 'c on h1', 'g']);
});

test('without a solver, exact says so and returns the best heuristic (or a bound proof)', () => {
  const p = oneDimensional('size', 10, [6, 6, 5, 5, 4, 4]);
  const o = solvePlacement(p, { algo: 'exact', timeLimitS: 1 });
  assert.deepEqual(checkPlacement(p, o.placement), []);
  assert.equal(o.binsUsed, 3);
  assert.equal(o.status, 'optimal');
  assert.equal(o.provenBy, 'bound');
});
