/**
 * hostManager — the lab's real hosts: reading a host's identity before anything secret is sent, adding a
 * host (a driver and its `RealHostService` under a fresh id namespace), bringing back the hosts added
 * before (`real-hosts.json`), and removing one.
 *
 * - `new HostManager({ dataDir, secrets })`.
 * - `identify({ kind, address, port })` → `HostIdentityDto` (an SSH key scan or a TLS handshake; no
 *   authentication).
 * - `add(spec)` → a started `RealHostService` whose driver accepts exactly the identity the user saw
 *   (`acceptedIdentity`); rejects with an `ApiException` (E_HOST_DISCONNECTED with the reason when the
 *   host cannot be reached or refuses the credentials) and records nothing in that case.
 * - `restore()` → services for the recorded hosts (started; a host that is down shows as not responding).
 * - `remove(namespace)` forgets the host (its known-hosts entry stays: the key is still the host's).
 *
 * Rules: a password reaches the driver from the request or from the `SecretStore`, and is stored only
 * sealed (see `secretStore.ts`); identities are checked against the lab's own known-hosts and thumbprint
 * files under `dataDir`.
 */
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { ApiException, apiError } from '@shared/api/errors';
import type { HostIdentityDto, RealHostKind } from '@shared/model/realHosts';
import { KnownHosts, scanHostKey, SshError } from '../ssh/index';
import type { SshAuth } from '../ssh/index';
import { LibvirtHost } from '../libvirt/index';
import { Vim25Host, ThumbprintStore, normalizeThumbprint } from '../vim25/index';
import type { HostDriver } from './hostDriver';
import { DriverError } from './hostDriver';
import { HostRegistry } from './hostRegistry';
import type { RealHostEntry } from './hostRegistry';
import type { SecretStore } from './secretStore';
import { RealHostService } from './realHostService';

export interface AddHostSpec {
  kind: RealHostKind;
  address: string;
  port?: number;
  name?: string;
  user: string;
  authMethod: 'key' | 'agent' | 'password';
  keyPath?: string;
  password?: string;
  libvirtUri?: string;
  acceptedIdentity: string;
}

const fail = (code: 'E_INVALID_ARGUMENT' | 'E_HOST_DISCONNECTED' | 'E_DUPLICATE_NAME', message: string, field?: string): never => {
  throw new ApiException(apiError(code, message, field));
};

/** The certificate thumbprint of a TLS server, read in the handshake (nothing is sent after it). */
function tlsThumbprint(host: string, port: number, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }) });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`${host}:${port} did not answer within ${timeoutMs / 1000} s`)); }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const fp = socket.getPeerCertificate()?.fingerprint;
      socket.destroy();
      const n = fp ? normalizeThumbprint(fp) : undefined;
      if (n) resolve(n); else reject(new Error(`${host}:${port} presented no certificate`));
    });
    socket.once('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); reject(new Error(`cannot reach ${host}:${port} (${e.code ?? e.message})`)); });
  });
}

export class HostManager {
  readonly registry: HostRegistry;
  private readonly knownHostsPath: string;
  private readonly thumbprintsPath: string;

  constructor(private readonly options: { dataDir: string; secrets: SecretStore }) {
    this.registry = HostRegistry.load(join(options.dataDir, 'real-hosts.json'));
    this.knownHostsPath = join(options.dataDir, 'known_hosts');
    this.thumbprintsPath = join(options.dataDir, 'known_vim25_thumbprints');
  }

  get secretsPersist(): boolean { return this.options.secrets.persistent; }

  async identify(target: { kind: RealHostKind; address: string; port?: number }): Promise<HostIdentityDto> {
    const port = target.port ?? (target.kind === 'libvirt' ? 22 : 443);
    try {
      if (target.kind === 'libvirt') {
        const key = await scanHostKey({ host: target.address, port });
        const check = KnownHosts.load(this.knownHostsPath).check(target.address, port, key.blob);
        return {
          status: check.status, keyType: key.type, fingerprint: key.fingerprint,
          ...(check.status === 'changed' ? { knownIdentities: check.knownFingerprints } : {}),
        };
      }
      const thumbprint = await tlsThumbprint(target.address, port);
      const check = ThumbprintStore.load(this.thumbprintsPath).check(target.address, port, thumbprint);
      return { status: check.status, thumbprint, ...(check.status === 'changed' ? { knownIdentities: [check.known] } : {}) };
    } catch (e) {
      return fail('E_HOST_DISCONNECTED', e instanceof SshError || e instanceof Error ? e.message : String(e), 'params.address');
    }
  }

  private driverOf(entry: RealHostEntry, password: string | undefined, policy: 'known' | 'expect'): HostDriver {
    const accepted = 'fingerprint' in entry.identity ? entry.identity.fingerprint : entry.identity.thumbprint;
    if (entry.kind === 'libvirt') {
      let auth: SshAuth;
      if (entry.auth.method === 'key') auth = { method: 'key', privateKeyPath: entry.auth.keyPath };
      else if (entry.auth.method === 'agent') auth = { method: 'agent' };
      else auth = { method: 'password', password: password ?? '' };
      return new LibvirtHost({
        uri: entry.libvirtUri,
        ssh: {
          host: entry.address, port: entry.port, username: entry.user, auth, knownHosts: KnownHosts.load(this.knownHostsPath),
          hostKeyPolicy: policy === 'expect' ? { mode: 'expect', fingerprint: accepted } : { mode: 'known' },
        },
      });
    }
    return new Vim25Host({
      host: entry.address, port: entry.port, user: entry.user, password: password ?? '',
      thumbprints: ThumbprintStore.load(this.thumbprintsPath),
      policy: policy === 'expect' ? { mode: 'expect', thumbprint: accepted } : { mode: 'known' },
    });
  }

  /** Adds a host: connects with the accepted identity and the credentials; nothing is recorded unless it worked. */
  async add(spec: AddHostSpec): Promise<RealHostService> {
    const port = spec.port ?? (spec.kind === 'libvirt' ? 22 : 443);
    if (spec.kind === 'vim25' && spec.authMethod !== 'password') fail('E_INVALID_ARGUMENT', 'an ESXi host or vCenter is added with a user and password', 'params.authMethod');
    if (spec.authMethod === 'key' && !spec.keyPath) fail('E_INVALID_ARGUMENT', 'give the private key file', 'params.keyPath');
    if (spec.authMethod === 'password' && !spec.password) fail('E_INVALID_ARGUMENT', 'give the password', 'params.password');
    if (this.registry.list().some((e) => e.address === spec.address && e.port === port && e.kind === spec.kind)) {
      fail('E_DUPLICATE_NAME', `${spec.address}:${port} is already in the inventory`, 'params.address');
    }
    const isFingerprint = spec.acceptedIdentity.startsWith('SHA256:');
    if (spec.kind === 'libvirt' ? !isFingerprint : !normalizeThumbprint(spec.acceptedIdentity)) {
      fail('E_INVALID_ARGUMENT', spec.kind === 'libvirt' ? 'acceptedIdentity must be the host key\'s SHA256: fingerprint' : 'acceptedIdentity must be the certificate\'s SHA-1 thumbprint', 'params.acceptedIdentity');
    }
    const namespace = this.registry.nextNamespace(spec.kind);
    const entry: RealHostEntry = {
      namespace, kind: spec.kind, name: spec.name ?? spec.address, address: spec.address, port, user: spec.user,
      auth: spec.authMethod === 'key' ? { method: 'key', keyPath: spec.keyPath! } : spec.authMethod === 'agent' ? { method: 'agent' } : { method: 'password' },
      ...(spec.libvirtUri ? { libvirtUri: spec.libvirtUri } : {}),
      identity: spec.kind === 'libvirt' ? { fingerprint: spec.acceptedIdentity } : { thumbprint: normalizeThumbprint(spec.acceptedIdentity)! },
    };
    const driver = this.driverOf(entry, spec.password, 'expect');
    try {
      await driver.connect();
    } catch (e) {
      await driver.close().catch(() => undefined);
      return fail('E_HOST_DISCONNECTED', `${entry.name}: ${e instanceof DriverError || e instanceof Error ? e.message : String(e)}`, 'params.address');
    }
    if (spec.authMethod === 'password' && this.options.secrets.persistent) entry.auth = { method: 'password', secret: this.options.secrets.seal(spec.password!) };
    this.registry.put(entry);
    const service = new RealHostService({ namespace, name: entry.name, driver });
    await service.start();
    return service;
  }

  /** Services for the hosts added before; each starts connecting (a down host shows as not responding). */
  async restore(): Promise<RealHostService[]> {
    const out: RealHostService[] = [];
    for (const entry of this.registry.list()) {
      const password = entry.auth.method === 'password' && entry.auth.secret ? this.options.secrets.open(entry.auth.secret) : undefined;
      const service = new RealHostService({ namespace: entry.namespace, name: entry.name, driver: this.driverOf(entry, password, 'known') });
      await service.start();
      out.push(service);
    }
    return out;
  }

  remove(namespace: string): void {
    const e = this.registry.list().find((x) => x.namespace === namespace);
    if (e?.auth.method === 'password' && e.auth.secret) this.options.secrets.forget(e.auth.secret);
    this.registry.remove(namespace);
  }
}
