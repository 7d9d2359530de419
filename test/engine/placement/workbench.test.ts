// The placement workbench's query (`placement.model`): a model bound to a cluster of the lab gets its VMs and
// hosts as constants and is solved exactly (checked against the cluster's own optimum); mistakes come back
// at the user's own line:col; an unknown cluster is refused naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../../helpers/labHarness';

export const MIN_HOSTS_MODEL = `// fewest hosts for the cluster's VMs (CPU and memory)
var int host[1..nVms] in 1..nHosts;
var int cpuLoad[1..nHosts] in 0..100000;
var int memLoad[1..nHosts] in 0..1000000;
constraint binPacking(host, vmCpu, cpuLoad);
constraint binPacking(host, vmMem, memLoad);
constraint forall(j in 1..nHosts) (cpuLoad[j] <= hostCpu[j] /\\ memLoad[j] <= hostMem[j]);
var int used = sum(j in 1..nHosts) exists(i in 1..nVms) (host[i] == j);
minimize used;
`;

test('a model bound to the cluster: its VMs and hosts as constants, the optimum proven', () => {
  const h = harness('lab-small', 1, null);
  const clusterId = h.q('inventory.get', {}).clusters[0].id;
  const r = h.q('placement.model', { source: MIN_HOSTS_MODEL, clusterId });
  assert.equal(r.binding.vms.length, 4);
  assert.equal(r.binding.hosts.length, 2);
  assert.match(r.binding.prelude, /const nVms = 4;/);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.status, 'optimal');
  assert.equal(r.complete, true);
  // The same answer as the placement engine's own exact packing of the cluster (configured sizes).
  const exact = h.q('placement.solve', { algo: 'ffd', clusterId, demand: 'configured' });
  assert.equal(r.objective, exact.binsUsed);
  const host = r.solutions[0].values.host as number[];
  assert.equal(host.length, 4);
  assert.ok(host.every((j) => j >= 1 && j <= 2));
});

test("mistakes at the user's line:col, the conflict of an infeasible model, an unknown cluster refused", () => {
  const h = harness('lab-small', 1, null);
  const clusterId = h.q('inventory.get', {}).clusters[0].id;
  const bad = h.q('placement.model', { source: 'var int x in 0..3;\nconstraint x == nHostz;\n', clusterId });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual([bad.diagnostics[0].line, bad.diagnostics[0].col > 0], [2, true], JSON.stringify(bad.diagnostics));
  const inf = h.q('placement.model', { source: 'var int x in 0..3;\nconstraint "big": x >= nVms + 1;\n', clusterId });
  assert.ok(inf.ok);
  if (inf.ok) {
    assert.equal(inf.status, 'infeasible');
    assert.equal(inf.conflict?.statements[0].line, 2);
  }
  assert.throws(() => h.q('placement.model', { source: 'var int x in 0..1;', clusterId: 'cluster-999' as never }), /params\.clusterId/);
});
