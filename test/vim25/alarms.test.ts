// Alarms through vim25: pyvmomi reads a host's and a VM's `triggeredAlarmState` (AlarmState: alarm,
// entity, status, time, acknowledgement) and `overallStatus` as the lab's alarms have them — a crashed
// host's connection alarm, a VM's CPU usage alarm — and sees an acknowledgement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AlarmDefinitionDto, TriggeredAlarmDto } from '../../src-shared/model/alarms';
import type { LabPeer } from './helpers/peers';
import { ROOT, pyvmomiAvailable, runPython, startLab } from './helpers/peers';

const HAVE_PYVMOMI = pyvmomiAvailable();
let lab: LabPeer | undefined;

before(async () => {
  if (!HAVE_PYVMOMI) return;
  lab = await startLab({ paused: true });
});
after(async () => { await lab?.close(); });

type Entity = { name: string; overallStatus: string; alarmActionsEnabled: boolean; triggered: { alarm: string; entity: string; overallStatus: string; acknowledged: boolean; acknowledgedByUser: string | null; time: string }[] };

async function read(): Promise<Record<string, Entity>> {
  const r = await runPython(join(ROOT, 'test', 'vim25', 'scripts', 'alarm_state.py'), ['127.0.0.1', 'root', lab!.endpoint.password!, '--port', String(lab!.endpoint.port), '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, Entity>;
}

async function stepUntil(what: () => Promise<boolean>): Promise<void> {
  await lab!.link.request('sim.setSpeed', { speed: 'max' });
  for (let i = 0; i < 600; i++) {
    if (await what()) return;
    // A step runs in slices on the engine worker; ask for the next one once it is over.
    await lab!.link.request('sim.step', { seconds: 5 }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the lab never got there: ${JSON.stringify(await lab!.link.request('sim.status', {}))} ${JSON.stringify(await lab!.link.request('alarm.triggered', {}))} ${JSON.stringify(await lab!.link.request('tasks.list', {limit: 3}))}`);
}

test('triggeredAlarmState and overallStatus follow the lab\'s alarms; an acknowledgement shows', { skip: !HAVE_PYVMOMI && 'pyvmomi (python3-pyvmomi) is not installed' }, async () => {
  const link = lab!.link;
  const before = await read();
  assert.equal(before['host-2'].overallStatus, 'green');
  assert.deepEqual(before['host-2'].triggered, []);
  assert.equal(before['host-2'].alarmActionsEnabled, true);

  // A VM at 100 % CPU with its alarm's duration set to 0; a host that lost power.
  await link.request('alarm.updateDefinition', { alarmKey: 'vmCpuUsage', durationS: 0 });
  await link.request('vm.powerOn', { vmId: 'vm-1' });
  await link.request('fault.inject', { kind: 'hostCrash', targetId: 'host-2' });
  const triggered = () => link.request<TriggeredAlarmDto[]>('alarm.triggered', {});
  await stepUntil(async () => (await triggered()).some((a) => a.entityId === 'vm-1' && a.alarmKey === 'vmCpuUsage'));

  const seen = await read();
  const host = seen['host-2'];
  assert.equal(host.overallStatus, 'red');
  const conn = host.triggered.find((a) => a.alarm === 'alarm-hostConnectionPowerState');
  assert.ok(conn, JSON.stringify(host.triggered));
  assert.equal(conn.entity, 'host-2');
  assert.equal(conn.overallStatus, 'red');
  assert.equal(conn.acknowledged, false);
  const vm = seen['vm-1'];
  assert.equal(vm.overallStatus, 'red', 'red from its alarm alone (the guest runs)');
  assert.deepEqual(vm.triggered.map((a) => [a.alarm, a.overallStatus]), [['alarm-vmCpuUsage', 'red']]);

  await link.request('alarm.acknowledge', { alarmKey: 'hostConnectionPowerState', entityId: 'host-2' });
  const acked = (await read())['host-2'].triggered.find((a) => a.alarm === 'alarm-hostConnectionPowerState')!;
  assert.equal(acked.acknowledged, true);
  assert.equal(acked.acknowledgedByUser, 'lab-user');
});

test('the AlarmManager serves the Alarm behind an AlarmState: its info, its expression with the lab\'s thresholds, and AcknowledgeAlarm', { skip: !HAVE_PYVMOMI && 'pyvmomi (python3-pyvmomi) is not installed' }, async () => {
  const link = lab!.link;
  // A VM alarm in red (the test before leaves one; this test makes sure of it on its own).
  await link.request('alarm.updateDefinition', { alarmKey: 'vmCpuUsage', durationS: 0 });
  await link.request('vm.powerOn', { vmId: 'vm-1' }).catch(() => undefined);
  const triggered = () => link.request<TriggeredAlarmDto[]>('alarm.triggered', {});
  await stepUntil(async () => (await triggered()).some((a) => a.entityId === 'vm-1' && a.alarmKey === 'vmCpuUsage'));

  const r = await runPython(join(ROOT, 'test', 'vim25', 'scripts', 'alarm_info.py'),
    ['127.0.0.1', 'root', lab!.endpoint.password!, '--port', String(lab!.endpoint.port), '--json', '--entity', 'vm-1', '--acknowledge', 'vm-1', 'alarm-vmCpuUsage']);
  assert.equal(r.code, 0, r.stderr);
  type Expr = { type: string; counterId?: number; instance?: string; operator?: string; objectType?: string; counter?: string; yellow?: number; red?: number | string; yellowInterval?: number; redInterval?: number; statePath?: string; expression?: Expr[] };
  const out = JSON.parse(r.stdout) as {
    alarms: Record<string, { name: string; enabled: boolean; key: string; alarm: string; entity: string; description: string; expression: Expr }>;
    onVm: string[]; states: { alarm: string; alarmName: string; overallStatus: string; acknowledged: boolean; acknowledgedByUser: string | null }[]; triggered: string[];
  };
  const defs = await link.request<AlarmDefinitionDto[]>('alarm.definitions', {});
  assert.deepEqual(Object.keys(out.alarms).sort(), defs.map((d) => `alarm-${d.key}`).sort(), 'GetAlarm on the root folder: every definition');
  assert.deepEqual(out.onVm, [], 'the definitions are defined on the vCenter Server (the root folder), not on a VM');
  for (const d of defs) {
    const a = out.alarms[`alarm-${d.key}`];
    assert.equal(a.name, d.name);
    assert.equal(a.enabled, d.enabled);
    assert.equal(a.alarm, `alarm-${d.key}`);
    assert.equal(a.entity, 'group-d1');
    if (d.metric && d.key !== 'datastoreUsage' && d.key !== 'vmCpuReady') {
      // Percent thresholds in hundredths, as vSphere's MetricAlarmExpression has them; the duration as the intervals.
      assert.deepEqual(a.expression, {
        type: 'MetricAlarmExpression', operator: 'isAbove', objectType: d.entityType === 'vm' ? 'VirtualMachine' : 'HostSystem',
        counterId: a.expression.counterId, instance: '', counter: `${d.key.endsWith('CpuUsage') ? 'cpu' : 'mem'}.usage.average`,
        yellow: d.metric.warning * 100, yellowInterval: d.metric.durationS, red: d.metric.critical * 100, redInterval: d.metric.durationS,
      }, d.key);
    }
  }
  assert.equal(out.alarms['alarm-vmCpuUsage'].expression.yellowInterval, 0, 'the edited duration shows');
  assert.equal(out.alarms['alarm-hostCpuUsage'].expression.yellowInterval, 300);
  assert.equal(out.alarms['alarm-vmCpuReady'].expression.counter, 'cpu.ready.summation');
  assert.equal(out.alarms['alarm-vmCpuReady'].expression.yellow, 1000, '5 % of a 20 s sample for one vCPU, in ms');
  const conn = out.alarms['alarm-hostConnectionPowerState'].expression;
  assert.equal(conn.type, 'AndAlarmExpression');
  assert.deepEqual(conn.expression!.map((e) => [e.type, e.operator, e.objectType, e.statePath, e.red]), [
    ['StateAlarmExpression', 'isEqual', 'HostSystem', 'runtime.connectionState', 'notResponding'],
    ['StateAlarmExpression', 'isUnequal', 'HostSystem', 'runtime.powerState', 'standBy'],
  ]);

  // GetAlarmState and triggeredAlarmState name the same Alarm, readable further; AcknowledgeAlarm is the lab's, by the API user.
  const state = out.states.find((s) => s.alarm === 'alarm-vmCpuUsage');
  assert.deepEqual(state, { alarm: 'alarm-vmCpuUsage', alarmName: 'Virtual machine CPU usage', overallStatus: 'red', acknowledged: true, acknowledgedByUser: 'root' });
  assert.ok(out.triggered.includes('Virtual machine CPU usage'));
  const inLab = (await triggered()).find((a) => a.entityId === 'vm-1' && a.alarmKey === 'vmCpuUsage');
  assert.equal(inLab?.acknowledgedBy, 'root');
});

test('CreateAlarm, ReconfigureAlarm and RemoveAlarm: a user\'s alarm is the lab\'s definition, triggers on a busy VM, and specs the lab cannot model are refused with vSphere\'s faults', { skip: !HAVE_PYVMOMI && 'pyvmomi (python3-pyvmomi) is not installed' }, async () => {
  const link = lab!.link;
  const define = async <T>(args: string[]): Promise<T> => {
    const r = await runPython(join(ROOT, 'test', 'vim25', 'scripts', 'alarm_define.py'),
      ['127.0.0.1', 'root', lab!.endpoint.password!, '--port', String(lab!.endpoint.port), '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const definitions = () => link.request<AlarmDefinitionDto[]>('alarm.definitions', {});
  const triggered = () => link.request<TriggeredAlarmDto[]>('alarm.triggered', {});
  const countBefore = (await definitions()).length;

  // Created through pyvmomi: the same definition the client lists (thresholds 5 % / 10 %, no duration).
  const created = await define<{ alarm: string; listed: boolean }>(['--create', 'Busy VM (API)', 'cpu.usage.average', '500', '1000']);
  assert.match(created.alarm, /^alarm-custom-[1-9]\d*$/);
  assert.equal(created.listed, true, 'GetAlarm on the root folder lists it');
  const key = created.alarm.slice('alarm-'.length);
  const def = (await definitions()).find((d) => d.key === key);
  assert.deepEqual(def && { name: def.name, description: def.description, entityType: def.entityType, custom: def.custom, counter: def.counter, metric: def.metric }, {
    name: 'Busy VM (API)', description: 'made by a test', entityType: 'vm', custom: true, counter: 'cpu.usage.average',
    metric: { label: 'CPU usage', unit: '%', warning: 5, critical: 10, durationS: 0 },
  });
  assert.ok((await link.request<{ type: string; message: string; user?: string }[]>('events.list', { limit: 50 })).some((e) => e.type === 'AlarmCreatedEvent' && e.message.includes("'Busy VM (API)'") && e.message.endsWith('by root')));

  // Triggered by a busy VM; read back as the VM's triggeredAlarmState and the Alarm's info.
  await link.request('vm.powerOn', { vmId: 'vm-1' }).catch(() => undefined);
  await stepUntil(async () => (await triggered()).some((a) => a.entityId === 'vm-1' && a.alarmKey === key && a.status === 'red'));
  type Read = { name: string; description: string; enabled: boolean; entity: string; expressionType: string; counterId?: number; yellow?: number; red?: number | string; yellowInterval?: number; statePath?: string; triggered: { alarm: string; overallStatus: string }[]; overallStatus: string };
  const read = await define<Read>(['--read', created.alarm, 'vm-1']);
  assert.equal(read.name, 'Busy VM (API)');
  assert.equal(read.entity, 'group-d1');
  assert.deepEqual([read.expressionType, read.yellow, read.red, read.yellowInterval], ['MetricAlarmExpression', 500, 1000, 0]);
  assert.deepEqual(read.triggered.find((t) => t.alarm === created.alarm), { alarm: created.alarm, overallStatus: 'red' });
  assert.equal(read.overallStatus, 'red');

  // Reconfigured: a new name, thresholds the VM's usage stays under (99 % / 99.5 %).
  const re = await define<{ name: string; yellow: number; red: number }>(['--reconfigure', created.alarm, 'Busy VM renamed', '9900', '9950']);
  assert.deepEqual(re, { name: 'Busy VM renamed', yellow: 9900, red: 9950 });
  const after = (await definitions()).find((d) => d.key === key)!;
  assert.deepEqual([after.name, after.description, after.metric?.warning, after.metric?.critical], ['Busy VM renamed', 'reconfigured', 99, 99.5]);

  // Removed: gone from the definitions and from the VM's triggered alarms.
  const rm = await define<{ listed: boolean }>(['--remove', created.alarm]);
  assert.equal(rm.listed, false);
  assert.equal((await definitions()).some((d) => d.key === key), false);
  assert.equal((await triggered()).some((a) => a.alarmKey === key), false);

  // A state alarm: red on the powered-off VMs, then removed.
  const state = await define<{ alarm: string }>(['--state', 'VM powered off (API)', 'poweredOff']);
  const stateKey = state.alarm.slice('alarm-'.length);
  assert.deepEqual((await definitions()).find((d) => d.key === stateKey)?.state, { path: 'runtime.powerState', operator: 'isEqual', red: 'poweredOff' });
  await stepUntil(async () => (await triggered()).some((a) => a.alarmKey === stateKey));
  const off = (await triggered()).find((a) => a.alarmKey === stateKey)!;
  const offRead = await define<Read>(['--read', state.alarm, off.entityId]);
  assert.deepEqual([offRead.expressionType, offRead.statePath, offRead.red], ['StateAlarmExpression', 'runtime.powerState', 'poweredOff']);
  assert.deepEqual(offRead.triggered.find((t) => t.alarm === state.alarm), { alarm: state.alarm, overallStatus: 'red' });
  await define(['--remove', state.alarm]);

  // A built-in state alarm read back and sent again with enabled flipped: disabled, then enabled again.
  assert.deepEqual(await define(['--toggle', 'alarm-hostConnectionPowerState']), { enabled: false });
  assert.equal((await definitions()).find((d) => d.key === 'hostConnectionPowerState')?.enabled, false);
  assert.deepEqual(await define(['--toggle', 'alarm-hostConnectionPowerState']), { enabled: true });

  // What the lab cannot model: vSphere's faults, nothing created.
  type Fault = { type: string; message: string; invalidProperty: string | null } | null;
  const refusals = await define<Record<string, Fault> & { count: number }>(['--refusals']);
  assert.equal(refusals.duplicate?.type, 'DuplicateName');
  assert.equal(refusals.isBelow?.type, 'NotSupported');
  assert.match(refusals.isBelow!.message, /spec\.expression\.expression\.operator/);
  assert.equal(refusals.action?.type, 'NotSupported');
  assert.match(refusals.action!.message, /spec\.action/);
  assert.deepEqual([refusals.crossed?.type, refusals.crossed?.invalidProperty], ['InvalidArgument', 'spec.expression.expression.yellow']);
  assert.equal(refusals.otherCounter?.type, 'NotSupported');
  assert.match(refusals.otherCounter!.message, /cpu\.ready\.summation/);
  assert.match(refusals.reporting!.message, /spec\.setting\.reportingFrequency/);
  assert.deepEqual([refusals.badState?.type, refusals.badState?.invalidProperty], ['InvalidArgument', 'spec.expression.red']);
  assert.equal(refusals.onHost?.type, 'NotSupported');
  assert.equal(refusals.removeBuiltin?.type, 'NotSupported');
  assert.equal(refusals.count, countBefore, 'nothing was created');
  assert.equal((await definitions()).length, countBefore);
});
