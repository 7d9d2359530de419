// The SSH layer against the real OpenSSH sshd of the real-host peers: the sshd's key verified from a
// known-hosts file, key and ssh-agent authentication, hostile arguments that stay arguments, and a
// changed host key refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { KnownHosts, SshConnection, SshError, fingerprintOf } from '../../../src-main/node/backends/ssh/index';
import type { SshAuth } from '../../../src-main/node/backends/ssh/index';
import { libvirtPeers } from '../../helpers/realHostPeers';
import { sshKeyPair } from '../../helpers/sshKeyPair';

const { peers, skip } = libvirtPeers();

function knownHostsWith(line: string): KnownHosts {
  const path = join(mkdtempSync(join(tmpdir(), 'hvlab-kh-')), 'known_hosts');
  writeFileSync(path, `[${peers!.host}]:${peers!.port} ${line}\n`);
  return KnownHosts.load(path);
}

function connection(auth: SshAuth, knownHosts = knownHostsWith(peers!.hostKey)): SshConnection {
  return new SshConnection({ host: peers!.host, port: peers!.port, username: peers!.user, auth, knownHosts, hostKeyPolicy: { mode: 'known' }, reconnect: false });
}

test('key authentication to the real sshd, its key verified; hostile names stay arguments and run nothing', { skip }, async () => {
  const c = connection({ method: 'key', privateKeyPath: peers!.keyPath });
  await c.connect();
  assert.equal(c.hostKey?.fingerprint, fingerprintOf(Buffer.from(peers!.hostKey.split(' ')[1], 'base64')));
  const marker = join(mkdtempSync(join(tmpdir(), 'hvlab-inject-')), 'pwned');
  const hostile = [`x; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, `a\ntouch ${marker}`, '$(reboot)', 'x; rm -rf /'];
  const r = await c.exec(['printf', '%s\\0', ...hostile]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), hostile);
  assert.equal(existsSync(marker), false);
  // The same names given to virsh reach libvirt as names (and are simply not found).
  const v = await c.exec(['virsh', 'domstate', '--domain', `$(touch ${marker})`]);
  assert.notEqual(v.code, 0);
  assert.match(v.stderr, /failed to get domain '\$\(touch /);
  assert.equal(existsSync(marker), false);
  await c.close();
});

test('ssh-agent authentication with a real ssh-agent', { skip: skip ?? (spawnSync('ssh-agent', ['-h']).error ? 'ssh-agent is not installed' : false) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-agent-'));
  const socket = join(dir, 'agent.sock');
  const agent = spawnSync('ssh-agent', ['-a', socket, '-s'], { encoding: 'utf8' });
  const pid = /SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1];
  assert.ok(pid, agent.stderr);
  try {
    const add = spawnSync('ssh-add', [peers!.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
    assert.equal(add.status, 0, add.stderr);
    const c = connection({ method: 'agent', socket });
    await c.connect();
    assert.equal((await c.exec(['echo', 'via agent'])).stdout, 'via agent\n');
    await c.close();
  } finally {
    process.kill(Number(pid));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the real sshd behind a changed key is refused before authenticating', { skip }, async () => {
  const other = sshKeyPair();
  const blob = (ssh2.utils.parseKey(other.public) as ssh2.ParsedKey).getPublicSSH();
  const c = connection({ method: 'key', privateKeyPath: peers!.keyPath }, knownHostsWith(`ssh-ed25519 ${blob.toString('base64')}`));
  await assert.rejects(c.connect(), (e: unknown) => e instanceof SshError && e.kind === 'hostKeyChanged' && /has changed/.test(e.message));
});
