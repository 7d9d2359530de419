// The lab's known-hosts file: OpenSSH's format and fingerprints, trust on first use, changed keys refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { sshKeyPair } from '../../helpers/sshKeyPair';

const { utils } = ssh2;
import { KnownHosts, fingerprintOf, keyTypeOf, hostPatternOf } from '../../../src-main/node/backends/ssh/index';

function newKey(): { blob: Buffer; line: string } {
  const pair = sshKeyPair();
  const parsed = utils.parseKey(pair.public);
  if (parsed instanceof Error) throw parsed;
  const blob = parsed.getPublicSSH();
  return { blob, line: `ssh-ed25519 ${blob.toString('base64')}` };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'hvlab-kh-'));

test('fingerprints are the ones ssh-keygen prints', { skip: spawnSync('ssh-keygen', ['-?']).error ? 'ssh-keygen is not installed' : false }, () => {
  const dir = tmp();
  const k = newKey();
  writeFileSync(join(dir, 'k.pub'), `${k.line} test\n`);
  const out = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'k.pub')], { encoding: 'utf8' }).stdout;
  assert.equal(out.split(' ')[1], fingerprintOf(k.blob));
  assert.equal(keyTypeOf(k.blob), 'ssh-ed25519');
});

test('unknown, then trusted on first use (file 0600, OpenSSH-readable line), then known', () => {
  const path = join(tmp(), 'sub', 'known_hosts');
  const k = newKey();
  const kh = KnownHosts.load(path);
  assert.deepEqual(kh.check('127.0.0.1', 2222, k.blob), { status: 'unknown' });
  kh.trust('127.0.0.1', 2222, k.blob);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path, 'utf8'), `[127.0.0.1]:2222 ${k.line}\n`);
  assert.deepEqual(KnownHosts.load(path).check('127.0.0.1', 2222, k.blob), { status: 'known' });
  // Another port of the same address is another host.
  assert.deepEqual(KnownHosts.load(path).check('127.0.0.1', 2223, k.blob), { status: 'unknown' });
  assert.equal(hostPatternOf('kvm1.lab', 22), 'kvm1.lab');
});

test('a different key of the same type is "changed", names the stored fingerprint, and cannot be trusted over it', () => {
  const path = join(tmp(), 'known_hosts');
  const old = newKey();
  const now = newKey();
  writeFileSync(path, `# a comment\n\nkvm1.lab,10.0.0.5 ${old.line} root@kvm1\n`);
  const kh = KnownHosts.load(path);
  assert.deepEqual(kh.check('10.0.0.5', 22, now.blob), { status: 'changed', knownFingerprints: [fingerprintOf(old.blob)] });
  assert.throws(() => kh.trust('10.0.0.5', 22, now.blob), /changed/);
  assert.deepEqual(kh.check('kvm1.lab', 22, old.blob), { status: 'known' });
});

test('hashed host names match; @revoked keys are refused; wildcard patterns and damaged lines never match', () => {
  const path = join(tmp(), 'known_hosts');
  const a = newKey();
  const revoked = newKey();
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update('[esx.lab]:2200').digest('base64');
  writeFileSync(path, [
    `|1|${salt.toString('base64')}|${hash} ${a.line}`,
    `@revoked * ${revoked.line}`,
    `@revoked [esx.lab]:2200 ${revoked.line}`,
    `*.lab ${newKey().line}`,
    'broken.lab ssh-ed25519 AAAAnotakey',
  ].join('\n'));
  const kh = KnownHosts.load(path);
  assert.deepEqual(kh.check('esx.lab', 2200, a.blob), { status: 'known' });
  assert.equal(kh.check('esx.lab', 2200, revoked.blob).status, 'changed');
  assert.deepEqual(kh.check('other.lab', 22, a.blob), { status: 'unknown' });
  assert.deepEqual(kh.check('broken.lab', 22, a.blob), { status: 'unknown' });
});
