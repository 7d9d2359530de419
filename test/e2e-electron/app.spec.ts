/**
 * Electron end-to-end: launches the built app (out/main/main.js) with Playwright's `_electron` and
 * checks that the window shows the inventory from the engine over IPC.
 *
 * Skips, with the reason, where no Electron binary exists (this project's CI machines have none; the
 * electron package downloads its binary lazily and cannot here).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = `${ROOT}/out/main/main.js`;

/** The Electron binary path, or why there is none (never triggers the lazy download). */
function electronBinary(): { path?: string; reason?: string } {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = require.resolve('electron/package.json').replace(/package\.json$/, '');
    const pathFile = `${pkgDir}path.txt`;
    if (!existsSync(pathFile)) return { reason: `electron/path.txt is missing (the binary was never downloaded)` };
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const exe = `${pkgDir}dist/${readFileSync(pathFile, 'utf8').trim()}`;
    return existsSync(exe) ? { path: exe } : { reason: `${exe} does not exist` };
  } catch (e) {
    return { reason: e instanceof Error ? e.message : String(e) };
  }
}

const bin = electronBinary();

test('Electron window shows the lab inventory', async () => {
  test.skip(!bin.path, `Electron binary not available: ${bin.reason}`);
  test.skip(!existsSync(MAIN), `Electron binary not available: ${MAIN} is not built (run npx electron-vite build)`);
  // A fresh data folder: no autosave of an earlier run is offered.
  const dataDir = mkdtempSync(join(tmpdir(), 'hvlab-electron-data-'));
  const app = await electron.launch({ executablePath: bin.path, args: [MAIN], env: { ...process.env, HVLAB_DATA_DIR: dataDir } });
  try {
    const win = await app.firstWindow();
    await expect(win.getByTestId('header')).toContainText('Hypervisor Lab');
    await expect(win.getByTestId('inventory-tree-hosts').locator('[role=treeitem]').first()).toBeVisible();
  } finally {
    await app.close();
  }
});
