/**
 * Serves the built renderer (out/renderer) over HTTP with a strict Content-Security-Policy.
 *
 * - `serveStatic(root, req, res)`: GET/HEAD only; paths are resolved inside `root` (no traversal);
 *   unknown paths fall back to index.html (the router uses hash history, so this is only for `/`).
 *   Content-hashed build files (`assets/NAME-HASH.js|css`) may be cached for good; the rest is no-store.
 * - `contentSecurityPolicy(target)`: THE policy, one definition for both ways the renderer runs:
 *   'electron' (IPC only: no connect sources at all) and 'browser' (its own WebSocket on loopback).
 *   The built index.html carries the Electron policy in a <meta> tag (a file:// page gets no response
 *   headers); browser mode serves index.html without that tag and sends its own policy as a header.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json',
};

export type CspTarget = 'electron' | 'browser';

/**
 * The renderer's Content-Security-Policy. `delivery: 'meta'` leaves out what a <meta> tag cannot carry
 * (frame-ancestors). Electron talks to the engine over IPC only, so it allows no connections at all;
 * browser mode allows its WebSocket on loopback.
 */
export function contentSecurityPolicy(target: CspTarget = 'browser', delivery: 'header' | 'meta' = 'header'): string {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "font-src 'self'",
    target === 'electron' ? "connect-src 'none'" : "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
    "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-src 'none'", "worker-src 'none'",
    ...(delivery === 'header' ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}

/**
 * A build output whose name carries its content hash (`assets/index-C4VhQ9St.js`): its bytes never change
 * under that name, so the browser may keep it — and keep its compiled code, which spares a reload parsing
 * and compiling the bundle again. index.html (it carries the launch token) and anything else is no-store.
 */
const HASHED_ASSET = /^\/assets\/[\w.-]+-[\w-]{8}\.(?:js|css)$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The <meta> CSP tag of the built index.html (put there by the build; see the vite configs). */
export const CSP_META = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i;

/** index.html as browser mode serves it: without the Electron <meta> policy (the header replaces it). */
export function browserIndexHtml(html: string): string {
  return html.replace(CSP_META, '');
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  const rootAbs = resolve(root);
  let file = resolve(rootAbs, '.' + normalize(pathname));
  if (file !== rootAbs && !file.startsWith(rootAbs + sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(rootAbs, 'index.html');
  const isIndex = file === join(rootAbs, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(503, { 'Content-Type': 'text/plain' }).end('the renderer is not built');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': isIndex || !HASHED_ASSET.test(pathname) ? 'no-store' : IMMUTABLE,
  });
  if (req.method === 'HEAD') { res.end(); return; }
  if (isIndex) { res.end(browserIndexHtml(readFileSync(file, 'utf8'))); return; }
  createReadStream(file).pipe(res);
}
