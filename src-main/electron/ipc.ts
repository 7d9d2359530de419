/**
 * Electron IPC: one handler for the request channel and one event channel, both under IPC_PREFIX.
 *
 * - `registerIpc(backend, windows)`: every payload goes through `createIpcRequestHandler` (trusted frame
 *   check, framing) before it reaches the backend; the backend's events go to every window.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow } from 'electron';
import { IPC_EVENT, IPC_REQUEST } from '@shared/api/channels';
import type { Backend } from '../node/backends/index';
import { createIpcRequestHandler } from './ipcRequest';

export function registerIpc(backend: Backend, windows: () => BrowserWindow[]): void {
  const handle = createIpcRequestHandler(backend);
  ipcMain.handle(IPC_REQUEST, (event, raw: unknown) => handle(event.senderFrame?.url ?? '', raw));
  backend.onEvent((e) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e);
  });
}
