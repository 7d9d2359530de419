/**
 * The lab's BrowserWindow: sandboxed renderer (contextIsolation on, sandbox on, nodeIntegration off), a
 * strict Content-Security-Policy on every response, no navigation away from the app, no new windows, and a
 * native "unsaved changes" question when the page refuses to close (the lab has unsaved changes).
 */
import { BrowserWindow, dialog, session, shell } from 'electron';
import { join } from 'node:path';
import { contentSecurityPolicy } from '../node/server/staticFiles';

export function createMainWindow(appDir: string): BrowserWindow {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } });
  });
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Hypervisor Lab',
    show: false,
    webPreferences: {
      preload: join(appDir, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The app never navigates: links to the outside open in the system browser, everything else is refused.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  // The page refuses to unload while the lab has unsaved changes; Electron shows no prompt of its own, so ask here.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question', buttons: ['Close Without Saving', 'Cancel'], defaultId: 1, cancelId: 1, title: 'Unsaved changes',
      message: 'The lab has unsaved changes.', detail: 'Close anyway and lose them? Cancel, then File › Save, keeps them.',
    });
    if (choice === 0) event.preventDefault();
  });
  void win.loadFile(join(appDir, '../renderer/index.html'));
  return win;
}
