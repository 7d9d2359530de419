/**
 * hostRegistry — the real hosts a lab has added, kept in the lab's data folder (`real-hosts.json`,
 * mode 0600, written atomically) so they come back when the lab starts again.
 *
 * - `RealHostEntry`: the backend's id namespace (`kvm1`, `esx1`), kind, display name, address, port,
 *   user, how it authenticates, the identity the user accepted (SSH fingerprint or TLS thumbprint), and
 *   for libvirt an optional URI on the host.
 * - `HostRegistry.load(path)`; `list()`; `nextNamespace(kind)`; `put(entry)`; `remove(namespace)`.
 *
 * Rules: a password is stored only as a token of a persistent `SecretStore` (sealed by the OS keychain);
 * with a memory-only store (browser mode) the entry keeps no password at all and the host needs it again
 * after a restart. Nothing else secret exists here: key files are referenced by path, the agent by
 * nothing. A damaged file is reported and left untouched (never overwritten with an empty list).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type RealHostAuth =
  | { method: 'key'; keyPath: string }
  | { method: 'agent' }
  | { method: 'password'; secret?: string };

export interface RealHostEntry {
  namespace: string;
  kind: 'libvirt' | 'vim25';
  name: string;
  address: string;
  port: number;
  user: string;
  auth: RealHostAuth;
  libvirtUri?: string;
  identity: { fingerprint: string } | { thumbprint: string };
}

const PREFIX: Record<RealHostEntry['kind'], string> = { libvirt: 'kvm', vim25: 'esx' };

export class HostRegistry {
  private constructor(readonly path: string, private entries: RealHostEntry[]) {}

  static load(path: string): HostRegistry {
    if (!existsSync(path)) return new HostRegistry(path, []);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)}); fix or remove it`);
    }
    const hosts = (parsed as { hosts?: unknown }).hosts;
    if (!Array.isArray(hosts)) throw new Error(`${path}: expected { "hosts": [...] }`);
    hosts.forEach((h, i) => {
      const e = h as Partial<RealHostEntry>;
      if (typeof e.namespace !== 'string' || (e.kind !== 'libvirt' && e.kind !== 'vim25') || typeof e.address !== 'string'
        || typeof e.port !== 'number' || typeof e.user !== 'string' || typeof e.auth !== 'object' || typeof e.identity !== 'object') {
        throw new Error(`${path}: hosts[${i}] is not a real-host entry`);
      }
    });
    return new HostRegistry(path, hosts as RealHostEntry[]);
  }

  list(): RealHostEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  nextNamespace(kind: RealHostEntry['kind']): string {
    const used = new Set(this.entries.map((e) => e.namespace));
    for (let n = 1; ; n++) if (!used.has(`${PREFIX[kind]}${n}`)) return `${PREFIX[kind]}${n}`;
  }

  put(entry: RealHostEntry): void {
    this.entries = [...this.entries.filter((e) => e.namespace !== entry.namespace), { ...entry }];
    this.save();
  }

  remove(namespace: string): void {
    this.entries = this.entries.filter((e) => e.namespace !== namespace);
    this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify({ hosts: this.entries }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
