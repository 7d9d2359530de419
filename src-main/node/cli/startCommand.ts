/**
 * `hvlab start` (what `npm start` runs): build and open the Electron window; where no Electron binary is
 * present and none can be downloaded, say so in one line and fall back to browser mode.
 *
 * - `findElectronBinary(root)` → path or a reason string; tries electron's own installer once, bounded.
 * - `--workers N` (host worker threads, `workersOption.ts`): checked here, before anything is built, and
 *   handed to the Electron main process as HVLAB_WORKERS (which reads it as `serve` does); browser mode
 *   gets the whole command line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { projectRoot, serve } from './serveCommand';
import { workerCount, workersFlag } from './workersOption';

/** How long the one download attempt may take before we give up and fall back. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

export function electronBinaryPath(root: string): string | undefined {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const rel = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist');
  const full = join(dist, rel);
  return existsSync(full) ? full : undefined;
}

export function findElectronBinary(root: string): { path: string } | { reason: string } {
  const present = electronBinaryPath(root);
  if (present) return { path: present };
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return { reason: 'the electron package is not installed' };
  const r = spawnSync(process.execPath, [installer], { cwd: root, stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
  const after = electronBinaryPath(root);
  if (after) return { path: after };
  return { reason: r.error ? `its download failed (${r.error.message})` : 'it is not in node_modules/electron/dist and could not be downloaded' };
}

export async function start(argv: string[]): Promise<void> {
  const root = projectRoot();
  const workers = workerCount(workersFlag(argv));
  const found = findElectronBinary(root);
  if ('reason' in found) {
    console.log(`hvlab: no Electron binary (${found.reason}); starting browser mode instead.`);
    await serve(argv);
    return;
  }
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('electron-vite build failed');
  const child = spawn(found.path, [root, ...argv], { cwd: root, stdio: 'inherit', env: { ...process.env, HVLAB_WORKERS: String(workers) } });
  child.on('exit', (code) => process.exit(code ?? 0));
}
