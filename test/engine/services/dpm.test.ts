// vSphere DPM in the lab: automatic DPM empties under-used hosts by live migration and puts them into
// standby, one host per pass, and wakes a standby host when demand rises or HA needs it; manual DPM only
// recommends; every decision carries its reason (recommendation, event); settings are validated and saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, hostByName, vmByName } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import type { ClusterServicesDto, DpmSettings } from '../../../src-shared/model/clusterServices';
import type { ClusterId, HostId, VmId } from '../../../src-shared/model/ids';
import { dpmEvaluate, DPM_HIGH } from '../../../src-main/engine/services/index';
import type { DpmHost } from '../../../src-main/engine/services/index';

interface LabOptions { dpm?: Partial<DpmSettings>; ha?: Record<string, unknown>; hosts?: number; busy?: number }

/** `hosts` hosts of 2 × 1000 MHz, one idle VM on each; `busy` CPU-bound VMs (powered off) on H0; DRS every 60 s, never balancing. */
function lab(o: LabOptions = {}): Harness {
  const n = o.hosts ?? 3;
  return harness({
    version: 1, name: 'dpm', title: 'DPM',
    datacenters: [{
      name: 'DC0',
      clusters: [{
        name: 'C', drs: true, drsSettings: { automationLevel: 'fullyAutomated', migrationThreshold: 1, periodS: 60 },
        dpmSettings: { automationLevel: 'automatic', threshold: 3, ...(o.dpm ?? {}) },
        ...(o.ha ? { ha: true, haSettings: o.ha } : {}),
        hosts: Array.from({ length: n }, (_, i) => ({ name: `H${i}`, sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 })),
      }],
      vms: [
        ...Array.from({ length: n }, (_, i) => ({ name: `idle-${i}`, host: `H${i}`, vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true })),
        ...Array.from({ length: o.busy ?? 0 }, (_, i) => ({ name: `busy-${i}`, host: 'H0', vcpus: 1, memoryMiB: 64, workload: 'cpu' })),
      ],
    }],
  });
}

const clusterOf = (h: Harness) => hostByName(h, 'H0').clusterId! as ClusterId;
const services = (h: Harness): ClusterServicesDto => h.q('cluster.services', { clusterId: clusterOf(h) });
const standby = (h: Harness) => h.q('inventory.get', {}).hosts.filter((x) => x.powerState === 'standBy').map((x) => x.name).sort();
/** Registers a powered-off VM on a host (a cold relocation through placement.apply). */
function bringTo(h: Harness, vm: string, hostId: HostId): void {
  const v = vmByName(h, vm);
  if (v.hostId !== hostId) h.run('placement.apply', { target: [{ vmId: v.id as VmId, hostId }] });
}
const events = (h: Harness, type: string) => h.q('events.list', { limit: 1000 }).filter((e) => e.type === type);

test('dpmEvaluate: power-off of the least loaded host with headroom; wake above the high mark; HA first; the threshold', () => {
  const host = (id: number, state: DpmHost['state'] = 'on'): DpmHost => ({ id: `host-${id}`, name: `H${id}`, cpuMhz: 1000, memBytes: 1e9, state, canReceive: true });
  const vm = (id: number, on: number, cpu: number) => ({ id: `vm-${id}` as VmId, hostId: `host-${on}` as HostId, cpuMhz: cpu, memBytes: 1e7, movable: true });
  const quiet = dpmEvaluate({ hosts: [host(1), host(2), host(3)], vms: [vm(1, 1, 300), vm(2, 2, 100), vm(3, 3, 200)], threshold: 3 });
  assert.equal(quiet?.kind, 'powerOff');
  assert.equal(quiet?.hostId, 'host-2', 'the least loaded host');
  assert.equal(quiet?.priority, 3, 'the rest stay at 30 %: within the target');
  assert.equal(quiet?.evacuations.length, 1);
  assert.equal(quiet?.evacuations[0].toHostId, 'host-3', 'to the host that stays least loaded after the move: 200 + 100 beats 300 + 100');
  assert.match(quiet!.reason, /20 %; without H2 it would be 30 %/);
  // 1,400 MHz on 2,000: without a host, 140 % — no power-off; the threshold never turns that around.
  assert.equal(dpmEvaluate({ hosts: [host(1), host(2)], vms: [vm(1, 1, 700), vm(2, 2, 700)], threshold: 5 }), undefined);
  // 70 % on two hosts, one standby: no wake at 70 %; at 95 % a priority-2 wake.
  assert.equal(dpmEvaluate({ hosts: [host(1), host(2), host(3, 'standby')], vms: [vm(1, 1, 700), vm(2, 2, 700)], threshold: 3 }), undefined);
  const hot = dpmEvaluate({ hosts: [host(1), host(2), host(3, 'standby')], vms: [vm(1, 1, 950), vm(2, 2, 950)], threshold: 3 });
  assert.equal(hot?.kind, 'powerOn');
  assert.equal(hot?.priority, 2);
  assert.ok(hot!.utilizationBefore > DPM_HIGH);
  assert.equal(dpmEvaluate({ hosts: [host(1), host(2), host(3, 'standby')], vms: [vm(1, 1, 950), vm(2, 2, 950)], threshold: 1 }), undefined, 'threshold 1: only what HA needs');
  const ha = dpmEvaluate({ hosts: [host(1), host(2, 'standby')], vms: [vm(1, 1, 10)], threshold: 1, haShort: 'short' });
  assert.equal(ha?.kind, 'powerOn');
  assert.equal(ha?.priority, 1);
  // A host HA needs is never chosen; a VM a rule pins keeps its host up.
  const refused = dpmEvaluate({ hosts: [host(1), { ...host(2), standbyRefusal: 'HA needs it' }], vms: [vm(1, 1, 300), vm(2, 2, 100)], threshold: 5 });
  assert.equal(refused?.hostId, 'host-1');
  assert.equal(dpmEvaluate({ hosts: [host(1), host(2)], vms: [vm(1, 1, 300), vm(2, 2, 100)], threshold: 5, allowed: () => false }), undefined);
});

test('automatic DPM: one under-used host per pass emptied by live migration into standby, each decision explained', () => {
  const h = lab();
  h.advance(61_000);
  assert.deepEqual(standby(h).length, 0, 'entering takes its migrations and 5 s');
  const first = services(h).dpmState.history[0];
  assert.equal(first.kind, 'powerOff');
  assert.equal(first.outcome, 'applied');
  assert.match(first.reason, /within the target range/);
  assert.equal(first.evacuations.length, 1);
  h.advance(15_000);
  assert.deepEqual(standby(h), [first.hostName]);
  const moved = first.evacuations[0];
  assert.notEqual(h.q('vm.get', { vmId: moved.vmId }).hostId, first.hostId);
  assert.equal(h.q('vm.get', { vmId: moved.vmId }).powerState, 'poweredOn', 'moved live: it never stopped');
  const tasks = h.q('tasks.list', { limit: 100 });
  assert.ok(tasks.some((t) => t.operation === 'vm.migrate' && t.state === 'success' && t.initiator === 'vSphere DPM'));
  assert.ok(tasks.some((t) => t.operation === 'host.enterStandby' && t.initiator === 'vSphere DPM'));
  assert.match(events(h, 'DrsEnteringStandbyModeEvent')[0].message, new RegExp(`vSphere DPM is putting ${first.hostName} into standby mode: the cluster's utilisation is`));
  // The next pass empties a second host; the last one stays up.
  h.advance(60_000);
  assert.equal(standby(h).length, 2);
  h.advance(120_000);
  assert.equal(standby(h).length, 2, 'never the last host');
  for (const n of ['idle-0', 'idle-1', 'idle-2']) assert.equal(vmByName(h, n).powerState, 'poweredOn');
});

test('automatic DPM wakes a standby host when demand rises above the target range', () => {
  const h = lab({ hosts: 2, busy: 2 });
  h.advance(80_000);
  assert.equal(standby(h).length, 1, 'two idle VMs fit on one host');
  const up = h.q('inventory.get', {}).hosts.find((x) => x.powerState === 'poweredOn')!;
  // Two CPU-bound VMs on the host left: 2,000 of 2,000 MHz.
  for (const n of ['busy-0', 'busy-1']) {
    bringTo(h, n, up.id);
    h.run('vm.powerOn', { vmId: vmByName(h, n).id as VmId });
  }
  h.advance(100_000);
  const wake = services(h).dpmState.history.find((r) => r.kind === 'powerOn');
  assert.ok(wake, JSON.stringify(services(h).dpmState));
  assert.equal(wake.outcome, 'applied');
  assert.equal(wake.priority, 2);
  assert.match(wake.reason, /above the target range's high mark of 81 %/);
  assert.equal(standby(h).length, 0, 'the host is back');
  assert.ok(events(h, 'DrsExitingStandbyModeEvent').length >= 1);
});

test('manual DPM only recommends; applying the recommendation puts the host into standby', () => {
  const h = lab({ dpm: { automationLevel: 'manual' } });
  h.advance(61_000);
  assert.equal(standby(h).length, 0);
  const [rec] = services(h).dpmState.recommendations;
  assert.equal(rec.kind, 'powerOff');
  assert.ok(events(h, 'DrsRecommendationsEvent').some((e) => /vSphere DPM recommends putting/.test(e.message)));
  h.advance(60_000);
  assert.equal(standby(h).length, 0, 'nothing applied by itself');
  const again = services(h).dpmState.recommendations[0];
  h.cmd('cluster.drs.apply', { clusterId: clusterOf(h), recommendationId: again.id });
  h.advance(15_000);
  assert.deepEqual(standby(h), [again.hostName]);
  assert.equal(services(h).dpmState.history[0].outcome, 'applied');
});

test('HA and DPM: DPM keeps the hosts admission control needs, and wakes a standby host when a host fails', () => {
  const h = lab({ ha: { admissionControl: { policy: 'slotPolicy', hostFailuresToTolerate: 1 } } });
  h.advance(200_000);
  assert.equal(standby(h).length, 1, 'with one failure to tolerate, two hosts must stay up');
  const up = h.q('inventory.get', {}).hosts.filter((x) => x.powerState === 'poweredOn');
  assert.equal(up.length, 2);
  // One of the two remaining hosts loses power: HA declares it failed, DPM wakes the standby host at once.
  const sleeper = standby(h)[0];
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: up[0].id });
  h.advance(16_000);
  const wake = services(h).dpmState.history.find((r) => r.kind === 'powerOn');
  assert.ok(wake, 'DPM acted on the failure');
  assert.equal(wake.priority, 1);
  assert.match(wake.reason, /vSphere HA admission control needs more hosts/);
  h.advance(25_000);
  assert.equal(hostByName(h, sleeper).powerState, 'poweredOn');
  const crashedVm = h.q('inventory.get', {}).vms.find((v) => v.name.startsWith('idle') && v.hostId === up[0].id && v.powerState === 'poweredOn');
  assert.equal(crashedVm, undefined, 'the failed host\'s VMs were restarted elsewhere by HA');
});

test('admission control refuses a power-on: automatic DPM wakes a standby host, and the refusal says so', () => {
  // Slots of 1000 MHz (busy-0's reservation): 2 per host; with H2 in standby, 4 slots, 2 kept for one failure.
  const h = lab({ ha: { admissionControl: { policy: 'slotPolicy', hostFailuresToTolerate: 1 } }, hosts: 3, busy: 1 });
  h.advance(200_000);
  assert.equal(standby(h).length, 1);
  bringTo(h, 'busy-0', h.q('inventory.get', {}).hosts.find((x) => x.powerState === 'poweredOn')!.id);
  h.run('vm.reconfigure', { vmId: vmByName(h, 'busy-0').id as VmId, changes: { cpuReservationMhz: 1000 } });
  const r = h.tryCmd('vm.powerOn', { vmId: vmByName(h, 'busy-0').id as VmId });
  assert.equal(r.ok, false, 'four running VMs need 4 slots of 1000 MHz; 2 remain once 2 are kept for a failure');
  if (r.ok) return;
  assert.equal(r.error.code, 'E_INSUFFICIENT_RESOURCES');
  assert.match(r.error.message, /vSphere DPM is bringing H\d out of standby mode/);
  h.advance(25_000);
  assert.equal(standby(h).length, 0);
  h.run('vm.powerOn', { vmId: vmByName(h, 'busy-0').id as VmId });
});

test('DPM settings: validated with typed errors naming the field; saved with the lab and loaded', () => {
  const h = lab({ dpm: { automationLevel: 'off' } });
  const c = clusterOf(h);
  const bad = h.tryCmd('cluster.configure', { clusterId: c, dpm: { threshold: 7 } });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.field, 'params.dpm.threshold');
  h.cmd('cluster.configure', { clusterId: c, drsEnabled: false });
  const noDrs = h.tryCmd('cluster.configure', { clusterId: c, dpm: { automationLevel: 'automatic' } });
  assert.equal(noDrs.ok, false);
  if (!noDrs.ok) { assert.equal(noDrs.error.field, 'params.dpm.automationLevel'); assert.match(noDrs.error.message, /turn DRS on/); }
  h.cmd('cluster.configure', { clusterId: c, drsEnabled: true, dpm: { automationLevel: 'manual', threshold: 4 } });
  assert.deepEqual(services(h).dpm, { automationLevel: 'manual', threshold: 4 });
  h.advance(61_000);
  const saved = h.engine.saveState();
  const other = harness('lab-small');
  assert.equal(other.engine.loadState(structuredClone(saved)), undefined);
  const loaded = other.q('cluster.services', { clusterId: c });
  assert.deepEqual(loaded.dpm, { automationLevel: 'manual', threshold: 4 });
  assert.deepEqual(loaded.dpmState.recommendations, services(h).dpmState.recommendations);
  // Tampered: refused naming the field.
  const t = structuredClone(saved);
  ((t.services['cluster.services'] as { clusters: [string, { dpm: { threshold: number } }][] }).clusters[0][1].dpm).threshold = 9;
  const err = other.engine.loadState(t);
  assert.match(err?.field ?? '', /\.dpm\.threshold$/);
  // A lab saved before DPM existed loads with DPM off.
  const old = structuredClone(saved);
  for (const [, st] of (old.services['cluster.services'] as { clusters: [string, Record<string, unknown>][] }).clusters) {
    delete st.dpm; delete st.dpmRecommendations; delete st.dpmHistory; delete st.dpmLastRunMs;
  }
  assert.equal(other.engine.loadState(old), undefined);
  assert.equal(other.q('cluster.services', { clusterId: c }).dpm.automationLevel, 'off');
});

test('a scenario turning DPM on without DRS is refused naming the field', () => {
  assert.throws(() => harness({
    version: 1, name: 'dpm-bad', title: 'DPM without DRS',
    datacenters: [{ name: 'DC0', clusters: [{ name: 'C', dpmSettings: { automationLevel: 'automatic' }, hosts: [{ name: 'H0', sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 }] }] }],
  }), /clusters\[0\]\.dpmSettings\.automationLevel/);
});
