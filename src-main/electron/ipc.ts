/**
 * Electron IPC: the request channel, the event channel and the report channel, all under IPC_PREFIX.
 *
 * - `registerIpc(backend, windows, appUrl)`: every payload goes through `createIpcRequestHandler`
 *   (trusted-frame check against the app's own page, size bound, framing) before it reaches the backend;
 *   the backend's events go to every window.
 * - Export report… (`REPORT_CHANNEL`) is answered here, in main, which holds the instructor's key and the
 *   PDF printer; the sender is checked like the request channel's, and the report service validates the
 *   request and reads the lab through the backend's validating door like any other client.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow } from 'electron';
import { API_VERSION, IPC_EVENT, IPC_REQUEST } from '@shared/api/channels';
import { createApiClient } from '@shared/api/client';
import { apiError } from '@shared/api/errors';
import { REPORT_CHANNEL } from '@shared/api/reports';
import type { ReportResponseDto } from '@shared/api/reports';
import type { Backend } from '../node/backends/index';
import { serveReport } from '../node/report/service';
import { createIpcRequestHandler } from './ipcRequest';
import { isTrustedSender } from './security';
import { electronPrinter } from './reportPdf';

export function registerIpc(backend: Backend, windows: () => BrowserWindow[], appUrl: string): void {
  const handle = createIpcRequestHandler(backend, appUrl);
  ipcMain.handle(IPC_REQUEST, (event, raw: unknown) => handle(event.senderFrame, raw));
  // Main's own client of the lab, for reports: the backend keeps its ids apart from the window's.
  const hostApi = createApiClient({
    apiVersion: API_VERSION, transport: 'direct',
    request: (m) => backend.request({ ...m }),
    onEvent: (l) => backend.onEvent(l),
  });
  ipcMain.handle(REPORT_CHANNEL, async (event, raw: unknown): Promise<ReportResponseDto> => {
    if (!isTrustedSender(event.senderFrame, appUrl)) return { ok: false, error: apiError('E_UNAUTHORIZED', 'request from an untrusted frame') };
    return serveReport(hostApi, raw, electronPrinter);
  });
  backend.onEvent((e) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e);
  });
}
