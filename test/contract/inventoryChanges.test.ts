// The change feed's shared model: diffing, coalescing, applying, and the bounded history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntityUpdate } from '../../src-shared/model/inventoryChanges';
import { ChangeHistory, applyUpdates, coalesceUpdates, diffEntity } from '../../src-shared/model/inventoryChanges';
import type { InventoryDto } from '../../src-shared/model/inventory';

const dc = { id: 'datacenter-1' as const, name: 'DC' };
const inv = (): InventoryDto => ({
  version: 1, datacenters: [dc], clusters: [], hosts: [], vms: [], datastores: [],
  networks: [{ id: 'network-1', name: 'VM Network', datacenterId: 'datacenter-1', hostIds: ['host-1'] }],
});

test('diffEntity: changed top-level properties with their new values; absent ones removed; nested values whole', () => {
  const before = { id: 'vm-1', name: 'a', hostId: 'host-1', disks: [{ label: 'd', capacityBytes: 1 }], params: { x: 1 } };
  const after = { id: 'vm-1', name: 'b', disks: [{ label: 'd', capacityBytes: 2 }], params: { x: 1 } };
  assert.deepEqual(diffEntity(before, after), [
    { path: 'name', value: 'b' }, { path: 'disks', value: [{ label: 'd', capacityBytes: 2 }] }, { path: 'hostId', removed: true },
  ]);
  assert.deepEqual(diffEntity(after, { ...after }), []);
});

test('coalesce keeps one update per entity with the same final effect', () => {
  const net = { id: 'network-2' as const, name: 'n', datacenterId: 'datacenter-1' as const, hostIds: [] };
  const updates: EntityUpdate[] = [
    { op: 'modify', id: 'datacenter-1', changes: [{ path: 'name', value: 'x' }] },
    { op: 'enter', id: 'network-2', object: net },
    { op: 'modify', id: 'datacenter-1', changes: [{ path: 'name', value: 'y' }] },
    { op: 'modify', id: 'network-2', changes: [{ path: 'name', value: 'm' }] },
    { op: 'enter', id: 'network-3', object: { ...net, id: 'network-3' } },
    { op: 'leave', id: 'network-3' },
  ];
  const c = coalesceUpdates(updates);
  assert.deepEqual(c, [
    { op: 'modify', id: 'datacenter-1', changes: [{ path: 'name', value: 'y' }] },
    { op: 'enter', id: 'network-2', object: { ...net, name: 'm' } },
    { op: 'leave', id: 'network-3' },
  ]);
  // Same result applied step by step or coalesced, and applying twice changes nothing (idempotent).
  const stepwise = applyUpdates(inv(), updates, 7);
  assert.deepEqual(applyUpdates(inv(), c, 7), stepwise);
  assert.deepEqual(applyUpdates(stepwise, c, 7), stepwise);
  assert.deepEqual(stepwise.networks.map((n) => n.id), ['network-1', 'network-2']);
  assert.equal(stepwise.datacenters[0].name, 'y');
});

test('the history answers since(v) while it reaches back, and resync beyond its bound or for unknown versions', () => {
  const h = new ChangeHistory(10, 3);
  const mod = (name: string): EntityUpdate[] => [{ op: 'modify', id: 'datacenter-1', changes: [{ path: 'name', value: name }] }];
  h.record(11, mod('a'));
  h.record(12, mod('b'));
  assert.deepEqual(h.since(10), { version: 12, resync: false, updates: mod('b') });
  h.record(13, mod('c'));
  h.record(14, mod('d')); // 4 updates kept > 3: version 11 is dropped
  assert.equal(h.since(10).resync, true);
  assert.deepEqual(h.since(11), { version: 14, resync: false, updates: mod('d') });
  assert.deepEqual(h.since(14), { version: 14, resync: false, updates: [] });
  assert.equal(h.since(15).resync, true);
  assert.throws(() => h.record(14, mod('e')));
  h.reset(20);
  assert.equal(h.since(14).resync, true);
  assert.deepEqual(h.since(20), { version: 20, resync: false, updates: [] });
});
