// `hvlab serve --vim25-port N` starts the endpoint beside browser mode and prints exactly one line
// `vim25 SDK: https://127.0.0.1:N/sdk (user USER, password PASSWORD)`; the password is random per
// install (kept in the data folder), printed there once and nowhere else; HVLAB_VIM25_PASSWORD sets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, https } from './helpers/peers';

async function serveOnce(env: Record<string, string>, args: string[]): Promise<{ stdout: string; stderr: string; vim25Lines: string[] }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/hvlab.mjs'), 'serve', '--port', '0', ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no vim25 line in time: ${stdout} ${stderr.slice(-500)}`)), 240_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/^vim25 SDK: .*\n/m.test(stdout)) { clearTimeout(timer); resolve(); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited (${code}): ${stderr.slice(-500)}`)); });
    });
    const m = /^vim25 SDK: https:\/\/127\.0\.0\.1:(\d+)\/sdk \(user (\S+), password (\S+)\)$/m.exec(stdout)!;
    const r = await https(Number(m[1]), { method: 'GET', path: '/sdk/vimServiceVersions.xml' });
    assert.equal(r.status, 200);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  return { stdout, stderr, vim25Lines: stdout.split('\n').filter((l) => l.startsWith('vim25')) };
}

test('serve --vim25-port prints one line with the URL, the user and the install\'s random password', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hvlab-vim25-serve-'));
  try {
    const env = { HVLAB_DATA_DIR: dataDir, HVLAB_VIM25_PASSWORD: '', HVLAB_VIM25_PORT: '' };
    const first = await serveOnce(env, ['--vim25-port', '0', '--paused']);
    assert.equal(first.vim25Lines.length, 1, first.stdout);
    const m = /^vim25 SDK: https:\/\/127\.0\.0\.1:\d+\/sdk \(user root, password (\S+)\)$/.exec(first.vim25Lines[0]);
    assert.ok(m, first.vim25Lines[0]);
    const password = m[1];
    assert.equal(readFileSync(join(dataDir, 'vim25-password'), 'utf8').trim(), password);
    assert.ok(!first.stderr.includes(password), 'the password is printed once, on that line only');
    assert.equal(first.stdout.split(password).length, 2);
    // Same install, same password; the environment variable (and HVLAB_VIM25_PORT) override.
    const second = await serveOnce({ ...env, HVLAB_VIM25_PORT: '0', HVLAB_VIM25_PASSWORD: 'set-by-env' }, ['--paused']);
    assert.match(second.vim25Lines[0], /\(user root, password set-by-env\)$/);
    assert.equal(readFileSync(join(dataDir, 'vim25-password'), 'utf8').trim(), password, 'the stored password is kept');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
