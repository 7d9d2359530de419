// The backend seam with two real engines: the default one and a second simulated engine under the
// namespace "sim2". Routing by id namespace, merged queries, one event stream with one version
// counter, and ids namespaced by the contract's key rule (names are never touched).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCompositeBackend, namespacedBackend } from '../../src-main/node/backends/index';
import type { Backend } from '../../src-main/node/backends/index';
import type { Engine } from '../../src-main/engine/index';
import type { EngineEvent } from '../../src-shared/api/events';
import type { ResponseMessage } from '../../src-shared/api/protocol';
import type { InventoryDto, VmDto } from '../../src-shared/model/inventory';
import type { TaskDto } from '../../src-shared/model/task';
import type { EventsSinceDto } from '../../src-shared/api/queries';
import type { BackendInfo } from '../../src-shared/model/backends';
import type { InventoryChanges } from '../../src-shared/model/inventoryChanges';
import type { InventoryOutlineDto } from '../../src-shared/model/inventoryOutline';
import { VM_OUTLINE_FIELDS, vmOutlineOf } from '../../src-shared/model/inventoryOutline';
import { applyUpdates } from '../../src-shared/model/inventoryChanges';
import { API_VERSION } from '../../src-shared/api/channels';
import { harness } from '../helpers/labHarness';
import { engineBackend } from '../helpers/engineBackend';

interface Lab { a: Engine; b: Engine; composite: Backend; events: EngineEvent[]; ask<T>(kind: 'command' | 'query', name: string, params?: unknown): Promise<T>; raw(kind: 'command' | 'query', name: string, params?: unknown): Promise<ResponseMessage> }

function twoEngines(): Lab {
  const a = harness('lab-small', 1, null).engine;
  const b = harness('lab-small', 2, null).engine;
  const composite = createCompositeBackend([engineBackend(a), namespacedBackend('sim2', engineBackend(b))]);
  const events: EngineEvent[] = [];
  composite.onEvent((e) => events.push(e));
  let id = 1;
  const raw = (kind: 'command' | 'query', name: string, params: unknown = {}) => composite.request({ v: API_VERSION, id: id++, kind, name, params });
  return {
    a, b, composite, events, raw,
    async ask<T>(kind: 'command' | 'query', name: string, params: unknown = {}): Promise<T> {
      const r = await raw(kind, name, params);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message} (${r.error.field})`);
      return r.result as T;
    },
  };
}

/** Advances both engines to the next 20 s boundary (their feeds sweep every entity there). */
function toBoundary(lab: Lab, ms = 0): void {
  for (const e of [lab.a, lab.b]) {
    if (ms) e.advance(ms);
    e.advance(20_000 - (e.simStatus().virtualTimeMs % 20_000));
  }
}

const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((x, y) => x.id.localeCompare(y.id));
const canonical = (inv: InventoryDto) => ({ ...inv, datacenters: byId(inv.datacenters), clusters: byId(inv.clusters), hosts: byId(inv.hosts), vms: byId(inv.vms), datastores: byId(inv.datastores), networks: byId(inv.networks) });

test('inventory.get merges both backends; the second one\'s ids carry its namespace, names are untouched', async () => {
  const lab = twoEngines();
  const inv = await lab.ask<InventoryDto>('query', 'inventory.get');
  const local = lab.a.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} }) as { result: InventoryDto };
  assert.equal(inv.hosts.length, 2 * local.result.hosts.length);
  assert.deepEqual(Object.keys(inv).sort(), Object.keys(local.result).sort(), 'every part of a backend\'s answer is merged');
  const ids = [inv.datacenters, inv.clusters, inv.hosts, inv.vms, inv.datastores, inv.networks].flat().map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length, 'no two entities share an id');
  const theirs = inv.vms.filter((v) => v.id.startsWith('sim2:'));
  assert.equal(theirs.length, local.result.vms.length);
  for (const v of theirs) {
    for (const ref of [v.hostId, v.datacenterId, v.clusterId, ...v.disks.map((d) => d.datastoreId), ...v.nics.map((n) => n.networkId)]) {
      if (ref) assert.match(ref, /^sim2:/, `${v.id} refers to ${ref}`);
    }
    assert.ok(!v.name.startsWith('sim2:'), 'names are not ids');
  }
  for (const h of inv.hosts.filter((x) => x.id.startsWith('sim2:'))) assert.ok(h.vmIds.every((id) => id.startsWith('sim2:')));
});

test('requests go to the backend that owns the ids they name', async () => {
  const lab = twoEngines();
  const { taskId } = await lab.ask<{ taskId: string }>('command', 'vm.powerOn', { vmId: 'sim2:vm-1' });
  assert.match(taskId, /^sim2:task-\d+$/);
  lab.b.advance(10_000);
  const task = await lab.ask<TaskDto>('query', 'task.get', { taskId });
  assert.deepEqual([task.state, task.targetId], ['success', 'sim2:vm-1']);
  assert.equal((await lab.ask<VmDto>('query', 'vm.get', { vmId: 'sim2:vm-1' })).powerState, 'poweredOn');
  assert.equal((await lab.ask<VmDto>('query', 'vm.get', { vmId: 'vm-1' })).powerState, 'poweredOff', 'the default backend\'s vm-1 is another VM');

  // A VM named like an id keeps its name as it is.
  await lab.ask('command', 'vm.rename', { vmId: 'sim2:vm-1', name: 'vm-1' });
  assert.equal((await lab.ask<VmDto>('query', 'vm.get', { vmId: 'sim2:vm-1' })).name, 'vm-1');
  // Scoped lists go to one backend.
  const tasks = await lab.ask<TaskDto[]>('query', 'tasks.list', { entityId: 'sim2:vm-1' });
  assert.ok(tasks.length >= 1 && tasks.every((t) => t.targetId === 'sim2:vm-1'));
});

test('one operation never spans backends; an unknown namespace is not found; the engine still validates', async () => {
  const lab = twoEngines();
  const spans = await lab.raw('command', 'vm.clone', { vmId: 'sim2:vm-1', name: 'c', hostId: 'host-1' });
  assert.equal(spans.ok, false);
  if (!spans.ok) assert.deepEqual([spans.error.code, spans.error.field], ['E_INVALID_ARGUMENT', 'params.hostId']);
  const unknown = await lab.raw('command', 'vm.powerOn', { vmId: 'kvm1:vm-1' });
  assert.equal(unknown.ok, false);
  if (!unknown.ok) assert.deepEqual([unknown.error.code, unknown.error.field], ['E_NOT_FOUND', 'params.vmId']);
  const bad = await lab.raw('command', 'vm.powerOn', { vmId: 'sim2:host-1' });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual([bad.error.code, bad.error.field], ['E_INVALID_ARGUMENT', 'params.vmId']);
});

test('one event stream: inventory versions are the composite\'s, consecutive, and a mirror converges', async () => {
  const lab = twoEngines();
  let mirror = await lab.ask<InventoryDto>('query', 'inventory.get');
  const start = mirror.version;
  lab.composite.onEvent((e) => { if (e.type === 'inventory.changed') mirror = applyUpdates(mirror, e.updates, e.version); });
  const offIn = (ns: RegExp) => mirror.vms.find((v) => ns.test(v.id) && v.powerState === 'poweredOff' && !v.isTemplate)!.id;
  await lab.ask('command', 'vm.powerOn', { vmId: offIn(/^vm-/) });
  await lab.ask('command', 'vm.powerOn', { vmId: offIn(/^sim2:/) });
  await lab.ask('command', 'vm.rename', { vmId: 'sim2:vm-3', name: 'renamed' });
  toBoundary(lab, 15_000);
  const versions = lab.events.filter((e) => e.type === 'inventory.changed').map((e) => (e as { version: number }).version);
  assert.deepEqual(versions, versions.map((_, i) => start + 1 + i));
  const now = await lab.ask<InventoryDto>('query', 'inventory.get');
  assert.equal(now.version, mirror.version);
  assert.deepEqual(canonical(mirror), canonical(now));
  assert.equal(now.vms.find((v) => v.id === 'sim2:vm-3')!.name, 'renamed');

  const since = await lab.ask<InventoryChanges>('query', 'inventory.changesSince', { version: start });
  assert.equal(since.resync, false);
  assert.equal(since.version, now.version);
  const oldMirror = await (async () => { const l = twoEngines(); return l.ask<InventoryDto>('query', 'inventory.get'); })();
  assert.deepEqual(canonical(applyUpdates({ ...oldMirror, version: start }, since.updates, since.version)), canonical(now));
  const invalid = await lab.raw('query', 'inventory.changesSince', { version: -1 });
  assert.equal(invalid.ok, false);
  if (!invalid.ok) assert.equal(invalid.error.field, 'params.version');

  // A member replacing its lab resets the composite's history: older versions must resync.
  await lab.ask('command', 'lab.load', { scenario: 'lab-small', seed: 1 });
  assert.ok(lab.events.some((e) => e.type === 'lab.loaded'));
  assert.equal((await lab.ask<InventoryChanges>('query', 'inventory.changesSince', { version: now.version })).resync, true);
});

test('tasks.list, events.since and backends.list merge both backends', async () => {
  const lab = twoEngines();
  await lab.ask('command', 'vm.powerOn', { vmId: 'vm-1' });
  await lab.ask('command', 'vm.powerOn', { vmId: 'sim2:vm-1' });
  lab.a.advance(5_000);
  lab.b.advance(5_000);
  const tasks = await lab.ask<TaskDto[]>('query', 'tasks.list', { limit: 10 });
  assert.deepEqual(new Set(tasks.map((t) => t.targetId)), new Set(['vm-1', 'sim2:vm-1']));

  const all: string[] = [];
  let cursorIds: string[] = [];
  for (let page = 0; page < 100; page++) {
    const p = await lab.ask<EventsSinceDto>('query', 'events.since', { cursorIds, limit: 3 });
    all.push(...p.events.map((e) => e.id));
    cursorIds = p.cursorIds;
    if (!p.more) break;
  }
  const each = (e: Engine) => (e.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'events.list', params: { limit: 5000 } }) as { result: unknown[] }).result.length;
  assert.equal(all.length, each(lab.a) + each(lab.b), 'every event of both backends, once');
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.some((id) => id.startsWith('sim2:event-')) && all.some((id) => /^event-/.test(id)));
  assert.equal(cursorIds.length, 2, 'one cursor entry per backend');

  const backends = await lab.ask<BackendInfo[]>('query', 'backends.list');
  assert.deepEqual(backends.map((b) => [b.namespace, b.kind]), [['', 'simulated'], ['sim2', 'simulated']]);
  assert.ok(backends.every((b) => b.capabilities.commands.includes('vm.snapshot.create')));
});

test('a member added at run time enters the inventory and the feed; removed, it leaves both and is closed', async () => {
  const a = harness('lab-small', 1, null).engine;
  const b = harness('lab-small', 2, null).engine;
  const composite = createCompositeBackend([engineBackend(a)]);
  const events: EngineEvent[] = [];
  composite.onEvent((e) => events.push(e));
  let id = 1;
  const raw = (kind: 'command' | 'query', name: string, params: unknown = {}) => composite.request({ v: API_VERSION, id: id++, kind, name, params });
  const inventory = async () => ((await raw('query', 'inventory.get')) as { result: InventoryDto }).result;
  const first = await inventory();
  assert.equal(composite.has('sim2'), false);

  let closed = false;
  const member = namespacedBackend('sim2', engineBackend(b));
  await composite.add({ ...member, close: async () => { closed = true; await member.close(); } });
  assert.equal(composite.has('sim2'), true);
  const withB = await inventory();
  const added = withB.vms.filter((v) => v.id.startsWith('sim2:'));
  assert.ok(added.length > 0);
  const entered = events.filter((e) => e.type === 'inventory.changed').flatMap((e) => e.updates).filter((u) => u.op === 'enter').map((u) => u.id);
  assert.ok(added.every((v) => entered.includes(v.id)), 'every entity of the new member entered the feed');
  let mirror = first;
  for (const e of events) if (e.type === 'inventory.changed') mirror = applyUpdates(mirror, e.updates, e.version);
  assert.deepEqual(canonical(mirror), canonical(withB), 'a mirror from the feed equals the inventory');
  const vm = added[0];
  assert.equal(((await raw('query', 'vm.get', { vmId: vm.id })) as { result: VmDto }).result.name, vm.name, 'routed to the new member');
  await assert.rejects(composite.add(namespacedBackend('sim2', engineBackend(b))), /share the namespace/);

  await composite.remove('sim2');
  assert.equal(closed, true);
  assert.equal(composite.has('sim2'), false);
  for (const e of events) if (e.type === 'inventory.changed') mirror = applyUpdates(mirror, e.updates, e.version);
  const after = await inventory();
  assert.deepEqual(canonical(mirror), canonical(after));
  assert.ok(!after.vms.some((v) => v.id.startsWith('sim2:')));
  const gone = await raw('query', 'vm.get', { vmId: vm.id });
  assert.ok(!gone.ok && gone.error.code === 'E_NOT_FOUND' && gone.error.field === 'params.vmId');
  await assert.rejects(composite.remove(''), /cannot be removed/);
  await composite.close();
});

test('without the real-host door, host.add / host.remove / host.reconnect / host.identify reach the engine and are refused, typed', async () => {
  const a = harness('lab-small', 1, null).engine;
  const composite = createCompositeBackend([engineBackend(a)]);
  let id = 1;
  const raw = (kind: 'command' | 'query', name: string, params: unknown = {}) => composite.request({ v: API_VERSION, id: id++, kind, name, params });
  const host = ((await raw('query', 'inventory.get')) as { result: InventoryDto }).result.hosts[0];
  const refused = async (r: Promise<ResponseMessage>, code: string, field?: string) => {
    const m = await r;
    assert.ok(!m.ok, JSON.stringify(m));
    assert.equal(m.error.code, code);
    if (field) assert.equal(m.error.field, field);
  };
  await refused(raw('command', 'host.add', { kind: 'libvirt', address: '127.0.0.1', user: 'u', authMethod: 'agent', acceptedIdentity: 'SHA256:x' }), 'E_INVALID_ARGUMENT');
  await refused(raw('command', 'host.add', { kind: 'hyperv', address: '127.0.0.1', user: 'u', authMethod: 'agent', acceptedIdentity: 'x' }), 'E_INVALID_ARGUMENT', 'params.kind');
  await refused(raw('command', 'host.remove', { hostId: host.id }), 'E_INVALID_ARGUMENT', 'params.hostId');
  await refused(raw('command', 'host.reconnect', { hostId: host.id }), 'E_INVALID_ARGUMENT', 'params.hostId');
  await refused(raw('command', 'host.reconnect', { hostId: 'host-999' }), 'E_NOT_FOUND', 'params.hostId');
  await refused(raw('query', 'host.identify', { kind: 'vim25', address: 'esx.example' }), 'E_INVALID_ARGUMENT');
  assert.ok(host.name && ((await raw('query', 'inventory.get')) as { result: InventoryDto }).result.hosts.some((h) => h.id === host.id), 'nothing changed');
  await composite.close();
});

test('resource pools: inventory.get merges each backend\'s pools (namespaced), a pool of the second backend is created through it', async () => {
  const lab = twoEngines();
  const before = await lab.ask<InventoryDto>('query', 'inventory.get');
  assert.equal(before.resourcePools, undefined, 'no pools anywhere: the list stays absent');
  const theirCluster = before.clusters.find((c) => c.id.startsWith('sim2:'))!;
  const { resourcePoolId } = await lab.ask<{ resourcePoolId: string }>('command', 'resourcePool.create', { name: 'Production', clusterId: theirCluster.id, cpuShareLevel: 'high' });
  assert.ok(resourcePoolId.startsWith('sim2:resgroup-'), resourcePoolId);
  const inv = await lab.ask<InventoryDto>('query', 'inventory.get');
  assert.deepEqual(inv.resourcePools?.map((p) => [p.id, p.clusterId, p.cpuShares]), [[resourcePoolId, theirCluster.id, 8000]]);
  const entered = lab.events.flatMap((e) => (e.type === 'inventory.changed' ? e.updates : [])).find((u) => u.id === resourcePoolId);
  assert.equal(entered?.op, 'enter');
});

test('inventory.outline merges both backends: the whole inventory with every VM cut to its tree fields, same version', async () => {
  const lab = twoEngines();
  lab.b.handle({ v: API_VERSION, id: 1, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-1' } });
  const inv = await lab.ask<InventoryDto>('query', 'inventory.get');
  const outline = await lab.ask<InventoryOutlineDto>('query', 'inventory.outline');
  // The default engine built its outline itself, the namespaced one answered inventory.get and was outlined here:
  // both must say exactly what the whole inventory says, field for field.
  assert.deepEqual(canonical(outline as InventoryDto), canonical({ ...inv, vms: inv.vms.map(vmOutlineOf) as VmDto[] }));
  assert.ok(outline.vms.some((v) => v.id.startsWith('sim2:')), 'the second backend\'s VMs are in the outline');
  for (const vm of outline.vms) assert.deepEqual(Object.keys(vm).filter((k) => !(VM_OUTLINE_FIELDS as readonly string[]).includes(k)), []);
  assert.equal(outline.version, inv.version);
  const bad = await lab.raw('query', 'inventory.outline', { extra: 1 });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error.field ?? '' : '', /params\.extra/);
});
