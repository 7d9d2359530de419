/**
 * Administration › SDK Endpoint in browser mode, on a server of its own (its own data folder and ports,
 * started without --vim25-port, so the endpoint runs only when the page turns it on): problems are shown
 * beside their field (no password yet, two passwords that differ, a port another program holds); Save
 * starts the endpoint and the page shows its URL and certificate thumbprints; pyvmomi logs in with the
 * user and password set there; turning it off stops it.
 *
 * Skips with the reason where pyvmomi is missing (Debian's python3-pyvmomi; CI installs it).
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, shot } from './lab';
import { pyvmomiAvailable, runPython } from '../vim25/helpers/peers';

const skip = pyvmomiAvailable() ? undefined : 'pyvmomi is missing (apt-get install python3-pyvmomi)';
test.skip(!!skip, skip ?? '');

const UI_PORT = 7550;
const SDK_PORT = 7551;
const TAKEN_PORT = 7552;
const PASSWORD = 'Student-pw-2026';

let server: ChildProcess | undefined;
let squatter: Server | undefined;
let url = '';
const dirs: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'hvlab-e2e-sdk-data-'));
  const library = mkdtempSync(join(tmpdir(), 'hvlab-e2e-sdk-library-'));
  dirs.push(dataDir, library);
  server = spawn(process.execPath, ['bin/hvlab.mjs', 'serve', '--port', String(UI_PORT), '--paused', '--data-dir', dataDir], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HVLAB_DATA_DIR: dataDir, HVLAB_LIBRARY: library, HVLAB_VIM25_PORT: '', HVLAB_VIM25_PASSWORD: '' },
  });
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from hvlab serve: ${output}`)), 200_000);
    server!.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /serving the lab at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server!.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    server!.once('exit', (code) => { clearTimeout(timer); reject(new Error(`hvlab serve exited (${code}): ${output}`)); });
  });
  expect(output, 'no endpoint runs until the page turns it on').not.toContain('vim25 SDK:');
  squatter = createServer();
  await new Promise<void>((r) => squatter!.listen(TAKEN_PORT, '127.0.0.1', () => r()));
});

test.afterAll(async () => {
  squatter?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise<void>((r) => server!.once('exit', () => r()));
    server.kill('SIGTERM');
    await exited;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

test('Administration › SDK Endpoint turns the vim25 endpoint on for pyvmomi, shows its URL and thumbprints, and off again', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(url);
  await expect(page.getByTestId('header')).toBeVisible();
  await page.getByTestId('admin-menu-button').click();
  await page.getByTestId('admin-sdk-endpoint').click();
  const dialog = page.getByTestId('sdk-endpoint-dialog');
  await expect(dialog.getByTestId('sdk-endpoint-state')).toHaveText(/Stopped/);

  // Turning it on without a password: the problem beside the password field.
  await dialog.getByTestId('sdk-endpoint-enabled').check();
  await dialog.getByTestId('sdk-endpoint-port').fill(String(TAKEN_PORT));
  await dialog.getByTestId('sdk-endpoint-user').fill('student');
  await dialog.getByTestId('sdk-endpoint-save').click();
  await expect(dialog.getByTestId('sdk-endpoint-error-password')).toHaveText(/Set a password/);

  // Two passwords that differ.
  await dialog.getByTestId('sdk-endpoint-password').fill(PASSWORD);
  await dialog.getByTestId('sdk-endpoint-confirm').fill(`${PASSWORD}x`);
  await dialog.getByTestId('sdk-endpoint-save').click();
  await expect(dialog.getByTestId('sdk-endpoint-error-confirm')).toHaveText(/differ/);

  // A port another program holds: the lab's own refusal, beside the port; nothing starts.
  await dialog.getByTestId('sdk-endpoint-confirm').fill(PASSWORD);
  await dialog.getByTestId('sdk-endpoint-save').click();
  await expect(dialog.getByTestId('sdk-endpoint-error-port')).toHaveText(new RegExp(`Port ${TAKEN_PORT} is in use`));
  await expect(dialog.getByTestId('sdk-endpoint-state')).toHaveText(/Stopped/);
  await shot(page, 'sdk-endpoint-port-in-use');

  // A free port: running, with the URL and the certificate's thumbprints SDK clients pin.
  await dialog.getByTestId('sdk-endpoint-port').fill(String(SDK_PORT));
  await dialog.getByTestId('sdk-endpoint-password').fill(PASSWORD);
  await dialog.getByTestId('sdk-endpoint-confirm').fill(PASSWORD);
  await dialog.getByTestId('sdk-endpoint-save').click();
  await expect(dialog.getByTestId('sdk-endpoint-state')).toHaveText(/Running/);
  await expect(dialog.getByTestId('sdk-endpoint-url')).toHaveText(`https://127.0.0.1:${SDK_PORT}/sdk`);
  await expect(dialog.getByTestId('sdk-endpoint-sha1')).toHaveText(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  await expect(dialog.getByTestId('sdk-endpoint-sha256')).toHaveText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  await expect(dialog.getByTestId('sdk-endpoint-password')).toHaveValue('');
  await expect(dialog.getByTestId('sdk-endpoint-password')).toHaveAttribute('placeholder', /keep the current password/);
  await shot(page, 'sdk-endpoint-running');

  const info = await runPython('examples/host_info.py', ['127.0.0.1', 'student', PASSWORD, '--port', String(SDK_PORT), '--json']);
  expect(info.code, info.stderr).toBe(0);
  expect((JSON.parse(info.stdout) as { hosts: unknown[] }).hosts.length).toBeGreaterThan(0);

  // Off: stopped, and nothing listens on the port any more; the password stays set.
  await dialog.getByTestId('sdk-endpoint-enabled').uncheck();
  await dialog.getByTestId('sdk-endpoint-save').click();
  await expect(dialog.getByTestId('sdk-endpoint-state')).toHaveText(/Stopped/);
  await expect.poll(() => listening(SDK_PORT)).toBe(false);
  await expect(dialog).toContainText('A password is set.');
});
