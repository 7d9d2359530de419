/**
 * Electron main process: the composition root. A short ordered list, one comment per line.
 */
import { app, BrowserWindow, Menu } from 'electron';
import { join } from 'node:path';
import { EngineWorkerClient } from '../node/workers/engineWorkerClient';
import { registerIpc } from './ipc';
import { createMainWindow } from './window';
import { buildMenu } from './menu';

// import.meta.dirname is out/main in the bundle; the worker bundle sits next to this file.
const appDir = import.meta.dirname;

async function boot(): Promise<void> {
  await app.whenReady();
  // 0. Packaged builds keep guests and scenarios outside the asar archive (electron-builder extraResources).
  if (app.isPackaged && !process.env.HVLAB_RESOURCES) process.env.HVLAB_RESOURCES = join(process.resourcesPath, 'resources');
  // 1. The engine runs in a worker thread, off the UI thread.
  const engine = await EngineWorkerClient.spawn({ scenario: process.env.HVLAB_SCENARIO ?? 'lab-small', seed: Number(process.env.HVLAB_SEED ?? 1), paused: false, libraryDir: process.env.HVLAB_LIBRARY ?? join(app.getPath('userData'), 'labs') });
  // 2. One validated IPC door to it.
  registerIpc(engine, () => BrowserWindow.getAllWindows());
  // 3. The application menu.
  Menu.setApplicationMenu(buildMenu());
  // 4. The sandboxed window.
  createMainWindow(appDir);
  // 5. macOS convention: re-open a window from the dock; quit elsewhere when the last window closes.
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createMainWindow(appDir); });
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
  app.on('before-quit', () => { void engine.close(); });
}

void boot();
