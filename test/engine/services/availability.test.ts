// Availability arithmetic (series, parallel, k-of-n, tiers) and the seeded simulation of a cluster's
// year that checks the formula.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterAvailability, downtimeHours, evaluateDesign, fromMtbf, kOfN, parallel, redundancy, series, simulateCluster, simulationSteps, tierOf,
} from '../../../src-main/engine/services/index';
import { AVAILABILITY_MAX_SIM_STEPS } from '../../../src-main/engine/params';
import { API_VERSION } from '../../../src-shared/api/channels';
import { harness } from '../../helpers/labHarness';

const near = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

test('component rules: MTBF/MTTR, series, parallel = P(A)+P(B)−P(A∩B), k-of-n, redundancy schemes', () => {
  near(fromMtbf(999, 1), 0.999);
  near(series([0.99, 0.98]), 0.99 * 0.98);
  near(parallel([0.9, 0.8]), 0.9 + 0.8 - 0.9 * 0.8);
  near(kOfN(0.9, 1, 2), parallel([0.9, 0.9]));
  near(kOfN(0.9, 2, 2), series([0.9, 0.9]));
  assert.deepEqual(redundancy('N+1', 3), { units: 4, required: 3 });
  assert.deepEqual(redundancy('2N', 3), { units: 6, required: 3 });
  assert.deepEqual(redundancy('2N+1', 2), { units: 5, required: 2 });
  near(downtimeHours(0.99982), 1.5768, 1e-9);
});

test('tiers: the Uptime Institute figures, and a design\'s tier from its availability', () => {
  assert.equal(tierOf(0.9967), null);
  assert.equal(tierOf(0.99671), 'I');
  assert.equal(tierOf(0.9998), 'II');
  assert.equal(tierOf(0.99995), 'IV');
  const d = evaluateDesign([
    { name: 'utility + generator', availability: 0.999, need: 1, scheme: '2N' },
    { name: 'UPS', mtbfH: 50_000, mttrH: 8, need: 2, scheme: 'N+1' },
    { name: 'cooling', availability: 0.998, need: 3, scheme: 'N+1' },
  ]);
  near(d.availability, d.groups.reduce((p, g) => p * g.availability, 1));
  assert.equal(d.groups[0].units, 2);
  near(d.groups[0].availability, 1 - 0.001 ** 2);
});

test('simulation: a 4-host cluster tolerating one failure, 200 seeded years — the formula lies within the 95 % interval', () => {
  const formula = clusterAvailability(4, 1, 2_000, 48);
  const sim = simulateCluster({ hosts: 4, tolerate: 1, mtbfH: 2_000, mttrH: 48, years: 1, replications: 200, seed: 11, restartS: 60 });
  assert.ok(Math.abs(sim.availability - formula) <= sim.halfWidth, `formula ${formula}, simulated ${sim.availability} ± ${sim.halfWidth}`);
  assert.ok(sim.hostFailures > 500, 'enough failures to mean something');
  const again = simulateCluster({ hosts: 4, tolerate: 1, mtbfH: 2_000, mttrH: 48, years: 1, replications: 200, seed: 11, restartS: 60 });
  assert.deepEqual(again, sim, 'same seed, same result');
  // Without redundancy (tolerate 0) availability drops to a⁴, and the simulation sees it too.
  const none = simulateCluster({ hosts: 4, tolerate: 0, mtbfH: 2_000, mttrH: 48, years: 1, replications: 200, seed: 12, restartS: 60 });
  assert.ok(Math.abs(none.availability - fromMtbf(2_000, 48) ** 4) <= none.halfWidth);
});

test('availability.cluster refuses a simulation too long for one query, naming the field, and answers one within the bound', () => {
  const h = harness('lab-ha');
  const clusterId = h.q('inventory.get', {}).clusters[0].id;
  const r = h.engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'availability.cluster', params: { clusterId, mtbfH: 1, mttrH: 0.01, years: 100, replications: 2000 } });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'E_INVALID_ARGUMENT');
    assert.equal(r.error.field, 'params.replications');
    assert.match(r.error.message, /million steps \(at most 10 million\): use fewer replications or years, or a longer MTBF/);
  }
  const params = { hosts: 4, mtbfH: 2_000, mttrH: 48, years: 1, replications: 200 };
  assert.ok(simulationSteps(params) <= AVAILABILITY_MAX_SIM_STEPS);
  const ok = h.q('availability.cluster', { clusterId, mtbfH: 2_000, mttrH: 48, years: 1, replications: 200, seed: 11 });
  assert.equal(ok.hosts, 4);
  assert.ok(Math.abs(ok.simulated - ok.formula) <= ok.halfWidth + 1e-3);
});

test('availability.design: groups in parallel give P(A∪B) = a + b − ab; a group without figures is refused naming its field', () => {
  const h = harness('lab-ha');
  const d = h.q('availability.design', { combine: 'parallel', groups: [
    { name: 'array A', availability: 0.99, need: 1, scheme: 'N' },
    { name: 'array B', mtbfH: 990, mttrH: 10, need: 1, scheme: 'N' },
  ] });
  assert.equal(d.combine, 'parallel');
  near(d.availability, 0.9999);
  assert.ok(d.union);
  near(d.union!.a + d.union!.b - d.union!.both, d.availability);
  const s = h.q('availability.design', { groups: [{ name: 'psu', availability: 0.99, need: 1, scheme: 'N' }] });
  assert.equal(s.combine, 'series');
  assert.equal(s.union, undefined);
  for (const [group, field] of [[{ name: 'ups', need: 1, scheme: 'N' }, 'availability'], [{ name: 'ups', mtbfH: 100, need: 1, scheme: 'N' }, 'mttrH'], [{ name: 'ups', mttrH: 1, need: 1, scheme: 'N' }, 'mtbfH']] as const) {
    const r = h.engine.handle({ v: API_VERSION, id: 9, kind: 'query', name: 'availability.design', params: { groups: [{ name: 'ok', availability: 0.9, need: 1, scheme: 'N' }, group] } });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.field, `params.groups[1].${field}`);
      assert.match(r.error.message, /"ups"/);
    }
  }
});

test('availability.design.save keeps the student\'s design with the lab: saved, loaded, checked, cleared', () => {
  const h = harness('lab-ha');
  assert.equal(h.q('availability.design.saved', {}), null);
  const bad = h.tryCmd('availability.design.save', { design: { groups: [{ name: 'ups', need: 1, scheme: 'N' }] } });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.field, 'params.design.groups[0].availability');
  const design = { groups: [{ name: 'power', availability: 0.999, need: 1, scheme: '2N' as const }, { name: 'hosts', mtbfH: 2000, mttrH: 48, need: 3, scheme: 'N+1' as const }] };
  h.advance(1000);
  h.cmd('availability.design.save', { design });
  assert.deepEqual(h.q('availability.design.saved', {}), { design, savedAtMs: 1000 });
  const state = h.engine.saveState();
  const again = harness('lab-ha');
  assert.equal(again.engine.loadState(structuredClone(state)), undefined);
  assert.deepEqual(again.q('availability.design.saved', {}), { design, savedAtMs: 1000 });
  const broken = structuredClone(state) as unknown as { availabilityDesign: { design: { groups: { need: number }[] } } };
  broken.availabilityDesign.design.groups[0].need = 0;
  const err = harness('lab-ha').engine.loadState(broken as never);
  assert.ok(err, 'a malformed saved design is refused');
  assert.match(`${err!.field} ${err!.message}`, /availabilityDesign/);
  h.cmd('availability.design.save', {});
  assert.equal(h.q('availability.design.saved', {}), null);
  assert.equal('availabilityDesign' in h.engine.saveState(), false);
});

test('availability.cluster: with vSphere HA off nothing is kept for a failure — the cluster is N+0', () => {
  const h = harness('lab-ha');
  const clusterId = h.q('inventory.get', {}).clusters[0].id;
  assert.equal(h.q('availability.cluster', { clusterId, mtbfH: 2_000, mttrH: 48, replications: 20 }).tolerate, 1);
  h.cmd('cluster.configure', { clusterId, haEnabled: false });
  const off = h.q('availability.cluster', { clusterId, mtbfH: 2_000, mttrH: 48, replications: 20 });
  assert.equal(off.tolerate, 0);
  near(off.formula, fromMtbf(2_000, 48) ** 4);
});
