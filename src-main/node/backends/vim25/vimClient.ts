/**
 * vimClient — a small vim25 (vSphere Web Services) SOAP client: the lab's side of an ESXi host or a
 * vCenter, for the vim25 backend and `hvlab host probe vim25+https://…`.
 *
 * - `new VimClient({ host, port, thumbprints, policy, timeoutMs? })`; `connect(user, password)`: checks the
 *   server certificate's SHA-1 thumbprint before anything is sent, reads the ServiceContent, logs in
 *   (the session cookie is kept in memory only); `logout()`.
 * - `call(method, this, body)` → the `returnval` elements of the response; a SOAP fault rejects with
 *   `VimFault` (its fault type, e.g. `InvalidPowerState`, and message).
 * - `retrieve(view, props)` → objects with their properties (RetrievePropertiesEx through a container
 *   view, paged with ContinueRetrievePropertiesEx); `retrieveOne(obj, paths)`.
 * - `waitForTask(task)` polls `info.state` until success or error (a failed task rejects with its fault).
 * - `toValue(element)` turns a data object into plain JS (objects, arrays where repeated, strings).
 *
 * Rules: the TLS connection is verified by thumbprint (policy `known`, `acceptNew`, `expect`), never by
 * skipping verification: a changed certificate is refused; request bodies are built with every text
 * escaped (`esc`); responses go through the lab's safe XML parser; no password or session cookie is
 * written to a message or log. Requests time out (`timeoutMs`).
 */
import { Agent, request } from 'node:https';
import type { AgentOptions } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { PeerCertificate, TLSSocket, ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { XmlNode } from '../xmlTree';
import { child, children, parseXmlTree } from '../xmlTree';
import type { ThumbprintStore } from './thumbprints';
import { normalizeThumbprint } from './thumbprints';

export type ThumbprintPolicy = { mode: 'known' } | { mode: 'acceptNew' } | { mode: 'expect'; thumbprint: string };

export interface MoRef { type: string; value: string }

/** A SOAP fault from the server. */
export class VimFault extends Error {
  constructor(readonly faultType: string, message: string) {
    super(message);
    this.name = 'VimFault';
  }
}

/** The link itself failed: certificate refused, unreachable, timed out, not a vim25 endpoint. */
export class VimLinkError extends Error {
  constructor(readonly kind: 'thumbprintUnknown' | 'thumbprintChanged' | 'thumbprintMismatch' | 'unreachable' | 'timeout' | 'protocol', message: string, readonly details?: Record<string, string>) {
    super(message);
    this.name = 'VimLinkError';
  }
}

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function moref(tag: string, ref: MoRef): string {
  return `<${tag} type="${esc(ref.type)}">${esc(ref.value)}</${tag}>`;
}

export function elem(tag: string, text: string | number | boolean): string {
  return `<${tag}>${esc(String(text))}</${tag}>`;
}

export type VimValue = string | VimObject | VimValue[];
export interface VimObject { [key: string]: VimValue | undefined; _type?: string; _moType?: string }

/** A data object as plain JS: children by name (arrays where a name repeats), text leaves as strings. */
export function toValue(e: XmlNode): VimValue {
  if (e.children.length === 0) return e.text;
  const groups = new Map<string, VimValue[]>();
  for (const c of e.children) {
    const g = groups.get(c.name) ?? [];
    g.push(toValue(c));
    groups.set(c.name, g);
  }
  const out: VimObject = {};
  if (e.xsiType) out._type = e.xsiType;
  for (const [k, vs] of groups) out[k] = vs.length === 1 ? vs[0] : vs;
  return out;
}

/** A value that may hold one item or several, as a list. */
export function list(v: VimValue | undefined): VimValue[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function str(v: VimValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: VimValue | undefined): number | undefined {
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(Number(v))) return undefined;
  return Number(v);
}

export function obj(v: VimValue | undefined): VimObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema"`
    + ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

/** An https.Agent whose every TLS connection is checked against a thumbprint before any byte is sent. */
class PinnedAgent extends Agent {
  constructor(private readonly verify: (cert: PeerCertificate) => Error | undefined, options: AgentOptions) {
    super(options);
  }

  override createConnection(options: ConnectionOptions, callback?: (err: Error | null, socket: Duplex) => void): Duplex | undefined {
    const socket: TLSSocket = tlsConnect({ ...options, rejectUnauthorized: false });
    const onError = (e: Error) => callback?.(e, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      const refused = this.verify(socket.getPeerCertificate());
      if (refused) { socket.destroy(); callback?.(refused, socket); return; }
      callback?.(null, socket);
    });
    return undefined;
  }
}

export interface VimClientOptions {
  host: string;
  port: number;
  thumbprints: ThumbprintStore;
  policy: ThumbprintPolicy;
  timeoutMs?: number;
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  perfManager?: MoRef;
  about: { fullName: string; version: string; apiVersion: string; apiType: string; name: string };
}

export const VIM25_TIMEOUT_MS = 30_000;

export class VimClient {
  private readonly agent: PinnedAgent;
  private cookie: string | undefined;
  private content: ServiceContent | undefined;
  thumbprint: string | undefined;

  constructor(private readonly options: VimClientOptions) {
    this.agent = new PinnedAgent((cert) => this.verify(cert), { keepAlive: true, maxSockets: 4 });
  }

  get endpoint(): string { return `${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}:${this.options.port}`; }
  get serviceContent(): ServiceContent {
    if (!this.content) throw new VimLinkError('protocol', `${this.endpoint}: not connected`);
    return this.content;
  }

  private verify(cert: PeerCertificate): Error | undefined {
    const presented = cert?.fingerprint ? normalizeThumbprint(cert.fingerprint) : undefined;
    if (!presented) return new VimLinkError('protocol', `${this.endpoint} presented no certificate`);
    const { thumbprints, policy, host, port } = this.options;
    const check = thumbprints.check(host, port, presented);
    if (check.status === 'changed') {
      return new VimLinkError('thumbprintChanged',
        `WARNING: the certificate of ${this.endpoint} has changed: its SHA-1 thumbprint is ${presented}, but the lab recorded ${check.known} `
        + `(${thumbprints.path}). The connection was refused; remove the old line only if you know the change is genuine.`,
        { thumbprint: presented, knownThumbprint: check.known });
    }
    if (check.status === 'known') { this.thumbprint = presented; return undefined; }
    const expected = policy.mode === 'expect' ? normalizeThumbprint(policy.thumbprint) : undefined;
    if (policy.mode === 'acceptNew' || (expected !== undefined && expected === presented)) {
      thumbprints.trust(host, port, presented);
      this.thumbprint = presented;
      return undefined;
    }
    if (policy.mode === 'expect') {
      return new VimLinkError('thumbprintMismatch', `the certificate of ${this.endpoint} has thumbprint ${presented}, not the ${policy.thumbprint} that was given; the connection was refused`, { thumbprint: presented });
    }
    return new VimLinkError('thumbprintUnknown', `the certificate of ${this.endpoint} is not known: SHA-1 thumbprint ${presented}. Check it and accept it to trust it from now on.`, { thumbprint: presented });
  }

  /** One SOAP request; resolves with the Body's first element (the response or a fault). */
  private post(body: string): Promise<XmlNode> {
    const data = Buffer.from(envelope(body), 'utf8');
    const timeoutMs = this.options.timeoutMs ?? VIM25_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.options.host, port: this.options.port, method: 'POST', path: '/sdk', agent: this.agent,
        headers: {
          'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'urn:vim25/6.7', 'Content-Length': data.length,
          ...(this.cookie ? { Cookie: this.cookie } : {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > 256 << 20) { req.destroy(new VimLinkError('protocol', `${this.endpoint}: response larger than 256 MiB`)); return; }
          chunks.push(c);
        });
        res.on('end', () => {
          const set = res.headers['set-cookie'];
          const session = (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(';')[0]).find((c) => /^vmware_soap_session=/.test(c));
          if (session) this.cookie = session;
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            const root = parseXmlTree(text, `vim25 response from ${this.endpoint}`);
            const bodyEl = root.name === 'Envelope' ? child(root, 'Body') : undefined;
            const first = bodyEl?.children[0];
            if (!first) throw new VimLinkError('protocol', `${this.endpoint}: HTTP ${res.statusCode} without a SOAP body (is this a vim25 endpoint?)`);
            resolve(first);
          } catch (e) {
            reject(e instanceof VimLinkError ? e : new VimLinkError('protocol', `${this.endpoint}: HTTP ${res.statusCode}, not a SOAP response (${e instanceof Error ? e.message : String(e)})`));
          }
        });
        res.on('error', (e) => reject(new VimLinkError('unreachable', `${this.endpoint}: ${e.message}`)));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new VimLinkError('timeout', `${this.endpoint} did not answer within ${Math.round(timeoutMs / 1000)} s`)));
      req.on('error', (e) => reject(e instanceof VimLinkError ? e : new VimLinkError('unreachable', `cannot reach ${this.endpoint} (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
      req.end(data);
    });
  }

  /** Calls a method; resolves with its `returnval` elements, rejects with VimFault on a fault. */
  async call(method: string, thisRef: MoRef, inner = ''): Promise<XmlNode[]> {
    const reply = await this.post(`<${method} xmlns="urn:vim25">${moref('_this', thisRef)}${inner}</${method}>`);
    if (reply.name === 'Fault') {
      const detail = child(reply, 'detail');
      const fault = detail?.children[0];
      const faultType = fault?.xsiType ?? fault?.name.replace(/Fault$/, '') ?? 'SystemError';
      const text = child(reply, 'faultstring')?.text.trim() || faultType;
      throw new VimFault(faultType, text);
    }
    if (reply.name !== `${method}Response`) throw new VimLinkError('protocol', `${this.endpoint}: ${method} answered with <${reply.name}>`);
    return children(reply, 'returnval');
  }

  async connect(user: string, password: string): Promise<ServiceContent> {
    const [sc] = await this.call('RetrieveServiceContent', { type: 'ServiceInstance', value: 'ServiceInstance' });
    if (!sc) throw new VimLinkError('protocol', `${this.endpoint}: RetrieveServiceContent returned nothing`);
    const ref = (name: string): MoRef | undefined => {
      const e = child(sc, name);
      return e ? { type: e.attrs.type ?? '', value: e.text.trim() } : undefined;
    };
    const need = (name: string): MoRef => {
      const r = ref(name);
      if (!r) throw new VimLinkError('protocol', `${this.endpoint}: the ServiceContent has no ${name}`);
      return r;
    };
    const aboutEl = child(sc, 'about');
    const about = aboutEl ? obj(toValue(aboutEl)) : {};
    this.content = {
      rootFolder: need('rootFolder'), propertyCollector: need('propertyCollector'), viewManager: need('viewManager'),
      sessionManager: need('sessionManager'), perfManager: ref('perfManager'),
      about: {
        fullName: str(about.fullName) ?? '', version: str(about.version) ?? '', apiVersion: str(about.apiVersion) ?? '',
        apiType: str(about.apiType) ?? '', name: str(about.name) ?? '',
      },
    };
    await this.call('Login', this.content.sessionManager, elem('userName', user) + elem('password', password));
    return this.content;
  }

  async logout(): Promise<void> {
    if (this.content && this.cookie) {
      try { await this.call('Logout', this.content.sessionManager); } catch { /* the session ends either way */ }
    }
    this.cookie = undefined;
    this.agent.destroy();
  }

  async createContainerView(types: string[]): Promise<MoRef> {
    const sc = this.serviceContent;
    const [r] = await this.call('CreateContainerView', sc.viewManager,
      moref('container', sc.rootFolder) + types.map((t) => elem('type', t)).join('') + elem('recursive', true));
    if (!r) throw new VimLinkError('protocol', `${this.endpoint}: CreateContainerView returned nothing`);
    return { type: r.attrs.type ?? 'ContainerView', value: r.text.trim() };
  }

  /** Properties of every object a container view holds, by type: `{ obj, props }` per object. */
  async retrieve(view: MoRef, props: Record<string, string[]>): Promise<{ obj: MoRef; props: Map<string, XmlNode> }[]> {
    const propSet = Object.entries(props).map(([type, paths]) => `<propSet>${elem('type', type)}${paths.map((p) => elem('pathSet', p)).join('')}</propSet>`).join('');
    const objectSet = `<objectSet>${moref('obj', view)}${elem('skip', true)}<selectSet xsi:type="TraversalSpec">${elem('name', 'view')}${elem('type', 'ContainerView')}${elem('path', 'view')}${elem('skip', false)}</selectSet></objectSet>`;
    return this.retrieveSpec(`<specSet>${propSet}${objectSet}</specSet>`);
  }

  /** Properties of one object. */
  async retrieveOne(o: MoRef, paths: string[]): Promise<Map<string, XmlNode>> {
    const spec = `<specSet><propSet>${elem('type', o.type)}${paths.map((p) => elem('pathSet', p)).join('')}</propSet><objectSet>${moref('obj', o)}${elem('skip', false)}</objectSet></specSet>`;
    const [r] = await this.retrieveSpec(spec);
    return r?.props ?? new Map();
  }

  private async retrieveSpec(spec: string): Promise<{ obj: MoRef; props: Map<string, XmlNode> }[]> {
    const pc = this.serviceContent.propertyCollector;
    const out: { obj: MoRef; props: Map<string, XmlNode> }[] = [];
    let [page] = await this.call('RetrievePropertiesEx', pc, `${spec}<options>${elem('maxObjects', 1000)}</options>`);
    for (let guard = 0; page && guard < 10_000; guard++) {
      for (const o of children(page, 'objects')) {
        const objEl = child(o, 'obj');
        if (!objEl) continue;
        const props = new Map<string, XmlNode>();
        for (const p of children(o, 'propSet')) {
          const name = child(p, 'name')?.text.trim();
          const val = child(p, 'val');
          if (name && val) props.set(name, val);
        }
        out.push({ obj: { type: objEl.attrs.type ?? '', value: objEl.text.trim() }, props });
      }
      const token = child(page, 'token')?.text.trim();
      if (!token) break;
      [page] = await this.call('ContinueRetrievePropertiesEx', pc, elem('token', token));
    }
    return out;
  }

  /** Waits for a Task to end; resolves on success, rejects with its fault. */
  async waitForTask(task: MoRef, timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 100; ; delay = Math.min(1000, delay * 2)) {
      const props = await this.retrieveOne(task, ['info.state', 'info.error']);
      const state = props.get('info.state')?.text.trim();
      if (state === 'success') return;
      if (state === 'error') {
        const err = props.get('info.error');
        const fault = err ? child(err, 'fault') : undefined;
        const message = err ? child(err, 'localizedMessage')?.text.trim() : undefined;
        throw new VimFault(fault?.xsiType ?? 'SystemError', message || fault?.xsiType || 'the task failed');
      }
      if (Date.now() > deadline) throw new VimLinkError('timeout', `${task.value} did not finish within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** Calls a `…_Task` method and waits for the task. */
  async runTask(method: string, thisRef: MoRef, inner = ''): Promise<void> {
    const [t] = await this.call(method, thisRef, inner);
    if (!t) throw new VimLinkError('protocol', `${this.endpoint}: ${method} returned no task`);
    await this.waitForTask({ type: t.attrs.type ?? 'Task', value: t.text.trim() });
  }
}
