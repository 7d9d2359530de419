/**
 * Playwright global setup: starts the lab server in browser mode and hands its URL to the tests.
 *
 * - Spawns `node bin/hvlab.mjs serve --port 0 --seed 1 --data-dir TMP` (a fresh data folder per run, so
 *   no autosave of an earlier run is offered; HVLAB_DATA_DIR names it too, so the real hosts a test adds,
 *   the known-hosts file and thumbprints are the run's own, never the user's `~/.hvlab`, and the tests
 *   find it in HVLAB_E2E_DATA_DIR) with a fresh temporary lab library (HVLAB_LIBRARY;
 *   HVLAB_E2E_LIBRARY names one instead), plus `--scenario $HVLAB_E2E_SCENARIO` when set,
 *   parses the one line `hvlab: serving the lab at http://127.0.0.1:PORT/?token=HEX`, and sets
 *   HVLAB_E2E_URL for the test workers (they start after this returns). The server also runs the lab's
 *   vim25 SDK endpoint (`--vim25-port 0`); its line `vim25 SDK: https://127.0.0.1:N/sdk (user U, password P)`
 *   becomes HVLAB_E2E_VIM25 (`{ port, user, password }`), for the specs that drive the lab with SDK clients.
 * - Returns the teardown, which stops that server (by its pid, nothing else).
 *
 * Rule: no mock: the tests drive the real renderer bundle against the real engine.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LINE = /hvlab: serving the lab at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/;
const VIM25_LINE = /vim25 SDK: https:\/\/127\.0\.0\.1:(\d+)\/sdk \(user (\S+), password (\S+)\)/;
const START_TIMEOUT_MS = 180_000;

export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(`${ROOT}/artifacts/screenshots`, { recursive: true });
  if (process.env.HVLAB_E2E_URL) return async () => undefined; // a server started by hand

  const dataDir = mkdtempSync(join(tmpdir(), 'hvlab-e2e-data-'));
  const args = ['bin/hvlab.mjs', 'serve', '--port', '0', '--vim25-port', '0', '--seed', process.env.HVLAB_E2E_SEED ?? '1', '--data-dir', dataDir];
  if (process.env.HVLAB_E2E_SCENARIO) args.push('--scenario', process.env.HVLAB_E2E_SCENARIO);
  // Saved labs go to a fresh lab library, never the user's own.
  const library = process.env.HVLAB_E2E_LIBRARY ?? mkdtempSync(join(tmpdir(), 'hvlab-e2e-library-'));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HVLAB_LIBRARY: library, HVLAB_DATA_DIR: dataDir } });
  let output = '';

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hvlab serve printed no URL within ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = LINE.exec(output);
      const sdk = VIM25_LINE.exec(output);
      if (m && sdk) {
        clearTimeout(timer);
        process.env.HVLAB_E2E_VIM25 = JSON.stringify({ port: Number(sdk[1]), user: sdk[2], password: sdk[3] });
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hvlab serve exited with code ${code} before printing its URL:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  // Keep draining output so the server never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  process.env.HVLAB_E2E_URL = url;
  process.env.HVLAB_E2E_DATA_DIR = dataDir;

  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}
