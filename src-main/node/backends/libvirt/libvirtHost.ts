/**
 * libvirtHost — a libvirt/KVM host reached over SSH, as a `HostDriver`: its facts, its domains with their
 * snapshots, power and snapshot operations, reconfiguration, clones (where `virt-clone` exists), 20 s
 * statistics mapped to vSphere counters, the serial console, and change notification from
 * `virsh event --loop`.
 *
 * - `new LibvirtHost({ ssh, uri?, pollMs? })`; `connect()` reads the host's facts and starts the event
 *   loop; `inventory()` reads every domain in two round trips (or three when snapshots are new), each
 *   one remote virsh batch (`virshBatch.ts`).
 * - `capabilities` is filled at connect (clone needs `virt-clone` on the host).
 *
 * Rules:
 * - Domains are named by UUID in every command; names only travel as values of options (`--name`), and
 *   every argument is quoted (`shellQuote`): a domain called `x; rm -rf /` is just a name.
 * - State mapping (libvirt → vSphere): running, blocked, in shutdown → poweredOn; paused, pmsuspended,
 *   or shut off with a managed-save image → suspended; shut off, crashed, no state → poweredOff.
 *   libvirt's "suspend" pauses the vCPUs with memory kept in host RAM (ESXi suspends to disk); "power on"
 *   of a paused domain resumes it, of a managed-saved one restores it.
 * - Snapshots are libvirt's internal snapshots (qcow2): a running domain's always include memory (QEMU's
 *   savevm), a shut-off domain's never do; a disk-only snapshot of a running domain would be external,
 *   which libvirt 9.x cannot revert, so it is refused rather than half supported.
 * - The connection's loss shows as `notResponding` (reconnecting with backoff); a refused host key or
 *   failed authentication as `disconnected` (it will not heal by itself).
 */
import type { SshOptions, RemoteProcess } from '../ssh/index';
import { SshConnection, SshError } from '../ssh/index';
import type {
  ConsoleStream, DriverCapabilities, DriverSample, DriverState, HostDriver, HostIdentity, PowerOperation, RealHostFacts, RealInventory,
  RealSnapshot, RealVm, EntitySample, RealDatastore, RealNetwork,
} from '../realHost/hostDriver';
import { DriverError } from '../realHost/hostDriver';
import type { VirshCommand, VirshResult } from './virshBatch';
import { describeCommand, okOut, runVirsh, VirshError } from './virshBatch';
import type { NodeInfo, VirshVersion } from './virshParsers';
import {
  parseColonTable, parseCpuModelName, parseDomstate, parseDomstats, parseEventLine, parseLines, parseNodeCpuStats,
  parseNodeinfo, parseNodeMemStats, parseUuidList, parseVersion, UUID_PATTERN,
} from './virshParsers';
import type { DomainXml, HostCpu, SnapshotXml } from './libvirtXml';
import { parseCapabilities, parseDomainXml, parseSnapshotXml } from './libvirtXml';
import type { DomainRaw, HostRaw } from './libvirtCounters';
import { domainCounters, hostCounters } from './libvirtCounters';

/** How often the inventory is re-read when no event arrives (events refresh sooner). */
export const LIBVIRT_POLL_MS = 30_000;
/** Long operations: a snapshot revert of a large guest writes its whole memory back. */
const LONG_COMMAND_MS = 600_000;

export interface LibvirtHostOptions {
  ssh: SshOptions;
  /** libvirt's URI on the host (`virsh -c`); virsh's default (`LIBVIRT_DEFAULT_URI` or qemu:///system) when absent. */
  uri?: string;
}

interface HostFacts {
  version: VirshVersion;
  node: NodeInfo;
  cpu: HostCpu;
  cpuModelName?: string;
  hostname: string;
}

const LIBVIRT_CAPABILITIES: DriverCapabilities = {
  power: ['powerOn', 'powerOff', 'suspend', 'reset', 'shutdownGuest', 'rebootGuest'],
  snapshots: true, snapshotMemory: true, snapshotDiskOnlyWhileOn: false, snapshotQuiesce: false,
  clone: false, reconfigure: true, reconfigureWhileOn: false, rename: true, renameWhileOn: false, console: true, consoleInput: true,
};

function powerStateOf(state: string, managedSave: boolean): RealVm['powerState'] {
  switch (state) {
    case 'running': case 'blocked': case 'shutdown': return 'poweredOn';
    case 'paused': case 'pmsuspended': return 'suspended';
    default: return managedSave ? 'suspended' : 'poweredOff';
  }
}

/** `http://debian.org/debian/12` → `debian 12`; without libosinfo metadata, what the domain says it is. */
function guestOsOf(d: DomainXml): string {
  if (d.osinfoId) {
    const parts = d.osinfoId.replace(/^[a-z]+:\/\//, '').split('/').filter(Boolean);
    return parts.slice(1).join(' ') || d.osinfoId;
  }
  return `Unknown (${d.osType}, ${d.arch || 'unknown arch'})`;
}

/** The datastore of a disk: the folder of an image file, a block device itself, else where libvirt says. */
function datastoreKeyOf(source: string): string {
  if (source.startsWith('/dev/')) return source;
  const slash = source.lastIndexOf('/');
  if (slash > 0) return source.slice(0, slash);
  if (slash === 0) return '/';
  return source ? `(${source})` : '(no source)';
}

/** `network:default` → `default`; `bridge:br0` → `bridge br0`; `user:` → user-mode networking. */
function networkName(key: string): string {
  const colon = key.indexOf(':');
  const type = key.slice(0, colon);
  const source = key.slice(colon + 1);
  if (type === 'network') return source;
  if (type === 'user') return 'user-mode networking';
  if (type === 'bridge') return `bridge ${source}`;
  if (type === 'direct') return `macvtap on ${source}`;
  return source ? `${type} ${source}` : type;
}

/** `df -Pk -- DIR`: POSIX output, a header then one line; sizes in KiB blocks. */
export function parseDf(out: string): { capacityBytes: number; freeBytes: number } | undefined {
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 2 || !/^Filesystem\s/.test(lines[0])) return undefined;
  const f = lines[1].trim().split(/\s+/);
  if (f.length < 6 || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[3])) return undefined;
  return { capacityBytes: Number(f[1]) * 1024, freeBytes: Number(f[3]) * 1024 };
}

export class LibvirtHost implements HostDriver {
  readonly kind = 'libvirt' as const;
  capabilities: DriverCapabilities = { ...LIBVIRT_CAPABILITIES };
  private readonly conn: SshConnection;
  private facts: HostFacts | undefined;
  private readonly snapshotXml = new Map<string, Map<string, SnapshotXml>>();
  private readonly prevDomain = new Map<string, DomainRaw>();
  private prevHost: HostRaw | undefined;
  private events: RemoteProcess | undefined;
  private readonly changeListeners = new Set<(vmKeys?: string[]) => void>();
  private readonly stateListeners = new Set<(s: DriverState, reason?: string) => void>();
  private names = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: LibvirtHostOptions) {
    this.conn = new SshConnection(options.ssh);
    this.conn.onState(() => {
      const s = this.state;
      for (const l of [...this.stateListeners]) l(s, this.stateReason);
      if (this.conn.state === 'connected' && this.facts && !this.events) void this.startEvents();
    });
  }

  get target(): string { return this.conn.target; }
  get identity(): HostIdentity | undefined { return this.conn.hostKey; }

  get state(): DriverState {
    switch (this.conn.state) {
      case 'connected': return 'connected';
      case 'idle': case 'connecting': return this.facts ? 'notResponding' : 'connecting';
      case 'closed': return 'closed';
      case 'disconnected': {
        const kind = this.conn.lastError?.kind;
        return kind === 'auth' || kind?.startsWith('hostKey') ? 'disconnected' : 'notResponding';
      }
    }
  }

  get stateReason(): string | undefined {
    return this.conn.state === 'connected' ? undefined : this.conn.lastError?.message;
  }

  onState(listener: (state: DriverState, reason?: string) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onChange(listener: (vmKeys?: string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(vmKeys?: string[]): void {
    for (const l of [...this.changeListeners]) l(vmKeys);
  }

  private async virsh(commands: readonly VirshCommand[], timeoutMs?: number): Promise<VirshResult[]> {
    try {
      return await runVirsh((argv, o) => this.conn.exec(argv, o), this.options.uri, commands, timeoutMs);
    } catch (e) {
      throw this.driverError(e);
    }
  }

  private driverError(e: unknown): Error {
    if (e instanceof DriverError || e instanceof VirshError) return e;
    if (e instanceof SshError) {
      if (e.kind === 'auth') return new DriverError('auth', e.message);
      if (e.kind.startsWith('hostKey')) {
        const k = e.hostKey;
        return new DriverError('hostKey', e.message, k ? { type: k.type, fingerprint: k.fingerprint, ...(k.knownFingerprints ? { knownFingerprints: k.knownFingerprints } : {}) } : undefined);
      }
      return new DriverError('disconnected', e.message);
    }
    return e instanceof Error ? e : new Error(String(e));
  }

  /** Runs one command that must succeed; a refusal becomes a DriverError with virsh's own words. */
  private async run(command: VirshCommand, timeoutMs?: number): Promise<string> {
    const [r] = await this.virsh([command], timeoutMs);
    if (r.error !== undefined) throw new DriverError('remote', `${describeCommand(command)} failed: ${r.error}`);
    return r.out;
  }

  async connect(): Promise<void> {
    if (this.closed) throw new DriverError('disconnected', 'the host was removed');
    try {
      await this.conn.connect();
    } catch (e) {
      throw this.driverError(e);
    }
    await this.loadFacts();
    void this.startEvents();
  }

  async reconnect(): Promise<void> {
    try {
      await this.conn.reconnectNow();
    } catch (e) {
      throw this.driverError(e);
    }
    if (!this.facts) await this.loadFacts();
  }

  private async loadFacts(): Promise<void> {
    const cmds: VirshCommand[] = [['version', '--daemon'], ['hostname'], ['nodeinfo'], ['capabilities']];
    const [r, cpuinfo, cloneTool] = await Promise.all([
      this.virsh(cmds),
      this.conn.exec(['grep', '-m', '1', '^model name', '/proc/cpuinfo']).catch(() => undefined),
      this.conn.exec(['command', '-v', 'virt-clone']).catch(() => undefined),
    ]);
    const hostname = parseLines(okOut(cmds[1], r[1]))[0];
    if (!hostname) throw new VirshError('virsh hostname', 'empty output');
    let cpuModelName: string | undefined;
    try { if (cpuinfo?.code === 0) cpuModelName = parseCpuModelName(cpuinfo.stdout); } catch { /* the CPU's marketing name is optional */ }
    this.facts = {
      version: parseVersion(okOut(cmds[0], r[0])), hostname, node: parseNodeinfo(okOut(cmds[2], r[2])),
      cpu: parseCapabilities(okOut(cmds[3], r[3])), cpuModelName,
    };
    this.capabilities = { ...LIBVIRT_CAPABILITIES, clone: cloneTool?.code === 0 && cloneTool.stdout.trim() !== '' };
  }

  private async startEvents(): Promise<void> {
    if (this.events || this.closed || this.conn.state !== 'connected') return;
    let proc: RemoteProcess;
    try {
      proc = await this.conn.open(['virsh', ...(this.options.uri ? ['-c', this.options.uri] : []), 'event', '--loop', '--all']);
    } catch {
      return; // polling still refreshes; the next reconnect tries again
    }
    this.events = proc;
    const decoder = new TextDecoder('utf-8');
    let pending = '';
    proc.onData((chunk) => {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const keys = new Set<string>();
      let any = false;
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          const ev = parseEventLine(line);
          any = true;
          for (const [uuid, name] of this.names) if (name === ev.domain) keys.add(uuid);
        } catch {
          // An event line of a kind this parser does not know still means "something changed".
          any = true;
        }
      }
      if (any) this.changed(keys.size > 0 ? [...keys] : undefined);
    });
    proc.onClose(() => {
      if (this.events === proc) this.events = undefined;
    });
  }

  private requireFacts(): HostFacts {
    if (!this.facts) throw new DriverError('disconnected', `${this.conn.target} has not been connected yet`);
    return this.facts;
  }

  hostFacts(): RealHostFacts {
    const f = this.requireFacts();
    const n = f.node;
    return {
      key: f.cpu.uuid || f.hostname, name: f.hostname, vendor: f.cpu.vendor || 'unknown', model: `libvirt ${f.version.daemon ?? f.version.library} host`,
      cpuModel: f.cpuModelName ?? [f.cpu.vendor, f.cpu.model].filter(Boolean).join(' '),
      sockets: n.sockets * n.numaCells, coresPerSocket: n.coresPerSocket, threadsPerCore: n.threadsPerCore, cpuMhz: n.mhz,
      memoryBytes: n.memoryKiB * 1024,
      hypervisorVersion: `${f.version.hypervisor} ${f.version.hypervisorVersion} (libvirt ${f.version.daemon ?? f.version.library})`,
      connected: this.conn.state === 'connected', inMaintenanceMode: false,
    };
  }

  async inventory(): Promise<RealInventory> {
    const host = this.hostFacts();
    const list: VirshCommand = ['list', '--all', '--uuid'];
    const uuids = parseUuidList(okOut(list, (await this.virsh([list]))[0]), describeCommand(list));
    const per: VirshCommand[] = [];
    for (const u of uuids) {
      per.push(['dumpxml', '--domain', u], ['domstate', '--domain', u, '--reason'], ['dominfo', '--domain', u],
        ['domstats', u], ['snapshot-list', '--domain', u, '--name'], ['snapshot-current', '--domain', u, '--name']);
    }
    const r = await this.virsh(per);
    const vanished = new Set<string>();
    const domains: { uuid: string; xml: DomainXml; state: string; reason: string; managedSave: boolean; stats: Record<string, string>; snapshots: string[]; current?: string }[] = [];
    uuids.forEach((uuid, i) => {
      const at = (k: number) => ({ cmd: per[i * 6 + k], res: r[i * 6 + k] });
      const x = at(0);
      // A domain undefined between the list and the batch is simply gone, not an error.
      if (x.res.error !== undefined && /failed to get domain|Domain not found/i.test(x.res.error)) { vanished.add(uuid); return; }
      const xml = parseDomainXml(okOut(x.cmd, x.res));
      if (xml.uuid !== uuid) throw new VirshError('virsh dumpxml', `asked for ${uuid}, got ${xml.uuid}`);
      const st = parseDomstate(okOut(at(1).cmd, at(1).res));
      const info = parseColonTable(okOut(at(2).cmd, at(2).res), 'virsh dominfo');
      const stats = parseDomstats(okOut(at(3).cmd, at(3).res));
      const snaps = at(4).res.error === undefined ? parseLines(at(4).res.out) : [];
      const current = at(5).res.error === undefined ? parseLines(at(5).res.out)[0] : undefined;
      domains.push({ uuid, xml, state: st.state, reason: st.reason, managedSave: info['Managed save'] === 'yes', stats, snapshots: snaps, current });
    });
    // Snapshot documents: fetched once per (domain, snapshot) and kept, since a snapshot never changes
    // but for its description (which this lab edits through here, dropping the cached copy).
    const need: { uuid: string; name: string; cmd: VirshCommand }[] = [];
    for (const d of domains) {
      const cache = this.snapshotXml.get(d.uuid) ?? new Map<string, SnapshotXml>();
      this.snapshotXml.set(d.uuid, cache);
      for (const name of [...cache.keys()]) if (!d.snapshots.includes(name)) cache.delete(name);
      for (const name of d.snapshots) if (!cache.has(name)) need.push({ uuid: d.uuid, name, cmd: ['snapshot-dumpxml', '--domain', d.uuid, '--snapshotname', name] });
    }
    for (const u of [...this.snapshotXml.keys()]) if (!uuids.includes(u) || vanished.has(u)) this.snapshotXml.delete(u);
    if (need.length > 0) {
      const sr = await this.virsh(need.map((n) => n.cmd));
      need.forEach((n, i) => {
        if (sr[i].error !== undefined) return; // deleted meanwhile
        this.snapshotXml.get(n.uuid)!.set(n.name, parseSnapshotXml(sr[i].out));
      });
    }
    this.names = new Map(domains.map((d) => [d.uuid, d.xml.name]));
    const vms: RealVm[] = domains.map((d) => this.vmOf(d, host.key));
    return { datacenters: [], clusters: [], hosts: [host], vms, datastores: await this.datastores(vms, host.key), networks: this.networks(vms, host.key) };
  }

  /**
   * Datastores of a libvirt host: each folder holding disk images, sized by `df -Pk` on the host (a
   * block device is its own datastore, fully used). A folder the login user cannot `df` keeps size 0
   * and says so in its name.
   */
  private async datastores(vms: RealVm[], hostKey: string): Promise<RealDatastore[]> {
    const keys = [...new Set(vms.flatMap((v) => v.disks.map((d) => d.datastoreKey)))].sort();
    return Promise.all(keys.map(async (key): Promise<RealDatastore> => {
      if (key.startsWith('/dev/')) {
        const size = vms.flatMap((v) => v.disks).find((d) => d.datastoreKey === key)?.capacityBytes ?? 0;
        return { key, name: `block device ${key}`, type: 'Block device', capacityBytes: size, freeBytes: 0, hostKeys: [hostKey] };
      }
      const df = await this.conn.exec(['df', '-Pk', '--', key]).catch(() => undefined);
      const size = df?.code === 0 ? parseDf(df.stdout) : undefined;
      return size
        ? { key, name: key, type: 'Directory', capacityBytes: size.capacityBytes, freeBytes: size.freeBytes, hostKeys: [hostKey] }
        : { key, name: `${key} (size unknown)`, type: 'Directory', capacityBytes: 0, freeBytes: 0, hostKeys: [hostKey] };
    }));
  }

  private networks(vms: RealVm[], hostKey: string): RealNetwork[] {
    const keys = [...new Set(vms.flatMap((v) => v.nics.map((n) => n.networkKey)))].sort();
    return keys.map((key) => ({ key, name: networkName(key), hostKeys: [hostKey] }));
  }

  private vmOf(d: { uuid: string; xml: DomainXml; state: string; reason: string; managedSave: boolean; stats: Record<string, string>; snapshots: string[]; current?: string }, hostKey: string): RealVm {
    const capacityOf = (target: string): number => {
      for (let i = 0; i < Number(d.stats['block.count'] ?? 0); i++) {
        if (d.stats[`block.${i}.name`] === target) return Number(d.stats[`block.${i}.capacity`] ?? 0) || 0;
      }
      return 0;
    };
    // Hard disks only: CD/DVD and floppy drives are not disks in vSphere's sense (no capacity of their own).
    const disks = d.xml.disks.filter((x) => x.device === 'disk' || x.device === 'lun').map((x, i) => ({
      label: `Hard disk ${i + 1} (${x.target})`, capacityBytes: capacityOf(x.target), datastoreKey: datastoreKeyOf(x.source),
    }));
    const nics = d.xml.nics.map((n, i) => ({
      label: `Network adapter ${i + 1}${n.model ? ` (${n.model})` : ''}`, macAddress: n.mac,
      networkKey: `${n.type}:${n.source}`, connected: n.linkUp,
    }));
    const cache = this.snapshotXml.get(d.uuid);
    const snapshots: RealSnapshot[] = d.snapshots.flatMap((name) => {
      const s = cache?.get(name);
      if (!s) return [];
      return [{
        key: name, name, description: s.description, createdAtMs: s.creationTime * 1000, memory: s.memory !== 'no', quiesced: false,
        powerState: s.state === 'running' || s.state === 'blocked' ? 'poweredOn' : s.state === 'paused' ? 'suspended' : 'poweredOff',
        parentKey: s.parent,
      }];
    });
    const running = d.state === 'running' || d.state === 'blocked' || d.state === 'paused' || d.state === 'shutdown';
    return {
      key: d.uuid, name: d.xml.name, hostKey, powerState: powerStateOf(d.state, d.managedSave),
      stateDetail: `${d.state}${d.reason ? ` (${d.reason})` : ''}${d.managedSave ? ', managed save' : ''}`,
      vcpus: running ? Number(d.stats['vcpu.current'] ?? d.xml.vcpus) || d.xml.vcpus : d.xml.vcpus,
      memoryBytes: d.xml.maxMemoryBytes, guestOs: guestOsOf(d.xml), disks, nics, isTemplate: false,
      hasConsole: d.xml.hasSerialConsole, snapshots, currentSnapshotKey: d.current,
    };
  }

  private uuid(vmKey: string): string {
    if (!UUID_PATTERN.test(vmKey)) throw new DriverError('notFound', `"${vmKey}" is not a libvirt domain UUID`);
    return vmKey;
  }

  async power(vmKey: string, op: PowerOperation): Promise<void> {
    const u = this.uuid(vmKey);
    const d = ['--domain', u];
    switch (op) {
      case 'powerOn': {
        const st = parseDomstate(await this.run(['domstate', ...d, '--reason']));
        if (st.state === 'paused') await this.run(['resume', ...d]);
        else if (st.state === 'pmsuspended') await this.run(['dompmwakeup', ...d]);
        else await this.run(['start', ...d], LONG_COMMAND_MS);
        break;
      }
      case 'powerOff': {
        const st = parseDomstate(await this.run(['domstate', ...d, '--reason']));
        if (st.state === 'shutoff') await this.run(['managedsave-remove', ...d]); // a saved state is discarded, as vSphere's power off of a suspended VM
        else await this.run(['destroy', ...d]);
        break;
      }
      case 'suspend': await this.run(['suspend', ...d]); break;
      case 'reset': await this.run(['reset', ...d]); break;
      case 'shutdownGuest': await this.run(['shutdown', ...d]); break;
      case 'rebootGuest': await this.run(['reboot', ...d]); break;
    }
    this.changed([u]);
  }

  async snapshotCreate(vmKey: string, spec: { name: string; description: string; memory: boolean; quiesce: boolean }): Promise<void> {
    const u = this.uuid(vmKey);
    if (spec.quiesce) throw new DriverError('unsupported', 'quiescing needs the QEMU guest agent and an external snapshot; libvirt hosts here take internal snapshots only');
    const st = parseDomstate(await this.run(['domstate', '--domain', u, '--reason']));
    const on = st.state !== 'shutoff' && st.state !== 'crashed' && st.state !== 'nostate';
    if (on && !spec.memory) throw new DriverError('invalidState', 'libvirt\'s internal snapshot of a running domain always includes its memory; take it with memory, or power the VM off for a disk-only snapshot');
    if (!on && spec.memory) throw new DriverError('invalidState', 'a powered-off VM has no memory to snapshot');
    await this.run(['snapshot-create-as', '--domain', u, '--name', spec.name, ...(spec.description ? ['--description', spec.description] : [])], LONG_COMMAND_MS);
    this.changed([u]);
  }

  async snapshotRevert(vmKey: string, snapshotKey: string): Promise<void> {
    const u = this.uuid(vmKey);
    await this.run(['snapshot-revert', '--domain', u, '--snapshotname', snapshotKey], LONG_COMMAND_MS);
    this.changed([u]);
  }

  async snapshotRemove(vmKey: string, snapshotKey: string, removeChildren: boolean): Promise<void> {
    const u = this.uuid(vmKey);
    await this.run(['snapshot-delete', '--domain', u, '--snapshotname', snapshotKey, ...(removeChildren ? ['--children'] : [])], LONG_COMMAND_MS);
    this.snapshotXml.get(u)?.delete(snapshotKey);
    this.changed([u]);
  }

  async reconfigure(vmKey: string, changes: { vcpus?: number; memoryBytes?: number }): Promise<void> {
    const u = this.uuid(vmKey);
    const d = ['--domain', u];
    const xml = parseDomainXml(await this.run(['dumpxml', ...d, '--inactive']));
    if (changes.vcpus !== undefined && changes.vcpus !== xml.vcpus) {
      const n = String(changes.vcpus);
      // The maximum first when growing, the current count first when shrinking: the current count may never exceed the maximum.
      if (changes.vcpus > xml.maxVcpus) { await this.run(['setvcpus', ...d, '--count', n, '--config', '--maximum']); await this.run(['setvcpus', ...d, '--count', n, '--config']); }
      else { await this.run(['setvcpus', ...d, '--count', n, '--config']); await this.run(['setvcpus', ...d, '--count', n, '--config', '--maximum']); }
    }
    if (changes.memoryBytes !== undefined && changes.memoryBytes !== xml.maxMemoryBytes) {
      const kib = `${Math.round(changes.memoryBytes / 1024)}KiB`;
      if (changes.memoryBytes > xml.maxMemoryBytes) { await this.run(['setmaxmem', ...d, '--size', kib, '--config']); await this.run(['setmem', ...d, '--size', kib, '--config']); }
      else { await this.run(['setmem', ...d, '--size', kib, '--config']); await this.run(['setmaxmem', ...d, '--size', kib, '--config']); }
    }
    this.changed([u]);
  }

  async rename(vmKey: string, name: string): Promise<void> {
    const u = this.uuid(vmKey);
    await this.run(['domrename', '--domain', u, '--new-name', name]);
    this.changed([u]);
  }

  async clone(vmKey: string, name: string): Promise<void> {
    const u = this.uuid(vmKey);
    if (!this.capabilities.clone) throw new DriverError('unsupported', `virt-clone is not installed on ${this.conn.target}`);
    const original = this.names.get(u);
    if (!original) throw new DriverError('notFound', `domain ${u} is not in the inventory`);
    const argv = ['virt-clone', ...(this.options.uri ? ['--connect', this.options.uri] : []), '--original', original, '--name', name, '--auto-clone'];
    let r;
    try {
      r = await this.conn.exec(argv, { timeoutMs: LONG_COMMAND_MS });
    } catch (e) {
      throw this.driverError(e);
    }
    if (r.code !== 0) throw new DriverError('remote', `virt-clone failed: ${r.stderr.trim().split('\n').slice(-1)[0] || `exit code ${String(r.code)}`}`);
    this.changed();
  }

  async sample(): Promise<DriverSample> {
    const facts = this.requireFacts();
    const known = [...this.names.keys()];
    const cmds: VirshCommand[] = [['nodecpustats'], ['nodememstats'], ...known.map((u) => ['domstats', u] as VirshCommand)];
    const r = await this.virsh(cmds);
    const timeMs = Date.now();
    const hostRaw: HostRaw = { timeMs, cpu: parseNodeCpuStats(okOut(cmds[0], r[0])), mem: parseNodeMemStats(okOut(cmds[1], r[1])) };
    const entities: EntitySample[] = [{ kind: 'host', key: this.hostFacts().key, values: hostCounters(this.prevHost, hostRaw, { cpus: facts.node.cpus, mhz: facts.node.mhz }) }];
    this.prevHost = hostRaw;
    known.forEach((u, i) => {
      const res = r[i + 2];
      if (res.error !== undefined) { this.prevDomain.delete(u); return; }
      const stats = parseDomstats(res.out);
      const state = Number(stats['state.state']);
      // Only a domain with vCPUs (running or paused) has rates; a stopped one restarts its counters.
      if (state !== 1 && state !== 2 && state !== 3 && state !== 4) { this.prevDomain.delete(u); return; }
      const raw: DomainRaw = { timeMs, stats };
      entities.push({ kind: 'vm', key: u, values: domainCounters(this.prevDomain.get(u), raw, facts.node.mhz) });
      this.prevDomain.set(u, raw);
    });
    return { timeMs, entities };
  }

  async openConsole(vmKey: string): Promise<ConsoleStream> {
    const u = this.uuid(vmKey);
    let proc: RemoteProcess;
    try {
      proc = await this.conn.open(['virsh', ...(this.options.uri ? ['-c', this.options.uri] : []), 'console', '--domain', u, '--force'], { pty: true });
    } catch (e) {
      throw this.driverError(e);
    }
    const decoder = new TextDecoder('utf-8');
    const dataListeners = new Set<(t: string) => void>();
    // virsh prints its own banner before the guest's output: everything up to "Escape character is ^]".
    let banner = '';
    let inBanner = true;
    proc.onData((chunk) => {
      let t = decoder.decode(chunk, { stream: true });
      if (inBanner) {
        banner += t;
        const at = banner.indexOf('Escape character is ^]');
        if (at < 0) { if (banner.length > 4096) { inBanner = false; t = banner; } else return; }
        else {
          const eol = banner.indexOf('\n', at);
          if (eol < 0) return;
          inBanner = false;
          t = banner.slice(eol + 1);
        }
      }
      if (t) for (const l of [...dataListeners]) l(t);
    });
    return {
      onData: (l) => { dataListeners.add(l); },
      onClose: (l) => proc.onClose(() => l()),
      // Ctrl-] would detach virsh from the console; it never reaches the guest from here.
      write: (text) => proc.write(text.replace(/\x1d/g, '')),
      close: () => proc.close(),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.events?.close();
    this.events = undefined;
    await this.conn.close();
  }
}
