// Users' alarm definitions (vSphere's CreateAlarm in the lab): a counter above thresholds or a runtime
// state, on every host or VM — evaluated like the built-in ones, refused with typed errors naming the
// field, renamed and re-thresholded, removed with their alarms, saved, loaded and checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from '../../helpers/labHarness';
import { hotLab as hotLabOf, hotVm, triggered } from './hotLab';
import type { LabState } from '../../../src-main/engine/index';

const hotLab = (): Harness => hotLabOf('custom-alarms-test', 'custom alarms');
const hotVmId = (h: Harness): string => hotVm(h).vmId;
const busy = { name: 'Busy VM', description: 'above 20 %', entityType: 'vm', counter: 'cpu.usage.average', warning: 10, critical: 20, durationS: 0 } as const;

test('a user\'s metric definition triggers on a busy VM like a built-in one and shows among the definitions', () => {
  const h = hotLab();
  const { alarmKey } = h.cmd('alarm.createDefinition', busy);
  assert.equal(alarmKey, 'custom-1');
  const d = h.q('alarm.definitions', {}).find((x) => x.key === alarmKey)!;
  assert.deepEqual({ ...d }, {
    key: 'custom-1', name: 'Busy VM', description: 'above 20 %', entityType: 'vm', condition: 'metric', definedIn: 'vCenter Server (the lab)', enabled: true,
    metric: { label: 'CPU usage', unit: '%', warning: 10, critical: 20, durationS: 0 }, custom: true, counter: 'cpu.usage.average',
  });
  const vmId = hotVmId(h);
  h.run('vm.powerOn', { vmId: vmId as never });
  h.advance(40_000);
  const a = triggered(h, alarmKey, vmId);
  assert.equal(a?.status, 'red');
  assert.equal(a?.alarmName, 'Busy VM');
  assert.equal(h.q('vm.get', { vmId: vmId as never }).alarmStatus, 'red');
  assert.ok(h.q('events.list', { limit: 100 }).some((e) => e.type === 'AlarmCreatedEvent' && e.message.includes("'Busy VM'")));

  // Renamed and re-thresholded; then removed with its alarms.
  h.cmd('alarm.updateDefinition', { alarmKey, name: 'Very busy VM', critical: 99.5, warning: 99 });
  assert.equal(h.q('alarm.definitions', {}).find((x) => x.key === alarmKey)?.name, 'Very busy VM');
  h.cmd('alarm.removeDefinition', { alarmKey });
  assert.equal(triggered(h, alarmKey, vmId), undefined);
  assert.equal(h.q('alarm.definitions', {}).some((x) => x.key === alarmKey), false);
  h.advance(40_000);
  assert.equal(triggered(h, alarmKey, vmId), undefined, 'removed: not evaluated');
  assert.equal(h.cmd('alarm.createDefinition', { ...busy, name: 'Again' }).alarmKey, 'custom-2', 'keys are not reused');
});

test('a user\'s state definition is red while the state holds (powered-off VMs), green when it clears', () => {
  const h = hotLab();
  const { alarmKey } = h.cmd('alarm.createDefinition', { name: 'VM off', entityType: 'vm', state: { path: 'runtime.powerState', operator: 'isEqual', red: 'poweredOff' } });
  const vmId = hotVmId(h);
  h.advance(1_000);
  assert.equal(triggered(h, alarmKey, vmId)?.status, 'red');
  assert.match(triggered(h, alarmKey, vmId)!.detail, /runtime\.powerState is poweredOff/);
  h.run('vm.powerOn', { vmId: vmId as never });
  h.advance(1_000);
  assert.equal(triggered(h, alarmKey, vmId), undefined);
  const hostAlarm = h.cmd('alarm.createDefinition', { name: 'Host up', entityType: 'host', state: { path: 'runtime.connectionState', operator: 'isUnequal', yellow: 'connected' } });
  const hostId = h.q('inventory.get', {}).hosts[1].id;
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: hostId });
  h.advance(1_000);
  assert.equal(triggered(h, hostAlarm.alarmKey, hostId)?.status, 'yellow');
});

test('definitions the lab cannot evaluate are refused naming the field; built-in ones keep their names and cannot be removed', () => {
  const h = hotLab();
  h.cmd('alarm.createDefinition', busy);
  const bad = [
    ['alarm.createDefinition', { ...busy }, 'E_DUPLICATE_NAME', 'params.name'],
    ['alarm.createDefinition', { ...busy, name: 'host cpu usage' }, 'E_DUPLICATE_NAME', 'params.name'],
    ['alarm.createDefinition', { ...busy, name: 'x', warning: 30 }, 'E_INVALID_ARGUMENT', 'params.warning'],
    ['alarm.createDefinition', { ...busy, name: 'x', critical: undefined }, 'E_INVALID_ARGUMENT', 'params.critical'],
    ['alarm.createDefinition', { name: 'x', entityType: 'vm' }, 'E_INVALID_ARGUMENT', 'params.counter'],
    ['alarm.createDefinition', { ...busy, name: 'x', state: { path: 'runtime.powerState', operator: 'isEqual', red: 'poweredOff' } }, 'E_INVALID_ARGUMENT', 'params.state'],
    ['alarm.createDefinition', { name: 'x', entityType: 'vm', state: { path: 'runtime.powerState', operator: 'isEqual', red: 'standBy' } }, 'E_INVALID_ARGUMENT', 'params.state.red'],
    ['alarm.createDefinition', { name: 'x', entityType: 'vm', state: { path: 'runtime.connectionState', operator: 'isEqual', red: 'connected' } }, 'E_INVALID_ARGUMENT', 'params.state.path'],
    ['alarm.createDefinition', { name: 'x', entityType: 'vm', state: { path: 'runtime.powerState', operator: 'isEqual', red: 'poweredOff' }, durationS: 5 }, 'E_INVALID_ARGUMENT', 'params.durationS'],
    ['alarm.updateDefinition', { alarmKey: 'custom-1', name: 'Host CPU usage' }, 'E_DUPLICATE_NAME', 'params.name'],
    ['alarm.updateDefinition', { alarmKey: 'hostCpuUsage', name: 'Mine' }, 'E_INVALID_ARGUMENT', 'params.name'],
    ['alarm.updateDefinition', { alarmKey: 'custom-9', enabled: false }, 'E_NOT_FOUND', 'params.alarmKey'],
    ['alarm.removeDefinition', { alarmKey: 'hostCpuUsage' }, 'E_INVALID_STATE', 'params.alarmKey'],
    ['alarm.removeDefinition', { alarmKey: 'custom-9' }, 'E_NOT_FOUND', 'params.alarmKey'],
    ['alarm.removeDefinition', { alarmKey: 'custom-0' }, 'E_INVALID_ARGUMENT', 'params.alarmKey'],
  ] as const;
  const before = h.q('alarm.definitions', {});
  for (const [cmd, params, code, field] of bad) {
    const r = h.tryCmd(cmd, params as never);
    assert.ok(!r.ok, JSON.stringify(params));
    assert.equal(r.error.code, code, `${cmd} ${JSON.stringify(params)}: ${r.error.message}`);
    assert.equal(r.error.field, field, `${cmd} ${JSON.stringify(params)}: ${r.error.message}`);
  }
  assert.deepEqual(h.q('alarm.definitions', {}), before, 'refusals change nothing');
});

test('users\' definitions are saved and loaded with their alarms; tampered ones are refused naming the field', () => {
  const h = hotLab();
  const { alarmKey } = h.cmd('alarm.createDefinition', busy);
  h.cmd('alarm.createDefinition', { name: 'VM off', entityType: 'vm', state: { path: 'runtime.powerState', operator: 'isEqual', red: 'poweredOff' } });
  const vmId = hotVmId(h);
  h.run('vm.powerOn', { vmId: vmId as never });
  h.advance(40_000);
  const saved = h.engine.saveState();
  const g = hotLab();
  assert.equal(g.engine.loadState(structuredClone(saved)), undefined);
  assert.deepEqual(g.q('alarm.definitions', {}), h.q('alarm.definitions', {}));
  assert.deepEqual(g.q('alarm.triggered', {}), h.q('alarm.triggered', {}));
  h.advance(40_000);
  g.advance(40_000);
  assert.deepEqual(g.q('alarm.triggered', {}), h.q('alarm.triggered', {}));
  assert.equal(g.cmd('alarm.createDefinition', { ...busy, name: 'Third' }).alarmKey, 'custom-3');
  assert.equal(triggered(g, alarmKey, vmId)?.status, 'red');

  type Alarms = { definitions: [string, Record<string, unknown>][]; custom: Record<string, unknown>[]; nextCustomId: number; watches: Record<string, unknown>[] };
  const al = (s: LabState) => s.services.alarms as Alarms;
  const TAMPERED: [string, (s: LabState) => void, RegExp][] = [
    ['a key not below nextCustomId', (s) => { al(s).nextCustomId = 2; }, /alarms\.custom\[1\]\.key$/],
    ['a duplicate name', (s) => { al(s).custom[1].name = 'busy vm'; }, /alarms\.custom\[1\]\.name$/],
    ['a state a VM has not', (s) => { al(s).custom[1].state = { path: 'runtime.connectionState', operator: 'isEqual', red: 'connected' }; }, /alarms\.custom\[1\]\.state\.path$/],
    ['no settings', (s) => { al(s).definitions = al(s).definitions.filter(([k]) => k !== 'custom-1'); }, /alarms\.definitions$/],
    ['a watch of no definition', (s) => { al(s).custom.splice(0, 1); }, /alarms\.definitions\[\d+\]\[0\]$/],
    ['both a counter and a state', (s) => { al(s).custom[0].state = { path: 'runtime.powerState', operator: 'isEqual', red: 'poweredOff' }; }, /alarms\.custom\[0\]\.counter$/],
  ];
  for (const [what, tamper, field] of TAMPERED) {
    const s = structuredClone(saved);
    tamper(s);
    const err = g.engine.loadState(s);
    assert.ok(err, `${what}: accepted`);
    assert.match(err.field ?? '', field, `${what}: field ${err.field} (${err.message})`);
  }
});
