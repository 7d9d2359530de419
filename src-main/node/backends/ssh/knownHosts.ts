/**
 * knownHosts — the lab's own known-hosts file (OpenSSH's format, so `ssh -o UserKnownHostsFile=…` reads
 * it too) and host-key fingerprints as OpenSSH prints them.
 *
 * - `fingerprintOf(keyBlob)` → `SHA256:…` (base64 of the SHA-256 of the wire-format key, no padding);
 *   `keyTypeOf(keyBlob)` → `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …
 * - `hostPatternOf(host, port)` → `host` for port 22, else `[host]:port` (OpenSSH's rule).
 * - `KnownHosts.load(path)` reads the file (a missing file is an empty one); `check(host, port, blob)` →
 *   `{ status: 'known' }`, `{ status: 'unknown' }` or `{ status: 'changed', knownFingerprints }`;
 *   `trust(host, port, blob)` appends one line (creating the file, mode 0600) and keeps it in memory.
 *
 * Rules (trust on first use): only a key of the same type as a stored one can match it; a host with a
 * stored key of the presented type whose blob differs is `changed` — never silently replaced (the user
 * removes the line to accept a new key). A stored key of another type leaves a new type `unknown` (a
 * host offering ed25519 after RSA was trusted is asked about again, as OpenSSH does). Lines marked
 * `@revoked` make that key `changed`; `@cert-authority` lines and patterns with wildcards or negation are
 * skipped; hashed host names (`|1|salt|hmac`) are matched.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownKey {
  type: string;
  blob: Buffer;
  revoked: boolean;
}

export type HostKeyCheck =
  | { status: 'known' }
  | { status: 'unknown' }
  | { status: 'changed'; knownFingerprints: string[] };

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a wire-format public key (its first SSH string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  if (n > 64 || 4 + n > blob.length) return 'unknown';
  return blob.subarray(4, 4 + n).toString('latin1');
}

export function hostPatternOf(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hostMatches(field: string, pattern: string): boolean {
  for (const p of field.split(',')) {
    if (p.startsWith('|1|')) {
      const [, , salt, hash] = p.split('|');
      if (!salt || !hash) continue;
      const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(pattern).digest('base64');
      if (mac === hash) return true;
    } else if (!/[*?!]/.test(p) && p === pattern) {
      return true;
    }
  }
  return false;
}

interface Entry { hosts: string; key: KnownKey }

export class KnownHosts {
  private constructor(readonly path: string, private readonly entries: Entry[]) {}

  static load(path: string): KnownHosts {
    const entries: Entry[] = [];
    if (existsSync(path)) {
      for (const raw of readFileSync(path, 'utf8').split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('#')) continue;
        const fields = line.split(/\s+/);
        let revoked = false;
        if (fields[0].startsWith('@')) {
          const marker = fields.shift();
          if (marker === '@revoked') revoked = true;
          else continue; // @cert-authority: the lab does not do host certificates
        }
        const [hosts, type, b64] = fields;
        if (!hosts || !type || !b64) continue;
        const blob = Buffer.from(b64, 'base64');
        if (keyTypeOf(blob) !== type) continue; // damaged line: never matches anything
        entries.push({ hosts, key: { type, blob, revoked } });
      }
    }
    return new KnownHosts(path, entries);
  }

  keysFor(host: string, port: number): KnownKey[] {
    const pattern = hostPatternOf(host, port);
    return this.entries.filter((e) => hostMatches(e.hosts, pattern)).map((e) => e.key);
  }

  check(host: string, port: number, blob: Buffer): HostKeyCheck {
    const type = keyTypeOf(blob);
    const sameType = this.keysFor(host, port).filter((k) => k.type === type);
    if (sameType.some((k) => k.revoked && k.blob.equals(blob))) return { status: 'changed', knownFingerprints: sameType.filter((k) => !k.revoked).map((k) => fingerprintOf(k.blob)) };
    if (sameType.some((k) => !k.revoked && k.blob.equals(blob))) return { status: 'known' };
    const others = sameType.filter((k) => !k.revoked);
    if (others.length > 0) return { status: 'changed', knownFingerprints: others.map((k) => fingerprintOf(k.blob)) };
    return { status: 'unknown' };
  }

  trust(host: string, port: number, blob: Buffer): void {
    const check = this.check(host, port, blob);
    if (check.status === 'known') return;
    if (check.status === 'changed') throw new Error(`refusing to trust a changed host key for ${hostPatternOf(host, port)}`);
    const type = keyTypeOf(blob);
    const hosts = hostPatternOf(host, port);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    appendFileSync(this.path, `${hosts} ${type} ${blob.toString('base64')}\n`, { mode: 0o600 });
    this.entries.push({ hosts, key: { type, blob, revoked: false } });
  }
}
