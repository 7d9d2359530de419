// metrics.query decides whether an entity exists by its id, never by its name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName } from '../../helpers/labHarness';
import { API_VERSION } from '../../../src-shared/api/channels';

test('a VM renamed to an id-like name (its own id) still answers metrics.query', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  h.run('vm.powerOn', { vmId: vm.id });
  h.advance(40_000);
  h.cmd('vm.rename', { vmId: vm.id, name: vm.id });
  assert.equal(h.q('vm.get', { vmId: vm.id }).name, vm.id);
  const series = h.q('metrics.query', { entityId: vm.id, counters: ['cpu.usage.average'], interval: 'realtime' });
  assert.equal(series.entityId, vm.id);
  assert.ok(series.timestampsMs.length >= 2, `${series.timestampsMs.length} samples`);
});

test('metrics.query of an id the lab does not have is E_NOT_FOUND, even when a VM bears that name', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  h.cmd('vm.rename', { vmId: vm.id, name: 'vm-999' });
  const r = h.engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'metrics.query', params: { entityId: 'vm-999', counters: ['cpu.usage.average'], interval: 'realtime' } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual([r.error.code, r.error.field], ['E_NOT_FOUND', 'params.entityId']);
});
