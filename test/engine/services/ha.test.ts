// vSphere HA in the lab: injected faults, failure detection, restarts by priority with their downtime,
// admission control (slot and percentage policies), isolation response, VM monitoring, save/load
// mid-failover, and the invariants over seeded random failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName, hostByName } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import type { ClusterServicesDto } from '../../../src-shared/model/clusterServices';
import { planRestarts } from '../../../src-main/engine/services/index';
import { Rng } from '../../../src-main/engine/sim/index';

const services = (h: Harness): ClusterServicesDto => h.q('cluster.services', { clusterId: 'cluster-1' });

test('lab-ha: the failed host\'s VMs restart on the others in priority order, with their downtime; the later power-on is refused', () => {
  const h = harness('lab-ha');
  h.advance(74_000);
  assert.equal(services(h).haState.restarts.length, 0, 'nothing before the failure is declared (15 s)');
  assert.equal(vmByName(h, 'db-01').powerState, 'poweredOff');
  h.advance(30_000);
  const r = services(h).haState.restarts;
  assert.deepEqual(r.map((x) => [x.vmName, x.priority, x.state]), [
    ['db-01', 'highest', 'restarted'], ['app-01', 'medium', 'restarted'], ['batch-01', 'low', 'restarted'],
  ]);
  for (let i = 1; i < r.length; i++) assert.ok(r[i].restartedAtMs! > r[i - 1].restartedAtMs!, 'one priority group after the other');
  // Seed 1, exactly: detection at 75 s (15 s after the power loss), then each group's power-on (1.5 s ± 10 %
  // seeded jitter) after the one before it; the same with HA acting before or after memory reclamation.
  const hostName = new Map(h.q('inventory.get', {}).hosts.map((x) => [x.id, x.name]));
  assert.deepEqual(r.map((x) => [x.vmName, hostName.get(x.toHostId!), x.downtimeMs]), [
    ['db-01', 'ha-H3', 16_400], ['app-01', 'ha-H1', 17_772], ['batch-01', 'ha-H2', 19_426],
  ]);
  for (const x of r) {
    assert.equal(x.downtimeMs, x.restartedAtMs! - 60_000);
    const vm = vmByName(h, x.vmName);
    assert.equal(vm.powerState, 'poweredOn');
    assert.notEqual(vm.hostId, hostByName(h, 'ha-H0').id);
  }
  h.advance(200_000);
  const spare = vmByName(h, 'spare-01');
  assert.equal(spare.powerState, 'poweredOff', 'admission control refused the power-on at 300 s');
  const refused = h.tryCmd('vm.powerOn', { vmId: spare.id });
  assert.equal(refused.ok, false);
  if (!refused.ok) { assert.equal(refused.error.code, 'E_INSUFFICIENT_RESOURCES'); assert.match(refused.error.message, /no slot is free/); }
  const tasks = h.q('tasks.list', {});
  assert.ok(tasks.filter((t) => t.initiator === 'vSphere HA').length === 3, 'restarts are Power On tasks by vSphere HA');
});

test('faults: a crash stops the host\'s VMs where they were with the cause; a repair brings the host back; bad targets are typed errors', () => {
  const h = harness('lab-ha');
  const host = hostByName(h, 'ha-H1');
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: host.id });
  const after = hostByName(h, 'ha-H1');
  assert.equal(after.connectionState, 'notResponding');
  assert.equal(vmByName(h, 'web-01').powerState, 'poweredOff');
  const again = h.tryCmd('fault.inject', { kind: 'hostCrash', targetId: host.id });
  assert.equal(again.ok, false);
  if (!again.ok) assert.equal(again.error.field, 'params.targetId');
  const none = h.tryCmd('fault.inject', { kind: 'hostCrash', targetId: 'host-99' });
  assert.equal(none.ok, false);
  if (!none.ok) assert.equal(none.error.code, 'E_NOT_FOUND');
  h.cmd('fault.repair', { kind: 'hostCrash', targetId: host.id });
  assert.equal(hostByName(h, 'ha-H1').connectionState, 'connected');
  assert.ok(h.q('events.list', {}).some((e) => e.type === 'HostConnectionLostEvent'));
});

test('HA disabled: nothing restarts', () => {
  const h = harness('lab-ha');
  h.cmd('cluster.configure', { clusterId: 'cluster-1', haEnabled: false });
  h.advance(120_000);
  assert.equal(vmByName(h, 'db-01').powerState, 'poweredOff');
  assert.equal(services(h).haState.restarts.length, 0);
});

test('restart priority disabled: the VM is reported, not restarted', () => {
  const h = harness('lab-ha');
  h.cmd('cluster.configure', { clusterId: 'cluster-1', restartPriorityOverrides: [{ vmId: vmByName(h, 'batch-01').id, priority: 'disabled' }] });
  h.advance(110_000);
  const b = services(h).haState.restarts.find((r) => r.vmName === 'batch-01')!;
  assert.equal(b.state, 'failed');
  assert.match(b.reason!, /Disabled/);
  assert.equal(vmByName(h, 'batch-01').powerState, 'poweredOff');
});

test('isolation: disabled response keeps the VMs running; power off and restart moves them', () => {
  const keep = harness('lab-ha');
  keep.cmd('fault.inject', { kind: 'hostIsolation', targetId: hostByName(keep, 'ha-H2').id });
  keep.advance(60_000);
  assert.equal(vmByName(keep, 'web-02').powerState, 'poweredOn');
  assert.deepEqual(services(keep).haState.isolatedHostIds, [hostByName(keep, 'ha-H2').id]);

  const move = harness('lab-ha');
  move.cmd('cluster.configure', { clusterId: 'cluster-1', ha: { isolationResponse: 'powerOffAndRestart' } });
  const h2 = hostByName(move, 'ha-H2').id;
  move.cmd('fault.inject', { kind: 'hostIsolation', targetId: h2 });
  move.advance(29_000);
  assert.equal(vmByName(move, 'web-02').hostId, h2);
  move.advance(20_000);
  const vm = vmByName(move, 'web-02');
  assert.equal(vm.powerState, 'poweredOn');
  assert.notEqual(vm.hostId, h2);
  const rec = services(move).haState.restarts[0];
  assert.equal(rec.stoppedAtMs, 30_000);
});

test('VM monitoring resets a VM whose guest stopped heartbeating, after the failure interval', () => {
  const h = harness('lab-ha');
  h.cmd('cluster.configure', { clusterId: 'cluster-1', ha: { vmMonitoring: 'vmMonitoringOnly', vmMonitoringFailureIntervalS: 30 } });
  const vm = vmByName(h, 'web-02');
  h.cmd('fault.inject', { kind: 'vmCrash', targetId: vm.id });
  assert.equal(vmByName(h, 'web-02').guestState, 'crashed');
  h.advance(20_000);
  assert.equal(vmByName(h, 'web-02').guestState, 'crashed');
  h.advance(20_000);
  assert.notEqual(vmByName(h, 'web-02').guestState, 'crashed');
  assert.ok(h.q('events.list', {}).some((e) => e.type === 'VmDasBeingResetEvent'));
});

test('cluster.configure validates across fields and names the field; nothing changes', () => {
  const h = harness('lab-ha');
  const r = h.tryCmd('cluster.configure', { clusterId: 'cluster-1', ha: { admissionControl: { hostFailuresToTolerate: 4 } } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.field, 'params.ha.admissionControl.hostFailuresToTolerate');
  assert.equal(services(h).ha.admissionControl.hostFailuresToTolerate, 1);
  const bad = h.tryCmd('cluster.configure', { clusterId: 'cluster-1', ha: { admissionControl: { policy: 'dedicatedFailoverHosts' } } });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.field, 'params.ha.admissionControl.failoverHostIds');
});

test('percentage policy: current failover capacity is shown and a power-on below the configured percentage is refused', () => {
  const h = harness('lab-ha');
  h.cmd('cluster.configure', { clusterId: 'cluster-1', ha: { admissionControl: { policy: 'clusterResourcePercentage', cpuFailoverPercent: 75 } } });
  const a = services(h).haState.admission;
  assert.equal(a.configuredCpuFailoverPercent, 75);
  assert.ok(a.currentCpuFailoverPercent! < 75, `current ${a.currentCpuFailoverPercent}`);
  const r = h.tryCmd('vm.powerOn', { vmId: vmByName(h, 'spare-01').id });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /CPU failover capacity/);
});

test('a lab saved mid-failover loads and completes the failover the same way', () => {
  const a = harness('lab-ha');
  a.advance(76_000);
  const saved = a.engine.saveState();
  a.advance(10_000);
  const b = harness('lab-ha');
  const loaded = b.engine.loadState(saved);
  assert.ok(!loaded || !('error' in (loaded as object)), 'loads');
  b.advance(10_000);
  assert.deepEqual(services(b).haState.restarts, services(a).haState.restarts);
});

test('planRestarts: priority order, failover hosts first, unplaced VMs with a reason', () => {
  const plan = planRestarts([
    { vmId: 'vm-1', rank: 1, cpuMhz: 0, memBytes: 10 }, { vmId: 'vm-2', rank: 5, cpuMhz: 900, memBytes: 10 },
    { vmId: 'vm-3', rank: 3, cpuMhz: 900, memBytes: 10 },
  ], [
    { hostId: 'host-1', cpuFreeMhz: 1000, memFreeBytes: 100, failoverHost: false },
    { hostId: 'host-2', cpuFreeMhz: 1000, memFreeBytes: 50, failoverHost: true },
  ]);
  assert.deepEqual(plan.placed, [['vm-2', 'host-2'], ['vm-3', 'host-1'], ['vm-1', 'host-2']]);
  const none = planRestarts([{ vmId: 'vm-9', rank: 3, cpuMhz: 5000, memBytes: 1 }], [{ hostId: 'host-1', cpuFreeMhz: 1000, memFreeBytes: 100, failoverHost: false }]);
  assert.equal(none.unplaced.length, 1);
  assert.match(none.unplaced[0][1], /5000 MHz/);
});

const RANDOM_RUNS = Number(process.env.HVLAB_HA_RANDOM_RUNS ?? 500);

test(`randomized: ${RANDOM_RUNS} seeded failure/repair/power runs keep the invariants`, () => {
  // One lab, many seeded episodes of random operations, with the invariants checked after every step.
  const h = harness('lab-ha', 7);
  const rng = new Rng(2024);
  const hosts = h.q('inventory.get', {}).hosts.map((x) => x.id);
  const vms = h.q('inventory.get', {}).vms.map((x) => x.id);
  for (let run = 0; run < RANDOM_RUNS; run++) {
    const op = rng.int(6);
    const host = hosts[rng.int(hosts.length)];
    const vm = vms[rng.int(vms.length)];
    if (op === 0) h.tryCmd('fault.inject', { kind: rng.int(2) ? 'hostCrash' : 'hostIsolation', targetId: host });
    else if (op === 1) h.tryCmd('fault.repair', { kind: 'hostCrash', targetId: host });
    else if (op === 2) h.tryCmd('vm.powerOn', { vmId: vm });
    else if (op === 3) h.tryCmd('vm.powerOff', { vmId: vm });
    else if (op === 4) h.tryCmd('fault.inject', { kind: 'vmCrash', targetId: vm });
    h.advance((1 + rng.int(40)) * 1000);
    const inv = h.q('inventory.get', {});
    const byId = new Map(inv.hosts.map((x) => [x.id, x]));
    for (const v of inv.vms) {
      if (v.powerState !== 'poweredOn') continue;
      const on = byId.get(v.hostId!)!;
      assert.ok(on.powerState === 'poweredOn', `run ${run}: ${v.name} runs on ${on.name}, which is powered off`);
    }
    for (const x of inv.hosts) {
      const reserved = inv.vms.filter((v) => v.hostId === x.id && v.powerState === 'poweredOn').reduce((s, v) => s + v.cpuReservationMhz, 0);
      assert.ok(reserved <= x.sockets * x.coresPerSocket * x.cpuMhz, `run ${run}: ${x.name} over its CPU capacity`);
    }
    for (const r of services(h).haState.restarts) {
      if (r.state === 'restarted') assert.ok(r.downtimeMs! >= 0, `run ${run}: ${r.vmName} restarted before it stopped`);
    }
  }
});

test('counters: clusterServices.failover falls after a host failure; engine.drs.imbalance is sampled', () => {
  const h = harness('lab-ha');
  h.advance(40_000);
  const before = h.q('metrics.query', { entityId: 'cluster-1', counters: ['clusterServices.failover.latest', 'engine.drs.imbalance.latest'], interval: 'realtime', maxSamples: 1 });
  assert.ok((before.values['clusterServices.failover.latest']?.[0] ?? -1) >= 1);
  assert.ok((before.values['engine.drs.imbalance.latest']?.[0] ?? -1) >= 0);
  h.advance(60_000);
  const after = h.q('metrics.query', { entityId: 'cluster-1', counters: ['clusterServices.failover.latest', 'clusterServices.effectivecpu.average'], interval: 'realtime', maxSamples: 1 });
  assert.ok(after.values['clusterServices.failover.latest']![0]! < before.values['clusterServices.failover.latest']![0]!);
  assert.equal(after.values['clusterServices.effectivecpu.average']![0], 6000, 'three hosts of 2 × 1000 MHz remain');
});

test('VM/Host rules: HA restarts a VM only where its "must" rule allows, and reports it when nowhere does', () => {
  const h = harness('lab-ha');
  const db = vmByName(h, 'db-01').id;
  const app = vmByName(h, 'app-01').id;
  h.cmd('cluster.configure', { clusterId: 'cluster-1', drs: { rules: [
    { name: 'db-on-h2', kind: 'vmToHosts', vmIds: [db], hostIds: [hostByName(h, 'ha-H2').id], mandatory: true },
    { name: 'app-on-h0', kind: 'vmToHosts', vmIds: [app], hostIds: [hostByName(h, 'ha-H0').id], mandatory: true },
  ] } });
  h.advance(110_000);
  assert.equal(vmByName(h, 'db-01').hostId, hostByName(h, 'ha-H2').id);
  const appRec = services(h).haState.restarts.find((r) => r.vmName === 'app-01')!;
  assert.equal(appRec.state, 'waiting', 'a restart that fits nowhere is retried later');
  assert.equal(appRec.failedAttempts, 1);
  assert.match(appRec.reason!, /VM\/Host rules/);
});

test('restart retries: a failed attempt is retried after 2, 4, 8, 8, 8 min, each an event; a host back in time takes the VM; after the last the VM is reported', () => {
  const h = harness('lab-ha');
  const app = vmByName(h, 'app-01').id;
  const h0 = hostByName(h, 'ha-H0').id;
  // app-01 must run on ha-H0, the host that fails at 60 s: every attempt fails until ha-H0 is back.
  h.cmd('cluster.configure', { clusterId: 'cluster-1', drs: { rules: [{ name: 'app-on-h0', kind: 'vmToHosts', vmIds: [app], hostIds: [h0], mandatory: true }] } });
  h.advance(80_000);
  const rec = () => services(h).haState.restarts.find((r) => r.vmName === 'app-01')!;
  const first = rec();
  assert.equal(first.state, 'waiting');
  assert.equal(first.failedAttempts, 1);
  const failedAt = first.retryAtMs! - 120_000;
  assert.ok(failedAt >= 75_000 && failedAt < 80_000, `first attempt at ${failedAt}`);
  const events = () => h.q('events.list', { limit: 500, entityId: app }).filter((e) => e.type === 'VmFailoverFailed');
  assert.equal(events().length, 1);
  assert.match(events()[0].message, /vSphere HA unsuccessfully failed over app-01 in cluster HA \(attempt 1 of 6\): .*VM\/Host rules.*\. vSphere HA will retry in 2 min/);
  assert.match(services(h).haState.issues.join('\n'), /app-01: restart attempt 1 failed/);
  // A lab saved while the restart waits for its retry loads with the attempts and the retry time.
  const copy = harness('lab-ha');
  assert.equal(copy.engine.loadState(structuredClone(h.engine.saveState())), undefined);
  assert.deepEqual(services(copy).haState.restarts.find((r) => r.vmName === 'app-01'), first);
  // The second attempt, 2 min later, fails too; the third is due 4 min after it.
  h.advance(failedAt + 120_000 + 1000 - h.now());
  copy.advance(failedAt + 120_000 + 1000 - copy.now());
  assert.deepEqual(services(copy).haState.restarts, services(h).haState.restarts, 'the loaded lab retries the same way');
  assert.equal(rec().failedAttempts, 2);
  assert.equal(rec().retryAtMs, failedAt + 120_000 + 240_000);
  assert.match(events()[0].message, /attempt 2 of 6\): .*retry in 4 min/, 'newest first');
  // ha-H0 is repaired before the third attempt: it takes app-01 there.
  h.cmd('fault.repair', { kind: 'hostCrash', targetId: h0 });
  h.advance(rec().retryAtMs! + 5000 - h.now());
  const done = rec();
  assert.equal(done.state, 'restarted');
  assert.equal(done.toHostId, h0);
  assert.equal(done.failedAttempts, 2);
  assert.equal(done.downtimeMs, done.restartedAtMs! - 60_000);
  assert.ok(done.downtimeMs! > 6 * 60_000, 'down through both retry delays');
  assert.equal(vmByName(h, 'app-01').powerState, 'poweredOn');

  // A VM that can never be placed: 6 attempts in all (T, +2, +4, +8, +8, +8 min), then reported.
  const g = harness('lab-ha');
  // (ha-H0 comes back at 600 s in lab-ha: a rule that fences app-01 off every host keeps it unplaceable.)
  const every = g.q('inventory.get', {}).hosts.filter((x) => x.clusterId === 'cluster-1').map((x) => x.id);
  g.cmd('cluster.configure', { clusterId: 'cluster-1', drs: { rules: [{ name: 'nowhere', kind: 'vmNotToHosts', vmIds: [vmByName(g, 'app-01').id], hostIds: every, mandatory: true }] } });
  g.advance(80_000 + 30 * 60_000 + 5000);
  const last = services(g).haState.restarts.find((r) => r.vmName === 'app-01')!;
  assert.equal(last.state, 'failed');
  assert.equal(last.failedAttempts, 6);
  assert.match(last.reason!, /gave up after 6 attempts/);
  const all = g.q('events.list', { limit: 1000, entityId: last.vmId }).filter((e) => e.type === 'VmFailoverFailed').reverse();
  assert.equal(all.length, 6);
  const gaps = all.slice(1).map((e, i) => Math.round((e.timeMs - all[i].timeMs) / 60_000));
  assert.deepEqual(gaps, [2, 4, 8, 8, 8]);
  assert.match(services(g).haState.issues.join('\n'), /app-01 was not restarted: .*gave up after 6 attempts/);
});

test('"Cannot find vSphere HA master agent" while no host can be master; restarts wait for a host and spend no attempt', () => {
  const h = harness('lab-ha');
  const hosts = h.q('inventory.get', {}).hosts.filter((x) => x.clusterId === 'cluster-1');
  for (const x of hosts) h.cmd('fault.inject', { kind: x.name === 'ha-H1' ? 'hostIsolation' : 'hostCrash', targetId: x.id });
  h.advance(40_000);
  const st = services(h).haState;
  assert.match(st.issues.join('\n'), /Cannot find vSphere HA master agent in cluster HA/);
  assert.ok(st.restarts.length > 0 && st.restarts.every((r) => r.state === 'waiting' && r.failedAttempts === undefined), 'no attempt spent without a master');
  h.cmd('fault.repair', { kind: 'hostCrash', targetId: hostByName(h, 'ha-H3').id });
  h.advance(20_000);
  const after = services(h).haState;
  assert.doesNotMatch(after.issues.join('\n'), /master agent/);
  assert.ok(after.restarts.some((r) => r.state === 'restarted' && r.toHostId === hostByName(h, 'ha-H3').id), 'the repaired host takes restarts');
});
