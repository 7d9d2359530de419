// A workload's parameters are checked by the engine against the ranges its catalogue entry declares, not
// only by the forms: vm.create and vm.reconfigure refuse a value out of range with E_INVALID_ARGUMENT
// naming the parameter's field, changing nothing; a key the program does not declare (labos's own
// tick_us) is left alone; `mixed` declares wss_kib (its memwrite and tlbmiss read it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src-main/engine/index';
import { API_VERSION } from '../../../src-shared/api/channels';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';

function lab() {
  const catalogue = defaultGuestFactory().catalogue;
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, guestCatalog: catalogue }, { scenario: 'lab-small', seed: 1 });
  let id = 1;
  const call = (name: string, params: unknown) => engine.handle({ v: API_VERSION, id: id++, kind: 'command', name, params });
  const q = <T>(name: string, params: unknown): T => (engine.handle({ v: API_VERSION, id: id++, kind: 'query', name, params }) as { result: T }).result;
  return { catalogue, call, q };
}
function refusedAt(r: ReturnType<ReturnType<typeof lab>['call']>, field: string, message: RegExp): void {
  assert.equal(r.ok, false, `refused at ${field}`);
  if (!r.ok) {
    assert.equal(r.error.code, 'E_INVALID_ARGUMENT');
    assert.equal(r.error.field, field);
    assert.match(r.error.message, message);
  }
}

test('mixed declares wss_kib', () => {
  const mixed = lab().catalogue?.find((g) => g.name === 'mixed')!;
  assert.ok(mixed.params?.some((p) => p.key === 'wss_kib'));
});

test('vm.create refuses a parameter outside its program\'s declared range, naming it', () => {
  const { call } = lab();
  refusedAt(call('vm.create', { spec: { name: 'w1', vcpus: 1, memoryMiB: 64, workload: 'memwrite', workloadParams: { write_bytes: 9000 } } }),
    'params.spec.workloadParams.write_bytes', /memwrite: write_bytes must be between 4 and 4096/);
  refusedAt(call('vm.create', { spec: { name: 'w2', vcpus: 1, memoryMiB: 64, workload: 'memwrite', workloadParams: { content: 7 } } }),
    'params.spec.workloadParams.content', /content must be between 0 and 2/);
  assert.equal(call('vm.create', { spec: { name: 'w3', vcpus: 1, memoryMiB: 64, workload: 'memwrite', workloadParams: { write_bytes: 4096, tick_us: 10000 } } }).ok, true,
    'in range, and a key labos reads itself, pass');
  assert.equal(call('vm.create', { spec: { name: 'w4', vcpus: 1, memoryMiB: 64, workload: 'mixed', workloadParams: { wss_kib: 2048 } } }).ok, true);
});

test('vm.reconfigure refuses an out-of-range parameter, changing nothing, and takes one in range', () => {
  const { call, q } = lab();
  const vm = q<{ vms: { id: string; powerState: string; workload: string; workloadParams: Record<string, number> }[] }>('inventory.get', {})
    .vms.find((v) => v.powerState === 'poweredOff')!;
  refusedAt(call('vm.reconfigure', { vmId: vm.id, changes: { workload: 'memwrite', workloadParams: { write_bytes: 2 } } }),
    'params.changes.workloadParams.write_bytes', /write_bytes must be between 4 and 4096/);
  assert.deepEqual(q<{ workload: string }>('vm.get', { vmId: vm.id }).workload, vm.workload, 'nothing changed');
  assert.equal(call('vm.reconfigure', { vmId: vm.id, changes: { workload: 'memwrite', workloadParams: { content: 2 } } }).ok, true);
});
