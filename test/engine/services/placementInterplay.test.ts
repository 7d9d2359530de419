// vSphere HA beside placement's host power and plans: a host in standby is not a failed host (HA declares
// nothing and restarts nothing there, and never restarts a VM onto it); placement.apply never chooses a
// crashed host, and a plan whose destination crashes mid-migration leaves its VM running at home, which HA then
// leaves alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, hostByName, vmByName } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import type { HostId, VmId } from '../../../src-shared/model/ids';

/** Three hosts with HA on (admission control off, so only the hosts' state decides where VMs go). */
function lab(): Harness {
  return harness({
    version: 1, name: 'ha-placement', title: 'HA beside placement',
    datacenters: [{
      name: 'DC0',
      clusters: [{
        name: 'C', ha: true, haSettings: { admissionControl: { policy: 'disabled' } },
        hosts: [
          { name: 'h0', sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 },
          { name: 'h1', sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 },
          { name: 'h2', sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 },
        ],
      }],
      vms: [
        { name: 'a', host: 'h0', vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
        { name: 'b', host: 'h1', vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
      ],
    }],
  });
}

const haState = (h: Harness) => h.q('cluster.services', { clusterId: hostByName(h, 'h0').clusterId! }).haState;
const hasEvent = (h: Harness, type: string) => h.q('events.list', { limit: 1000 }).some((e) => e.type === type);

test('a host in standby is not a failed host: HA declares nothing, and restarts no VM onto it', () => {
  const h = lab();
  const h2 = hostByName(h, 'h2').id;
  h.run('host.enterStandby', { hostId: h2 });
  assert.equal(hostByName(h, 'h2').powerState, 'standBy');
  h.advance(60_000);
  assert.deepEqual(haState(h).failedHostIds, [], 'standby is not a failure');
  assert.deepEqual(haState(h).restarts, []);
  assert.equal(hasEvent(h, 'DasHostFailedEvent'), false);
  // The lab cannot "fail" a host that is already powered down.
  const refused = h.tryCmd('fault.inject', { kind: 'hostCrash', targetId: h2 });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.equal(refused.error.field, 'params.targetId');
  // h0 fails: its VM restarts on h1, the one powered-on survivor, never on the standby host.
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: hostByName(h, 'h0').id });
  h.advance(30_000);
  const r = haState(h).restarts;
  assert.deepEqual(r.map((x) => [x.vmName, x.state, x.toHostId]), [['a', 'restarted', hostByName(h, 'h1').id]]);
  assert.deepEqual(haState(h).failedHostIds, [hostByName(h, 'h0').id]);
  assert.equal(hostByName(h, 'h2').powerState, 'standBy', 'HA does not wake a standby host');
});

test('a crashed host takes no VM from placement: placement.apply refuses it as a target, placement.plan leaves it out', () => {
  const h = lab();
  const h1 = hostByName(h, 'h1').id;
  const a = vmByName(h, 'a').id as VmId;
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: h1 });
  const before = JSON.stringify(h.q('inventory.get', {}));
  const r = h.tryCmd('placement.apply', { target: [{ vmId: a, hostId: h1 as HostId }] });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'E_INVALID_STATE');
    assert.equal(r.error.field, 'params.target[0].hostId');
    assert.match(r.error.message, /h1 takes no VM/);
  }
  assert.equal(JSON.stringify(h.q('inventory.get', {})), before, 'a refused plan changes nothing');
  const plan = h.q('placement.plan', { algo: 'ffd' });
  assert.ok(plan.target.placement.every((x) => x.binId !== h1), 'no VM is placed on the crashed host');
  assert.ok(plan.actions.every((x) => x.toHostId !== h1));
  // A crashed host cannot be put into standby either (it is not powered on), nor an isolated one (it
  // does not answer the management network).
  const standby = h.tryCmd('host.enterStandby', { hostId: h1 as HostId });
  assert.equal(standby.ok, false);
  const h2 = hostByName(h, 'h2').id as HostId;
  h.cmd('fault.inject', { kind: 'hostIsolation', targetId: h2 });
  const isolated = h.tryCmd('host.enterStandby', { hostId: h2 });
  assert.equal(isolated.ok, false);
  if (!isolated.ok) assert.match(isolated.error.message, /h2 is not responding/);
});

test('a destination that crashes during a move: the migration ends, the VM runs on at home, the plan ends in error, HA restarts nothing', () => {
  const h = lab();
  const h0 = hostByName(h, 'h0').id;
  const h2 = hostByName(h, 'h2').id;
  const a = vmByName(h, 'a').id as VmId;
  const { taskId } = h.cmd('placement.apply', { target: [{ vmId: a, hostId: h2 as HostId }] });
  // Run until the VM's live migration is under way (before its switch-over), then h2 loses power.
  const migration = () => h.q('tasks.list', { limit: 10 }).find((x) => x.operation === 'vm.migrate');
  for (let i = 0; i < 100 && migration()?.state !== 'running'; i++) h.advance(1);
  assert.equal(migration()?.state, 'running');
  assert.equal(vmByName(h, 'a').hostId, h0, 'still on its source');
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: h2 });
  const t = h.finish(taskId);
  assert.equal(t.state, 'error');
  assert.match(t.error?.message ?? '', /Migrating a to h2: the destination host h2 failed/);
  assert.equal(migration()?.state, 'error');
  const vm = vmByName(h, 'a');
  assert.equal(vm.powerState, 'poweredOn');
  assert.equal(vm.hostId, h0, 'back on its own host');
  h.advance(30_000);
  assert.deepEqual(haState(h).failedHostIds, [h2], 'HA declares the crashed destination failed');
  assert.deepEqual(haState(h).restarts, [], 'no VM ran there, so none restarts');
});

test('DPM and HA cooperate: a host admission control needs may not enter standby; once it is not needed, it may', () => {
  // Slots of 1000 MHz (a's reservation): 2 per host, 6 in all, 2 kept for one host failure, 3 in use.
  // Without h2: 4 slots, 2 kept, 2 left for 3 running VMs.
  const h = harness({
    version: 1, name: 'ha-dpm', title: 'HA admission control and standby',
    datacenters: [{
      name: 'DC0',
      clusters: [{
        name: 'C', ha: true, haSettings: { admissionControl: { policy: 'slotPolicy', hostFailuresToTolerate: 1 } },
        hosts: [
          { name: 'h0', sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 },
          { name: 'h1', sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 },
          { name: 'h2', sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 },
        ],
      }],
      vms: [
        { name: 'a', host: 'h0', vcpus: 1, memoryMiB: 64, workload: 'idle', cpuReservationMhz: 1000, powerOn: true },
        { name: 'b', host: 'h1', vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
        { name: 'c', host: 'h1', vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
      ],
    }],
  });
  const h2 = hostByName(h, 'h2').id as HostId;
  const refused = h.tryCmd('host.enterStandby', { hostId: h2 });
  assert.equal(refused.ok, false);
  if (!refused.ok) {
    assert.equal(refused.error.code, 'E_INSUFFICIENT_RESOURCES');
    assert.equal(refused.error.field, 'params.hostId');
    assert.match(refused.error.message, /h2 cannot enter standby mode: vSphere HA admission control needs it: the running VMs need 3 slot\(s\), and without it 2 remain/);
  }
  assert.equal(hostByName(h, 'h2').powerState, 'poweredOn');
  h.run('vm.powerOff', { vmId: vmByName(h, 'c').id as VmId });
  h.run('host.enterStandby', { hostId: h2 });
  assert.equal(hostByName(h, 'h2').powerState, 'standBy');
  // HA off: admission control no longer holds hosts up.
  h.run('host.exitStandby', { hostId: h2 });
  h.cmd('cluster.configure', { clusterId: hostByName(h, 'h0').clusterId! as never, haEnabled: false });
  h.run('vm.powerOn', { vmId: vmByName(h, 'c').id as VmId });
  h.run('host.enterStandby', { hostId: h2 });
  assert.equal(hostByName(h, 'h2').powerState, 'standBy');
});
