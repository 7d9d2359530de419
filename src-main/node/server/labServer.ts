/**
 * Browser mode: one HTTP server on 127.0.0.1 that serves the renderer and the engine contract over a
 * WebSocket at WS_PATH, for browsers where no Electron window exists.
 *
 * - `startLabServer({ port, backend, rendererDir })` → `{ url, port, token, stats(), broadcast(), close() }`.
 * - A random 256-bit token is created per launch; WebSocket upgrades without it (or from a foreign
 *   Origin) are refused with 401/403 before any engine message is read.
 * - Every message is size-bounded, parsed and checked for framing (`checkFrame`), then forwarded to the
 *   backend (`node/backends/`), whose door validates it; the backend keeps several tabs' ids apart.
 * - `POST /api/report?token=…` builds a report for Export report… (reportRoute.ts), with the same token
 *   and Origin rules.
 *
 * Rules (one client can never take the server or the lab down, nor grow it without bound):
 * - A malformed frame (too big, invalid UTF-8, unmasked, reserved bits or opcodes, bad close code,
 *   oversized control frame…) closes THAT connection with the close code RFC 6455 gives it (1009, 1007,
 *   1002) — `ws` detects it; the `error` listener here is what keeps it from killing the process.
 * - Back-pressure: a client with more than WS_PAUSE_BYTES of replies and events waiting to be written,
 *   or WS_MAX_IN_FLIGHT requests inside the engine, is not read until it drains (the kernel's window
 *   then slows the sender); past WS_DROP_BYTES it is disconnected. Limits: `node/limits.ts`.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import { API_VERSION, WS_PATH } from '@shared/api/channels';
import { checkFrame } from '@shared/api/validate';
import { apiError } from '@shared/api/errors';
import type { EventMessage, ResponseMessage } from '@shared/api/protocol';
import type { EngineEvent } from '@shared/api/events';
import type { Backend } from '../backends/index';
import { serveStatic } from './staticFiles';
import { MAX_MESSAGE_BYTES, WS_DROP_BYTES, WS_MAX_IN_FLIGHT, WS_PAUSE_BYTES, WS_RESUME_BYTES } from '../limits';
import { createApiClient } from '@shared/api/client';
import { REPORT_PATH } from '@shared/api/reports';
import { reportRoute } from './reportRoute';

/** What the server has refused or shed so far (for tests, the fuzzers and diagnostics). */
export interface LabServerStats {
  connections: number;
  /** Connections closed because a frame broke the protocol (with the code `ws` chose). */
  protocolErrors: number;
  closeCodes: Record<string, number>;
  /** Times reading from a client was paused for back-pressure. */
  pauses: number;
  /** Clients disconnected because their replies backed up past WS_DROP_BYTES. */
  dropped: number;
}

export interface LabServer {
  url: string;
  port: number;
  token: string;
  stats(): LabServerStats;
  /** Sends an event to every connected client (e.g. the engine worker stopped). */
  broadcast(event: EngineEvent): void;
  close(): Promise<void>;
}

export function tokensEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** The back-pressure bounds (defaults from node/limits.ts; tests may lower them). */
export interface BackPressureLimits {
  pauseBytes: number;
  resumeBytes: number;
  dropBytes: number;
  maxInFlight: number;
}

export async function startLabServer(opts: {
  port: number; backend: Pick<Backend, 'request' | 'onEvent'>; rendererDir: string; token?: string; limits?: Partial<BackPressureLimits>;
}): Promise<LabServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const lim: BackPressureLimits = { pauseBytes: WS_PAUSE_BYTES, resumeBytes: WS_RESUME_BYTES, dropBytes: WS_DROP_BYTES, maxInFlight: WS_MAX_IN_FLIGHT, ...opts.limits };
  // The server's own client of the lab (reports); the backend keeps its ids apart from the sockets'.
  const hostApi = createApiClient({
    apiVersion: API_VERSION, transport: 'direct',
    request: (m) => opts.backend.request({ ...m }),
    onEvent: (l) => opts.backend.onEvent(l),
  });
  const http: Server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === REPORT_PATH) {
      void reportRoute(req, res, { token, port: (http.address() as AddressInfo).port, api: hostApi });
      return;
    }
    serveStatic(opts.rendererDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const stats: LabServerStats = { connections: 0, protocolErrors: 0, closeCodes: Object.create(null) as Record<string, number>, pauses: 0, dropped: 0 };
  const senders = new Set<(m: EventMessage) => void>();

  http.on('upgrade', (req, socket, head) => {
    // A peer that resets mid-handshake must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    const given = url.searchParams.get('token') ?? '';
    if (!tokensEqual(given, token)) return refuse(401, 'Unauthorized');
    const origin = req.headers.origin;
    const port = (http.address() as AddressInfo).port;
    if (origin && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    stats.connections++;
    let inFlight = 0;
    let paused = false;
    // The protocol error itself is answered by `ws` (close frame with its code, then the socket ends);
    // this listener only records it. Without one, EventEmitter would throw and end the process.
    ws.on('error', () => { stats.protocolErrors++; });
    ws.on('close', (code) => { stats.closeCodes[code] = (stats.closeCodes[code] ?? 0) + 1; });
    const pauseOrResume = () => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const backed = ws.bufferedAmount > lim.pauseBytes || inFlight >= lim.maxInFlight;
      if (backed && !paused) { paused = true; stats.pauses++; ws.pause(); }
      else if (paused && ws.bufferedAmount <= lim.resumeBytes && inFlight < lim.maxInFlight) { paused = false; ws.resume(); }
    };
    const send = (m: ResponseMessage | EventMessage) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > lim.dropBytes) {
        stats.dropped++;
        ws.terminate();
        return;
      }
      // The callback runs once the frame is handed to the kernel: the moment to look at resuming.
      ws.send(JSON.stringify(m), () => { if (paused) pauseOrResume(); });
      pauseOrResume();
    };
    const sendEvent = (m: EventMessage) => send(m);
    senders.add(sendEvent);
    const unsubscribe = opts.backend.onEvent((event) => send({ kind: 'event', event }));
    ws.on('close', () => { unsubscribe(); senders.delete(sendEvent); });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ id: -1, ok: false, error: apiError('E_BAD_MESSAGE', 'binary messages are not accepted') });
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return send({ id: -1, ok: false, error: apiError('E_BAD_MESSAGE', 'message is not valid JSON') });
      }
      const frame = checkFrame(parsed);
      if (!frame.ok) return send({ id: frame.id, ok: false, error: frame.error });
      const clientId = frame.message.id;
      // The browser's user is the lab's own user: a browser cannot name another initiator.
      const { initiator: _ignored, ...message } = frame.message;
      inFlight++;
      pauseOrResume();
      opts.backend.request(message as typeof frame.message)
        .then(send)
        .catch((e: unknown) => send({ id: clientId, ok: false, error: apiError('E_TRANSPORT', e instanceof Error ? e.message : String(e)) }))
        .finally(() => { inFlight--; pauseOrResume(); });
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    stats: () => ({ ...stats, closeCodes: { ...stats.closeCodes } }),
    broadcast: (event) => { for (const send of senders) send({ kind: 'event', event }); },
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.close(() => resolve());
    }),
  };
}
