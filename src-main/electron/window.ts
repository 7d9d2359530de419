/**
 * The lab's BrowserWindow: sandboxed renderer (contextIsolation on, sandbox on, nodeIntegration off, no
 * <webview>, no navigation by drag and drop), and the Electron Content-Security-Policy on every response
 * as well as in the page's own <meta> tag (a file:// page has no response headers: the tag is what
 * counts there). Navigation, redirects and new windows are refused for every web contents
 * (`security.ts`, installed in main.ts). When the page refuses to close (the lab has unsaved changes) a
 * native "unsaved changes" question asks whether to close anyway.
 */
import { BrowserWindow, dialog, session } from 'electron';
import { join } from 'node:path';
import { contentSecurityPolicy } from '../node/server/staticFiles';

export function createMainWindow(appDir: string, indexHtml: string): BrowserWindow {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy('electron')] } });
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
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The page refuses to unload while the lab has unsaved changes; Electron shows no prompt of its own, so ask here.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question', buttons: ['Close Without Saving', 'Cancel'], defaultId: 1, cancelId: 1, title: 'Unsaved changes',
      message: 'The lab has unsaved changes.', detail: 'Close anyway and lose them? Cancel, then File › Save, keeps them.',
    });
    if (choice === 0) event.preventDefault();
  });
  void win.loadFile(indexHtml);
  return win;
}
