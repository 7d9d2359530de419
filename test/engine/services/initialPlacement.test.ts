// DRS initial placement: powering on a VM in a DRS cluster, fully or partially automated, places it on
// the host that leaves the cluster best balanced (never against a must rule); manual mode powers it on
// where it is registered and lists the ranked hosts (the Power On dialog), and the request may name one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, hostByName, vmByName } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import type { ClusterId, HostId, VmId } from '../../../src-shared/model/ids';
import type { DrsAutomationLevel } from '../../../src-shared/model/clusterServices';

/** Three hosts of 2 × 1000 MHz; H0 runs two CPU-bound VMs, H2 one; `new` is powered off on H0. */
function lab(level: DrsAutomationLevel, drs = true): Harness {
  const h = harness({
    version: 1, name: 'placement', title: 'initial placement',
    datacenters: [{
      name: 'DC0',
      clusters: [{
        name: 'C', drs, drsSettings: { automationLevel: level, migrationThreshold: 1 },
        hosts: ['H0', 'H1', 'H2'].map((name) => ({ name, sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 })),
      }],
      vms: [
        { name: 'hot-0', host: 'H0', vcpus: 1, memoryMiB: 64, workload: 'cpu', powerOn: true },
        { name: 'hot-1', host: 'H0', vcpus: 1, memoryMiB: 64, workload: 'cpu', powerOn: true },
        { name: 'warm', host: 'H2', vcpus: 1, memoryMiB: 64, workload: 'cpu', powerOn: true },
        { name: 'new', host: 'H0', vcpus: 1, memoryMiB: 64, workload: 'idle' },
      ],
    }],
  });
  h.advance(21_000); // a real-time sample: DRS's measured demand
  return h;
}

const id = (h: Harness, name: string) => vmByName(h, name).id as VmId;
const host = (h: Harness, name: string) => hostByName(h, name).id as HostId;

test('fully automated: the VM powers on on the host that leaves the cluster best balanced, and DRS says why', () => {
  const h = lab('fullyAutomated');
  const recs = h.q('cluster.drs.powerOnRecommendations', { vmId: id(h, 'new') });
  assert.equal(recs.drsEnabled, true);
  assert.deepEqual(recs.recommendations.map((r) => r.hostName), ['H1', 'H2', 'H0'], 'the empty host, then the one with one busy VM, then the full one');
  assert.ok(recs.recommendations[0].imbalanceAfter < recs.recommendations[2].imbalanceAfter);
  h.run('vm.powerOn', { vmId: id(h, 'new') });
  const vm = vmByName(h, 'new');
  assert.equal(vm.powerState, 'poweredOn');
  assert.equal(vm.hostId, host(h, 'H1'));
  const ev = h.q('events.list', { limit: 100 }).find((e) => e.type === 'DrsVmPoweredOnEvent');
  assert.match(ev?.message ?? '', /vSphere DRS placed new on H1 to power it on \(was registered on H0\): host load 50 %/);
});

test('partially automated places at power-on too; a must rule is kept, a should rule ranks last', () => {
  const h = lab('partiallyAutomated');
  const c = hostByName(h, 'H0').clusterId! as ClusterId;
  h.cmd('cluster.configure', { clusterId: c, drs: { rules: [{ name: 'not-H1', kind: 'vmNotToHosts', vmIds: [id(h, 'new')], hostIds: [host(h, 'H1')], mandatory: true }] } });
  const recs = h.q('cluster.drs.powerOnRecommendations', { vmId: id(h, 'new') });
  assert.deepEqual(recs.recommendations.map((r) => r.hostName), ['H2', 'H0']);
  assert.match(recs.excluded.find((x) => x.hostName === 'H1')?.reason ?? '', /rule not-H1/);
  h.cmd('cluster.configure', { clusterId: c, drs: { rules: [{ name: 'rather-H0', kind: 'vmToHosts', vmIds: [id(h, 'new')], hostIds: [host(h, 'H0')], mandatory: false }] } });
  assert.equal(h.q('cluster.drs.powerOnRecommendations', { vmId: id(h, 'new') }).recommendations[0].hostName, 'H0', 'the only host keeping the should rule comes first');
  h.run('vm.powerOn', { vmId: id(h, 'new') });
  assert.equal(vmByName(h, 'new').hostId, host(h, 'H0'));
});

test('manual: the VM powers on where it is registered; the Power On dialog\'s choice (hostId) places it', () => {
  const h = lab('manual');
  h.run('vm.powerOn', { vmId: id(h, 'new') });
  assert.equal(vmByName(h, 'new').hostId, host(h, 'H0'), 'manual: no placement by itself');
  h.run('vm.powerOff', { vmId: id(h, 'new') });
  const best = h.q('cluster.drs.powerOnRecommendations', { vmId: id(h, 'new') }).recommendations[0];
  assert.equal(best.hostName, 'H1');
  h.run('vm.powerOn', { vmId: id(h, 'new'), hostId: best.hostId });
  assert.equal(vmByName(h, 'new').hostId, best.hostId);
  assert.equal(vmByName(h, 'new').powerState, 'poweredOn');
});

test('a bad host in vm.powerOn is refused naming params.hostId, and the VM stays where it was', () => {
  const h = lab('manual');
  const r1 = h.tryCmd('vm.powerOn', { vmId: id(h, 'new'), hostId: 'host-99' as HostId });
  assert.equal(r1.ok, false);
  if (!r1.ok) assert.equal(r1.error.field, 'params.hostId');
  const r2 = h.tryCmd('vm.powerOn', { vmId: id(h, 'hot-0'), hostId: host(h, 'H1') });
  assert.equal(r2.ok, false);
  if (!r2.ok) { assert.equal(r2.error.field, 'params.hostId'); assert.match(r2.error.message, /Only a powered-off virtual machine/); }
  h.run('host.enterMaintenance', { hostId: host(h, 'H1') });
  const r3 = h.tryCmd('vm.powerOn', { vmId: id(h, 'new'), hostId: host(h, 'H1') });
  assert.equal(r3.ok, false);
  if (!r3.ok) assert.match(r3.error.message, /maintenance mode/);
  assert.equal(vmByName(h, 'new').hostId, host(h, 'H0'));
  assert.equal(vmByName(h, 'new').powerState, 'poweredOff');
});

test('without DRS the VM powers on where it is registered, and no recommendation is listed', () => {
  const h = lab('fullyAutomated', false);
  assert.deepEqual(h.q('cluster.drs.powerOnRecommendations', { vmId: id(h, 'new') }).recommendations, []);
  h.run('vm.powerOn', { vmId: id(h, 'new') });
  assert.equal(vmByName(h, 'new').hostId, host(h, 'H0'));
});
