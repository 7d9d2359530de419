/**
 * The lab's BrowserWindow: sandboxed renderer (contextIsolation on, sandbox on, nodeIntegration off, no
 * <webview>, no navigation by drag and drop), and the Electron Content-Security-Policy on every response
 * as well as in the page's own <meta> tag (a file:// page has no response headers: the tag is what
 * counts there). Navigation, redirects and new windows are refused for every web contents
 * (`security.ts`, installed in main.ts).
 */
import { BrowserWindow, session } from 'electron';
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
  void win.loadFile(indexHtml);
  return win;
}
