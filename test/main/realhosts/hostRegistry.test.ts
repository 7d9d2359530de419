// The lab's list of real hosts and where their passwords live: sealed by the OS keychain (Electron's
// safeStorage, here a stand-in cipher) or in memory only (browser mode) — never in clear on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostRegistry } from '../../../src-main/node/backends/realHost/hostRegistry';
import { memorySecretStore, sealedSecretStore } from '../../../src-main/node/backends/realHost/secretStore';

const path = () => join(mkdtempSync(join(tmpdir(), 'hvlab-reg-')), 'real-hosts.json');

/** A reversible stand-in for the OS keychain: the test only checks that what is stored is not the clear text. */
const fakeKeychain = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
};

test('entries survive a reload; namespaces are per kind; the file is 0600 and never holds the password in clear', () => {
  const p = path();
  const secrets = sealedSecretStore(fakeKeychain);
  const reg = HostRegistry.load(p);
  assert.equal(reg.nextNamespace('libvirt'), 'kvm1');
  reg.put({ namespace: 'kvm1', kind: 'libvirt', name: 'KVM box', address: '10.0.0.5', port: 22, user: 'lab', auth: { method: 'key', keyPath: '/home/me/.ssh/id_ed25519' }, identity: { fingerprint: 'SHA256:x' } });
  reg.put({ namespace: 'esx1', kind: 'vim25', name: 'ESXi', address: 'esx.lab', port: 443, user: 'root', auth: { method: 'password', secret: secrets.seal('Very$ecret1') }, identity: { thumbprint: 'AB' } });
  assert.equal(statSync(p).mode & 0o777, 0o600);
  assert.doesNotMatch(readFileSync(p, 'utf8'), /Very\$ecret1/);
  const again = HostRegistry.load(p);
  assert.deepEqual(again.list().map((e) => e.namespace), ['kvm1', 'esx1']);
  assert.equal(again.nextNamespace('libvirt'), 'kvm2');
  const esx = again.list()[1];
  assert.equal(esx.auth.method === 'password' && esx.auth.secret ? secrets.open(esx.auth.secret) : undefined, 'Very$ecret1');
  again.remove('kvm1');
  assert.deepEqual(HostRegistry.load(p).list().map((e) => e.namespace), ['esx1']);
  assert.equal(HostRegistry.load(p).nextNamespace('libvirt'), 'kvm1');
});

test('browser mode keeps passwords in memory only; without a keychain Electron does the same', () => {
  const mem = memorySecretStore();
  assert.equal(mem.persistent, false);
  const t = mem.seal('pw-123');
  assert.match(t, /^memory:[0-9a-f]{32}$/);
  assert.equal(mem.open(t), 'pw-123');
  mem.forget(t);
  assert.equal(mem.open(t), undefined);
  assert.equal(memorySecretStore().open(t), undefined, 'another process (a restart) cannot open it');
  assert.equal(sealedSecretStore({ ...fakeKeychain, isEncryptionAvailable: () => false }).persistent, false);
});

test('a damaged file is reported, not replaced', () => {
  const p = path();
  writeFileSync(p, '{ "hosts": [ {"namespace": 1} ] }');
  assert.throws(() => HostRegistry.load(p), /hosts\[0\] is not a real-host entry/);
  writeFileSync(p, 'not json');
  assert.throws(() => HostRegistry.load(p), /not valid JSON/);
  assert.equal(readFileSync(p, 'utf8'), 'not json');
});
