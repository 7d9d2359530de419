/**
 * Browser mode: one HTTP server on 127.0.0.1 that serves the renderer and the engine contract over a
 * WebSocket at WS_PATH, for browsers where no Electron window exists.
 *
 * - `startLabServer({ port, backend, rendererDir })` → `{ url, port, token, close() }`.
 * - A random 256-bit token is created per launch; WebSocket upgrades without it (or from a foreign
 *   Origin) are refused with 401/403 before any engine message is read.
 * - Every message is size-bounded, parsed and checked for framing (`checkFrame`), then forwarded to the
 *   backend (`node/backends/`), whose door validates it; the backend keeps several tabs' ids apart.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import { WS_PATH } from '@shared/api/channels';
import { checkFrame } from '@shared/api/validate';
import { apiError } from '@shared/api/errors';
import type { EventMessage, ResponseMessage } from '@shared/api/protocol';
import type { Backend } from '../backends/index';
import { serveStatic } from './staticFiles';

/** Largest accepted WebSocket message; contract messages are small. */
const MAX_MESSAGE_BYTES = 1 << 20;

export interface LabServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export function tokensEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export async function startLabServer(opts: { port: number; backend: Pick<Backend, 'request' | 'onEvent'>; rendererDir: string; token?: string }): Promise<LabServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const http: Server = createServer((req, res) => serveStatic(opts.rendererDir, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  http.on('upgrade', (req, socket, head) => {
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
    const send = (m: ResponseMessage | EventMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
    };
    const unsubscribe = opts.backend.onEvent((event) => send({ kind: 'event', event }));
    ws.on('close', unsubscribe);
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
      // The browser's user is the lab's own user: a browser cannot name another initiator.
      const { initiator: _ignored, ...message } = frame.message;
      void opts.backend.request(message as typeof frame.message).then(send);
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
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.close(() => resolve());
    }),
  };
}
