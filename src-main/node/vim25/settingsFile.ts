/**
 * The SDK endpoint's saved settings: `vim25-settings.json` in the lab's data folder (beside the
 * endpoint's certificate), the application's settings on this computer — never part of a lab document.
 *
 * - `readVim25Settings(dir)` → `{ settings, problem? }`: the saved settings, or the defaults (off, port
 *   5443, user root, no password) with `problem` saying why a file that exists could not be used.
 * - `writeVim25Settings(dir, settings)`: written to a temporary name (mode 0600) and renamed, so a crash
 *   never leaves half a file.
 *
 * Rules: every field is checked as the contract checks it (a hand-edited or damaged file is refused
 * whole, never half-applied); the password is there only as a salted hash (`passwordHash.ts`).
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIM25_DEFAULT_PORT, VIM25_PORT_MAX, VIM25_PORT_MIN, VIM25_USER_RULE } from '@shared/model/vim25Settings';
import { isPasswordHash } from './passwordHash';

export interface Vim25StoredSettings {
  enabled: boolean;
  port: number;
  user: string;
  passwordHash?: string;
}

export const VIM25_SETTINGS_FILE = 'vim25-settings.json';
const MAX_FILE_BYTES = 16 * 1024;

export const DEFAULT_VIM25_SETTINGS: Vim25StoredSettings = { enabled: false, port: VIM25_DEFAULT_PORT, user: 'root' };

function checked(raw: unknown): Vim25StoredSettings | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not an object';
  const o = raw as Record<string, unknown>;
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
  for (const k of Object.keys(o)) if (!['version', 'enabled', 'port', 'user', 'passwordHash'].includes(k)) return `unknown field "${k}"`;
  if (own('version') !== 1) return 'version must be 1';
  const enabled = own('enabled');
  const port = own('port');
  const user = own('user');
  const passwordHash = own('passwordHash');
  if (typeof enabled !== 'boolean') return 'enabled must be true or false';
  if (typeof port !== 'number' || !Number.isInteger(port) || port < VIM25_PORT_MIN || port > VIM25_PORT_MAX) return `port must be an integer from ${VIM25_PORT_MIN} to ${VIM25_PORT_MAX}`;
  if (typeof user !== 'string' || !VIM25_USER_RULE.test(user)) return 'user is not a valid user name';
  if (passwordHash !== undefined && !isPasswordHash(passwordHash)) return 'passwordHash is not a password hash';
  return { enabled, port, user, ...(passwordHash !== undefined ? { passwordHash } : {}) };
}

export function readVim25Settings(dir: string): { settings: Vim25StoredSettings; problem?: string } {
  const path = join(dir, VIM25_SETTINGS_FILE);
  let text: string;
  try {
    const st = lstatSync(path);
    if (!st.isFile()) return { settings: DEFAULT_VIM25_SETTINGS, problem: `${VIM25_SETTINGS_FILE} is not a regular file; the endpoint stays off` };
    if (st.size > MAX_FILE_BYTES) return { settings: DEFAULT_VIM25_SETTINGS, problem: `${VIM25_SETTINGS_FILE} is larger than ${MAX_FILE_BYTES} bytes; the endpoint stays off` };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { settings: DEFAULT_VIM25_SETTINGS };
    return { settings: DEFAULT_VIM25_SETTINGS, problem: `${VIM25_SETTINGS_FILE} could not be read (${(e as Error).message}); the endpoint stays off` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { settings: DEFAULT_VIM25_SETTINGS, problem: `${VIM25_SETTINGS_FILE} is not valid JSON; the endpoint stays off until the settings are saved again` };
  }
  const r = checked(raw);
  if (typeof r === 'string') return { settings: DEFAULT_VIM25_SETTINGS, problem: `${VIM25_SETTINGS_FILE}: ${r}; the endpoint stays off until the settings are saved again` };
  return { settings: r };
}

export function writeVim25Settings(dir: string, settings: Vim25StoredSettings): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, VIM25_SETTINGS_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  const body = { version: 1, enabled: settings.enabled, port: settings.port, user: settings.user, ...(settings.passwordHash ? { passwordHash: settings.passwordHash } : {}) };
  writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
