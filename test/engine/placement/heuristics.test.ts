// The packing heuristics: textbook answers on a small instance, the step-by-step run equals the fast
// run, and — for thousands of seeded random problems with every constraint kind — every placement a
// heuristic returns passes the independent checker (only VMs it reports as failed may be missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HEURISTICS, checkPlacement, itemOrder, oneDimensional, runHeuristic, stepHeuristic, type HeuristicResult, type PackStep,
} from '../../../src-main/engine/placement/index';
import { randomProblem } from './randomProblems';

const RANDOM_COUNT = Number(process.env.HVLAB_PLACEMENT_COUNT ?? 3000);

const binsOf = (r: HeuristicResult) => r.placement.binOf;

test('textbook instance (capacity 10: 2 5 4 7 1 3 8): NF 5 bins, FF 4, BF 4, WF 5, FFD 3', () => {
  const p = oneDimensional('size', 10, [2, 5, 4, 7, 1, 3, 8]);
  const used = (a: (typeof HEURISTICS)[number]) => runHeuristic(p, a).binsUsed;
  // NF: [2 5] [4] [7 1] [3] [8] — FF: [2 5 1] [4 3] [7] [8] — BF: [2 5 1] [4 3] [7] [8]
  // WF: [2 5] [4 1 3] [7] [8] (WF sends 1 to the emptiest open bin, 4's) — FFD: [8 2] [7 3] [5 4 1]
  assert.equal(used('nf'), 5);
  assert.deepEqual(binsOf(runHeuristic(p, 'nf')), [0, 0, 1, 2, 2, 3, 4]);
  assert.equal(used('ff'), 4);
  assert.deepEqual(binsOf(runHeuristic(p, 'ff')), [0, 0, 1, 2, 0, 1, 3]);
  assert.equal(used('bf'), 4);
  assert.equal(used('wf'), 4);
  assert.equal(used('ffd'), 3);
  assert.equal(used('bfd'), 3);
});

test('decreasing order: the documented multi-dimensional key (sum of normalised demands, then max, then index)', () => {
  const p = {
    dimensions: ['cpu', 'mem'],
    items: [{ id: 'a', demand: [10, 10] }, { id: 'b', demand: [50, 0] }, { id: 'c', demand: [25, 25] }, { id: 'd', demand: [0, 50] }],
    bins: [{ id: 'h', capacity: [100, 100] }],
    constraints: [],
  };
  // sums: a .2, b .5, c .5, d .5 — ties at .5 broken by max (b .5, c .25, d .5), then index (b before d)
  assert.deepEqual(itemOrder(p, true), [1, 3, 2, 0]);
  assert.deepEqual(itemOrder(p, false), [0, 1, 2, 3]);
});

test('step by step: one step per placed block, with the bins looked at and why; the steps end in the fast run\'s result', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const p = randomProblem(seed, { maxItems: 12, maxBins: 5, constraints: true, maySuspend: true });
    for (const algo of HEURISTICS) {
      const it = stepHeuristic(p, algo);
      const steps: PackStep[] = [];
      let r = it.next();
      while (!r.done) { steps.push(r.value); r = it.next(); }
      const fast = runHeuristic(p, algo);
      assert.deepEqual(r.value.placement, fast.placement, `${algo} seed ${seed}`);
      for (const s of steps) {
        assert.ok(s.why.length > 0);
        if (s.chosen >= 0) {
          assert.ok(s.considered.some((c) => c.bin === s.chosen && c.fits), 'the chosen bin was looked at and fits');
          assert.ok(s.placed.includes(s.item));
        }
        for (const c of s.considered) if (!c.fits) assert.ok(c.reason && c.reason.length > 0, 'a bin that does not fit says why');
      }
      const placedBySteps = steps.flatMap((s) => s.placed).sort((a, b) => a - b);
      const placed = fast.placement.binOf.map((b, i) => (b >= 0 ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(placedBySteps, placed);
    }
  }
});

test(`every heuristic placement passes the independent checker (${RANDOM_COUNT} seeded random problems × 8 heuristics)`, () => {
  let failedRuns = 0;
  for (let seed = 1; seed <= RANDOM_COUNT; seed++) {
    const p = randomProblem(seed, { maxItems: 25, maxBins: 8, constraints: seed % 3 !== 0, maySuspend: seed % 2 === 0 });
    for (const algo of HEURISTICS) {
      const r = runHeuristic(p, algo);
      const violations = checkPlacement(p, r.placement);
      const failedIds = new Set(r.failed.map((i) => p.items[i].id));
      // The only violations allowed: "running(vm)" for the VMs the heuristic itself reports as failed.
      for (const v of violations) {
        assert.ok(v.rule.startsWith('running(') && failedIds.has(v.rule.slice(8, -1)), `${algo} seed ${seed}: ${v.rule}: ${v.message}`);
      }
      assert.equal(violations.length, r.failed.length, `${algo} seed ${seed}: every failed VM is reported`);
      for (const i of r.suspended) assert.equal(p.items[i].running, 'maySuspend');
      if (r.failed.length) failedRuns++;
    }
  }
  assert.ok(failedRuns > 0 && failedRuns < RANDOM_COUNT * 8, 'the random set has both feasible and hard cases');
});

test('gather moves VMs as one block; spread, ban, fence, among and maxVms steer the choices', () => {
  const p = {
    dimensions: ['cpu'],
    items: [{ id: 'a', demand: [4] }, { id: 'b', demand: [4] }, { id: 'c', demand: [4] }, { id: 'd', demand: [1] }],
    bins: [{ id: 'h1', capacity: [10] }, { id: 'h2', capacity: [10] }, { id: 'h3', capacity: [10] }],
    constraints: [
      { kind: 'gather' as const, items: ['a', 'c'] },
      { kind: 'ban' as const, items: ['a'], bins: ['h1'] },
      { kind: 'spread' as const, items: ['b', 'd'] },
    ],
  };
  const r = runHeuristic(p, 'ff');
  assert.equal(r.failed.length, 0);
  const [a, b, c, d] = r.placement.binOf;
  assert.equal(a, c, 'gathered');
  assert.notEqual(a, 0, 'a is banned from h1');
  assert.notEqual(b, d, 'spread');
  assert.deepEqual(checkPlacement(p, r.placement), []);
});

test('first fit by its tree (many hosts, capacity only) picks exactly the bins the scan picks', () => {
  for (let seed = 1; seed <= 150; seed++) {
    const p = randomProblem(seed * 31, { maxItems: 300, maxBins: 120, constraints: false, maySuspend: false });
    p.bins.forEach((b) => { b.state = 'on'; });
    for (const algo of ['ff', 'ffd'] as const) {
      const it = stepHeuristic(p, algo); // the step-by-step run scans the bins in order
      let r = it.next();
      while (!r.done) r = it.next();
      assert.deepEqual(runHeuristic(p, algo).placement, r.value.placement, `${algo} seed ${seed}`);
    }
  }
});
