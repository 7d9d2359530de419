// Adding real hosts as the Add Host wizard does: identity read before any credential (unknown, then
// known), the accepted identity enforced, nothing recorded when the connection fails, the host back
// after a restart; a vim25 endpoint's password sealed (keychain) or not stored at all (memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException } from '../../../src-shared/api/errors';
import { HostManager } from '../../../src-main/node/backends/realHost/hostManager';
import { memorySecretStore, sealedSecretStore } from '../../../src-main/node/backends/realHost/secretStore';
import { esxSimulatorPeer, libvirtPeers } from '../../helpers/realHostPeers';

const { peers, skip } = libvirtPeers();
const esx = esxSimulatorPeer();

const dataDir = () => mkdtempSync(join(tmpdir(), 'hvlab-hm-'));
const keychain = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x33)),
  decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x33)).toString(),
};

async function rejects(p: Promise<unknown>, code: string, pattern: RegExp, field?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ApiException && e.error.code === code && pattern.test(e.error.message)
    && (field === undefined || e.error.field === field));
}

test('a KVM host: identify, add with the accepted key, known next time, back after a restart', { skip, timeout: 180_000 }, async () => {
  const dir = dataDir();
  const m = new HostManager({ dataDir: dir, secrets: memorySecretStore() });
  const id = await m.identify({ kind: 'libvirt', address: peers!.host, port: peers!.port });
  assert.equal(id.status, 'unknown');
  assert.match(id.fingerprint!, /^SHA256:/);
  const spec = { kind: 'libvirt' as const, address: peers!.host, port: peers!.port, user: peers!.user, authMethod: 'key' as const, keyPath: peers!.keyPath, name: 'Lab KVM' };
  await rejects(m.add({ ...spec, acceptedIdentity: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), 'E_HOST_DISCONNECTED', /not the SHA256:A+ that was accepted/, 'params.acceptedIdentity');
  assert.equal(existsSync(join(dir, 'real-hosts.json')), false, 'nothing recorded after a failed add');
  await rejects(m.add({ ...spec, keyPath: '/nonexistent/key', acceptedIdentity: id.fingerprint! }), 'E_HOST_DISCONNECTED', /Lab KVM:/, 'params.keyPath');
  const s = await m.add({ ...spec, acceptedIdentity: id.fingerprint! });
  try {
    assert.equal(s.namespace, 'kvm1');
    assert.equal(s.info().state, 'connected');
    assert.ok(s.inventory().vms.some((v) => v.name === peers!.domain));
    assert.equal((await m.identify({ kind: 'libvirt', address: peers!.host, port: peers!.port })).status, 'known');
    await rejects(m.add({ ...spec, acceptedIdentity: id.fingerprint! }), 'E_DUPLICATE_NAME', /already in the inventory/);
  } finally {
    await s.close();
  }
  const [back] = await new HostManager({ dataDir: dir, secrets: memorySecretStore() }).restore();
  try {
    assert.equal(back.namespace, 'kvm1');
    assert.equal(back.info().state, 'connected');
  } finally {
    await back.close();
  }
});

test('an ESXi host (govmomi simulator): thumbprint identified, password sealed by the keychain or kept in memory only', async (t) => {
  if (esx.skip) return t.skip(esx.skip);
  for (const secrets of [sealedSecretStore(keychain), memorySecretStore()]) {
    const dir = dataDir();
    const m = new HostManager({ dataDir: dir, secrets });
    const id = await m.identify({ kind: 'vim25', address: '127.0.0.1', port: esx.sim!.port });
    assert.equal(id.status, 'unknown');
    assert.match(id.thumbprint!, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    await rejects(m.add({ kind: 'vim25', address: '127.0.0.1', port: esx.sim!.port, user: 'root', authMethod: 'key', keyPath: 'x', acceptedIdentity: id.thumbprint! }), 'E_INVALID_ARGUMENT', /user and password/);
    const s = await m.add({ kind: 'vim25', address: '127.0.0.1', port: esx.sim!.port, user: 'root', authMethod: 'password', password: 'Esx-Pw-42', acceptedIdentity: id.thumbprint! });
    try {
      assert.equal(s.namespace, 'esx1');
      assert.ok(s.inventory().hosts.length === 1 && s.inventory().vms.length >= 1);
      const file = readFileSync(join(dir, 'real-hosts.json'), 'utf8');
      assert.doesNotMatch(file, /Esx-Pw-42/);
      const entry = JSON.parse(file).hosts[0];
      if (secrets.persistent) assert.match(entry.auth.secret, /^sealed:/);
      else assert.equal(entry.auth.secret, undefined);
    } finally {
      await s.close();
    }
  }
});

test('nobody at the address: identify says so, typed', async () => {
  const m = new HostManager({ dataDir: dataDir(), secrets: memorySecretStore() });
  await rejects(m.identify({ kind: 'libvirt', address: '127.0.0.1', port: 1 }), 'E_HOST_DISCONNECTED', /cannot reach|ECONNREFUSED/);
  await rejects(m.identify({ kind: 'vim25', address: '127.0.0.1', port: 1 }), 'E_HOST_DISCONNECTED', /cannot reach/);
});
