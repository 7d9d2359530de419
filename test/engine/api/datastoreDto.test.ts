// What the Storage view reads of a datastore comes from the engine's state: its type, capacity, the
// space provisioned to the VMs on it (their thick disks and snapshot deltas) and what is free; a new
// VM's disk moves Provisioned and Free by its size, announced on the change feed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../../src-shared/api/events';
import { harness, hostByName } from '../../helpers/labHarness';

const GiB = 1024 ** 3;

test('a datastore reports its type, and provisioned = its VMs\' disks; free = capacity − provisioned', () => {
  const h = harness('lab-small');
  const inv = h.q('inventory.get', {});
  assert.ok(inv.datastores.length >= 1);
  for (const ds of inv.datastores) {
    const disks = inv.vms.flatMap((v) => v.disks).filter((d) => d.datastoreId === ds.id).reduce((a, d) => a + d.capacityBytes, 0);
    assert.equal(ds.type, 'VMFS');
    assert.equal(ds.provisionedBytes, disks, 'no snapshots yet: the disks alone');
    assert.equal(ds.freeBytes, ds.capacityBytes - ds.provisionedBytes);
  }
});

test('a new VM\'s disk raises Provisioned and lowers Free by its size, on the change feed', () => {
  const h = harness('lab-small');
  const host = hostByName(h, 'DC0_C0_H1');
  const dsId = host.datastoreIds[0];
  const before = h.q('inventory.get', {}).datastores.find((d) => d.id === dsId)!;
  h.events.length = 0;
  h.run('vm.create', { spec: { name: 'storage-view-vm', hostId: host.id, vcpus: 1, memoryMiB: 256, diskGiB: 7 } });
  const after = h.q('inventory.get', {}).datastores.find((d) => d.id === dsId)!;
  assert.equal(after.provisionedBytes - before.provisionedBytes, 7 * GiB);
  assert.equal(before.freeBytes - after.freeBytes, 7 * GiB);
  const paths = h.events
    .filter((e): e is Extract<EngineEvent, { type: 'inventory.changed' }> => e.type === 'inventory.changed')
    .flatMap((e) => e.updates).filter((u) => u.id === dsId && u.op === 'modify')
    .flatMap((u) => (u.op === 'modify' ? u.changes.map((c) => c.path) : []));
  assert.ok(paths.includes('provisionedBytes') && paths.includes('freeBytes'), `announced: ${paths.join(', ')}`);
});
