// Alarms through vim25: pyvmomi reads a host's and a VM's `triggeredAlarmState` (AlarmState: alarm,
// entity, status, time, acknowledgement) and `overallStatus` as the lab's alarms have them — a crashed
// host's connection alarm, a VM's CPU usage alarm — and sees an acknowledgement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TriggeredAlarmDto } from '../../src-shared/model/alarms';
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
