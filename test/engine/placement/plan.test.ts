// Reconfiguration plans: from a current placement to a target, every plan the planner returns is
// replayed by the independent plan checker (no over-committed instant, the per-host limit, every VM
// ends on its target) — on hand-made cycles and on thousands of seeded random re-packings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src-main/engine/sim/rng';
import { alignTarget, evacuationTarget, checkPlacement, checkPlan, migrationEstimateMs, planReconfiguration, runHeuristic } from '../../../src-main/engine/placement/index';
import type { PlanInput, PlacementProblem } from '../../../src-main/engine/placement/index';

const durations = { migrateMs: () => 1000, suspendMs: () => 300, resumeMs: () => 400 };

function input(problem: PlacementProblem, from: number[], to: number[], extra: Partial<PlanInput> = {}): PlanInput {
  return { problem, from: { binOf: from }, to: { binOf: to }, durations, maxConcurrentPerHost: 2, allowSuspend: true, ...extra };
}

const twoFull = (hosts: number): PlacementProblem => ({
  dimensions: ['mem'],
  items: [{ id: 'a', demand: [6] }, { id: 'b', demand: [6] }],
  bins: Array.from({ length: hosts }, (_, j) => ({ id: `h${j}`, capacity: [10] })),
  constraints: [],
});

test('a swap of two full hosts is a cycle: broken with a pivot on a third host', () => {
  const inp = input(twoFull(3), [0, 1], [1, 0]);
  const plan = planReconfiguration(inp);
  assert.equal(plan.feasible, true, plan.reason);
  assert.deepEqual(checkPlan(inp, plan), []);
  assert.equal(plan.pivots, 1);
  assert.equal(plan.suspends, 0);
  assert.equal(plan.migrations, 3, 'to the pivot, the other VM, from the pivot');
  assert.ok(plan.actions.some((a) => a.to === 2 && /pivot/.test(a.note ?? '')));
  assert.equal(plan.durationMs, 3000, 'three migrations one after another: each waits for the one before');
});

test('with no third host the cycle is broken by a suspend, or refused when suspending is not allowed', () => {
  const inp = input(twoFull(2), [0, 1], [1, 0]);
  const plan = planReconfiguration(inp);
  assert.equal(plan.feasible, true, plan.reason);
  assert.deepEqual(checkPlan(inp, plan), []);
  assert.equal(plan.suspends, 1);
  assert.deepEqual(plan.actions.map((a) => a.kind).sort(), ['migrate', 'resume', 'suspend']);
  const refused = planReconfiguration({ ...inp, allowSuspend: false });
  assert.equal(refused.feasible, false);
  assert.match(refused.reason ?? '', /wait on one another.*a → h1/);
});

test('a target that over-commits a host is refused, naming the host and the dimension', () => {
  const plan = planReconfiguration(input(twoFull(2), [0, 1], [0, 0]));
  assert.equal(plan.feasible, false);
  assert.match(plan.reason ?? '', /over-commits h0 in mem/);
});

test('the per-host limit serialises moves that share a host; the emptied hosts are listed', () => {
  const problem: PlacementProblem = {
    dimensions: ['mem'],
    items: Array.from({ length: 6 }, (_, i) => ({ id: `v${i}`, demand: [1] })),
    bins: [{ id: 'h0', capacity: [10] }, { id: 'h1', capacity: [10] }],
    constraints: [],
  };
  for (const limit of [1, 2, 3, 6]) {
    const inp = input(problem, [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0], { maxConcurrentPerHost: limit });
    const plan = planReconfiguration(inp);
    assert.deepEqual(checkPlan(inp, plan), []);
    assert.equal(plan.durationMs, Math.ceil(6 / limit) * 1000, `limit ${limit}`);
    assert.deepEqual(plan.emptied, [1]);
  }
});

test('the checker catches a plan that over-commits, breaks the limit or misses the target', () => {
  const inp = input(twoFull(3), [0, 1], [1, 0]);
  const bad = {
    feasible: true, durationMs: 1000, moved: 2, migrations: 2, pivots: 0, suspends: 0, emptied: [],
    actions: [
      { kind: 'migrate' as const, item: 0, from: 0, to: 1, startMs: 0, endMs: 1000 },
      { kind: 'migrate' as const, item: 1, from: 1, to: 0, startMs: 0, endMs: 1000 },
    ],
  };
  const v = checkPlan(inp, bad);
  assert.ok(v.some((x) => x.rule === 'capacity(mem)'), JSON.stringify(v));
  const partial = { ...bad, actions: [bad.actions[0]] };
  assert.ok(checkPlan(inp, partial).some((x) => x.rule === 'target'));
  assert.ok(checkPlan({ ...inp, maxConcurrentPerHost: 1 }, bad).some((x) => x.rule === 'concurrency'));
});

test('aligning a packing with where VMs run: identical hosts swap loads so that VMs stay put', () => {
  const problem: PlacementProblem = {
    dimensions: ['mem'],
    items: [{ id: 'a', demand: [4] }, { id: 'b', demand: [4] }, { id: 'c', demand: [4] }],
    bins: [{ id: 'h0', capacity: [10] }, { id: 'h1', capacity: [10] }, { id: 'h2', capacity: [10] }],
    constraints: [],
  };
  // a and b run on h2, c on h1; a packing puts a and b on h0 and c on h1.
  const aligned = alignTarget(problem, { binOf: [2, 2, 1] }, { binOf: [0, 0, 1] });
  assert.deepEqual(aligned.binOf, [2, 2, 1], 'nothing needs to move');
  // A host a constraint names keeps its identity.
  const fenced = alignTarget({ ...problem, constraints: [{ kind: 'fence', items: ['a'], bins: ['h0'] }] }, { binOf: [2, 2, 1] }, { binOf: [0, 0, 1] });
  assert.equal(fenced.binOf[0], 0);
});

test('the estimate: memory ÷ bandwidth plus the setup', () => {
  assert.equal(migrationEstimateMs(1024, 100, 500), 500 + 10_240);
});

test('seeded random re-packings: every plan passes the checker, or says why not', () => {
  let planned = 0, cycles = 0, fewer = 0, evacuated = 0;
  for (let seed = 1; seed <= 2000; seed++) {
    const rng = new Rng(seed);
    const D = 1 + rng.int(2);
    const m = 2 + rng.int(8);
    const n = 1 + rng.int(30);
    const same = rng.float() < 0.5 ? Array.from({ length: D }, () => 40 + rng.int(80)) : undefined;
    const bins = Array.from({ length: m }, (_, j) => ({ id: `h${j}`, capacity: same ? [...same] : Array.from({ length: D }, () => 40 + rng.int(80)) }));
    const items = Array.from({ length: n }, (_, i) => ({ id: `v${i}`, demand: Array.from({ length: D }, () => 1 + rng.int(30)) }));
    const problem: PlacementProblem = { dimensions: D === 1 ? ['cpu'] : ['cpu', 'mem'], items, bins, constraints: [] };
    // The current placement: worst fit (spread out); the target: FFD or BFD (packed).
    const from = runHeuristic(problem, 'wf').placement.binOf;
    const packed = runHeuristic(problem, rng.float() < 0.5 ? 'ffd' : 'bfd').placement;
    const aligned = alignTarget(problem, { binOf: from }, packed);
    const moves = (binOf: number[]) => binOf.filter((b, i) => b !== from[i]).length;
    assert.deepEqual(checkPlacement(problem, aligned), checkPlacement(problem, packed), `seed ${seed}: renaming hosts keeps the packing valid`);
    assert.equal(new Set(aligned.binOf).size, new Set(packed.binOf).size);
    if (moves(aligned.binOf) < moves(packed.binOf)) fewer++;
    assert.ok(moves(aligned.binOf) <= moves(packed.binOf) + 2, `seed ${seed}: aligning does not move many more VMs`);
    const evac = evacuationTarget(problem, { binOf: from }, new Set(packed.binOf.filter((b) => b >= 0)).size);
    if (evac) {
      evacuated++;
      assert.deepEqual(checkPlacement(problem, evac), [], `seed ${seed}: evacuation valid`);
      assert.ok(new Set(evac.binOf.filter((b) => b >= 0)).size <= new Set(packed.binOf.filter((b) => b >= 0)).size);
      const movedHosts = new Set(from.filter((b, i) => evac.binOf[i] !== b));
      for (let i = 0; i < n; i++) if (!movedHosts.has(from[i])) assert.equal(evac.binOf[i], from[i], 'VMs of kept hosts stay');
    }
    const to = (evac && rng.float() < 0.5 ? evac : aligned).binOf;
    // An item one of them could not place is a suspend or a resume in the plan.
    const limit = 1 + rng.int(4);
    const inp = input(problem, from, to, { maxConcurrentPerHost: limit, durations: { migrateMs: (i) => 100 + items[i].demand[0] * 10, suspendMs: () => 50, resumeMs: () => 70 } });
    const plan = planReconfiguration(inp);
    if (!plan.feasible) { assert.match(plan.reason ?? '', /./); continue; }
    planned++;
    if (plan.pivots + plan.suspends > 0) cycles++;
    assert.deepEqual(checkPlan(inp, plan), [], `seed ${seed}`);
  }
  assert.ok(planned > 1900, `${planned} of 2000 planned`);
  assert.ok(cycles > 0, 'some instances needed a pivot or a suspend');
  assert.ok(evacuated > 100, `${evacuated} evacuation targets`);
  assert.ok(fewer > 200, `aligning the target kept more VMs in place in ${fewer} instances`);
});
