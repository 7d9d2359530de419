/**
 * `POST /api/report?token=…` of the browser-mode server: Export report… for a browser client. Same rules
 * as the WebSocket: the per-launch token, the Origin of this server only; a small JSON body validated with
 * the contract's schema (node/report/service.ts); PDF printed by the system's Chromium.
 *
 * - `reportRoute(req, res, { token, port, api })`: answers 200 with a `ReportResponseDto` (JSON), or
 *   401/403/405/413/415/400 with a one-line reason.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HvlabApi } from '@shared/api/index';
import { serveReport } from '../report/service';
import { chromiumPrinter } from '../report/pdf';
import { tokensEqual } from './labServer';

const MAX_BODY_BYTES = 8 * 1024;

function reply(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).end(body);
}

export async function reportRoute(req: IncomingMessage, res: ServerResponse, ctx: { token: string; port: number; api: HvlabApi }): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (!tokensEqual(url.searchParams.get('token') ?? '', ctx.token)) return reply(res, 401, 'unauthorized');
  const origin = req.headers.origin;
  if (origin && origin !== `http://127.0.0.1:${ctx.port}` && origin !== `http://localhost:${ctx.port}`) return reply(res, 403, 'forbidden origin');
  if (req.method !== 'POST') { res.setHeader('Allow', 'POST'); return reply(res, 405, 'use POST'); }
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return reply(res, 415, 'send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) return reply(res, 413, 'request too large');
    chunks.push(c as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return reply(res, 400, 'body is not valid JSON');
  }
  const result = await serveReport(ctx.api, body, chromiumPrinter);
  reply(res, 200, JSON.stringify(result), 'application/json');
}
