/**
 * Electron IPC: one handler for the request channel and one event channel, both under IPC_PREFIX.
 *
 * - `registerIpc(engine, windows, appUrl)`: every payload goes through `createIpcRequestHandler`
 *   (trusted-frame check against the app's own page, size bound, validation, id remapping) before it
 *   reaches the engine worker; engine events go to every window.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow } from 'electron';
import { IPC_EVENT, IPC_REQUEST } from '@shared/api/channels';
import type { EngineLink } from '../node/server/labServer';
import { createIpcRequestHandler } from './ipcRequest';

export function registerIpc(engine: EngineLink, windows: () => BrowserWindow[], appUrl: string): void {
  const handle = createIpcRequestHandler(engine, appUrl);
  ipcMain.handle(IPC_REQUEST, (event, raw: unknown) => handle(event.senderFrame, raw));
  engine.onEvent((e) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e);
  });
}
