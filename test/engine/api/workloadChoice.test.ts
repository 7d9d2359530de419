// A workload is a guest program of the catalogue: Edit Settings and New VM refuse an unknown name at the
// request (E_INVALID_ARGUMENT naming the field), changing nothing — not a completed reconfigure followed
// by a failing power-on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src-main/engine/index';
import { API_VERSION } from '../../../src-shared/api/channels';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';

test('vm.reconfigure and vm.create refuse a workload the guest catalogue does not have', () => {
  const engine = createEngine({
    scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, guestCatalog: defaultGuestFactory().catalogue,
  }, { scenario: 'lab-small', seed: 1 });
  let id = 1;
  const call = (name: string, params: unknown) => engine.handle({ v: API_VERSION, id: id++, kind: 'command', name, params });
  const vm = (engine.handle({ v: API_VERSION, id: 0, kind: 'query', name: 'inventory.get', params: {} }) as { result: { vms: { id: string; powerState: string; workload: string }[] } })
    .result.vms.find((v) => v.powerState === 'poweredOff')!;

  const bad = call('vm.reconfigure', { vmId: vm.id, changes: { workload: 'nosuchprogram' } });
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.equal(bad.error.code, 'E_INVALID_ARGUMENT');
    assert.equal(bad.error.field, 'params.changes.workload');
    assert.match(bad.error.message, /no guest program named "nosuchprogram" \(available: .*\bhello\b.*\bidle\b/);
  }
  const after = engine.handle({ v: API_VERSION, id: id++, kind: 'query', name: 'vm.get', params: { vmId: vm.id } }) as { result: { workload: string } };
  assert.equal(after.result.workload, vm.workload, 'nothing changed');
  assert.equal(call('vm.reconfigure', { vmId: vm.id, changes: { workload: 'hello' } }).ok, true);

  const create = call('vm.create', { spec: { name: 'new-vm', vcpus: 1, memoryMiB: 64, workload: 'nosuchprogram' } });
  assert.equal(create.ok, false);
  if (!create.ok) assert.equal(create.error.field, 'params.spec.workload');
});
