// Resource pools inside pools: the scheduler's shares at every level (measured cpu.usage of three
// CPU-bound VMs on one contended core, counted cycles, not a formula), the reservation arithmetic with
// expandable borrowing, reservation admission control naming the field, moves and deletes, nested pools
// across a save and load (and an older save without expandable reservations), and scenario pools.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableMhz, reservationState } from '@shared/model/poolReservation';
import type { ReservationTree } from '@shared/model/poolReservation';
import { harness } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';

const SCENARIO = {
  version: 1, name: 'nested-pools', title: 'nested pools',
  datacenters: [{
    name: 'DC0',
    clusters: [{
      name: 'C0',
      hosts: { count: 1, sockets: 1, coresPerSocket: 1, cpuMhz: 100, memoryGiB: 1 },
      vmsPerHost: [{ count: 3, vcpus: 1, memoryMiB: 64, workload: 'cpu', powerOn: true }],
    }],
  }],
};

type VmRef = `vm-${number}`;

function lab(scenario: Record<string, unknown> = SCENARIO): { h: Harness; vms: VmRef[]; clusterId: `cluster-${number}` } {
  const h = harness(scenario);
  h.advance(3000);
  const inv = h.q('inventory.get', {});
  const vms = inv.vms.filter((v) => v.clusterId !== undefined).sort((x, y) => x.name.localeCompare(y.name)).map((v) => v.id as VmRef);
  return { h, vms, clusterId: inv.clusters[0].id as `cluster-${number}` };
}

function usage(h: Harness, vmId: string, n: number): number {
  const m = h.q('metrics.query', { entityId: vmId, counters: ['cpu.usage.average'], interval: 'realtime' });
  const values = m.values['cpu.usage.average'].slice(-n).map((v) => v ?? 0);
  return values.reduce((x, y) => x + y, 0) / values.length;
}

function refused(r: ReturnType<Harness['tryCmd']>, code: string, field: string, message?: RegExp): void {
  assert.equal(r.ok, false, `should be refused (${field})`);
  if (r.ok) return;
  assert.equal(r.error.code, code, r.error.message);
  assert.equal(r.error.field, field, r.error.message);
  if (message) assert.match(r.error.message, message);
}

test('nested shares: a VM\'s entitlement is its share of its pool\'s, at every level (measured 1 : 3 : 1)', () => {
  const { h, vms: [a, b, c], clusterId } = lab();
  // Root: pool P (4000) beside VM c (1000) → P 80 %, c 20 %. In P: VM a (1000) beside child pool Q
  // (3000) → a 20 %, Q 60 %. In Q: VM b alone → 60 %.
  const { resourcePoolId: p } = h.cmd('resourcePool.create', { name: 'P', clusterId, cpuShareLevel: 'normal' });
  const { resourcePoolId: q } = h.cmd('resourcePool.create', { name: 'Q', parentPoolId: p, cpuShareLevel: 'custom', cpuShares: 3000 });
  h.cmd('vm.moveToPool', { vmId: a, resourcePoolId: p });
  h.cmd('vm.moveToPool', { vmId: b, resourcePoolId: q });
  h.advance(60_000);
  const [ua, ub, uc] = [a, b, c].map((v) => usage(h, v, 2));
  assert.ok(Math.abs(ua - 20) < 2.5, `a: ${ua.toFixed(1)} %`);
  assert.ok(Math.abs(ub - 60) < 2.5, `b: ${ub.toFixed(1)} %`);
  assert.ok(Math.abs(uc - 20) < 2.5, `c: ${uc.toFixed(1)} %`);
  // Q moved up to the root beside P and c: Q 3000, P 4000 (VM a alone), c 1000 → 37.5 : 50 : 12.5.
  h.cmd('resourcePool.move', { resourcePoolId: q });
  h.advance(60_000);
  const [ma, mb, mc] = [a, b, c].map((v) => usage(h, v, 2));
  assert.ok(Math.abs(ma - 50) < 2.5 && Math.abs(mb - 37.5) < 2.5 && Math.abs(mc - 12.5) < 2.5, `after the move: ${ma.toFixed(1)} / ${mb.toFixed(1)} / ${mc.toFixed(1)} %`);
  const pools = h.q('inventory.get', {}).resourcePools!;
  assert.equal(pools.find((x) => x.id === q)!.parentPoolId, undefined);
  assert.ok(h.q('events.list', { entityId: clusterId }).some((e) => e.type === 'ResourcePoolMovedEvent'));
});

test('reservation arithmetic: an expandable pool borrows from its parent up to the root; a fixed one does not', () => {
  const tree: ReservationTree = {
    capacityMhz: 1000,
    pools: [
      { id: 'A', reservationMhz: 300, expandable: true },
      { id: 'B', parentId: 'A', reservationMhz: 100, expandable: true },
      { id: 'F', parentId: 'A', reservationMhz: 50, expandable: false },
    ],
    vms: [{ poolId: 'B', reservationMhz: 250 }, { poolId: 'F', reservationMhz: 50 }, { reservationMhz: 100 }],
  };
  const st = reservationState(tree);
  assert.deepEqual(st.pools.get('B'), { reservationMhz: 100, reservedMhz: 250, unreservedMhz: 0, borrowedMhz: 150, overflowMhz: 0 });
  assert.deepEqual(st.pools.get('A'), { reservationMhz: 300, reservedMhz: 300, unreservedMhz: 0, borrowedMhz: 0, overflowMhz: 0 });
  assert.equal(st.root.reservedMhz, 400);
  assert.equal(availableMhz(st, tree, 'B'), 600, 'B: nothing of its own, A nothing, the root 600');
  assert.equal(availableMhz(st, tree, 'F'), 0, 'F is full and not expandable');
  tree.vms.push({ poolId: 'B', reservationMhz: 100 });
  const more = reservationState(tree);
  assert.equal(more.pools.get('A')!.borrowedMhz, 100);
  assert.equal(more.root.reservedMhz, 500);
});

test('admission control: a power-on, a pool\'s reservation and a move are refused in vSphere\'s words, naming the field', () => {
  const { h, vms: [a, b], clusterId } = lab();
  h.cmd('vm.powerOff', { vmId: a });
  h.advance(3000);
  h.cmd('vm.reconfigure', { vmId: a, changes: { cpuReservationMhz: 40 } });
  h.advance(3000);
  const { resourcePoolId: fixed } = h.cmd('resourcePool.create', { name: 'Fixed', clusterId, cpuReservationMhz: 30, cpuExpandableReservation: false });
  h.cmd('vm.moveToPool', { vmId: a, resourcePoolId: fixed });
  refused(h.tryCmd('vm.powerOn', { vmId: a }), 'E_INSUFFICIENT_RESOURCES', 'params.vmId', /^Insufficient CPU resources: .*Fixed has 30 MHz unreserved/);
  // Made expandable, it borrows the missing 10 MHz from the root (100 MHz, nothing reserved).
  h.cmd('resourcePool.update', { resourcePoolId: fixed, cpuExpandableReservation: true });
  h.cmd('vm.powerOn', { vmId: a });
  h.advance(3000);
  assert.equal(h.q('inventory.get', {}).vms.find((v) => v.id === a)!.powerState, 'poweredOn');
  refused(h.tryCmd('resourcePool.update', { resourcePoolId: fixed, cpuExpandableReservation: false }), 'E_INSUFFICIENT_RESOURCES', 'params.cpuExpandableReservation', /Insufficient CPU resources/);
  // A child pool under an expandable pool borrows through it up to the root: 60 MHz left there.
  refused(h.tryCmd('resourcePool.create', { name: 'Big', parentPoolId: fixed, cpuReservationMhz: 61 }), 'E_INSUFFICIENT_RESOURCES', 'params.cpuReservationMhz', /cluster C0 has 60 MHz unreserved/);
  const { resourcePoolId: child } = h.cmd('resourcePool.create', { name: 'Child', parentPoolId: fixed, cpuReservationMhz: 60 });
  refused(h.tryCmd('vm.reconfigure', { vmId: b, changes: { cpuReservationMhz: 1 } }), 'E_INSUFFICIENT_RESOURCES', 'params.changes.cpuReservationMhz', /Insufficient CPU resources/);
  refused(h.tryCmd('resourcePool.move', { resourcePoolId: fixed, parentPoolId: child }), 'E_INVALID_ARGUMENT', 'params.parentPoolId', /inside itself/);
  refused(h.tryCmd('resourcePool.delete', { resourcePoolId: fixed }), 'E_INVALID_STATE', 'params.resourcePoolId');
  h.cmd('vm.moveToPool', { vmId: a });
  refused(h.tryCmd('resourcePool.delete', { resourcePoolId: fixed }), 'E_INVALID_STATE', 'params.resourcePoolId', /holds 1 resource pool \(Child\)/);
  h.cmd('resourcePool.delete', { resourcePoolId: child });
  h.cmd('resourcePool.delete', { resourcePoolId: fixed });
  refused(h.tryCmd('resourcePool.create', { name: 'X', clusterId, parentPoolId: 'resgroup-1' }), 'E_INVALID_ARGUMENT', 'params.parentPoolId');
});

test('nested pools survive a save and load; an older save loads its pools as expandable; a pool inside itself is refused', () => {
  const { h, vms: [a], clusterId } = lab();
  const { resourcePoolId: p } = h.cmd('resourcePool.create', { name: 'P', clusterId, cpuExpandableReservation: false });
  const { resourcePoolId: q } = h.cmd('resourcePool.create', { name: 'Q', parentPoolId: p, cpuShareLevel: 'high' });
  h.cmd('vm.moveToPool', { vmId: a, resourcePoolId: q });
  h.advance(1000);
  const saved = h.engine.saveState();
  const other = harness(SCENARIO);
  assert.equal(other.engine.loadState(structuredClone(saved)), undefined);
  const pools = other.q('inventory.get', {}).resourcePools!;
  assert.deepEqual(pools.map((x) => [x.name, x.parentPoolId, x.cpuExpandableReservation]), [['P', undefined, false], ['Q', p, true]]);

  const older = structuredClone(saved);
  for (const x of older.registry.resourcePools!) delete (x as { cpuExpandableReservation?: boolean }).cpuExpandableReservation;
  assert.equal(other.engine.loadState(older), undefined);
  assert.deepEqual(other.q('inventory.get', {}).resourcePools!.map((x) => x.cpuExpandableReservation), [true, true]);

  const loop = structuredClone(saved);
  loop.registry.resourcePools![0].parentPoolId = q;
  assert.match(String((other.engine.loadState(loop) as { field?: string }).field), /resourcePools\[\d\]\.parentPoolId$/);
});

test('scenario pools: built with their parents and VMs; a bad parent or an unsatisfiable reservation is refused naming the field', () => {
  const withPools = (pools: unknown[]) => ({ ...SCENARIO, datacenters: [{ ...SCENARIO.datacenters[0], clusters: [{ ...SCENARIO.datacenters[0].clusters[0], resourcePools: pools }] }] });
  const { h, vms: [a, b] } = lab(withPools([
    { name: 'Prod', cpuShareLevel: 'high', vms: ['C0_H0_VM0'] },
    { name: 'Web', parent: 'Prod', cpuReservationMhz: 10, vms: ['C0_H0_VM1'] },
  ]));
  const inv = h.q('inventory.get', {});
  const prod = inv.resourcePools!.find((x) => x.name === 'Prod')!;
  const web = inv.resourcePools!.find((x) => x.name === 'Web')!;
  assert.equal(web.parentPoolId, prod.id);
  assert.deepEqual([prod.vmIds, web.vmIds], [[a], [b]]);
  assert.throws(() => harness(withPools([{ name: 'Web', parent: 'Nope' }])), /clusters\[0\]\.resourcePools\[0\]\.parent/);
  assert.throws(() => harness(withPools([{ name: 'Big', cpuReservationMhz: 101 }])), /clusters\[0\]\.resourcePools\[0\]\.cpuReservationMhz/);
});
