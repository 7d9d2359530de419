// The real-host door in front of the composite, as the client sees it: `backends.list` says where Add Host
// is offered (the default backend lists `host.add` only when the lab has real-host support; the simulated
// engine alone never does), and a host that refuses the first connection is refused naming the field to
// fix (the password, the address) — against an in-process SSH peer, no real sshd needed; adding and
// removing a host are Recent Tasks (a refused add a Failed one; a successful add and remove, on the
// govmomi simulator's ESXi, Completed ones with their events).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCompositeBackend, memorySecretStore } from '../../../src-main/node/backends/index';
import type { Backend } from '../../../src-main/node/backends/index';
import { HostManager } from '../../../src-main/node/backends/realHost/hostManager';
import { withRealHosts } from '../../../src-main/node/backends/realHost/realHostsDoor';
import type { ResponseMessage } from '../../../src-shared/api/protocol';
import type { BackendInfo } from '../../../src-shared/model/backends';
import type { HostIdentityDto } from '../../../src-shared/model/realHosts';
import { API_VERSION } from '../../../src-shared/api/channels';
import { harness } from '../../helpers/labHarness';
import { engineBackend } from '../../helpers/engineBackend';
import { startSshTestServer } from '../../helpers/sshTestServer';
import { esxSimulatorPeer } from '../../helpers/realHostPeers';
import type { EngineEvent } from '../../../src-shared/api/events';
import type { TaskDto } from '../../../src-shared/model/task';
import type { EventDto } from '../../../src-shared/model/eventLog';
import type { InventoryDto } from '../../../src-shared/model/inventory';

function asker(backend: Backend) {
  let id = 1;
  return (kind: 'command' | 'query', name: string, params: unknown = {}): Promise<ResponseMessage> => backend.request({ v: API_VERSION, id: id++, kind, name, params });
}

/** The lab-small engine behind the real-host door (a fresh host manager: its own data folder, secrets in memory). */
function labBehindDoor(): Backend {
  return withRealHosts(createCompositeBackend([engineBackend(harness('lab-small', 1, null).engine)]),
    new HostManager({ dataDir: mkdtempSync(join(tmpdir(), 'hvlab-door-')), secrets: memorySecretStore() }));
}

test('backends.list: host.add is listed by the default backend only behind the real-host door', async () => {
  const plain = createCompositeBackend([engineBackend(harness('lab-small', 1, null).engine)]);
  const bare = await asker(plain)('query', 'backends.list');
  assert.ok(bare.ok);
  const simulated = (bare.result as BackendInfo[])[0];
  for (const c of ['host.add', 'host.remove', 'host.reconnect'] as const) {
    assert.ok(!simulated.capabilities.commands.includes(c), `the simulated engine refuses ${c}, so it does not list it`);
  }
  assert.ok(simulated.capabilities.commands.includes('vm.powerOn'));
  await plain.close();

  const door = labBehindDoor();
  const listed = await asker(door)('query', 'backends.list');
  assert.ok(listed.ok);
  const list = listed.result as BackendInfo[];
  assert.deepEqual(list.map((b) => b.namespace), ['']);
  assert.ok(list[0].capabilities.commands.includes('host.add'));
  assert.ok(!list[0].capabilities.commands.includes('host.remove'), 'a simulated host cannot be removed from the inventory');
  await door.close();
});

test('host.add refused by the host names the field to fix: the password, the address', async () => {
  const peer = await startSshTestServer({ reply: () => ({ stdout: '' }), password: 'right' });
  const door = labBehindDoor();
  const ask = asker(door);
  try {
    const id = await ask('query', 'host.identify', { kind: 'libvirt', address: '127.0.0.1', port: peer.port });
    assert.ok(id.ok, JSON.stringify(id));
    const identity = id.result as HostIdentityDto;
    assert.equal(identity.status, 'unknown');
    const spec = { kind: 'libvirt', address: '127.0.0.1', port: peer.port, user: 'lab', acceptedIdentity: identity.fingerprint };
    const wrong = await ask('command', 'host.add', { ...spec, authMethod: 'password', password: 'wrong' });
    assert.ok(!wrong.ok);
    assert.deepEqual([wrong.error.code, wrong.error.field], ['E_HOST_DISCONNECTED', 'params.password']);
    assert.ok(!wrong.error.message.includes('wrong'), 'the password is in no message');
    const nobody = await ask('command', 'host.add', { ...spec, port: 1, authMethod: 'password', password: 'right' });
    assert.ok(!nobody.ok);
    assert.equal(nobody.error.field, 'params.address');
    const listed = await ask('query', 'backends.list');
    assert.ok(listed.ok && (listed.result as BackendInfo[]).length === 1, 'nothing was added');
  } finally {
    await door.close();
    await peer.close();
  }
});

/** Every `task.updated` of one task, in order, and the task as `task.get` answers it now. */
function taskTrail(events: EngineEvent[], operation: string): TaskDto[] {
  return events.flatMap((e) => (e.type === 'task.updated' && e.task.operation === operation ? [e.task] : []));
}

test('a refused Add host is a Failed "Add host" task (queued → running → failed) on the datacenter the user chose, without the password', async () => {
  const peer = await startSshTestServer({ reply: () => ({ stdout: '' }), password: 'right' });
  const door = labBehindDoor();
  const events: EngineEvent[] = [];
  door.onEvent((e) => events.push(e));
  const ask = asker(door);
  try {
    const inv = (await ask('query', 'inventory.get')) as { ok: true; result: InventoryDto };
    const dc = inv.result.datacenters[0];
    const id = (await ask('query', 'host.identify', { kind: 'libvirt', address: '127.0.0.1', port: peer.port })) as { ok: true; result: HostIdentityDto };
    const spec = { kind: 'libvirt', address: '127.0.0.1', port: peer.port, user: 'lab', authMethod: 'password', password: 'wrong-secret-9', acceptedIdentity: id.result.fingerprint };

    // An unknown location is refused before anything starts: no task.
    const nowhere = await ask('command', 'host.add', { ...spec, locationId: 'datacenter-999' });
    assert.ok(!nowhere.ok && nowhere.error.code === 'E_NOT_FOUND' && nowhere.error.field === 'params.locationId');
    assert.deepEqual(taskTrail(events, 'host.add'), []);

    const wrong = await ask('command', 'host.add', { ...spec, locationId: dc.id });
    assert.ok(!wrong.ok && wrong.error.field === 'params.password');
    const trail = taskTrail(events, 'host.add');
    assert.deepEqual(trail.map((t) => t.state), ['queued', 'running', 'error']);
    const failed = trail[2];
    assert.match(failed.id, /^hosts:task-\d+$/);
    assert.deepEqual([failed.name, failed.targetId, failed.targetName, failed.initiator], ['Add host', dc.id, dc.name, 'lab-user']);
    assert.deepEqual(failed.error, wrong.error, 'the task fails with the error the request was refused with');
    assert.ok(failed.startedAtMs! >= failed.queuedAtMs && failed.completedAtMs! >= failed.startedAtMs!);

    // The lab's Recent Tasks and events have it (merged like a backend's), by id too; the password is nowhere.
    const listed = (await ask('query', 'tasks.list', {})) as { ok: true; result: TaskDto[] };
    assert.equal(listed.result.find((t) => t.id === failed.id)?.state, 'error');
    const got = (await ask('query', 'task.get', { taskId: failed.id })) as { ok: true; result: TaskDto };
    assert.equal(got.result.state, 'error');
    const logged = (await ask('query', 'events.list', {})) as { ok: true; result: EventDto[] };
    assert.ok(logged.result.some((e) => e.type === 'TaskFailedEvent' && e.taskId === failed.id));
    assert.ok(!JSON.stringify(events).includes('wrong-secret-9') && !JSON.stringify(logged.result).includes('wrong-secret-9'));

    // Without a location (a script), the target is the lab's first datacenter.
    await ask('command', 'host.add', { ...spec, port: 1 });
    assert.equal(taskTrail(events, 'host.add').at(-1)?.targetId, dc.id);
    // The log is no host: Remove from Inventory does not reach it.
    const notAHost = await ask('command', 'host.remove', { hostId: 'hosts:host-1' });
    assert.ok(!notAHost.ok && notAHost.error.code === 'E_NOT_FOUND');
  } finally {
    await door.close();
    await peer.close();
  }
});

const esx = esxSimulatorPeer();

test('a successful Add host and Remove host are Completed tasks with a HostAddedEvent / HostRemovedEvent (the govmomi simulator as ESXi)', async (t) => {
  if (esx.skip) { t.skip(esx.skip); return; }
  const door = labBehindDoor();
  const events: EngineEvent[] = [];
  door.onEvent((e) => events.push(e));
  const ask = asker(door);
  try {
    const inv = (await ask('query', 'inventory.get')) as { ok: true; result: InventoryDto };
    const dc = inv.result.datacenters[0];
    const id = (await ask('query', 'host.identify', { kind: 'vim25', address: '127.0.0.1', port: esx.sim!.port })) as { ok: true; result: HostIdentityDto };
    const added = await ask('command', 'host.add', { locationId: dc.id, kind: 'vim25', address: '127.0.0.1', port: esx.sim!.port, user: 'root', authMethod: 'password', password: 'pw-esx-1', acceptedIdentity: id.result.thumbprint });
    assert.ok(added.ok, JSON.stringify(added));
    const { hostId } = added.result as { hostId: string };
    const trail = taskTrail(events, 'host.add');
    assert.deepEqual(trail.map((x) => x.state), ['queued', 'running', 'success']);
    assert.deepEqual([trail[2].targetId, trail[2].progress], [dc.id, 100]);
    assert.deepEqual(trail[2].result, added.result);
    const addedEvent = events.find((e) => e.type === 'event.logged' && e.event.type === 'HostAddedEvent');
    assert.ok(addedEvent && addedEvent.type === 'event.logged' && addedEvent.event.entityId === hostId);

    const removed = await ask('command', 'host.remove', { hostId });
    assert.ok(removed.ok, JSON.stringify(removed));
    const rm = taskTrail(events, 'host.remove');
    assert.deepEqual(rm.map((x) => x.state), ['queued', 'running', 'success']);
    assert.deepEqual([rm[2].name, rm[2].targetId], ['Remove host', hostId]);
    assert.ok(events.some((e) => e.type === 'event.logged' && e.event.type === 'HostRemovedEvent' && e.event.entityId === hostId));
    // The removed host's task stays in Recent Tasks.
    const listed = (await ask('query', 'tasks.list', {})) as { ok: true; result: TaskDto[] };
    assert.ok(listed.result.some((x) => x.id === rm[2].id && x.state === 'success'));
    assert.ok(!JSON.stringify(events).includes('pw-esx-1'), 'the password is in no task or event');
  } finally {
    await door.close();
  }
});
