/**
 * The vim25 (vSphere Web Services) endpoint: SOAP over HTTPS at `https://127.0.0.1:PORT/sdk`, so that
 * pyvmomi, govmomi/govc and other vSphere SDK clients script the lab unchanged. Everything goes through
 * the lab's contract (`labLink.ts`); nothing here reaches into the engine.
 *
 * - `startVim25({ port, peer | link, dataDir?, user?, password? })` → `{ url, port, user, password, service, close() }`.
 * - `vim25Banner(endpoint)`: the one line `hvlab serve` prints.
 *
 * Reading order: httpsServer → vimService (dispatch) → soapEnvelope / soapArgs / xmlParser → methods/* →
 * propertyCollector / waitForUpdates → vimWorld → inventoryModel / entityObjects / vmProperties /
 * hostProperties → taskMapping / eventMapping / perfCatalog → labMirror → labLink.
 */
import type { ContractPeer, LabLink } from './labLink';
import { linkToEngine } from './labLink';
import { Vim25Service } from './vimService';
import { startVim25Server } from './httpsServer';
import { ensureCertificate, ensurePassword, labDataDir } from './certificate';

export { linkToEngine } from './labLink';
export type { LabLink, ContractPeer } from './labLink';
export { Vim25Service } from './vimService';
export { parseXml, XmlRefused } from './xmlParser';
export type { XmlElement, XmlLimits } from './xmlParser';
export { labDataDir } from './certificate';

export const DEFAULT_VIM25_USER = 'root';

export interface Vim25Endpoint {
  url: string;
  port: number;
  user: string;
  password: string;
  service: Vim25Service;
  close(): Promise<void>;
}

export interface Vim25Options {
  port: number;
  peer?: ContractPeer;
  link?: LabLink;
  dataDir?: string;
  user?: string;
  password?: string;
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
    url: server.url, port: server.port, user, password, service,
    close: async () => { service.close(); await server.close(); },
  };
}

export function vim25Banner(e: Vim25Endpoint): string {
  return `vim25 SDK: ${e.url} (user ${e.user}, password ${e.password})`;
}
