// The real-host door in front of the composite, as the client sees it: `backends.list` says where Add Host
// is offered (the default backend lists `host.add` only when the lab has real-host support; the simulated
// engine alone never does), and a host that refuses the first connection is refused naming the field to
// fix (the password, the address) — against an in-process SSH peer, no real sshd needed.
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

function asker(backend: Backend) {
  let id = 1;
  return (kind: 'command' | 'query', name: string, params: unknown = {}): Promise<ResponseMessage> => backend.request({ v: API_VERSION, id: id++, kind, name, params });
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

  const door = withRealHosts(createCompositeBackend([engineBackend(harness('lab-small', 1, null).engine)]),
    new HostManager({ dataDir: mkdtempSync(join(tmpdir(), 'hvlab-door-')), secrets: memorySecretStore() }));
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
  const door = withRealHosts(createCompositeBackend([engineBackend(harness('lab-small', 1, null).engine)]),
    new HostManager({ dataDir: mkdtempSync(join(tmpdir(), 'hvlab-door-')), secrets: memorySecretStore() }));
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
