/**
 * The SDK user's password as the application keeps it: a salted scrypt hash, so the password set in
 * Administration › SDK endpoint is never stored (and cannot be read back) — the endpoint only has to
 * check a login, never to present the password anywhere, so a hash (as ESXi keeps its users' passwords)
 * is stronger than sealing it.
 *
 * - `hashPassword(plain)` → `scrypt$N$r$p$SALT$HASH` (base64url), about 16 MiB and tens of ms per hash.
 * - `passwordHashCheck(stored)` → `{ verify(candidate) }` for the session store (constant-time compare),
 *   or throws `Error` when `stored` is not such a hash.
 *
 * Rule: neither the password nor the hash goes to a log, an answer or the renderer.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { PasswordCheck } from './sessionManager';

const N = 16_384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{40,})$/;

export function hashPassword(plain: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(plain, salt, KEY_BYTES, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function isPasswordHash(stored: unknown): stored is string {
  const m = typeof stored === 'string' ? FORMAT.exec(stored) : null;
  // Bounded parameters: a tampered settings file must not make every login cost gigabytes.
  return !!m && Number(m[1]) >= 1024 && Number(m[1]) <= 1 << 17 && Number(m[2]) >= 1 && Number(m[2]) <= 16 && Number(m[3]) >= 1 && Number(m[3]) <= 4;
}

export function passwordHashCheck(stored: string): PasswordCheck {
  if (!isPasswordHash(stored)) throw new Error('not a password hash');
  const [, n, r, p, salt, hash] = FORMAT.exec(stored)!;
  const expected = Buffer.from(hash, 'base64url');
  const saltBytes = Buffer.from(salt, 'base64url');
  return {
    verify: (candidate) => new Promise<boolean>((resolve) => {
      scrypt(candidate, saltBytes, expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 << 20 }, (err, got) => {
        resolve(!err && got.length === expected.length && timingSafeEqual(got, expected));
      });
    }),
  };
}
