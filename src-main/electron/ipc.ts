/**
 * Electron IPC: the request channel, the event channel and the report channel, all under IPC_PREFIX.
 *
 * - `registerIpc(engine, windows)`: every payload goes through `createIpcRequestHandler` (trusted frame
 *   check, validation, id remapping) before it reaches the engine worker; engine events go to every window.
 *   Export report… (`REPORT_CHANNEL`) is answered here, in main, which holds the instructor's key and the
 *   PDF printer; the request is validated by the report service like any other.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow } from 'electron';
import { API_VERSION, IPC_EVENT, IPC_REQUEST } from '@shared/api/channels';
import { createApiClient } from '@shared/api/client';
import { apiError } from '@shared/api/errors';
import { REPORT_CHANNEL } from '@shared/api/reports';
import type { ReportResponseDto } from '@shared/api/reports';
import type { EngineLink } from '../node/server/labServer';
import { serveReport } from '../node/report/service';
import { createIpcRequestHandler, isTrustedSenderUrl } from './ipcRequest';
import { electronPrinter } from './reportPdf';

export function registerIpc(engine: EngineLink, windows: () => BrowserWindow[]): void {
  const handle = createIpcRequestHandler(engine);
  ipcMain.handle(IPC_REQUEST, (event, raw: unknown) => handle(event.senderFrame?.url ?? '', raw));
  // Main's own client of the engine, through the same validating door as the window's requests.
  const hostApi = createApiClient({
    apiVersion: API_VERSION, transport: 'direct',
    request: (m) => handle('file://main', m),
    onEvent: (l) => engine.onEvent(l),
  });
  ipcMain.handle(REPORT_CHANNEL, async (event, raw: unknown): Promise<ReportResponseDto> => {
    if (!isTrustedSenderUrl(event.senderFrame?.url ?? '')) return { ok: false, error: apiError('E_UNAUTHORIZED', 'request from an untrusted frame') };
    return serveReport(hostApi, raw, electronPrinter);
  });
  engine.onEvent((e) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e);
  });
}
