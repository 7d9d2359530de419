/**
 * The endpoint's TLS identity and credentials, kept in the lab's data folder: a self-signed certificate
 * for 127.0.0.1/localhost generated on first use (SDK clients run against a lab with certificate checks
 * off, as against a lab ESXi), and the password of the vim25 user (random per install unless set).
 *
 * - `labDataDir()`: `HVLAB_DATA_DIR`, else `~/.hvlab`.
 * - `ensureCertificate(dir)` → `{ key, cert }` (PEM), created once (`vim25-cert.pem`, `vim25-key.pem`, mode 0600).
 * - `certificateThumbprints(certPem)` → `{ sha1, sha256 }` as `AB:CD:…` (what vSphere clients pin).
 * - `ensurePassword(dir, fromEnv?)` → the password: `HVLAB_VIM25_PASSWORD` when set (not stored), else the
 *   stored one, else a new random one stored with mode 0600.
 *
 * Rules: the key and password never go to a log; files are written to a temporary name and renamed, so
 * a crash never leaves half a key. The generator is `selfsigned` (pure JS over WebCrypto).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { randomPassword } from './sessionManager';

export function labDataDir(): string {
  return process.env.HVLAB_DATA_DIR ? process.env.HVLAB_DATA_DIR : join(homedir(), '.hvlab');
}

function writePrivate(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

export async function ensureCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const keyPath = join(dir, 'vim25-key.pem');
  const certPath = join(dir, 'vim25-cert.pem');
  if (existsSync(keyPath) && existsSync(certPath)) return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 10);
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }, { name: 'organizationName', value: 'Hypervisor Lab' }], {
    keyType: 'ec', curve: 'P-256', notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  writePrivate(keyPath, pems.private);
  writePrivate(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert };
}

export function ensurePassword(dir: string, fromEnv = process.env.HVLAB_VIM25_PASSWORD): string {
  if (fromEnv) return fromEnv;
  const path = join(dir, 'vim25-password');
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored) return stored;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = randomPassword();
  writePrivate(path, `${password}\n`);
  return password;
}

export function certificateThumbprints(certPem: string): { sha1: string; sha256: string } {
  const x = new X509Certificate(certPem);
  return { sha1: x.fingerprint, sha256: x.fingerprint256 };
}
