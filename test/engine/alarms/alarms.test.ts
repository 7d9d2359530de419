// Alarms: vSphere's default definitions evaluated on the counted metrics — a threshold must hold for its
// duration, acknowledge keeps the alarm, reset clears it until the condition holds anew, a host crash
// raises the connection alarm at once; definitions are edited with typed errors; everything is saved,
// loaded and checked field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, type Harness } from '../../helpers/labHarness';
import { hotLab as hotLabOf, hotVm, triggered } from './hotLab';
import type { LabState } from '../../../src-main/engine/index';

const hotLab = (extra: Record<string, unknown> = {}): Harness => hotLabOf('alarms-test', 'alarms', extra);
const alarmEvents = (h: Harness) => h.q('events.list', { limit: 1000 }).filter((e) => e.type.startsWith('Alarm')).reverse();

test('the default definitions are vSphere\'s, with warning below critical and durations', () => {
  const h = hotLab();
  const defs = h.q('alarm.definitions', {});
  const byKey = new Map(defs.map((d) => [d.key, d]));
  assert.deepEqual(byKey.get('hostCpuUsage')?.metric, { label: 'CPU usage', unit: '%', warning: 75, critical: 90, durationS: 300 });
  assert.equal(byKey.get('vmCpuUsage')?.name, 'Virtual machine CPU usage');
  assert.equal(byKey.get('datastoreUsage')?.metric?.durationS, 0);
  assert.equal(byKey.get('hostConnectionPowerState')?.condition, 'state');
  for (const d of defs) if (d.metric) assert.ok(d.metric.warning < d.metric.critical, d.key);
});

test('a VM at 100 % CPU goes red after the 5 minutes of its duration, not before; acknowledge keeps it, reset clears it until it holds again', () => {
  const h = hotLab();
  const { vmId, hostId, name } = hotVm(h);
  h.run('vm.powerOn', { vmId: vmId as never });
  const on = h.now();
  h.advance(240_000);
  assert.equal(triggered(h, 'vmCpuUsage', vmId), undefined, 'not yet: 4 minutes is under the duration');
  h.advance(100_000);
  const a = triggered(h, 'vmCpuUsage', vmId);
  assert.ok(a, 'red after 5 minutes');
  assert.equal(a.status, 'red');
  assert.ok(a.timeMs - on >= 300_000 && a.timeMs - on <= 340_000, `triggered at +${a.timeMs - on} ms`);
  assert.match(a.detail, /CPU usage \d+(\.\d)? % above 90 %/);
  assert.equal(h.q('vm.get', { vmId: vmId as never }).alarmStatus, 'red');
  assert.equal(triggered(h, 'hostCpuUsage', hostId)?.status, 'red', 'its 1-core host is as busy');
  assert.ok(alarmEvents(h).some((e) => e.entityId === vmId && e.message.startsWith(`Alarm 'Virtual machine CPU usage' on ${name} changed from Green to Red`)));
  // Monitor of the host shows only the host's own; the cluster and datacenter show both.
  const inv = h.q('inventory.get', {});
  assert.deepEqual(h.q('alarm.triggered', { entityId: hostId }).map((x) => x.alarmKey), ['hostCpuUsage']);
  assert.ok(h.q('alarm.triggered', { entityId: inv.clusters[0].id }).some((x) => x.entityId === vmId));
  assert.ok(h.q('alarm.triggered', { entityId: inv.datacenters[0].id }).some((x) => x.entityId === vmId));

  h.cmd('alarm.acknowledge', { alarmKey: 'vmCpuUsage', entityId: vmId });
  const acked = triggered(h, 'vmCpuUsage', vmId)!;
  assert.equal(acked.acknowledged, true);
  assert.equal(acked.status, 'red', 'acknowledged, still red');
  assert.equal(acked.acknowledgedBy, 'lab-user');

  h.cmd('alarm.reset', { alarmKey: 'vmCpuUsage', entityId: vmId });
  const resetAt = h.now();
  assert.equal(triggered(h, 'vmCpuUsage', vmId), undefined);
  assert.equal(h.q('vm.get', { vmId: vmId as never }).alarmStatus, undefined, 'green again');
  assert.ok(alarmEvents(h).some((e) => /changed from Red to Green \(reset to green by lab-user\)/.test(e.message)));
  h.advance(280_000);
  assert.equal(triggered(h, 'vmCpuUsage', vmId), undefined, 'the duration counts again from the reset');
  h.advance(60_000);
  const again = triggered(h, 'vmCpuUsage', vmId);
  assert.ok(again && again.timeMs - resetAt >= 300_000, 'red again once it held 5 more minutes');
  assert.equal(again.acknowledged, false);

  h.run('vm.powerOff', { vmId: vmId as never });
  h.advance(20_000);
  assert.equal(triggered(h, 'vmCpuUsage', vmId), undefined, 'a powered-off VM has no usage: green');
  const err = h.tryCmd('alarm.acknowledge', { alarmKey: 'vmCpuUsage', entityId: vmId });
  assert.ok(!err.ok && err.error.code === 'E_INVALID_STATE' && err.error.field === 'params.alarmKey');
});

test('a host crash raises "Host connection and power state" at once and repair clears it; HA declaring it failed raises its own', () => {
  const h = harness('lab-ha');
  const inv = h.q('inventory.get', {});
  const host = inv.hosts.find((x) => x.name === 'ha-H1')!;
  h.advance(1_000);
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: host.id });
  h.advance(10);
  const a = triggered(h, 'hostConnectionPowerState', host.id);
  assert.equal(a?.status, 'red');
  assert.equal(h.q('host.get', { hostId: host.id }).alarmStatus, 'red');
  h.advance(20_000);
  assert.equal(triggered(h, 'haHostStatus', host.id)?.status, 'red', 'declared failed after 15 s');
  // Reset while the host is still down: it stays green until the state clears and comes back.
  h.cmd('alarm.reset', { alarmKey: 'hostConnectionPowerState', entityId: host.id });
  h.advance(5_000);
  assert.equal(triggered(h, 'hostConnectionPowerState', host.id), undefined);
  h.cmd('fault.repair', { kind: 'hostCrash', targetId: host.id });
  h.advance(30_000);
  assert.equal(triggered(h, 'hostConnectionPowerState', host.id), undefined);
  assert.equal(triggered(h, 'haHostStatus', host.id), undefined, 'repaired: HA no longer declares it');
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: host.id });
  h.advance(10);
  assert.equal(triggered(h, 'hostConnectionPowerState', host.id)?.status, 'red', 'a new failure raises it again');
});

test('definitions are edited with typed errors naming the field; disabling clears; a scenario sets them', () => {
  const h = hotLab();
  const bad = [
    [{ alarmKey: 'hostCpuUsage', warning: 95 }, 'params.warning', /warning threshold \(95 %\) must be below the critical threshold \(90 %\)/],
    [{ alarmKey: 'hostCpuUsage', critical: 50 }, 'params.critical', /below the critical/],
    [{ alarmKey: 'hostConnectionPowerState', warning: 10 }, 'params.warning', /state, so it has no thresholds/],
    [{ alarmKey: 'datastoreUsage', durationS: 60 }, 'params.durationS', /no duration/],
    [{ alarmKey: 'hostCpuUsage', critical: 101 }, 'params.critical', /./],
    [{ alarmKey: 'hostCpuUsage' }, 'params.alarmKey', /Nothing to change/],
  ] as const;
  for (const [params, field, message] of bad) {
    const r = h.tryCmd('alarm.updateDefinition', params as never);
    assert.ok(!r.ok, JSON.stringify(params));
    assert.equal(r.error.field, field, JSON.stringify(params));
    assert.match(r.error.message, message);
  }
  h.cmd('alarm.updateDefinition', { alarmKey: 'vmCpuUsage', warning: 40, critical: 60, durationS: 60 });
  const d = h.q('alarm.definitions', {}).find((x) => x.key === 'vmCpuUsage')!;
  assert.deepEqual(d.metric, { label: 'CPU usage', unit: '%', warning: 40, critical: 60, durationS: 60 });
  const { vmId } = hotVm(h);
  h.run('vm.powerOn', { vmId: vmId as never });
  h.advance(90_000);
  assert.equal(triggered(h, 'vmCpuUsage', vmId)?.status, 'red', 'the new duration applies');
  h.cmd('alarm.updateDefinition', { alarmKey: 'vmCpuUsage', enabled: false });
  assert.equal(triggered(h, 'vmCpuUsage', vmId), undefined, 'disabled: cleared');
  h.advance(120_000);
  assert.equal(triggered(h, 'vmCpuUsage', vmId), undefined, 'disabled: not evaluated');

  const s = hotLab({ alarms: [{ alarm: 'vmCpuUsage', durationS: 40 }, { alarm: 'hostCpuUsage', enabled: false }] });
  const sv = hotVm(s);
  s.run('vm.powerOn', { vmId: sv.vmId as never });
  s.advance(80_000);
  assert.equal(triggered(s, 'vmCpuUsage', sv.vmId)?.status, 'red');
  assert.equal(triggered(s, 'hostCpuUsage', sv.hostId), undefined, 'disabled by the scenario');
  assert.throws(() => hotLab({ alarms: [{ alarm: 'vmCpuUsage', warning: 99 }] }), /alarms\[0\]\.warning/);
});

test('alarm state is saved and loaded: a red, acknowledged alarm and edited definitions survive; tampered state is refused naming the field', () => {
  const h = hotLab();
  const { vmId } = hotVm(h);
  h.cmd('alarm.updateDefinition', { alarmKey: 'vmCpuUsage', durationS: 60 });
  h.run('vm.powerOn', { vmId: vmId as never });
  h.advance(100_000);
  h.cmd('alarm.acknowledge', { alarmKey: 'vmCpuUsage', entityId: vmId });
  const saved = h.engine.saveState();
  const before = h.q('alarm.triggered', {});

  const g = hotLab();
  assert.equal(g.engine.loadState(structuredClone(saved)), undefined);
  assert.deepEqual(g.q('alarm.triggered', {}), before);
  assert.equal(g.q('alarm.definitions', {}).find((x) => x.key === 'vmCpuUsage')?.metric?.durationS, 60);
  // Both go on identically.
  h.advance(60_000);
  g.advance(60_000);
  assert.deepEqual(g.q('alarm.triggered', {}), h.q('alarm.triggered', {}));

  type Alarms = { definitions: [string, Record<string, unknown>][]; watches: Record<string, unknown>[] };
  const al = (s: LabState) => s.services.alarms as Alarms;
  const TAMPERED: [string, (s: LabState) => void, RegExp][] = [
    ['an unknown definition', (s) => { al(s).definitions[0][0] = 'coffeeLevel'; }, /alarms\.definitions\[0\]\[0\]$/],
    ['warning above critical', (s) => { al(s).definitions[0][1].warning = 99; }, /alarms\.definitions\[0\]\[1\]\.(warning|critical)$/],
    ['an unknown status', (s) => { al(s).watches[0].status = 'purple'; }, /alarms\.watches\[0\]\.status$/],
    ['an object not in the lab', (s) => { al(s).watches[0].entityId = 'vm-999'; }, /alarms\.watches\[0\]\.entityId$/],
    ['a VM alarm on a host', (s) => { al(s).watches[0].entityId = s.registry.hosts[0].id; al(s).watches[0].key = 'vmCpuUsage'; }, /alarms\.watches\[0\]\.entityId$/],
    ['a NaN time', (s) => { al(s).watches[0].timeMs = NaN; }, /alarms\.watches\[0\]\.timeMs$/],
    ['an injected field', (s) => { al(s).watches[0].extra = 1; }, /alarms\.watches\[0\]\.extra$/],
  ];
  for (const [what, tamper, field] of TAMPERED) {
    const s = structuredClone(saved);
    tamper(s);
    const err = g.engine.loadState(s);
    assert.ok(err, `${what}: accepted`);
    assert.match(err.field ?? '', field, `${what}: field ${err.field} (${err.message})`);
  }
  const old = structuredClone(saved);
  delete (old.services as Record<string, unknown>).alarms;
  assert.equal(g.engine.loadState(old), undefined, 'a lab saved before alarms existed loads');
  assert.deepEqual(g.q('alarm.triggered', {}), []);
});
