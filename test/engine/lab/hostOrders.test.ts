// The host owner's queue of fire-and-forget orders (CPU policy, throttle; vm/hostOwner.ts): an order
// reaches the host's scheduler only before the host's next segment, or earlier when something must read
// or change the host first — any synchronous call to the owner (so a policy change and a stop issued in
// the same barrier reach the scheduler in issue order), a save and a state digest (so a save between a
// command and the next advance holds the change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION } from '../../../src-shared/api/channels';
import type { HostId, VmId } from '../../../src-shared/model/ids';
import { Lab } from '../../../src-main/engine/lab/lab';
import { digestInput } from '../../../src-main/engine/lab/labDigest';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { cpuPolicyOf, pauseGuest, stopGuest } from '../../../src-main/engine/vm/index';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { hostScheduler } from '../../helpers/hostSides';

const SCENARIO = {
  version: 1, name: 'orders', title: 'orders',
  datacenters: [{
    name: 'DC0',
    clusters: [{ name: 'DC0_C0', hosts: { count: 1, sockets: 1, coresPerSocket: 2, cpuMhz: 100, memoryGiB: 1 } }],
    vms: ['vm0', 'vm1', 'vm2'].map((name) => ({ name, host: 'DC0_C0_H0', vcpus: 1, memoryMiB: 32, powerOn: true, workload: 'cpu' })),
  }],
};

interface Setup { lab: Lab; hostId: HostId; vm0: VmId; pool: string }

/** A lab of three busy VMs on one host, vm0 in a resource pool of its own, run for a second. */
function setup(): Setup {
  const lab = new Lab(SCENARIO as never, 1, () => {}, { guestFactory: fakeGuestFactory, commands: dispatch });
  const cmd = (name: string, params: object): Record<string, unknown> => {
    const r = dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name, params } as never, 'test');
    assert.ok(r.ok, JSON.stringify(r));
    return r.result as Record<string, unknown>;
  };
  const hostId = lab.reg.hosts.values().next().value!.id;
  const vm0 = lab.reg.vmByName('vm0')!.id;
  const clusterId = lab.reg.clusters.values().next().value!.id;
  const pool = cmd('resourcePool.create', { name: 'P', clusterId, cpuShares: 1000 }).resourcePoolId as string;
  cmd('vm.moveToPool', { vmId: vm0, resourcePoolId: pool });
  lab.advance(1_000);
  assert.equal(lab.owners.get(hostId)!.pendingOrders, 0);
  return { lab, hostId, vm0, pool };
}

/** The pool's shares raised: an immediate command whose policy change is an order to the host's owner. */
function raiseShares(s: Setup): void {
  const r = dispatch(s.lab, { v: API_VERSION, id: 2, kind: 'command', name: 'resourcePool.update', params: { resourcePoolId: s.pool, cpuShares: 8000 } } as never, 'test');
  assert.ok(r.ok, JSON.stringify(r));
}

const shares = (s: Setup): number | undefined => hostScheduler(s.lab, s.hostId)!.effectiveSharesOf(s.vm0);
const savedShares = (s: Setup, state: ReturnType<Lab['save']>): unknown =>
  state.schedulers.find(([id]) => id === s.hostId)![1].vms.find((v) => v.id === s.vm0)!.sharesPerVcpu;

test('a CPU policy order reaches the scheduler only before the host\'s next segment', () => {
  const s = setup();
  const before = shares(s);
  raiseShares(s);
  assert.equal(s.lab.owners.get(s.hostId)!.pendingOrders, 1, 'the order is queued on the host');
  assert.equal(shares(s), before, 'the scheduler\'s policy is unchanged until the next segment');
  s.lab.advance(10);
  assert.equal(s.lab.owners.get(s.hostId)!.pendingOrders, 0);
  assert.notEqual(shares(s), before, 'applied before the segment ran');
});

test('a save and a state digest between a command and the next advance hold the change', () => {
  const a = setup();
  const before = savedShares(a, a.lab.save());
  raiseShares(a);
  const saved = a.lab.save();
  assert.notEqual(savedShares(a, saved), before, 'the saved scheduler has the new policy');
  assert.equal(a.lab.owners.get(a.hostId)!.pendingOrders, 0);
  // The same change applied by a segment gives the same saved policy.
  const b = setup();
  raiseShares(b);
  b.lab.advance(10);
  assert.equal(savedShares(a, saved), savedShares(b, b.lab.save()));

  const c = setup();
  const live = shares(c);
  raiseShares(c);
  digestInput(c.lab);
  assert.equal(c.lab.owners.get(c.hostId)!.pendingOrders, 0, 'the digest applied the queue first');
  assert.notEqual(shares(c), live);
});

test('orders and a synchronous call in the same barrier reach the scheduler in issue order', () => {
  const s = setup();
  const sched = hostScheduler(s.lab, s.hostId)!;
  const calls: string[] = [];
  const proto = Object.getPrototypeOf(sched) as typeof sched;
  sched.setPolicy = (id, p) => { calls.push(`setPolicy ${id}`); proto.setPolicy.call(sched, id, p); };
  sched.setThrottle = (id, pct) => { calls.push(`setThrottle ${id} ${pct}`); proto.setThrottle.call(sched, id, pct); };
  sched.removeVm = (id, t) => { calls.push(`removeVm ${id}`); proto.removeVm.call(sched, id, t); };
  const vm0 = s.lab.reg.vms.get(s.vm0)!;
  const vm1 = s.lab.reg.vmByName('vm1')!;
  const owner = s.lab.ops.host(s.hostId)!;
  owner.setPolicy(vm0.id, { ...cpuPolicyOf(vm0, s.lab.reg), shares: 4000 });
  owner.setThrottle(vm1.id, 50);
  assert.deepEqual(calls, [], 'nothing applied yet');
  stopGuest(s.lab.ops, vm0); // what a power-off does
  pauseGuest(s.lab.ops, vm1); // what a migration's switchover does
  assert.deepEqual(calls, [`setPolicy ${vm0.id}`, `setThrottle ${vm1.id} 50`, `removeVm ${vm0.id}`, `removeVm ${vm1.id}`]);
  s.lab.advance(10);
  assert.equal(calls.length, 4, 'nothing left for the segment to apply');
});
