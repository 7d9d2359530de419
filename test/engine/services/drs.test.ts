// DRS: the 6.x imbalance metric and threshold arithmetic, the greedy recommendations, and the lab's
// passes in manual and fully automated mode (lab-drs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName, hostByName } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import type { ClusterServicesDto } from '../../../src-shared/model/clusterServices';
import { imbalance, recommendMoves, recommendationPriority, targetImbalance } from '../../../src-main/engine/services/index';
import { ruleBroken } from '../../../src-shared/model/clusterServices';
import type { DrsHost, DrsVm } from '../../../src-main/engine/services/index';

const services = (h: Harness): ClusterServicesDto => h.q('cluster.services', { clusterId: 'cluster-1' });

test('the KB formula: priority 6 − ⌈sd / 0.1 × √n⌉ and the threshold\'s target standard deviation', () => {
  assert.equal(recommendationPriority(0.282, 2), 2); // ⌈2.82 × √2⌉ = ⌈3.99⌉ = 4 → priority 2
  assert.equal(recommendationPriority(0.2, 2), 3); // ⌈2.83⌉ = 3 → priority 3
  assert.equal(recommendationPriority(0.01, 4), 5); // slight imbalance → priority 5 (only aggressive applies it)
  assert.equal(targetImbalance(1, 4), Number.POSITIVE_INFINITY);
  assert.ok(Math.abs(targetImbalance(3, 4) - 0.1) < 1e-12);
  assert.equal(targetImbalance(5, 4), 0);
  assert.ok(Math.abs(imbalance([{ load: 0.8 }, { load: 0.2 }]) - 0.3) < 1e-12);
});

function cluster(hotVms: number): { hosts: DrsHost[]; vms: DrsVm[] } {
  const hosts: DrsHost[] = ['host-1', 'host-2', 'host-3', 'host-4'].map((id) => ({ id: id as `host-${number}`, name: id, cpuMhz: 1000, memBytes: 1e9, canReceive: true }));
  const vms: DrsVm[] = Array.from({ length: hotVms }, (_, i) => ({ id: `vm-${i + 1}` as `vm-${number}`, hostId: 'host-1', cpuMhz: 200, memBytes: 1e7, movable: true }));
  return { hosts, vms };
}

test('recommendMoves lowers the standard deviation with every move, down to the target, never onto a host that cannot receive', () => {
  const { hosts, vms } = cluster(4);
  const moves = recommendMoves(hosts, vms, 3, 32);
  assert.ok(moves.length >= 2);
  for (const m of moves) { assert.ok(m.imbalanceAfter < m.imbalanceBefore); assert.equal(m.fromHostId, 'host-1'); assert.ok(m.priority <= 3); }
  assert.ok(moves[moves.length - 1].imbalanceAfter <= targetImbalance(3, 4) + 1e-9 || moves.length === 32);
  const fenced = hosts.map((h) => ({ ...h, canReceive: h.id === 'host-1' }));
  assert.equal(recommendMoves(fenced, vms, 5, 32).length, 0);
  assert.equal(recommendMoves(hosts, vms, 1, 32).length, 0, 'conservative: no load-balancing moves');
  const conservative = recommendMoves(hosts, vms, 2, 32).length;
  assert.ok(conservative <= moves.length, 'a lower threshold never recommends more');
});

test('lab-drs, manual: the pass at 5 minutes lists recommendations from the hot host and migrates nothing; dismiss removes one', () => {
  const h = harness('lab-drs');
  h.cmd('cluster.configure', { clusterId: 'cluster-1', drs: { automationLevel: 'manual' } });
  h.advance(301_000);
  const s = services(h);
  assert.ok(s.drsState.imbalance > s.drsState.targetImbalance, `imbalance ${s.drsState.imbalance} target ${s.drsState.targetImbalance}`);
  assert.ok(s.drsState.recommendations.length >= 1);
  const hot = hostByName(h, 'drs-H0').id;
  for (const r of s.drsState.recommendations) assert.equal(r.fromHostId, hot);
  for (const name of ['hot-01', 'hot-02', 'hot-03', 'hot-04']) assert.equal(vmByName(h, name).hostId, hot);
  assert.ok(h.q('events.list', {}).some((e) => e.type === 'DrsRecommendationsEvent'));
  const first = s.drsState.recommendations[0];
  h.cmd('cluster.drs.dismiss', { clusterId: 'cluster-1', recommendationId: first.id });
  const after = services(h);
  assert.equal(after.drsState.recommendations.length, s.drsState.recommendations.length - 1);
  assert.equal(after.drsState.history[0].outcome, 'dismissed');
});

test('lab-drs, fully automated: the pass applies its recommendations as live migrations (vm.migrate) and the VMs land where DRS said', () => {
  const h = harness('lab-drs');
  h.advance(301_000);
  const s = services(h);
  assert.equal(s.drsState.recommendations.length, 0, 'nothing left pending in fully automated mode');
  assert.ok(s.drsState.history.length >= 1);
  for (const r of s.drsState.history) assert.equal(r.outcome, 'applied', `${r.vmName}: ${r.outcomeMessage ?? ''}`);
  assert.ok(h.q('events.list', {}).some((e) => e.type === 'DrsVmMigratedEvent'));
  h.advance(120_000); // the migrations finish
  const relocations = h.q('tasks.list', { limit: 1000 }).filter((t) => t.name === 'Relocate virtual machine');
  assert.equal(relocations.length, s.drsState.history.length);
  for (const t of relocations) assert.equal(t.state, 'success');
  const vms = h.q('inventory.get', {}).vms;
  for (const r of s.drsState.history) assert.equal(vms.find((v) => v.id === r.vmId)?.hostId, r.toHostId, `${r.vmName} on its destination`);
});

test('cluster.drs.run needs DRS on; apply of an unknown recommendation names the field', () => {
  const h = harness('lab-ha');
  const r = h.tryCmd('cluster.drs.run', { clusterId: 'cluster-1' });
  assert.equal(r.ok, false);
  const d = harness('lab-drs');
  const a = d.tryCmd('cluster.drs.apply', { clusterId: 'cluster-1', recommendationId: 99 });
  assert.equal(a.ok, false);
  if (!a.ok) assert.equal(a.error.field, 'params.recommendationId');
});

test('VM/Host rules: DRS never recommends a move that breaks one; a bad rule names its field', () => {
  const { hosts, vms } = cluster(4);
  const all = recommendMoves(hosts, vms, 5, 32);
  assert.ok(all.some((m) => m.toHostId === 'host-2'));
  const fenced = recommendMoves(hosts, vms, 5, 32, (vmId, hostId) => ruleBroken([{ name: 'not-h2', kind: 'vmNotToHosts', vmIds: vms.map((v) => v.id), hostIds: ['host-2'], mandatory: true }], vmId, hostId, () => undefined) === undefined);
  assert.ok(fenced.length > 0 && fenced.every((m) => m.toHostId !== 'host-2'));
  const d = harness('lab-drs');
  const bad = d.tryCmd('cluster.configure', { clusterId: 'cluster-1', drs: { rules: [{ name: 'r', kind: 'separate', vmIds: ['vm-1'], hostIds: [], mandatory: true }] } });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.field, 'params.drs.rules[0].vmIds');
  // hot-01 must stay off drs-H1 and drs-H2: DRS then recommends only the others.
  const hot1 = vmByName(d, 'hot-01').id;
  d.cmd('cluster.configure', { clusterId: 'cluster-1', drs: { automationLevel: 'manual', rules: [{ name: 'pin', kind: 'vmToHosts', vmIds: [hot1], hostIds: [hostByName(d, 'drs-H0').id], mandatory: true }] } });
  d.advance(301_000);
  const recs = services(d).drsState.recommendations;
  assert.ok(recs.length >= 1 && recs.every((r) => r.vmId !== hot1));
});

test('VM/Host rules the placement breaks are reported as vSphere words them; a duplicate rule name is refused naming it', () => {
  const d = harness('lab-drs');
  const on = (name: string) => vmByName(d, name).id;
  const h0 = hostByName(d, 'drs-H0').id;
  const h1 = hostByName(d, 'drs-H1').id;
  // hot-01 and hot-02 run on drs-H0; idle VMs on drs-H1 and drs-H2 (lab-drs).
  const idle = d.q('inventory.get', {}).vms.find((v) => v.hostId === h1)!;
  d.cmd('cluster.configure', { clusterId: 'cluster-1', drs: { automationLevel: 'manual', rules: [
    { name: 'apart', kind: 'separate', vmIds: [on('hot-01'), on('hot-02')], hostIds: [], mandatory: true },
    { name: 'together', kind: 'keepTogether', vmIds: [on('hot-01'), idle.id], hostIds: [], mandatory: true },
    { name: 'pin', kind: 'vmToHosts', vmIds: [on('hot-01')], hostIds: [h0], mandatory: true },
    { name: 'avoid', kind: 'vmNotToHosts', vmIds: [on('hot-03')], hostIds: [h0], mandatory: false },
  ] } });
  const v = services(d).drsState.ruleViolations;
  assert.deepEqual(v.map((x) => x.ruleName), ['apart', 'together', 'avoid']);
  assert.match(v[0].message, /^hot-01 and hot-02 are violating the anti-affinity rule apart: they run on the same host drs-H0$/);
  assert.match(v[1].message, /VMs of the affinity rule together run on different hosts \(drs-H0, drs-H1\)/);
  assert.match(v[2].message, /^hot-03 \(on drs-H0\) is violating the VM-Host rule avoid: should not run on drs-H0$/);
  d.run('vm.powerOff', { vmId: on('hot-02') });
  assert.deepEqual(services(d).drsState.ruleViolations.map((x) => x.ruleName), ['together', 'avoid'], 'a powered-off VM breaks nothing');
  const dup = d.tryCmd('cluster.configure', { clusterId: 'cluster-1', drs: { rules: [
    { name: 'pin', kind: 'vmToHosts', vmIds: [on('hot-01')], hostIds: [h0], mandatory: true },
    { name: 'pin', kind: 'separate', vmIds: [on('hot-01'), on('hot-03')], hostIds: [], mandatory: true },
  ] } });
  assert.equal(dup.ok, false);
  if (!dup.ok) { assert.equal(dup.error.field, 'params.drs.rules[1].name'); assert.match(dup.error.message, /A rule named pin already exists/); }
});
