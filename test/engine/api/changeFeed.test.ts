// The engine's change feed: property-level inventory updates under a growing version; a mirror built
// from inventory.get plus the events equals the engine's own view; changesSince, task.get, events.since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InventoryDto } from '../../../src-shared/model/inventory';
import type { EngineEvent } from '../../../src-shared/api/events';
import { applyUpdates } from '../../../src-shared/model/inventoryChanges';
import { harness, vmByName, hostByName } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import { API_VERSION } from '../../../src-shared/api/channels';

type Changed = Extract<EngineEvent, { type: 'inventory.changed' }>;
const changes = (h: Harness): Changed[] => h.events.filter((e): e is Changed => e.type === 'inventory.changed');

/** Advances to the next 20 s boundary: the feed sweeps every entity there, so uptimes are current too. */
function toSampleBoundary(h: Harness): void {
  h.advance(20_000 - (h.now() % 20_000));
}

/** Lists sorted by id, so a mirror and a fresh inventory compare whatever order entities entered in. */
function canonical(inv: InventoryDto): InventoryDto {
  const by = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
  return {
    version: inv.version, datacenters: by(inv.datacenters), clusters: by(inv.clusters), hosts: by(inv.hosts),
    vms: by(inv.vms), datastores: by(inv.datastores), networks: by(inv.networks),
  };
}

test('a power-on publishes the VM\'s changed properties with their new values, one version per step', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  const before = h.q('inventory.get', {}).version;
  h.events.length = 0;
  h.run('vm.powerOn', { vmId: vm.id });
  const feed = changes(h);
  assert.ok(feed.length >= 1);
  feed.forEach((e, i) => assert.equal(e.version, before + 1 + i, 'versions grow by one per event'));
  const mine = feed.flatMap((e) => e.updates).filter((u) => u.id === vm.id);
  const assigned = new Map(mine.flatMap((u) => (u.op === 'modify' ? u.changes : [])).map((c) => [c.path, 'value' in c ? c.value : undefined]));
  assert.equal(assigned.get('powerState'), 'poweredOn');
  assert.ok(!assigned.has('name'), 'unchanged properties are not sent');
  assert.equal(h.q('inventory.get', {}).version, feed[feed.length - 1].version);
});

test('a mirror = inventory.get + every inventory.changed equals the engine\'s inventory, through every kind of change', () => {
  const h = harness('lab-small');
  let mirror = h.q('inventory.get', {});
  h.engine.onEvent((e) => { if (e.type === 'inventory.changed') { assert.equal(e.version, mirror.version + 1); mirror = applyUpdates(mirror, e.updates, e.version); } });
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  const host = hostByName(h, 'DC0_C0_H1');
  // Between sweeps only what moves with the clock alone may differ: uptimes and the guest's run state.
  const settled = (inv: InventoryDto) => canonical({
    ...inv,
    vms: inv.vms.map(({ uptimeMs: _u, guestState: _g, ...rest }) => rest as typeof inv.vms[number]),
    hosts: inv.hosts.map(({ uptimeMs: _u, ...rest }) => rest as typeof inv.hosts[number]),
  });
  const step = (what: string, act: () => unknown) => {
    act();
    assert.deepEqual(settled(mirror), settled(h.q('inventory.get', {})), `after ${what}`);
  };
  step('power on', () => h.run('vm.powerOn', { vmId: vm.id }));
  step('snapshot', () => h.run('vm.snapshot.create', { vmId: vm.id, name: 'before' }));
  step('rename', () => h.cmd('vm.rename', { vmId: vm.id, name: 'renamed' }));
  let freshId = '' as `vm-${number}`;
  step('create', () => { freshId = (h.run('vm.create', { spec: { name: 'fresh', hostId: host.id, vcpus: 1, memoryMiB: 64 } }).result as { vmId: `vm-${number}` }).vmId; });
  step('reconfigure', () => h.run('vm.reconfigure', { vmId: freshId, changes: { vcpus: 2 } }));
  step('suspend', () => h.run('vm.suspend', { vmId: vm.id }));
  step('remove', () => h.run('vm.remove', { vmId: freshId }));
  const inv = h.q('inventory.get', {});
  const h0 = inv.hosts.find((x) => x.vmIds.includes(vm.id))!;
  for (const id of h0.vmIds) {
    if (inv.vms.find((v) => v.id === id)!.powerState === 'poweredOn') step('power off', () => h.run('vm.powerOff', { vmId: id }));
  }
  step('maintenance', () => h.run('host.enterMaintenance', { hostId: h0.id }));
  h.advance(45_000);
  toSampleBoundary(h);
  const now = h.q('inventory.get', {});
  assert.equal(mirror.version, now.version);
  assert.deepEqual(canonical(mirror), canonical(now));
  assert.ok(!now.vms.some((v) => v.id === freshId), 'the removed VM left');
});

test('uptime moves into the feed at each 20 s sample without any operation', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  h.run('vm.powerOn', { vmId: vm.id });
  toSampleBoundary(h);
  h.events.length = 0;
  h.advance(20_000);
  const uptime = changes(h).flatMap((e) => e.updates).filter((u) => u.id === vm.id && u.op === 'modify')
    .flatMap((u) => (u.op === 'modify' ? u.changes : [])).find((c) => c.path === 'uptimeMs');
  assert.ok(uptime && 'value' in uptime, 'the sweep published the uptime');
  assert.equal(uptime.value, h.q('vm.get', { vmId: vm.id }).uptimeMs);
  h.events.length = 0;
  h.advance(5_000); // inside one sample period, nothing is marked: nothing is published
  assert.equal(changes(h).length, 0);
});

test('changesSince brings an old snapshot to the current one; unknown or replaced versions get resync', () => {
  const h = harness('lab-small');
  const old = h.q('inventory.get', {});
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  h.run('vm.powerOn', { vmId: vm.id });
  h.cmd('vm.rename', { vmId: vm.id, name: 'one' });
  h.cmd('vm.rename', { vmId: vm.id, name: 'two' });
  toSampleBoundary(h);
  const since = h.q('inventory.changesSince', { version: old.version });
  assert.equal(since.resync, false);
  const now = h.q('inventory.get', {});
  assert.equal(since.version, now.version);
  assert.equal(since.updates.filter((u) => u.id === vm.id).length, 1, 'coalesced: one update per entity');
  assert.deepEqual(canonical(applyUpdates(old, since.updates, since.version)), canonical(now));
  assert.deepEqual(h.q('inventory.changesSince', { version: now.version }), { version: now.version, resync: false, updates: [] });
  assert.equal(h.q('inventory.changesSince', { version: now.version + 5 }).resync, true);

  h.cmd('lab.load', { scenario: 'lab-small', seed: 1 });
  const fresh = h.q('inventory.get', {});
  assert.ok(fresh.version > now.version, 'versions go on across a lab replacement');
  assert.equal(h.q('inventory.changesSince', { version: now.version }).resync, true);
});

test('task.get answers one task by id; an unknown id is E_NOT_FOUND naming the field', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  const { taskId } = h.cmd('vm.powerOn', { vmId: vm.id });
  assert.equal(h.q('task.get', { taskId }).state, 'queued');
  h.finish(taskId);
  const done = h.q('task.get', { taskId });
  assert.deepEqual([done.id, done.state, done.operation], [taskId, 'success', 'vm.powerOn']);
  const r = h.engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'task.get', params: { taskId: 'task-999' } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual([r.error.code, r.error.field], ['E_NOT_FOUND', 'params.taskId']);
});

test('events.since pages through the log after a cursor, oldest first', () => {
  const h = harness('lab-small');
  for (const name of ['DC0_C0_H0_VM0', 'DC0_C0_H1_VM0']) h.run('vm.powerOn', { vmId: vmByName(h, name).id });
  const all = h.q('events.list', { limit: 5000 }).reverse();
  assert.ok(all.length >= 4);
  const first = h.q('events.since', { limit: 2 });
  assert.deepEqual(first.events.map((e) => e.id), all.slice(0, 2).map((e) => e.id));
  assert.equal(first.more, true);
  assert.deepEqual(first.cursorIds, [all[1].id]);
  let cursorIds = first.cursorIds;
  const seen = [...first.events];
  for (;;) {
    const page = h.q('events.since', { cursorIds, limit: 2 });
    seen.push(...page.events);
    cursorIds = page.cursorIds;
    if (!page.more) break;
  }
  assert.deepEqual(seen.map((e) => e.id), all.map((e) => e.id));
  assert.deepEqual(h.q('events.since', { cursorIds }), { events: [], cursorIds, more: false, missed: 0 });
  // Another backend's entry of the cursor is not this engine's.
  assert.equal(h.q('events.since', { cursorIds: ['kvm1:event-999999'], limit: 1 }).events[0].id, all[0].id);
});

test('resource pools ride the feed: create, update, a VM moved in and out, delete — a mirror keeps its pools and their VMs', () => {
  const h = harness('lab-small');
  let mirror = h.q('inventory.get', {});
  assert.equal(h.q('inventory.get', {}).resourcePools, undefined, 'a lab without pools reports none');
  h.engine.onEvent((e) => { if (e.type === 'inventory.changed') mirror = applyUpdates(mirror, e.updates, e.version); });
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  const clusterId = h.q('inventory.get', {}).clusters[0].id as `cluster-${number}`;
  const pools = (inv: InventoryDto) => [...(inv.resourcePools ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const firstPool = () => mirror.resourcePools?.[0];
  const same = (what: string) => {
    const now = h.q('inventory.get', {});
    assert.deepEqual(pools(mirror), pools(now), `pools after ${what}`);
    assert.deepEqual(mirror.vms.find((v) => v.id === vm.id)?.resourcePoolId, now.vms.find((v) => v.id === vm.id)?.resourcePoolId, `the VM's pool after ${what}`);
  };
  h.events.length = 0;
  const { resourcePoolId } = h.cmd('resourcePool.create', { name: 'Production', clusterId, cpuShareLevel: 'high' });
  const entered = changes(h).flatMap((e) => e.updates).find((u) => u.id === resourcePoolId);
  assert.equal(entered?.op, 'enter', 'a new pool enters the feed whole');
  same('create');
  h.cmd('resourcePool.update', { resourcePoolId, cpuShareLevel: 'custom', cpuShares: 5000, cpuLimitMhz: 900 });
  same('update');
  assert.equal(firstPool()?.cpuShares, 5000);
  h.events.length = 0;
  h.cmd('vm.moveToPool', { vmId: vm.id, resourcePoolId });
  const moved = changes(h).flatMap((e) => e.updates);
  assert.ok(moved.some((u) => u.id === vm.id && u.op === 'modify' && u.changes.some((c) => c.path === 'resourcePoolId')), 'the VM\'s resourcePoolId changes');
  assert.ok(moved.some((u) => u.id === resourcePoolId && u.op === 'modify' && u.changes.some((c) => c.path === 'vmIds')), 'the pool\'s vmIds change');
  same('move in');
  assert.deepEqual(firstPool()?.vmIds, [vm.id]);
  h.cmd('vm.moveToPool', { vmId: vm.id });
  same('move out');
  assert.deepEqual(firstPool()?.vmIds, []);
  h.cmd('resourcePool.delete', { resourcePoolId });
  same('delete');
  assert.equal(mirror.resourcePools, undefined, 'the last pool gone: the list is absent again, as inventory.get reports it');
  assert.equal(mirror.version, h.q('inventory.get', {}).version);
});
