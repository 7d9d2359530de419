// Convert to Template / Convert to Virtual Machine (vSphere's MarkAsTemplate / MarkAsVirtualMachine):
// the flag flips on the same VM, refusals change nothing and name the field, a template cannot be
// powered on, and the flag survives a save and a load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, hostByName, vmByName } from '../../helpers/labHarness';
import { createEngine } from '../../../src-main/engine/index';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { API_VERSION } from '../../../src-shared/api/channels';
import { LAB_USER } from '../../../src-shared/model/task';

function refused(r: { ok: boolean; error?: { code: string; field?: string } }, code: string, field: string): void {
  assert.equal(r.ok, false, 'should be refused');
  assert.equal(r.error?.code, code);
  assert.equal(r.error?.field, field);
}

function poweredOff(h: ReturnType<typeof harness>, name: string) {
  const vm = vmByName(h, name);
  if (vm.powerState !== 'poweredOff') h.run('vm.powerOff', { vmId: vm.id });
  return vm;
}

test('a powered-off VM converts to a template and back; a template cannot be powered on', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  h.run('vm.powerOn', { vmId: vm.id });
  refused(h.tryCmd('vm.markAsTemplate', { vmId: vm.id }), 'E_INVALID_STATE', 'params.vmId');
  assert.equal(h.q('vm.get', { vmId: vm.id }).isTemplate, false, 'a refusal changes nothing');
  h.run('vm.powerOff', { vmId: vm.id });

  h.cmd('vm.markAsTemplate', { vmId: vm.id });
  const t = h.q('vm.get', { vmId: vm.id });
  assert.equal(t.isTemplate, true);
  assert.equal(t.hostId, vm.hostId, 'it keeps its host');
  assert.ok(h.q('events.list', { entityId: vm.id }).some((e) => e.type === 'VmMarkedAsTemplateEvent'));
  refused(h.tryCmd('vm.markAsTemplate', { vmId: vm.id }), 'E_INVALID_STATE', 'params.vmId');
  refused(h.tryCmd('vm.powerOn', { vmId: vm.id }), 'E_INVALID_STATE', 'params.vmId');

  const other = hostByName(h, 'DC0_C0_H1');
  h.cmd('vm.markAsVirtualMachine', { vmId: vm.id, hostId: other.id });
  const back = h.q('vm.get', { vmId: vm.id });
  assert.deepEqual([back.isTemplate, back.hostId, back.powerState], [false, other.id, 'poweredOff']);
  assert.ok(h.q('host.get', { hostId: other.id }).vmIds.includes(vm.id));
  refused(h.tryCmd('vm.markAsVirtualMachine', { vmId: vm.id }), 'E_INVALID_STATE', 'params.vmId');
  h.run('vm.powerOn', { vmId: vm.id });
});

test('Convert to Virtual Machine refuses an unknown host or one in maintenance mode, changing nothing', () => {
  const h = harness('lab-small');
  const vm = poweredOff(h, 'DC0_C0_H0_VM1');
  h.cmd('vm.markAsTemplate', { vmId: vm.id });
  refused(h.tryCmd('vm.markAsVirtualMachine', { vmId: vm.id, hostId: 'host-99' }), 'E_NOT_FOUND', 'params.hostId');
  const h1 = hostByName(h, 'DC0_C0_H1');
  for (const v of h.q('host.get', { hostId: h1.id }).vmIds) if (h.q('vm.get', { vmId: v }).powerState !== 'poweredOff') h.run('vm.powerOff', { vmId: v });
  h.run('host.enterMaintenance', { hostId: h1.id });
  refused(h.tryCmd('vm.markAsVirtualMachine', { vmId: vm.id, hostId: h1.id }), 'E_INVALID_STATE', 'params.hostId');
  assert.equal(h.q('vm.get', { vmId: vm.id }).isTemplate, true);
  refused(h.tryCmd('vm.markAsTemplate', { vmId: 'vm-999' }), 'E_NOT_FOUND', 'params.vmId');
});

test('a converted template is saved and loaded as a template', () => {
  const h = harness('lab-small');
  const vm = poweredOff(h, 'DC0_C0_H0_VM2');
  h.cmd('vm.markAsTemplate', { vmId: vm.id });
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 1 });
  assert.equal(engine.loadState(structuredClone(h.engine.saveState())), undefined);
  const r = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'vm.get', params: { vmId: vm.id } });
  assert.ok(r.ok);
  assert.equal((r.result as { isTemplate: boolean }).isTemplate, true);
});

test('each conversion leaves a completed Recent Tasks row on the VM (name, initiator, time); a refusal leaves none', () => {
  const h = harness('lab-small');
  const vm = poweredOff(h, 'DC0_C0_H0_VM0');
  const rowsOf = (op: string) => h.q('tasks.list', { entityId: vm.id }).filter((t) => t.operation === op);
  h.advance(1500);
  const at = h.now();
  h.cmd('vm.markAsTemplate', { vmId: vm.id });
  const [mark] = rowsOf('vm.markAsTemplate');
  assert.ok(mark, 'a Mark as template row');
  assert.deepEqual(
    [mark.name, mark.state, mark.progress, mark.targetName, mark.initiator, mark.queuedAtMs, mark.startedAtMs, mark.completedAtMs, mark.cancellable],
    ['Mark as template', 'success', 100, vm.name, LAB_USER, at, at, at, false],
  );
  assert.ok(h.events.some((e) => e.type === 'task.updated' && e.task.id === mark.id && e.task.state === 'success'), 'announced like every task');
  refused(h.tryCmd('vm.markAsTemplate', { vmId: vm.id }), 'E_INVALID_STATE', 'params.vmId');
  assert.equal(rowsOf('vm.markAsTemplate').length, 1, 'the refusal left no row');

  h.cmd('vm.markAsVirtualMachine', { vmId: vm.id });
  const [back] = rowsOf('vm.markAsVirtualMachine');
  assert.deepEqual([back.name, back.state, back.initiator, back.completedAtMs], ['Mark as virtual machine', 'success', LAB_USER, at]);

  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 1 });
  assert.equal(engine.loadState(structuredClone(h.engine.saveState())), undefined);
  const r = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'task.get', params: { taskId: mark.id } });
  assert.ok(r.ok, 'the row is saved with the lab');
  assert.equal((r.result as { name: string }).name, 'Mark as template');
});
