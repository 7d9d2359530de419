/**
 * The vim25 endpoint's HTTPS server on 127.0.0.1: `POST /sdk` (SOAP), `GET /sdk/vimServiceVersions.xml`
 * and `GET /sdk/vimService.wsdl` (the version handshake clients probe first).
 *
 * - `startVim25Server({ port, service, tls })` → `{ port, url, close() }`.
 *
 * Rules: bound to 127.0.0.1 only; a body larger than MAX_BODY_BYTES is refused with a SOAP fault (413)
 * before it is read; a non-POST on /sdk or an unknown path gets 404/405; at most MAX_CONCURRENT requests
 * are served at once per server (WaitForUpdates long polls included) and the rest get 503.
 */
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Vim25Service } from './vimService';
import { serviceVersionsXml, serviceWsdl } from './serviceContent';
import { writeFault } from './soapEnvelope';
import { invalidRequest } from './faults';

export const MAX_BODY_BYTES = 4 << 20;
const MAX_CONCURRENT = 256;

export interface Vim25Server {
  port: number;
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, contentType: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

const XML = 'text/xml; charset=utf-8';

export async function startVim25Server(opts: { port: number; service: Vim25Service; tls: { key: string; cert: string } }): Promise<Vim25Server> {
  let active = 0;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/sdk/vimServiceVersions.xml') return send(res, 200, serviceVersionsXml(), XML);
    if (req.method === 'GET' && (path === '/sdk/vimService.wsdl' || path === '/sdk/vimService')) {
      return send(res, 200, serviceWsdl(`https://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`), XML);
    }
    if (path !== '/sdk' && path !== '/sdk/' && path !== '/sdk/vimService') return send(res, 404, 'not found\n', 'text/plain');
    if (req.method !== 'POST') return send(res, 405, 'use POST for SOAP requests\n', 'text/plain', { Allow: 'POST' });
    if (active >= MAX_CONCURRENT) return send(res, 503, writeFault(invalidRequest('too many requests in progress')), XML);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      res.setHeader('Connection', 'close');
      send(res, 413, writeFault(invalidRequest(`the request body is larger than ${MAX_BODY_BYTES} bytes`)), XML);
      req.destroy();
      return;
    }
    active++;
    let released = false;
    res.on('close', () => { if (!released) { released = true; active--; } });
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        refused = true;
        res.setHeader('Connection', 'close');
        send(res, 413, writeFault(invalidRequest(`the request body is larger than ${MAX_BODY_BYTES} bytes`)), XML);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks).toString('utf8');
      const cookie = req.headers.cookie;
      opts.service.handle(body, { cookie, ip: req.socket.remoteAddress ?? '', userAgent: String(req.headers['user-agent'] ?? '') })
        .then((reply) => {
          if (res.destroyed) return;
          send(res, reply.status, reply.body, XML, reply.setCookie ? { 'Set-Cookie': reply.setCookie } : {});
        });
    });
  };
  const server: Server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, handle);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}/sdk`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
