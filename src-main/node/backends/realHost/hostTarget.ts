/**
 * hostTarget — where a real host is and how the lab reaches it: the URL forms the CLI and the Add Host
 * wizard accept, and the lab's own files that remember which hosts are trusted.
 *
 * - `parseHostUrl(text)` → `{ kind: 'libvirt', user, host, port }` for `ssh://USER@HOST[:PORT]`, or
 *   `{ kind: 'vim25', user, host, port, path }` for `vim25+https://USER@HOST[:PORT]/sdk`; throws
 *   `HostUrlError` with a message saying what is wrong (no user, a password in the URL, another scheme).
 * - `labDataDir()` (the lab's data folder: HVLAB_DATA_DIR, else ~/.hvlab), `labKnownHostsPath()` (SSH host keys, OpenSSH's
 *   format), `labThumbprintsPath()` (vim25 certificate thumbprints).
 *
 * Rule: a password never travels in a URL (it would land in shell history and process lists); the CLI
 * reads it from an environment variable and the wizard from a password field.
 */
import { join } from 'node:path';
import { labDataDir } from '../../vim25/index';

export class HostUrlError extends Error {}

export type HostUrl =
  | { kind: 'libvirt'; user: string; host: string; port: number }
  | { kind: 'vim25'; user: string; host: string; port: number; path: string };

export function parseHostUrl(text: string): HostUrl {
  const scheme = /^([a-z0-9+]+):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'ssh' && scheme !== 'vim25+https') {
    throw new HostUrlError(`"${text}" is not a host URL: use ssh://USER@HOST[:PORT] (libvirt/KVM) or vim25+https://USER@HOST[:PORT]/sdk (ESXi, vCenter)`);
  }
  let url: URL;
  try {
    url = new URL(scheme === 'ssh' ? text : `https://${text.slice('vim25+https://'.length)}`);
  } catch {
    throw new HostUrlError(`"${text}" is not a valid URL`);
  }
  if (url.password) throw new HostUrlError('the URL carries a password; pass it in an environment variable instead (--password-env VAR)');
  const user = decodeURIComponent(url.username);
  if (!user) throw new HostUrlError(`"${text}" names no user (USER@HOST)`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new HostUrlError(`"${text}" names no host`);
  if (url.search || url.hash) throw new HostUrlError(`"${text}" has a query or fragment; nothing is expected after the path`);
  if (scheme === 'ssh') {
    if (url.pathname && url.pathname !== '/') throw new HostUrlError(`"${text}" has a path; ssh://USER@HOST[:PORT] takes none`);
    return { kind: 'libvirt', user, host, port: url.port ? Number(url.port) : 22 };
  }
  if (url.pathname !== '/sdk') throw new HostUrlError(`"${text}" must end in /sdk (the vim25 endpoint's path)`);
  return { kind: 'vim25', user, host, port: url.port ? Number(url.port) : 443, path: '/sdk' };
}

export { labDataDir };

export function labKnownHostsPath(): string {
  return join(labDataDir(), 'known_hosts');
}

export function labThumbprintsPath(): string {
  return join(labDataDir(), 'known_vim25_thumbprints');
}
