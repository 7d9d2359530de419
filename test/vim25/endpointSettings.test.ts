// Administration › SDK endpoint: the contract's `vim25.settings` / `vim25.configure`, answered in front
// of the real lab backend by the start/stop controller. Turning it on starts an endpoint pyvmomi logs
// into with the password set there; the settings survive a restart with only a hash of the password;
// a refused change (no password, a port in use, a bad field) changes nothing; turning it off stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_VERSION } from '../../src-shared/api/channels';
import type { ResponseMessage } from '../../src-shared/api/protocol';
import type { Vim25SettingsDto } from '../../src-shared/model/vim25Settings';
import { startSimulatedBackend } from '../../src-main/node/backends/index';
import type { Backend } from '../../src-main/node/backends/index';
import { Vim25Controller, withVim25Settings } from '../../src-main/node/vim25/index';
import { ROOT, https, pyvmomiAvailable, runPython } from './helpers/peers';

// Ports of this suite's range; the endpoint under test and a squatter that holds a port.
const PORT = 7541;
const TAKEN = 7542;
const PASSWORD = 'Lab-secret-42';

const skip = pyvmomiAvailable() ? false : 'Debian\'s python3-pyvmomi is not installed (apt-get install python3-pyvmomi)';

async function hostInfo(port: number, user: string, password: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return runPython(join(ROOT, 'examples', 'host_info.py'), ['127.0.0.1', user, password, '--port', String(port), '--json']);
}

/** Whether nothing listens on the port (a fresh TCP connection is refused). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

test('Administration › SDK endpoint starts an endpoint pyvmomi logs into, keeps only a hash, refuses bad changes, and stops it', { skip, timeout: 600_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hvlab-vim25-settings-'));
  let backend: Backend | undefined;
  let door: Backend | undefined;
  let second: Vim25Controller | undefined;
  let id = 1;
  const ask = async (kind: 'query' | 'command', name: string, params: unknown): Promise<ResponseMessage> => door!.request({ v: API_VERSION, id: id++, kind, name, params });
  const ok = (r: ResponseMessage): Vim25SettingsDto => { assert.ok(r.ok, JSON.stringify(r)); return r.result as Vim25SettingsDto; };
  const squatter = createServer();
  try {
    backend = await startSimulatedBackend({ scenario: 'lab-small', seed: 1, paused: true });
    const controller = new Vim25Controller({ peer: backend, dataDir, tuning: { failedLoginDelayMs: 20, maxFailedLoginDelayMs: 40 } });
    door = withVim25Settings(backend, controller);
    assert.equal(await controller.start(), undefined, 'off until turned on');

    let s = ok(await ask('query', 'vim25.settings', {}));
    assert.deepEqual({ enabled: s.enabled, state: s.state, passwordSet: s.passwordSet, user: s.user, port: s.port }, { enabled: false, state: 'stopped', passwordSet: false, user: 'root', port: 5443 });

    // Refused, changing nothing: no password yet; a privileged port; a user name with a space; an unknown field.
    const noPassword = await ask('command', 'vim25.configure', { enabled: true, port: PORT, user: 'student' });
    assert.ok(!noPassword.ok && noPassword.error.code === 'E_INVALID_ARGUMENT' && noPassword.error.field === 'params.password', JSON.stringify(noPassword));
    for (const [params, field] of [
      [{ enabled: true, port: 443, user: 'student', password: PASSWORD }, 'params.port'],
      [{ enabled: true, port: PORT, user: 'a student', password: PASSWORD }, 'params.user'],
      [{ enabled: true, port: PORT, user: 'student', password: 'short' }, 'params.password'],
      [{ enabled: true, port: PORT, user: 'student', password: PASSWORD, shell: 'rm -rf' }, 'params.shell'],
    ] as const) {
      const r = await ask('command', 'vim25.configure', params);
      assert.ok(!r.ok && r.error.code === 'E_INVALID_ARGUMENT' && r.error.field === field, `${JSON.stringify(params)} → ${JSON.stringify(r)}`);
    }
    assert.ok(!existsSync(join(dataDir, 'vim25-settings.json')), 'a refused change writes nothing');
    assert.ok(await refused(PORT));

    // On: an endpoint on the port, the user and password set here; its URL and certificate thumbprints shown.
    s = ok(await ask('command', 'vim25.configure', { enabled: true, port: PORT, user: 'student', password: PASSWORD }));
    assert.equal(s.state, 'running');
    assert.equal(s.startedBy, 'settings');
    assert.equal(s.url, `https://127.0.0.1:${PORT}/sdk`);
    assert.equal(s.passwordSet, true);
    const cert = new X509Certificate(readFileSync(join(dataDir, 'vim25-cert.pem')));
    assert.equal(s.thumbprintSha1, cert.fingerprint);
    assert.equal(s.thumbprintSha256, cert.fingerprint256);
    assert.match(s.thumbprintSha1!, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.ok(!JSON.stringify(s).includes(PASSWORD) && !JSON.stringify(s).includes('scrypt'), 'neither the password nor its hash is answered');

    const first = await hostInfo(PORT, 'student', PASSWORD);
    assert.equal(first.code, 0, first.stderr);
    assert.ok((JSON.parse(first.stdout) as { hosts: unknown[] }).hosts.length > 0);
    const wrong = await hostInfo(PORT, 'student', 'not-the-password');
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /InvalidLogin|incorrect user name or password/);

    // Kept as the application's setting, with a salted hash of the password, never the password.
    const file = join(dataDir, 'vim25-settings.json');
    const saved = readFileSync(file, 'utf8');
    assert.ok(!saved.includes(PASSWORD));
    assert.match(saved, /"passwordHash": "scrypt\$/);
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);

    // A port another program holds is refused naming the port; the endpoint keeps running as it was.
    await new Promise<void>((r) => squatter.listen(TAKEN, '127.0.0.1', () => r()));
    const inUse = await ask('command', 'vim25.configure', { enabled: true, port: TAKEN, user: 'student' });
    assert.ok(!inUse.ok && inUse.error.field === 'params.port' && /in use/.test(inUse.error.message), JSON.stringify(inUse));
    assert.equal(readFileSync(file, 'utf8'), saved, 'the settings file is unchanged');
    s = ok(await ask('query', 'vim25.settings', {}));
    assert.equal(s.state, 'running');
    assert.equal(s.runningPort, PORT);
    assert.equal((await https(PORT, { method: 'GET', path: '/sdk/vimServiceVersions.xml' })).status, 200);

    // Off: the endpoint stops (connections refused); the password stays set for next time.
    s = ok(await ask('command', 'vim25.configure', { enabled: false, port: PORT, user: 'student' }));
    assert.equal(s.state, 'stopped');
    assert.equal(s.passwordSet, true);
    assert.equal(s.url, undefined);
    assert.ok(await refused(PORT), 'disabled: nothing listens on the port');

    // On again without retyping the password; a restarted application (a new controller over the same
    // data folder) starts it from the saved settings, and the hash still checks the password.
    ok(await ask('command', 'vim25.configure', { enabled: true, port: PORT, user: 'student' }));
    await door.close();
    door = undefined;
    backend = await startSimulatedBackend({ scenario: 'lab-small', seed: 1, paused: true });
    second = new Vim25Controller({ peer: backend, dataDir });
    const restarted = await second.start();
    assert.equal(restarted?.port, PORT);
    assert.equal(restarted?.password, undefined, 'the endpoint never holds the password in clear');
    const again = await hostInfo(PORT, 'student', PASSWORD);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    squatter.close();
    await second?.close();
    if (door) await door.close();
    else await backend?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a damaged settings file is refused whole: the endpoint stays off and says why', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hvlab-vim25-settings-'));
  try {
    const peer = { request: async () => { throw new Error('not reached'); }, onEvent: () => () => {} };
    for (const body of ['{not json', JSON.stringify({ version: 1, enabled: true, port: 7543, user: 'root', passwordHash: 'plain-password' }), JSON.stringify({ version: 1, enabled: true, port: 80, user: 'root' })]) {
      writeFileSync(join(dataDir, 'vim25-settings.json'), body);
      const c = new Vim25Controller({ peer, dataDir });
      assert.equal(await c.start(), undefined);
      const s = c.status();
      assert.equal(s.enabled, false);
      assert.match(s.problem ?? '', /vim25-settings\.json/);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
