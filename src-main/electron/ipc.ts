/**
 * Electron IPC: one handler for the request channel and one event channel, both under IPC_PREFIX.
 *
 * - `registerIpc(backend, windows, appUrl)`: every payload goes through `createIpcRequestHandler`
 *   (trusted-frame check against the app's own page, size bound, framing) before it reaches the backend;
 *   the backend's events go to every window.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow } from 'electron';
import { IPC_EVENT, IPC_REQUEST } from '@shared/api/channels';
import type { Backend } from '../node/backends/index';
import { createIpcRequestHandler } from './ipcRequest';

export function registerIpc(backend: Backend, windows: () => BrowserWindow[], appUrl: string): void {
  const handle = createIpcRequestHandler(backend, appUrl);
  ipcMain.handle(IPC_REQUEST, (event, raw: unknown) => handle(event.senderFrame, raw));
  backend.onEvent((e) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e);
  });
}
