/**
 * Electron IPC: one handler for the request channel and one event channel, both under IPC_PREFIX.
 *
 * - `registerIpc(engine, getWindows)`: validates every payload at the boundary (validateRequest) before
 *   it reaches the engine worker, remaps request ids, and forwards engine events to every window.
 * - Only messages from our own renderer frames (file:// app pages) are accepted.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT, IPC_REQUEST } from '@shared/api/channels';
import { validateRequest } from '@shared/api/validate';
import { apiError } from '@shared/api/errors';
import type { ResponseMessage } from '@shared/api/protocol';
import type { EngineLink } from '../node/server/labServer';

export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith('file://');
}

export function registerIpc(engine: EngineLink, windows: () => BrowserWindow[]): void {
  let nextInternalId = 1;
  ipcMain.handle(IPC_REQUEST, async (event, raw: unknown): Promise<ResponseMessage> => {
    if (!isTrustedSender(event)) return { id: -1, ok: false, error: apiError('E_UNAUTHORIZED', 'request from an untrusted frame') };
    const v = validateRequest(raw);
    if (!v.ok) return { id: v.id, ok: false, error: v.error };
    const reply = await engine.request({ ...v.request, id: nextInternalId++ });
    return { ...reply, id: v.request.id };
  });
  engine.onEvent((e) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e);
  });
}
