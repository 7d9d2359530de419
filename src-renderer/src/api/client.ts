/**
 * The renderer's one door to the engine: picks the transport at start-up and hands out the typed API.
 *
 * - `startApi()`: Electron (the preload's `window.hvlab`) when present, else the WebSocket to the
 *   server that served the page, authenticated by the `?token=` of the page URL.
 * - `useApi()`: the `HvlabApi` (throws before `startApi`); `onConnectionChange(cb)`; `transportKind()`.
 * - `setApiForTests(api)`: tests inject a fake API instead of a transport.
 * - `requestReport(req)`: Export report… — the host builds it (Electron main over IPC, or the browser-mode
 *   server's `POST /api/report` with the page's token); never throws, errors come back typed.
 * - `nativeLabFiles()`: File › Open Lab… / Save As… with the host's native dialogs (Electron's preload
 *   offers them), else null: browser mode uses the page's lab-library dialogs.
 *
 * Rule: this is the ONLY file that touches `window.hvlab` (architecture B2 rule 2).
 */
import { createApiClient } from '@shared/api/client';
import { WS_PATH } from '@shared/api/channels';
import { apiError } from '@shared/api/errors';
import { REPORT_PATH } from '@shared/api/reports';
import type { ReportRequestDto, ReportResponseDto } from '@shared/api/reports';
import type { LabFileRequestDto, LabFileResponseDto } from '@shared/api/labFiles';
import type { HvlabApi } from '@shared/api/index';
import { createWsBridge } from './wsBridge';
import type { ConnectionStatus } from './wsBridge';

export type { ConnectionStatus };
export type StartProblem = 'no-token' | null;

let api: HvlabApi | null = null;
let transport: 'electron' | 'websocket' | 'direct' | 'none' = 'none';
let status: ConnectionStatus = 'connecting';
let problem: StartProblem = null;
const statusListeners = new Set<(s: ConnectionStatus) => void>();

function setStatus(s: ConnectionStatus): void {
  status = s;
  for (const l of [...statusListeners]) l(s);
}

/** WebSocket URL for browser mode; `?server=host:port` overrides the host (Vite dev server). */
export function wsUrlFor(loc: Pick<Location, 'protocol' | 'host' | 'search'>): string | null {
  const params = new URLSearchParams(loc.search);
  const token = params.get('token');
  if (!token) return null;
  const host = params.get('server') ?? loc.host;
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${host}${WS_PATH}?token=${encodeURIComponent(token)}`;
}

export function startApi(): HvlabApi {
  if (api) return api;
  const electronBridge = typeof window !== 'undefined' ? window.hvlab : undefined;
  if (electronBridge) {
    transport = 'electron';
    api = createApiClient(electronBridge);
    setStatus('open');
    return api;
  }
  const url = wsUrlFor(window.location);
  transport = 'websocket';
  if (!url) {
    problem = 'no-token';
    // A bridge that fails every request, so the UI shows the problem instead of hanging.
    api = createApiClient({
      apiVersion: 1, transport: 'websocket',
      request: async (m) => ({ id: m.id, ok: false, error: { code: 'E_UNAUTHORIZED', message: 'no access token in the page address' } }),
      onEvent: () => () => undefined,
    });
    setStatus('closed');
    return api;
  }
  const bridge = createWsBridge({ url, onStatus: setStatus });
  api = createApiClient(bridge);
  setStatus(bridge.status);
  return api;
}

export function useApi(): HvlabApi {
  if (!api) throw new Error('hvlab: the API is used before startApi()');
  return api;
}

export function setApiForTests(testApi: HvlabApi | null): void {
  api = testApi;
  transport = testApi ? 'direct' : 'none';
  problem = null;
  setStatus(testApi ? 'open' : 'connecting');
}

export function onConnectionChange(listener: (s: ConnectionStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

export function connectionStatus(): ConnectionStatus {
  return status;
}

export function transportKind(): typeof transport {
  return transport;
}

export function startProblem(): StartProblem {
  return problem;
}

let reportForTests: ((req: ReportRequestDto) => Promise<ReportResponseDto>) | null = null;

/** Tests (component tests) answer Export report… themselves. */
export function setReportForTests(fn: ((req: ReportRequestDto) => Promise<ReportResponseDto>) | null): void {
  reportForTests = fn;
}

export async function requestReport(req: ReportRequestDto): Promise<ReportResponseDto> {
  if (reportForTests) return reportForTests(req);
  const electronBridge = typeof window !== 'undefined' ? window.hvlab : undefined;
  if (electronBridge?.report) return electronBridge.report(req);
  const params = new URLSearchParams(window.location.search);
  const token = params.get('token');
  if (!token) return { ok: false, error: apiError('E_UNAUTHORIZED', 'no access token in the page address') };
  const host = params.get('server') ?? window.location.host;
  try {
    const res = await fetch(`${window.location.protocol}//${host}${REPORT_PATH}?token=${encodeURIComponent(token)}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(req),
    });
    if (!res.ok) return { ok: false, error: apiError('E_TRANSPORT', `the lab server refused the report (${res.status}: ${await res.text()})`) };
    return (await res.json()) as ReportResponseDto;
  } catch (e) {
    return { ok: false, error: apiError('E_TRANSPORT', `the lab server did not answer: ${e instanceof Error ? e.message : String(e)}`) };
  }
}

/** The host's native Open/Save As dialogs for labs, where it has them (Electron); null in browser mode. */
export function nativeLabFiles(): ((req: LabFileRequestDto) => Promise<LabFileResponseDto>) | null {
  const labFile = typeof window !== 'undefined' ? window.hvlab?.labFile : undefined;
  return labFile ? (req) => labFile(req) : null;
}
