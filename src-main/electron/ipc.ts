/**
 * Electron IPC: the request channel, the event channel and the report channel, all under IPC_PREFIX.
 *
 * - `registerIpc(backend, windows, appUrl)`: every payload goes through `createIpcRequestHandler`
 *   (trusted-frame check against the app's own page, size bound, framing) before it reaches the backend;
 *   the backend's events go to every window.
 * - Export report… (`REPORT_CHANNEL`) is answered here, in main, which holds the instructor's key and the
 *   PDF printer; the sender is checked like the request channel's, and the report service validates the
 *   request and reads the lab through the backend's validating door like any other client.
 * - File › Open Lab… / Save As… (`LAB_FILE_CHANNEL`, given the lab library's folder): the sender is checked
 *   the same way, then `labFileDialogs.ts` shows the native dialog on the asking window and opens or saves
 *   through the same client; the page never sees or chooses a path.
 */
import { BrowserWindow, dialog, ipcMain } from 'electron';
import { API_VERSION, IPC_EVENT, IPC_REQUEST } from '@shared/api/channels';
import { createApiClient } from '@shared/api/client';
import { apiError } from '@shared/api/errors';
import { REPORT_CHANNEL } from '@shared/api/reports';
import type { ReportResponseDto } from '@shared/api/reports';
import { LAB_FILE_CHANNEL } from '@shared/api/labFiles';
import type { LabFileResponseDto } from '@shared/api/labFiles';
import type { Backend } from '../node/backends/index';
import { serveReport } from '../node/report/service';
import { createIpcRequestHandler } from './ipcRequest';
import { isTrustedSender } from './security';
import { electronPrinter } from './reportPdf';
import { createLabFileHandler } from './labFileDialogs';
import type { LabFileDialogs } from './labFileDialogs';

export function registerIpc(backend: Backend, windows: () => BrowserWindow[], appUrl: string, libraryDir: string): void {
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
  ipcMain.handle(LAB_FILE_CHANNEL, async (event, raw: unknown): Promise<LabFileResponseDto> => {
    if (!isTrustedSender(event.senderFrame, appUrl)) return { ok: false, error: apiError('E_UNAUTHORIZED', 'request from an untrusted frame') };
    const win = BrowserWindow.fromWebContents(event.sender);
    if (!win) return { ok: false, error: apiError('E_INVALID_STATE', 'the window that asked is gone') };
    return createLabFileHandler({ libraryDir, api: hostApi, dialogs: windowDialogs(win) })(raw);
  });
  backend.onEvent((e) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(IPC_EVENT, e);
  });
}

/** Electron's native dialogs, modal to the window that asked. */
function windowDialogs(win: BrowserWindow): LabFileDialogs {
  return {
    showOpen: (options) => dialog.showOpenDialog(win, options),
    showSave: (options) => dialog.showSaveDialog(win, options),
    async confirmReplace(name) {
      const r = await dialog.showMessageBox(win, {
        type: 'warning', buttons: ['Replace', 'Cancel'], defaultId: 1, cancelId: 1, title: 'Save Lab As',
        message: `A saved lab named "${name}" already exists.`, detail: 'Replace it with this lab?',
      });
      return r.response === 0;
    },
  };
}
