// Resource pools through the contract: create / update / delete / move, refusals naming the field, and
// the measured cpu.usage of two CPU-bound VMs on one contended pCPU following their pools' shares
// (counted cycles over virtual time, not a formula); pools survive a save and load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, latest } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';

const SCENARIO = {
  version: 1, name: 'pools', title: 'pools',
  datacenters: [{
    name: 'DC0',
    clusters: [{
      name: 'C0',
      hosts: { count: 1, sockets: 1, coresPerSocket: 1, cpuMhz: 100, memoryGiB: 1 },
      vmsPerHost: [{ count: 2, vcpus: 1, memoryMiB: 64, workload: 'cpu', powerOn: true }],
    }],
    hosts: [{ name: 'solo', coresPerSocket: 1, cpuMhz: 100 }],
  }],
};

function lab(): { h: Harness; a: `vm-${number}`; b: `vm-${number}`; clusterId: `cluster-${number}` } {
  const h = harness(SCENARIO);
  h.advance(3000);
  const inv = h.q('inventory.get', {});
  const vms = inv.vms.filter((v) => v.clusterId !== undefined).sort((x, y) => x.name.localeCompare(y.name));
  assert.equal(vms.length, 2);
  for (const v of vms) assert.equal(v.powerState, 'poweredOn');
  return { h, a: vms[0].id as `vm-${number}`, b: vms[1].id as `vm-${number}`, clusterId: inv.clusters[0].id as `cluster-${number}` };
}

/** Mean cpu.usage.average (%) of a VM over the last `n` 20 s samples. */
function usage(h: Harness, vmId: string, n: number): number {
  const m = h.q('metrics.query', { entityId: vmId, counters: ['cpu.usage.average'], interval: 'realtime' });
  const values = m.values['cpu.usage.average'].slice(-n).map((v) => v ?? 0);
  return values.reduce((x, y) => x + y, 0) / values.length;
}

test('a resource pool changes two VMs\' CPU shares and their measured cpu.usage follows (4:1, then back to 1:1)', () => {
  const { h, a, b, clusterId } = lab();
  h.advance(60_000);
  const even = usage(h, a, 2) / usage(h, b, 2);
  assert.ok(Math.abs(even - 1) < 0.1, `root pool, equal VM shares: usage ratio ${even}`);

  const { resourcePoolId: high } = h.cmd('resourcePool.create', { name: 'Production', clusterId, cpuShareLevel: 'high' });
  const { resourcePoolId: low } = h.cmd('resourcePool.create', { name: 'Test', clusterId, cpuShareLevel: 'low' });
  h.cmd('vm.moveToPool', { vmId: a, resourcePoolId: high });
  h.cmd('vm.moveToPool', { vmId: b, resourcePoolId: low });
  h.advance(60_000);
  const ua = usage(h, a, 2);
  const ub = usage(h, b, 2);
  assert.ok(Math.abs(ua / ub - 4) < 0.3, `pools 8000:2000: usage ${ua.toFixed(1)} % vs ${ub.toFixed(1)} % (ratio ${ua / ub})`);
  assert.ok(Math.abs(ua + ub - 100) < 2, 'the contended pCPU stays fully used');

  h.cmd('resourcePool.update', { resourcePoolId: low, cpuShareLevel: 'high' });
  h.advance(60_000);
  const back = usage(h, a, 2) / usage(h, b, 2);
  assert.ok(Math.abs(back - 1) < 0.1, `both pools high: usage ratio ${back}`);

  const inv = h.q('inventory.get', {});
  const pools = inv.resourcePools!;
  assert.deepEqual(pools.map((p) => [p.name, p.cpuShares, p.cpuShareLevel, p.vmIds]), [['Production', 8000, 'high', [a]], ['Test', 8000, 'high', [b]]]);
  assert.equal(inv.vms.find((v) => v.id === a)!.resourcePoolId, high);
  assert.ok(h.q('events.list', { entityId: clusterId }).some((e) => e.type === 'ResourcePoolCreatedEvent'));
  assert.ok(latest(h, a, 'cpu.usage.average')! > 0);
});

function refused(h: Harness, r: ReturnType<Harness['tryCmd']>, code: string, field: string): void {
  assert.equal(r.ok, false, `should be refused (${field})`);
  if (!r.ok) { assert.equal(r.error.code, code, r.error.message); assert.equal(r.error.field, field, r.error.message); }
  void h;
}

test('refusals name the field and change nothing; a pool holding VMs cannot be deleted', () => {
  const { h, a, clusterId } = lab();
  const { resourcePoolId } = h.cmd('resourcePool.create', { name: 'P', clusterId, cpuShareLevel: 'custom', cpuShares: 3000, cpuReservationMhz: 10, cpuLimitMhz: 50 });
  const version = h.q('inventory.get', {}).version;
  refused(h, h.tryCmd('resourcePool.create', { name: 'P', clusterId }), 'E_DUPLICATE_NAME', 'params.name');
  refused(h, h.tryCmd('resourcePool.create', { name: 'Q', clusterId, cpuShareLevel: 'custom' }), 'E_INVALID_ARGUMENT', 'params.cpuShares');
  refused(h, h.tryCmd('resourcePool.create', { name: 'Q', clusterId, cpuShareLevel: 'low', cpuShares: 5 }), 'E_INVALID_ARGUMENT', 'params.cpuShares');
  refused(h, h.tryCmd('resourcePool.create', { name: 'Q', clusterId, cpuReservationMhz: 60, cpuLimitMhz: 50 }), 'E_INVALID_ARGUMENT', 'params.cpuReservationMhz');
  refused(h, h.tryCmd('resourcePool.create', { name: 'Q', clusterId, cpuShares: 0 }), 'E_INVALID_ARGUMENT', 'params.cpuShares');
  refused(h, h.tryCmd('resourcePool.create', { name: 'Q' }), 'E_INVALID_ARGUMENT', 'params.clusterId');
  refused(h, h.tryCmd('resourcePool.create', { name: 'Q', clusterId: 'cluster-9' }), 'E_NOT_FOUND', 'params.clusterId');
  refused(h, h.tryCmd('resourcePool.update', { resourcePoolId, cpuReservationMhz: 80 }), 'E_INVALID_ARGUMENT', 'params.cpuReservationMhz');
  refused(h, h.tryCmd('resourcePool.update', { resourcePoolId: 'resgroup-9', name: 'x' }), 'E_NOT_FOUND', 'params.resourcePoolId');
  assert.equal(h.q('inventory.get', {}).version, version, 'nothing changed');

  // A standalone host's pool is not the cluster VM's.
  const solo = h.q('inventory.get', {}).hosts.find((x) => x.name === 'solo')!;
  const { resourcePoolId: soloPool } = h.cmd('resourcePool.create', { name: 'P', hostId: solo.id });
  refused(h, h.tryCmd('vm.moveToPool', { vmId: a, resourcePoolId: soloPool }), 'E_INVALID_ARGUMENT', 'params.resourcePoolId');

  h.cmd('vm.moveToPool', { vmId: a, resourcePoolId });
  refused(h, h.tryCmd('resourcePool.delete', { resourcePoolId }), 'E_INVALID_STATE', 'params.resourcePoolId');
  h.cmd('vm.moveToPool', { vmId: a });
  h.cmd('resourcePool.delete', { resourcePoolId });
  assert.deepEqual(h.q('inventory.get', {}).resourcePools!.map((p) => p.id), [soloPool]);
});

test('pools and membership survive a save and load; a tampered pool is refused naming the field', () => {
  const { h, a, clusterId } = lab();
  const { resourcePoolId } = h.cmd('resourcePool.create', { name: 'P', clusterId, cpuShareLevel: 'high' });
  h.cmd('vm.moveToPool', { vmId: a, resourcePoolId });
  h.advance(1000);
  const saved = h.engine.saveState();
  const other = harness(SCENARIO);
  assert.equal(other.engine.loadState(structuredClone(saved)), undefined);
  const inv = other.q('inventory.get', {});
  assert.deepEqual(inv.resourcePools!.map((p) => [p.id, p.name, p.cpuShares]), [[resourcePoolId, 'P', 8000]]);
  assert.equal(inv.vms.find((v) => v.id === a)!.resourcePoolId, resourcePoolId);

  const bad = structuredClone(saved);
  bad.registry.vms.find((v) => v.id === a)!.resourcePoolId = 'resgroup-7';
  const err = other.engine.loadState(bad);
  assert.ok(err, 'a VM in a missing pool is refused');
  assert.match(String((err as { field?: string }).field), /^state\.registry\.vms\[\d+\]\.resourcePoolId$/);
  const worse = structuredClone(saved);
  worse.registry.resourcePools![0].cpuReservationMhz = 900;
  worse.registry.resourcePools![0].cpuLimitMhz = 100;
  assert.match(String((other.engine.loadState(worse) as { field?: string }).field), /resourcePools\[0\]\.cpuReservationMhz$/);
});

test('the built-in lab-pools scenario: two busy VMs on one core run 1:1, then 4:1 in pools High and Low', () => {
  const h = harness('lab-pools');
  const inv = h.q('inventory.get', {});
  const web = inv.vms.find((v) => v.name === 'web-01')!.id;
  const batch = inv.vms.find((v) => v.name === 'batch-01')!.id;
  const clusterId = inv.clusters[0].id as `cluster-${number}`;
  h.advance(60_000);
  const even = usage(h, web, 2) / usage(h, batch, 2);
  assert.ok(Math.abs(even - 1) < 0.1, `equal shares: usage ratio ${even}`);
  const { resourcePoolId: high } = h.cmd('resourcePool.create', { name: 'High', clusterId, cpuShareLevel: 'high' });
  const { resourcePoolId: low } = h.cmd('resourcePool.create', { name: 'Low', clusterId, cpuShareLevel: 'low' });
  h.cmd('vm.moveToPool', { vmId: web, resourcePoolId: high });
  h.cmd('vm.moveToPool', { vmId: batch, resourcePoolId: low });
  h.advance(60_000);
  const ratio = usage(h, web, 2) / usage(h, batch, 2);
  assert.ok(Math.abs(ratio - 4) < 0.3, `pools High and Low: usage ratio ${ratio}`);
});
