// `placement.solve` through the contract: the inventory view of a cluster (powered-on VMs as items,
// hosts as bins, CPU MHz and memory MiB) or a given instance; typed errors naming the field; with the
// HiGHS port, exact proves the optimum; the lab itself is not changed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src-main/engine/index';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { createHighsSolver } from '../../../src-main/node/solver/highsSolver';
import { harness } from '../../helpers/labHarness';
import type { Engine } from '../../../src-main/engine/index';
import type { PlacementSolveResult } from '../../../src-shared/model/placement';
import { API_VERSION } from '../../../src-shared/api/channels';

const solver = createHighsSolver();
after(() => solver.close());

let id = 100;
const query = (engine: Engine, params: unknown) => engine.handle({ v: API_VERSION, id: ++id, kind: 'query', name: 'placement.solve', params });

test('the inventory view: powered-on VMs of the cluster on its hosts; FFD packs them on one host', () => {
  const engine = harness('lab-small', 1, null).engine;
  const before = JSON.stringify(engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} }));
  const r = query(engine, { algo: 'ffd' });
  assert.ok(r.ok, JSON.stringify(r));
  const out = (r as { result: PlacementSolveResult }).result;
  assert.deepEqual(out.dimensions, ['cpuMhz', 'memMiB']);
  assert.equal(out.placement.length, 4, 'the four powered-on VMs of lab-small');
  assert.equal(out.bins.length, 2);
  assert.deepEqual(out.bins[0].capacity, [400, 8192 - 256], '4 cores × 100 MHz; 8 GiB less the hypervisor');
  for (const p of out.placement) assert.equal(p.demand[0], 100, 'configured: 1 vCPU × 100 MHz');
  assert.equal(out.binsUsed, 1);
  assert.equal(out.status, 'optimal', 'one host meets the lower bound');
  assert.deepEqual(out.violations, []);
  for (const b of out.bins) for (let k = 0; k < 2; k++) assert.ok(b.load[k] <= b.capacity[k]);
  assert.equal(JSON.stringify(engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} })), before, 'nothing changed');
});

test('constraints name inventory ids; mistakes are typed errors naming the field', () => {
  const engine = harness('lab-small', 1, null).engine;
  const inv = (engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} }) as { result: { vms: { id: string; powerState: string }[] } }).result;
  const on = inv.vms.filter((v) => v.powerState === 'poweredOn').map((v) => v.id);
  const spread = query(engine, { algo: 'ffd', constraints: [{ kind: 'spread', items: on.slice(0, 2) }] });
  assert.ok(spread.ok);
  const res = (spread as { result: PlacementSolveResult }).result;
  const hostOf = (vm: string) => res.placement.find((p) => p.itemId === vm)!.binId;
  assert.notEqual(hostOf(on[0]), hostOf(on[1]));
  const bad = query(engine, { algo: 'ffd', constraints: [{ kind: 'ban', items: ['vm-999'], bins: ['host-1'] }] });
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.field, 'params.constraints[0].items[0]');
  const missing = query(engine, { algo: 'ffd', constraints: [{ kind: 'fence', items: [on[0]] }] });
  assert.equal(!missing.ok && missing.error.field, 'params.constraints[0].bins');
  const noCluster = query(engine, { algo: 'ffd', clusterId: 'cluster-9' });
  assert.equal(!noCluster.ok && noCluster.error.code, 'E_NOT_FOUND');
  const badAlgo = query(engine, { algo: 'magic' });
  assert.equal(!badAlgo.ok && badAlgo.error.field, 'params.algo');
});

test('a given instance, exact through the engine facade\'s HiGHS port: proven optimal', () => {
  const engine = createEngine({ scenarios: loadScenarioSources(), milpSolver: solver }, { scenario: 'lab-small', seed: 1 });
  const sizes = [42, 69, 67, 57, 93, 90, 38, 36, 45, 42, 33, 79, 27, 57, 44, 84, 86, 92, 46, 38, 85, 33, 82, 73, 49];
  const r = engine.handle({
    v: API_VERSION, id: 7, kind: 'query', name: 'placement.solve',
    params: {
      algo: 'exact', timeLimitS: 20,
      instance: { dimensions: ['size'], items: sizes.map((s, i) => ({ id: `i${i}`, demand: [s] })), bins: sizes.map((_, j) => ({ id: `b${j}`, capacity: [150] })) },
    },
  });
  assert.ok(r.ok, JSON.stringify(r));
  const out = (r as { result: PlacementSolveResult }).result;
  assert.equal(out.status, 'optimal');
  assert.equal(out.provenOptimal, true);
  assert.equal(out.binsUsed, out.lowerBound);
  assert.ok(out.heuristics && out.heuristics.ffd! >= out.binsUsed);
  assert.ok(out.virtualMs >= 0);
  const bad = engine.handle({ v: API_VERSION, id: 8, kind: 'query', name: 'placement.solve', params: { algo: 'ffd', instance: { dimensions: ['size'], items: [{ id: 'a', demand: [1, 2] }], bins: [] } } });
  assert.equal(!bad.ok && bad.error.field, 'params.instance.items[0].demand');
});

test('measured usage as demand: a VM without samples falls back to its configured size, and says so', () => {
  const engine = harness('lab-small', 1, null).engine;
  const r = query(engine, { algo: 'bfd', demand: 'usage', windowSamples: 3 });
  assert.ok(r.ok);
  const out = (r as { result: PlacementSolveResult }).result;
  assert.ok(out.notes.some((n) => n.includes('no usage sample yet')));
  engine.advance(60_000);
  const later = (query(engine, { algo: 'bfd', demand: 'usage', windowSamples: 3 }) as { result: PlacementSolveResult }).result;
  assert.ok(!later.notes.some((n) => n.includes('no usage sample yet')), JSON.stringify(later.notes));
  for (const p of later.placement) assert.ok(p.demand[0] >= 0 && p.demand[0] <= 100.001);
});

test('trace: each heuristic\'s steps, replayed, give exactly its placement; refused for exact and big problems', () => {
  const engine = harness('lab-small', 1, null).engine;
  // 12 bins of 10, items chosen so that NF, FF, BF and WF place some differently.
  const sizes = [6, 5, 4, 7, 3, 2, 8, 5, 4, 6, 1, 3];
  const instance = { dimensions: ['size'], items: sizes.map((s, i) => ({ id: `vm${i}`, demand: [s] })), bins: Array.from({ length: 12 }, (_, j) => ({ id: `h${j}`, capacity: [10] })) };
  const placements = new Set<string>();
  for (const algo of ['nf', 'ff', 'bf', 'wf', 'nfd', 'ffd', 'bfd', 'wfd']) {
    const r = query(engine, { algo, instance, trace: true });
    assert.ok(r.ok, JSON.stringify(r));
    const out = (r as { result: PlacementSolveResult }).result;
    const trace = out.trace!;
    assert.equal(trace.length, sizes.length, `${algo}: one step per VM`);
    const replay = new Map<string, string | null>();
    for (const st of trace) {
      assert.ok(st.binId === null || st.considered.some((c) => c.binId === st.binId && c.fits), `${algo}: the chosen host was looked at and fits`);
      for (const id of st.placedIds) replay.set(id, st.binId);
    }
    for (const p of out.placement) assert.equal(replay.get(p.itemId), p.binId, `${algo}: ${p.itemId}`);
    if (algo.endsWith('d')) assert.deepEqual(trace.slice(0, 2).map((s) => s.itemId), ['vm6', 'vm3'], `${algo}: largest first`);
    placements.add(JSON.stringify(out.placement.map((p) => p.binId)));
  }
  assert.ok(placements.size > 2, 'the heuristics differ on this instance');
  const plain = query(engine, { algo: 'ffd', instance });
  assert.equal((plain as { result: PlacementSolveResult }).result.trace, undefined, 'no trace unless asked');
  const exact = query(engine, { algo: 'exact', instance, trace: true });
  assert.equal(!exact.ok && exact.error.field, 'params.trace');
  const big = { dimensions: ['size'], items: Array.from({ length: 301 }, (_, i) => ({ id: `v${i}`, demand: [1] })), bins: [{ id: 'h', capacity: [1000] }] };
  const tooBig = query(engine, { algo: 'ff', instance: big, trace: true });
  assert.equal(!tooBig.ok && tooBig.error.field, 'params.trace');
});
