/**
 * Starting one vim25 endpoint: the service over the lab link, its HTTPS server, its certificate and
 * credentials from the lab's data folder.
 *
 * - `startVim25({ port, peer | link, dataDir?, user?, password? })` → `Vim25Endpoint` (`url`, `port`,
 *   `user`, `password` when given in clear, `thumbprints`, `service`, `close()`).
 * - `vim25Banner(endpoint)`: the one line `hvlab serve` prints.
 */
import type { ContractPeer, LabLink } from './labLink';
import { linkToEngine } from './labLink';
import { Vim25Service } from './vimService';
import { startVim25Server } from './httpsServer';
import { certificateThumbprints, ensureCertificate, ensurePassword, labDataDir } from './certificate';
import type { PasswordCheck } from './sessionManager';

export const DEFAULT_VIM25_USER = 'root';

export interface Vim25Endpoint {
  url: string;
  port: number;
  user: string;
  /** The password when it was given in clear (the command line's); absent for a stored hash. */
  password?: string;
  /** The certificate's SHA-1 and SHA-256 thumbprints (`AB:CD:…`). */
  thumbprints: { sha1: string; sha256: string };
  service: Vim25Service;
  close(): Promise<void>;
}

export interface Vim25Options {
  port: number;
  peer?: ContractPeer;
  link?: LabLink;
  dataDir?: string;
  user?: string;
  password?: string | PasswordCheck;
  sessionIdleMs?: number;
  failedLoginDelayMs?: number;
  maxFailedLoginDelayMs?: number;
}

export async function startVim25(opts: Vim25Options): Promise<Vim25Endpoint> {
  const link = opts.link ?? (opts.peer ? linkToEngine(opts.peer) : undefined);
  if (!link) throw new Error('startVim25 needs a lab link or a contract peer');
  const dir = opts.dataDir ?? labDataDir();
  const user = opts.user ?? process.env.HVLAB_VIM25_USER ?? DEFAULT_VIM25_USER;
  const password = opts.password ?? ensurePassword(dir);
  const tls = await ensureCertificate(dir);
  const service = await Vim25Service.create({ link, user, password, sessionIdleMs: opts.sessionIdleMs, failedLoginDelayMs: opts.failedLoginDelayMs, maxFailedLoginDelayMs: opts.maxFailedLoginDelayMs });
  const server = await startVim25Server({ port: opts.port, service, tls });
  return {
    url: server.url, port: server.port, user, ...(typeof password === 'string' ? { password } : {}), thumbprints: certificateThumbprints(tls.cert), service,
    close: async () => { service.close(); await server.close(); },
  };
}

export function vim25Banner(e: Vim25Endpoint): string {
  return `vim25 SDK: ${e.url} (user ${e.user}, password ${e.password ?? 'as set in Administration › SDK endpoint'})`;
}
