/**
 * thumbprints — the lab's record of vim25 endpoints it trusts, by the SHA-1 thumbprint of their TLS
 * certificate (the form vSphere shows and `hvlab host probe --thumbprint` takes: 20 bytes in hex,
 * colon-separated or not, any case).
 *
 * - `normalizeThumbprint(text)` → `AB:CD:…` (upper case, colons) or undefined when not 20 hex bytes.
 * - `ThumbprintStore.load(path)`; `check(host, port, thumbprint)` → `known` | `unknown` |
 *   `{ changed, known }`; `trust(host, port, thumbprint)` appends `host:port THUMBPRINT` (file 0600).
 *
 * Rules (trust on first use, as for SSH host keys): a recorded endpoint presenting another certificate
 * is `changed` and is refused until the line is removed by hand; nothing is ever replaced silently.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function normalizeThumbprint(text: string): string | undefined {
  const hex = text.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{40}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

export type ThumbprintCheck = { status: 'known' } | { status: 'unknown' } | { status: 'changed'; known: string };

const endpoint = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

export class ThumbprintStore {
  private constructor(readonly path: string, private readonly entries: Map<string, string>) {}

  static load(path: string): ThumbprintStore {
    const entries = new Map<string, string>();
    if (existsSync(path)) {
      for (const raw of readFileSync(path, 'utf8').split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('#')) continue;
        const [where, tp] = line.split(/\s+/);
        const n = tp ? normalizeThumbprint(tp) : undefined;
        if (where && n && !entries.has(where)) entries.set(where, n);
      }
    }
    return new ThumbprintStore(path, entries);
  }

  check(host: string, port: number, thumbprint: string): ThumbprintCheck {
    const known = this.entries.get(endpoint(host, port));
    if (known === undefined) return { status: 'unknown' };
    return known === normalizeThumbprint(thumbprint) ? { status: 'known' } : { status: 'changed', known };
  }

  trust(host: string, port: number, thumbprint: string): void {
    const n = normalizeThumbprint(thumbprint);
    if (!n) throw new Error(`"${thumbprint}" is not a SHA-1 thumbprint`);
    const c = this.check(host, port, n);
    if (c.status === 'known') return;
    if (c.status === 'changed') throw new Error(`refusing to trust a changed certificate for ${endpoint(host, port)}`);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    appendFileSync(this.path, `${endpoint(host, port)} ${n}\n`, { mode: 0o600 });
    this.entries.set(endpoint(host, port), n);
  }
}
