// The SSH layer against an in-process ssh2 server: host-key policies (unknown, trust on first use,
// changed, a fingerprint the user accepted), key and password authentication, exit codes and output,
// command timeouts, the channel limit, a lost connection and its reconnection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { KnownHosts, SshConnection, SshError, scanHostKey, fingerprintOf } from '../../../src-main/node/backends/ssh/index';
import type { SshOptions } from '../../../src-main/node/backends/ssh/index';
import { startSshTestServer } from '../../helpers/sshTestServer';
import type { Reply } from '../../helpers/sshTestServer';
import { sshKeyPair } from '../../helpers/sshKeyPair';

const knownHostsPath = () => join(mkdtempSync(join(tmpdir(), 'hvlab-ssh-')), 'known_hosts');

async function withServer(reply: (command: string) => Reply, body: (s: Awaited<ReturnType<typeof startSshTestServer>>) => Promise<void>, password?: string): Promise<void> {
  const server = await startSshTestServer({ reply, password });
  try { await body(server); } finally { await server.close(); }
}

function options(port: number, keyPath: string, extra: Partial<SshOptions> = {}): SshOptions {
  return {
    host: '127.0.0.1', port, username: 'root', auth: { method: 'key', privateKeyPath: keyPath },
    knownHosts: KnownHosts.load(knownHostsPath()), hostKeyPolicy: { mode: 'acceptNew' }, reconnect: false, ...extra,
  };
}

async function rejectsWith(p: Promise<unknown>, kind: string): Promise<SshError> {
  try { await p; } catch (e) {
    assert.ok(e instanceof SshError, `not an SshError: ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    return e;
  }
  assert.fail(`expected ${kind}`);
}

test('key authentication; stdout, stderr and exit code of one command line built from an argument vector', async () => {
  await withServer(() => ({ stdout: 'out\n', stderr: 'err\n', code: 7 }), async (s) => {
    const c = new SshConnection(options(s.port, s.clientKeyPath));
    await c.connect();
    assert.equal(c.state, 'connected');
    const r = await c.exec(['virsh', 'dominfo', '--domain', 'x; rm -rf /']);
    assert.deepEqual(r, { stdout: 'out\n', stderr: 'err\n', code: 7 });
    assert.equal(s.commands[0].command, `virsh dominfo --domain 'x; rm -rf /'`);
    assert.equal(c.hostKey?.fingerprint, fingerprintOf(s.hostKey));
    await c.close();
    assert.equal(c.state, 'closed');
    await rejectsWith(c.exec(['true']), 'closed');
  });
});

test('UTF-8 output split across packets is decoded whole', async () => {
  const text = 'domaine « été » ☃\n';
  const bytes = Buffer.from(text);
  const cut = bytes.indexOf(Buffer.from('☃')) + 1; // inside the snowman's three bytes
  await withServer(() => ({ stdout: [bytes.subarray(0, cut), bytes.subarray(cut)] }), async (s) => {
    const c = new SshConnection(options(s.port, s.clientKeyPath));
    await c.connect();
    assert.equal((await c.exec(['echo'])).stdout, text);
    await c.close();
  });
});

test('an unknown host key is refused under the "known" policy, before any credential is sent', async () => {
  await withServer(() => ({}), async (s) => {
    const c = new SshConnection(options(s.port, s.clientKeyPath, { hostKeyPolicy: { mode: 'known' } }));
    const e = await rejectsWith(c.connect(), 'hostKeyUnknown');
    assert.equal(e.hostKey?.fingerprint, fingerprintOf(s.hostKey));
    assert.match(e.message, /not known: ssh-ed25519 SHA256:/);
    assert.equal(s.commands.length, 0);
    assert.equal(c.state, 'disconnected');
  });
});

test('trust on first use records the key; the next connection under "known" succeeds', async () => {
  await withServer(() => ({ stdout: 'ok' }), async (s) => {
    const path = knownHostsPath();
    const first = new SshConnection(options(s.port, s.clientKeyPath, { knownHosts: KnownHosts.load(path) }));
    await first.connect();
    await first.close();
    assert.match(readFileSync(path, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${s.port} ssh-ed25519 `));
    const again = new SshConnection(options(s.port, s.clientKeyPath, { knownHosts: KnownHosts.load(path), hostKeyPolicy: { mode: 'known' } }));
    await again.connect();
    assert.equal((await again.exec(['true'])).stdout, 'ok');
    await again.close();
  });
});

test('a changed host key is refused with a warning naming both fingerprints, whatever the policy', async () => {
  await withServer(() => ({}), async (s) => {
    const path = knownHostsPath();
    const other = sshKeyPair();
    const otherBlob = (ssh2.utils.parseKey(other.public) as ssh2.ParsedKey).getPublicSSH();
    writeFileSync(path, `[127.0.0.1]:${s.port} ssh-ed25519 ${otherBlob.toString('base64')}\n`);
    for (const policy of [{ mode: 'acceptNew' as const }, { mode: 'expect' as const, fingerprint: fingerprintOf(s.hostKey) }]) {
      const c = new SshConnection(options(s.port, s.clientKeyPath, { knownHosts: KnownHosts.load(path), hostKeyPolicy: policy }));
      const e = await rejectsWith(c.connect(), 'hostKeyChanged');
      assert.match(e.message, /WARNING: the host key of \[127\.0\.0\.1\]:\d+ has changed/);
      assert.equal(e.hostKey?.fingerprint, fingerprintOf(s.hostKey));
      assert.deepEqual(e.hostKey?.knownFingerprints, [fingerprintOf(otherBlob)]);
    }
    assert.equal(s.commands.length, 0);
    assert.equal(readFileSync(path, 'utf8').split('\n').filter(Boolean).length, 1, 'the stored key is never replaced');
  });
});

test('the wizard\'s policy accepts exactly the fingerprint the user saw', async () => {
  await withServer(() => ({}), async (s) => {
    const scanned = await scanHostKey({ host: '127.0.0.1', port: s.port });
    assert.equal(scanned.fingerprint, fingerprintOf(s.hostKey));
    const wrong = new SshConnection(options(s.port, s.clientKeyPath, { hostKeyPolicy: { mode: 'expect', fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }));
    await rejectsWith(wrong.connect(), 'hostKeyMismatch');
    const right = new SshConnection(options(s.port, s.clientKeyPath, { hostKeyPolicy: { mode: 'expect', fingerprint: scanned.fingerprint } }));
    await right.connect();
    await right.close();
  });
});

test('password authentication; a wrong password is an authentication failure that names no password', async () => {
  await withServer(() => ({ stdout: 'hi' }), async (s) => {
    const ok = new SshConnection(options(s.port, s.clientKeyPath, { auth: { method: 'password', password: 's3cret-pw' } }));
    await ok.connect();
    assert.equal((await ok.exec(['true'])).stdout, 'hi');
    await ok.close();
    const bad = new SshConnection(options(s.port, s.clientKeyPath, { auth: { method: 'password', password: 'wrong-pw-123' } }));
    const e = await rejectsWith(bad.connect(), 'auth');
    assert.doesNotMatch(e.message, /wrong-pw-123|s3cret/);
  }, 's3cret-pw');
});

test('ssh-agent authentication without an agent is a clear error', async () => {
  await withServer(() => ({}), async (s) => {
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      const c = new SshConnection(options(s.port, s.clientKeyPath, { auth: { method: 'agent' } }));
      const e = await rejectsWith(c.connect(), 'auth');
      assert.match(e.message, /no agent is running/);
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });
});

test('nobody listening: unreachable; a command that never ends: commandTimeout, and the connection stays usable', async () => {
  const c = new SshConnection(options(1, '/nonexistent'));
  await assert.rejects(c.connect(), (e: unknown) => e instanceof SshError);
  await withServer((cmd) => (cmd.startsWith('sleep') ? 'hang' : { stdout: 'still here' }), async (s) => {
    const conn = new SshConnection(options(s.port, s.clientKeyPath, { commandTimeoutMs: 300 }));
    await conn.connect();
    const e = await rejectsWith(conn.exec(['sleep', 'forever']), 'commandTimeout');
    assert.match(e.message, /"sleep forever" on root@\[127\.0\.0\.1\]:\d+ did not finish within 0 s/);
    assert.equal((await conn.exec(['echo'])).stdout, 'still here');
    await conn.close();
  });
});

test('at most maxChannels commands run at once; the rest wait their turn', async () => {
  let running = 0;
  let peak = 0;
  await withServer(() => {
    running++;
    peak = Math.max(peak, running);
    return new Promise((resolve) => setTimeout(() => { running--; resolve({ stdout: 'x' }); }, 30));
  }, async (s) => {
    const c = new SshConnection(options(s.port, s.clientKeyPath, { maxChannels: 3 }));
    await c.connect();
    const all = await Promise.all(Array.from({ length: 10 }, () => c.exec(['true'])));
    assert.equal(all.length, 10);
    assert.ok(peak <= 3, `peak ${peak}`);
    await c.close();
  });
});

test('a lost connection: running commands fail at once, new ones are refused while down, then it reconnects with backoff', async () => {
  await withServer((cmd) => (cmd.startsWith('sleep') ? 'hang' : { stdout: 'back' }), async (s) => {
    const c = new SshConnection(options(s.port, s.clientKeyPath, { reconnect: { initialDelayMs: 100, maxDelayMs: 400 } }));
    const states: string[] = [];
    c.onState((st) => states.push(st));
    await c.connect();
    const hanging = c.exec(['sleep', '1000']);
    await new Promise((r) => setTimeout(r, 100));
    s.kill();
    await rejectsWith(hanging, 'disconnected');
    await rejectsWith(c.exec(['true']), 'disconnected');
    const deadline = Date.now() + 10_000;
    while (c.state !== 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.state, 'connected');
    assert.equal((await c.exec(['true'])).stdout, 'back');
    assert.deepEqual(states.slice(0, 5), ['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    await c.close();
  });
});
