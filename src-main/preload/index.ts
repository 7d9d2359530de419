/**
 * Preload: exposes exactly one global, `window.hvlab`, implementing HvlabBridge over IPC. Nothing else
 * from Node or Electron reaches the page. Built as a single CommonJS file because the window is sandboxed.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { API_VERSION, IPC_EVENT, IPC_REQUEST } from '@shared/api/channels';
import { REPORT_CHANNEL } from '@shared/api/reports';
import type { ReportResponseDto } from '@shared/api/reports';
import { LAB_FILE_CHANNEL } from '@shared/api/labFiles';
import type { LabFileResponseDto } from '@shared/api/labFiles';
import type { HvlabBridge, RequestMessage, ResponseMessage } from '@shared/api/protocol';
import type { EngineEvent } from '@shared/api/events';

const bridge: HvlabBridge = {
  apiVersion: API_VERSION,
  transport: 'electron',
  request: (message: RequestMessage) => ipcRenderer.invoke(IPC_REQUEST, message) as Promise<ResponseMessage>,
  onEvent(listener: (event: EngineEvent) => void) {
    const wrapped = (_e: IpcRendererEvent, event: EngineEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => { ipcRenderer.removeListener(IPC_EVENT, wrapped); };
  },
  report: (request: unknown) => ipcRenderer.invoke(REPORT_CHANNEL, request) as Promise<ReportResponseDto>,
  labFile: (request: unknown) => ipcRenderer.invoke(LAB_FILE_CHANNEL, request) as Promise<LabFileResponseDto>,
};

contextBridge.exposeInMainWorld('hvlab', bridge);
