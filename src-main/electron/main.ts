/**
 * Electron main process: the composition root. A short ordered list, one comment per line.
 */
import { app, BrowserWindow, Menu, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { labDataDir, sealedSecretStore, startLabBackend } from '../node/backends/index';
import { Vim25Controller, withVim25Settings } from '../node/vim25/index';
import { workerCount } from '../node/cli/workersOption';
import { registerIpc } from './ipc';
import { createMainWindow } from './window';
import { buildMenu } from './menu';
import { hardenWebContents, installPermissionHandlers } from './security';

// import.meta.dirname is out/main in the bundle; the worker bundle sits next to this file.
const appDir = import.meta.dirname;
const indexHtml = join(appDir, '../renderer/index.html');

// Every web contents that will ever exist is hardened as it is created: no navigation, redirects,
// new windows or <webview>; allow-listed links open in the system browser.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { openExternal: (url) => shell.openExternal(url) }));

async function boot(): Promise<void> {
  await app.whenReady();
  // 0. Packaged builds keep guests and scenarios outside the asar archive (electron-builder extraResources).
  if (app.isPackaged && !process.env.HVLAB_RESOURCES) process.env.HVLAB_RESOURCES = join(process.resourcesPath, 'resources');
  // 1. No page gets any permission (camera, notifications, HID…): the lab needs none.
  installPermissionHandlers(session.defaultSession);
  // 2. The lab's backend: the engine runs in a supervised worker thread, off the UI thread, autosaving
  //    into the app's data folder; real hosts added in Add Host join it, their passwords sealed with the
  //    OS keychain (held in memory only where there is none).
  const libraryDir = process.env.HVLAB_LIBRARY ?? join(app.getPath('userData'), 'labs');
  //    Each lab's hosts on host worker threads: HVLAB_WORKERS (`hvlab start --workers N` sets it), else the
  //    default; a bad value ends the app with the message (`hvlab start` checks it before it gets here).
  let workers: number;
  try {
    workers = workerCount(undefined);
  } catch (e) {
    console.error(`hvlab: ${e instanceof Error ? e.message : String(e)}`);
    app.exit(2);
    return;
  }
  const labBackend = await startLabBackend({
    scenario: process.env.HVLAB_SCENARIO ?? 'lab-small', seed: Number(process.env.HVLAB_SEED ?? 1), paused: false,
    dataDir: process.env.HVLAB_DATA_DIR ?? join(app.getPath('userData'), 'lab'),
    // File › Save / Open keep named labs here.
    libraryDir,
    workers,
  }, { dataDir: labDataDir(), secrets: sealedSecretStore(safeStorage) });
  // 2b. The vim25 SDK endpoint, started from the settings of Administration › SDK endpoint (off until the
  //     user turns it on there); the page reaches those settings through the same door as the lab.
  const vim25 = new Vim25Controller({ peer: labBackend, dataDir: labDataDir() });
  const backend = withVim25Settings(labBackend, vim25);
  void vim25.start().then((e) => { if (!e && vim25.status().problem) console.error(`hvlab: vim25 SDK not started: ${vim25.status().problem}`); });
  // 3. One IPC door to it, open only to the app's own page (framing here; the engine validates); File ›
  //    Open Lab… / Save As… show native dialogs on the lab library from here.
  registerIpc(backend, () => BrowserWindow.getAllWindows(), pathToFileURL(indexHtml).href, libraryDir);
  // 4. The application menu.
  Menu.setApplicationMenu(buildMenu());
  // 5. The sandboxed window.
  createMainWindow(appDir, indexHtml);
  // 6. macOS convention: re-open a window from the dock; quit elsewhere when the last window closes.
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createMainWindow(appDir, indexHtml); });
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
  // 7. Quitting never loses the lab: autosave first (the next start offers it back), then stop the engine.
  let saved = false;
  app.on('before-quit', (event) => {
    if (saved) return;
    event.preventDefault();
    saved = true;
    void (backend.autosave ? backend.autosave() : Promise.resolve<{ saved: boolean; error?: string }>({ saved: false }))
      .then((r) => { if (r.error) console.error(`hvlab: the lab could not be autosaved: ${r.error}`); })
      .finally(() => { void backend.close().finally(() => app.quit()); });
  });
}

void boot();
