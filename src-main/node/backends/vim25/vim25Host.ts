/**
 * vim25Host — an ESXi host or a vCenter reached over vim25, as a `HostDriver`: datacenters, clusters,
 * hosts and VMs read through the PropertyCollector (one container view, one paged RetrievePropertiesEx
 * per refresh), power and snapshot tasks, reconfigure, rename and clone, and 20 s samples from the
 * PerformanceManager (QueryPerf, real-time interval).
 *
 * - `new Vim25Host({ host, port, user, password, thumbprints, policy })`; `connect()` verifies the
 *   certificate thumbprint, logs in and reads the counter catalogue.
 *
 * Rules:
 * - Values are the server's: states, sizes, counters. Percent counters come in hundredths from vim25
 *   and are divided by 100; a counter the server does not list, or gives no sample for, is absent.
 * - A link failure (timeout, connection refused) shows as `notResponding` and is retried with backoff;
 *   a refused certificate or a failed login as `disconnected`. An expired session is logged in again
 *   once, transparently.
 * - No serial console over vim25 (ESXi offers one only through the VM's own serial-port backing);
 *   capability `console` is false, so the UI offers none.
 * - The password is held in memory for re-login only; it never appears in a message.
 */
import type {
  ConsoleStream, DriverCapabilities, DriverSample, DriverState, EntitySample, HostDriver, HostIdentity, PowerOperation,
  RealCluster, RealDatacenter, RealDatastore, RealHostFacts, RealInventory, RealNetwork, RealSnapshot, RealVm,
} from '../realHost/hostDriver';
import { DriverError } from '../realHost/hostDriver';
import type { XmlNode } from '../xmlTree';
import { child, children } from '../xmlTree';
import type { MoRef, ThumbprintPolicy } from './vimClient';
import { VimClient, VimFault, VimLinkError, elem, moref, num, obj, refOf, str, toValue } from './vimClient';
import type { ThumbprintStore } from './thumbprints';

export interface Vim25HostOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  thumbprints: ThumbprintStore;
  policy: ThumbprintPolicy;
  timeoutMs?: number;
  reconnect?: { initialDelayMs: number; maxDelayMs: number } | false;
}

/** Counters asked of the PerformanceManager each sample (those the server lists). */
export const VIM25_SAMPLED_COUNTERS = [
  'cpu.usage.average', 'cpu.usagemhz.average', 'cpu.ready.summation', 'mem.usage.average', 'mem.consumed.average',
  'mem.active.average', 'mem.granted.average', 'disk.usage.average', 'disk.read.average', 'disk.write.average',
  'net.usage.average', 'net.received.average', 'net.transmitted.average', 'sys.uptime.latest',
];

const VIM25_CAPABILITIES: DriverCapabilities = {
  power: ['powerOn', 'powerOff', 'suspend', 'reset', 'shutdownGuest', 'rebootGuest'],
  snapshots: true, snapshotMemory: true, snapshotDiskOnlyWhileOn: true, snapshotQuiesce: true,
  clone: true, reconfigure: true, reconfigureWhileOn: true, rename: true, renameWhileOn: true, console: false, consoleInput: false,
};

const VIEW_TYPES = ['Datacenter', 'Folder', 'ComputeResource', 'HostSystem', 'VirtualMachine', 'Datastore', 'Network'];
const PROPS: Record<string, string[]> = {
  Datacenter: ['name', 'parent'],
  Folder: ['parent'],
  ComputeResource: ['name', 'parent'],
  ClusterComputeResource: ['name', 'parent'],
  HostSystem: ['name', 'parent', 'summary.hardware', 'summary.config.product.fullName', 'runtime.connectionState', 'runtime.inMaintenanceMode', 'runtime.bootTime'],
  Datastore: ['name', 'summary.capacity', 'summary.freeSpace', 'summary.type', 'host'],
  Network: ['name', 'host'],
  DistributedVirtualPortgroup: ['name', 'host'],
  VirtualMachine: ['name', 'parent', 'runtime.host', 'runtime.powerState', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'config.guestFullName',
    'config.template', 'config.hardware.device', 'snapshot', 'guest.ipAddress', 'guest.toolsRunningStatus'],
};

const POWER_STATES: Record<string, RealVm['powerState']> = { poweredOn: 'poweredOn', poweredOff: 'poweredOff', suspended: 'suspended' };

/** The reference in an optional element (an unset `parent`, say). */
const refIn = (e: XmlNode | undefined): MoRef | undefined => (e ? refOf(e) : undefined);

export class Vim25Host implements HostDriver {
  readonly kind = 'vim25' as const;
  readonly capabilities: DriverCapabilities = { ...VIM25_CAPABILITIES };
  private client: VimClient;
  private view: MoRef | undefined;
  private counters = new Map<string, { key: string; percent: boolean }>();
  private stateValue: DriverState = 'connecting';
  private reason: string | undefined;
  private readonly stateListeners = new Set<(s: DriverState, reason?: string) => void>();
  private readonly changeListeners = new Set<(vmKeys?: string[]) => void>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectDelay: number;
  private hostRefs: MoRef[] = [];
  private vmRefs = new Map<string, { ref: MoRef; on: boolean; parent?: MoRef }>();
  private closed = false;

  constructor(private readonly options: Vim25HostOptions) {
    this.client = this.newClient();
    this.reconnectDelay = this.backoff()?.initialDelayMs ?? 0;
  }

  private newClient(): VimClient {
    const o = this.options;
    return new VimClient({ host: o.host, port: o.port, thumbprints: o.thumbprints, policy: o.policy, timeoutMs: o.timeoutMs });
  }

  private backoff(): { initialDelayMs: number; maxDelayMs: number } | undefined {
    return this.options.reconnect === false ? undefined : (this.options.reconnect ?? { initialDelayMs: 1000, maxDelayMs: 30_000 });
  }

  get target(): string { return `${this.options.user}@${this.client.endpoint}`; }
  get identity(): HostIdentity | undefined { return this.client.thumbprint ? { thumbprint: this.client.thumbprint } : undefined; }
  get state(): DriverState { return this.stateValue; }
  get stateReason(): string | undefined { return this.reason; }
  /** The endpoint's product ("VMware ESXi 6.7.0 …", "VMware vCenter Server …"). */
  get product(): string { return this.client.serviceContent.about.fullName; }

  onState(listener: (state: DriverState, reason?: string) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onChange(listener: (vmKeys?: string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private setState(s: DriverState, reason?: string): void {
    if (this.stateValue === s && this.reason === reason) return;
    this.stateValue = s;
    this.reason = reason;
    for (const l of [...this.stateListeners]) l(s, reason);
  }

  private changed(vmKeys?: string[]): void {
    for (const l of [...this.changeListeners]) l(vmKeys);
  }

  /** Maps a failure to a DriverError and the connection state it implies. */
  private fail(e: unknown): Error {
    if (e instanceof DriverError) return e;
    if (e instanceof VimLinkError) {
      if (e.kind.startsWith('thumbprint')) {
        this.setState('disconnected', e.message);
        return new DriverError('hostKey', e.message, e.details);
      }
      if (e.kind === 'protocol') return new DriverError('remote', e.message);
      if (this.stateValue === 'connected') { this.setState('notResponding', e.message); this.scheduleReconnect(); }
      return new DriverError('disconnected', e.message);
    }
    if (e instanceof VimFault) {
      if (e.faultType === 'InvalidLogin') { this.setState('disconnected', `login to ${this.target} failed: ${e.message}`); return new DriverError('auth', `login to ${this.target} failed: ${e.message}`); }
      if (e.faultType === 'InvalidPowerState' || e.faultType === 'InvalidState' || e.faultType === 'TaskInProgress') return new DriverError('invalidState', `${e.faultType}: ${e.message}`);
      if (e.faultType === 'ManagedObjectNotFound') return new DriverError('notFound', `${e.faultType}: ${e.message}`);
      if (e.faultType === 'NotSupported' || e.faultType === 'NotImplemented') return new DriverError('unsupported', `${e.faultType}: ${e.message}`);
      return new DriverError('remote', `${e.faultType}: ${e.message}`);
    }
    return e instanceof Error ? e : new Error(String(e));
  }

  /** Runs `f`; an expired session (NotAuthenticated) is logged in again once. */
  private async guarded<T>(f: () => Promise<T>): Promise<T> {
    if (this.closed) throw new DriverError('disconnected', 'the host was removed');
    if (this.stateValue !== 'connected') throw new DriverError('disconnected', `${this.target} is ${this.stateValue === 'notResponding' ? 'not responding' : 'disconnected'}${this.reason ? ` (${this.reason})` : ''}`);
    try {
      return await f();
    } catch (e) {
      if (e instanceof VimFault && e.faultType === 'NotAuthenticated') {
        try {
          await this.login();
          return await f();
        } catch (again) {
          throw this.fail(again);
        }
      }
      throw this.fail(e);
    }
  }

  private async login(): Promise<void> {
    await this.client.connect(this.options.user, this.options.password);
    this.view = await this.client.createContainerView(VIEW_TYPES);
  }

  async connect(): Promise<void> {
    if (this.closed) throw new DriverError('disconnected', 'the host was removed');
    if (this.stateValue === 'connected') return;
    this.setState('connecting');
    try {
      await this.login();
      await this.loadCounters();
    } catch (e) {
      const err = this.fail(e);
      if (this.stateValue === 'connecting') this.setState(err instanceof DriverError && (err.kind === 'auth' || err.kind === 'hostKey') ? 'disconnected' : 'notResponding', err.message);
      throw err;
    }
    this.reconnectDelay = this.backoff()?.initialDelayMs ?? 0;
    this.setState('connected');
  }

  async reconnect(): Promise<void> {
    if (this.reconnectTimer) { clearTimeout(this.reconnectTimer); this.reconnectTimer = undefined; }
    await this.client.logout();
    this.client = this.newClient();
    await this.connect();
  }

  private scheduleReconnect(): void {
    const policy = this.backoff();
    if (!policy || this.reconnectTimer || this.closed) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(policy.maxDelayMs, Math.max(policy.initialDelayMs, delay * 2));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.reconnect().then(() => this.changed(), () => { if (this.stateValue === 'notResponding') this.scheduleReconnect(); });
    }, delay);
    this.reconnectTimer.unref?.();
  }

  private async loadCounters(): Promise<void> {
    const pm = this.client.serviceContent.perfManager;
    this.counters.clear();
    if (!pm) return;
    const props = await this.client.retrieveOne(pm, ['perfCounter']);
    const all = props.get('perfCounter');
    for (const c of all ? all.children : []) {
      const v = obj(toValue(c));
      const name = `${str(obj(v.groupInfo).key)}.${str(obj(v.nameInfo).key)}.${str(v.rollupType)}`;
      const key = str(v.key);
      if (key && !this.counters.has(name)) this.counters.set(name, { key, percent: str(obj(v.unitInfo).key) === 'percent' });
    }
  }

  async inventory(): Promise<RealInventory> {
    return this.guarded(async () => {
      const objects = await this.client.retrieve(this.view!, PROPS);
      const parentOf = new Map<string, MoRef | undefined>();
      const typeOf = new Map<string, string>();
      for (const o of objects) {
        parentOf.set(o.obj.value, refIn(o.props.get('parent')));
        typeOf.set(o.obj.value, o.obj.type);
      }
      const up = (start: MoRef | undefined, type: string): string | undefined => {
        let at = start;
        for (let i = 0; at && i < 64; i++) {
          if (at.type === type) return at.value;
          at = parentOf.get(at.value);
        }
        return undefined;
      };
      const datacenters: RealDatacenter[] = [];
      const clusters: RealCluster[] = [];
      const hosts: RealHostFacts[] = [];
      const vms: RealVm[] = [];
      const datastores: RealDatastore[] = [];
      const networks: RealNetwork[] = [];
      const hostsOf = (e: XmlNode | undefined): string[] => (e ? e.children.map((c) => (c.name === 'DatastoreHostMount' ? child(c, 'key')?.text.trim() ?? '' : c.text.trim())).filter(Boolean) : []);
      this.hostRefs = [];
      this.vmRefs.clear();
      for (const o of objects) {
        const p = o.props;
        const name = p.get('name')?.text.trim() ?? o.obj.value;
        if (o.obj.type === 'Datacenter') datacenters.push({ key: o.obj.value, name });
        else if (o.obj.type === 'ClusterComputeResource') clusters.push({ key: o.obj.value, name, datacenterKey: up(parentOf.get(o.obj.value), 'Datacenter') ?? '' });
        else if (o.obj.type === 'HostSystem') {
          this.hostRefs.push(o.obj);
          const hw = obj(p.get('summary.hardware') ? toValue(p.get('summary.hardware')!) : undefined);
          const sockets = num(hw.numCpuPkgs) ?? 1;
          const cores = num(hw.numCpuCores) ?? sockets;
          const threads = num(hw.numCpuThreads) ?? cores;
          const boot = p.get('runtime.bootTime')?.text.trim();
          const parent = parentOf.get(o.obj.value);
          hosts.push({
            key: o.obj.value, name, vendor: str(hw.vendor) ?? '', model: str(hw.model) ?? '', cpuModel: str(hw.cpuModel) ?? '',
            sockets, coresPerSocket: Math.max(1, Math.round(cores / sockets)), threadsPerCore: Math.max(1, Math.round(threads / cores)),
            cpuMhz: num(hw.cpuMhz) ?? 0, memoryBytes: num(hw.memorySize) ?? 0,
            hypervisorVersion: p.get('summary.config.product.fullName')?.text.trim() ?? this.client.serviceContent.about.fullName,
            datacenterKey: up(parent, 'Datacenter'), clusterKey: parent?.type === 'ClusterComputeResource' ? parent.value : undefined,
            connected: p.get('runtime.connectionState')?.text.trim() === 'connected',
            inMaintenanceMode: p.get('runtime.inMaintenanceMode')?.text.trim() === 'true',
            uptimeMs: boot && Number.isFinite(Date.parse(boot)) ? Math.max(0, Date.now() - Date.parse(boot)) : undefined,
          });
        } else if (o.obj.type === 'VirtualMachine') {
          vms.push(this.vmOf(o.obj, p));
        } else if (o.obj.type === 'Datastore') {
          datastores.push({
            key: o.obj.value, name, capacityBytes: Number(p.get('summary.capacity')?.text.trim() ?? 0) || 0,
            freeBytes: Number(p.get('summary.freeSpace')?.text.trim() ?? 0) || 0, hostKeys: hostsOf(p.get('host')),
            ...(p.get('summary.type')?.text.trim() ? { type: p.get('summary.type')!.text.trim() } : {}),
          });
        } else if (o.obj.type === 'Network' || o.obj.type === 'DistributedVirtualPortgroup') {
          networks.push({ key: o.obj.value, name, hostKeys: hostsOf(p.get('host')) });
        }
      }
      // A NIC whose backing names no Network object (an opaque network, say) gets one of its own name.
      for (const v of vms) for (const n of v.nics) {
        if (!networks.some((x) => x.key === n.networkKey)) networks.push({ key: n.networkKey, name: n.networkKey.replace(/^name:/, ''), hostKeys: [v.hostKey] });
      }
      return { datacenters, clusters, hosts, vms, datastores, networks };
    });
  }

  private vmOf(ref: MoRef, p: Map<string, XmlNode>): RealVm {
    const t = (k: string) => p.get(k)?.text.trim();
    const power = POWER_STATES[t('runtime.powerState') ?? ''] ?? 'poweredOff';
    this.vmRefs.set(ref.value, { ref, on: power === 'poweredOn', parent: refIn(p.get('parent')) });
    const devices = p.get('config.hardware.device')?.children ?? [];
    const disks = devices.filter((d) => d.xsiType === 'VirtualDisk').map((d) => {
      const v = obj(toValue(d));
      const bytes = num(v.capacityInBytes) ?? (num(v.capacityInKB) ?? 0) * 1024;
      const backing = child(d, 'backing');
      return { label: str(obj(v.deviceInfo).label) ?? 'Hard disk', capacityBytes: bytes, datastoreKey: (backing && child(backing, 'datastore')?.text.trim()) || '(unknown datastore)' };
    });
    const nics = devices.filter((d) => child(d, 'macAddress') !== undefined).map((d) => {
      const v = obj(toValue(d));
      const backing = child(d, 'backing');
      const network = backing ? child(backing, 'network')?.text.trim() : undefined;
      return {
        label: str(obj(v.deviceInfo).label) ?? 'Network adapter', macAddress: str(v.macAddress) ?? '',
        networkKey: network || `name:${str(obj(v.deviceInfo).summary) ?? 'unknown network'}`, connected: str(obj(v.connectable).connected) === 'true',
      };
    });
    const snapshots: RealSnapshot[] = [];
    const snapInfo = p.get('snapshot');
    const walk = (trees: XmlNode[], parentKey?: string) => {
      for (const tr of trees) {
        const key = child(tr, 'snapshot')?.text.trim() ?? '';
        const created = Date.parse(child(tr, 'createTime')?.text.trim() ?? '');
        const state = POWER_STATES[child(tr, 'state')?.text.trim() ?? ''] ?? 'poweredOff';
        snapshots.push({
          key, name: child(tr, 'name')?.text.trim() ?? key, description: child(tr, 'description')?.text.trim() ?? '',
          createdAtMs: Number.isFinite(created) ? created : 0,
          // vSphere records a snapshot taken without memory as of a powered-off VM: memory ⇔ poweredOn.
          memory: state === 'poweredOn', quiesced: child(tr, 'quiesced')?.text.trim() === 'true', powerState: state, parentKey,
        });
        walk(children(tr, 'childSnapshotList'), key);
      }
    };
    if (snapInfo) walk(children(snapInfo, 'rootSnapshotList'));
    const tools = t('guest.toolsRunningStatus');
    return {
      key: ref.value, name: t('name') ?? ref.value, hostKey: t('runtime.host') ?? '', powerState: power, stateDetail: t('runtime.powerState') ?? 'unknown',
      vcpus: Number(t('config.hardware.numCPU') ?? 0), memoryBytes: Number(t('config.hardware.memoryMB') ?? 0) * 1024 * 1024,
      guestOs: t('config.guestFullName') ?? '', disks, nics, isTemplate: t('config.template') === 'true', hasConsole: false,
      snapshots, currentSnapshotKey: snapInfo ? child(snapInfo, 'currentSnapshot')?.text.trim() : undefined,
      ipAddress: t('guest.ipAddress'), toolsRunning: tools === undefined ? undefined : tools === 'guestToolsRunning',
    };
  }

  private vmRef(vmKey: string): MoRef {
    return this.vmRefs.get(vmKey)?.ref ?? { type: 'VirtualMachine', value: vmKey };
  }

  async power(vmKey: string, op: PowerOperation): Promise<void> {
    const vm = this.vmRef(vmKey);
    await this.guarded(async () => {
      switch (op) {
        case 'powerOn': await this.client.runTask('PowerOnVM_Task', vm); break;
        case 'powerOff': await this.client.runTask('PowerOffVM_Task', vm); break;
        case 'suspend': await this.client.runTask('SuspendVM_Task', vm); break;
        case 'reset': await this.client.runTask('ResetVM_Task', vm); break;
        case 'shutdownGuest': await this.client.call('ShutdownGuest', vm); break;
        case 'rebootGuest': await this.client.call('RebootGuest', vm); break;
      }
    });
    this.changed([vmKey]);
  }

  async snapshotCreate(vmKey: string, spec: { name: string; description: string; memory: boolean; quiesce: boolean }): Promise<void> {
    await this.guarded(() => this.client.runTask('CreateSnapshot_Task', this.vmRef(vmKey),
      elem('name', spec.name) + elem('description', spec.description) + elem('memory', spec.memory) + elem('quiesce', spec.quiesce)));
    this.changed([vmKey]);
  }

  async snapshotRevert(vmKey: string, snapshotKey: string): Promise<void> {
    await this.guarded(() => this.client.runTask('RevertToSnapshot_Task', { type: 'VirtualMachineSnapshot', value: snapshotKey }));
    this.changed([vmKey]);
  }

  async snapshotRemove(vmKey: string, snapshotKey: string, removeChildren: boolean): Promise<void> {
    await this.guarded(() => this.client.runTask('RemoveSnapshot_Task', { type: 'VirtualMachineSnapshot', value: snapshotKey }, elem('removeChildren', removeChildren)));
    this.changed([vmKey]);
  }

  async reconfigure(vmKey: string, changes: { vcpus?: number; memoryBytes?: number }): Promise<void> {
    const spec = (changes.vcpus !== undefined ? elem('numCPUs', changes.vcpus) : '')
      + (changes.memoryBytes !== undefined ? elem('memoryMB', Math.round(changes.memoryBytes / (1024 * 1024))) : '');
    await this.guarded(() => this.client.runTask('ReconfigVM_Task', this.vmRef(vmKey), `<spec xsi:type="VirtualMachineConfigSpec">${spec}</spec>`));
    this.changed([vmKey]);
  }

  async rename(vmKey: string, name: string): Promise<void> {
    await this.guarded(() => this.client.runTask('Rename_Task', this.vmRef(vmKey), elem('newName', name)));
    this.changed([vmKey]);
  }

  async clone(vmKey: string, name: string): Promise<void> {
    const folder = this.vmRefs.get(vmKey)?.parent;
    if (!folder) throw new DriverError('notFound', `VM ${vmKey} has no folder to clone into`);
    await this.guarded(() => this.client.runTask('CloneVM_Task', this.vmRef(vmKey),
      moref('folder', folder) + elem('name', name) + `<spec><location></location>${elem('template', false)}${elem('powerOn', false)}</spec>`));
    this.changed();
  }

  async sample(): Promise<DriverSample> {
    return this.guarded(async () => {
      const pm = this.client.serviceContent.perfManager;
      const timeMs = Date.now();
      const wanted = VIM25_SAMPLED_COUNTERS.map((n) => ({ name: n, c: this.counters.get(n) })).filter((x) => x.c);
      const entities: { kind: 'host' | 'vm'; ref: MoRef }[] = [
        ...this.hostRefs.map((ref) => ({ kind: 'host' as const, ref })),
        ...[...this.vmRefs.values()].filter((v) => v.on).map((v) => ({ kind: 'vm' as const, ref: v.ref })),
      ];
      if (!pm || wanted.length === 0 || entities.length === 0) return { timeMs, entities: [] };
      const byKey = new Map(wanted.map((w) => [w.c!.key, w]));
      const metricIds = wanted.map((w) => `<metricId>${elem('counterId', w.c!.key)}${elem('instance', '')}</metricId>`).join('');
      const specs = entities.map((e) => `<querySpec>${moref('entity', e.ref)}${elem('maxSample', 1)}${metricIds}${elem('intervalId', 20)}</querySpec>`).join('');
      const series = await this.client.call('QueryPerf', pm, specs);
      const out: EntitySample[] = [];
      for (const s of series) {
        const entity = refIn(child(s, 'entity'));
        const e = entities.find((x) => x.ref.value === entity?.value);
        if (!e) continue;
        const values: Record<string, number> = {};
        for (const v of children(s, 'value')) {
          const id = child(v, 'id');
          const key = id ? child(id, 'counterId')?.text.trim() : undefined;
          const w = key ? byKey.get(key) : undefined;
          const samples = children(v, 'value');
          const last = samples[samples.length - 1]?.text.trim();
          if (!w || last === undefined || last === '' || !Number.isFinite(Number(last)) || Number(last) < 0) continue;
          values[w.name] = w.c!.percent ? Number(last) / 100 : Number(last);
        }
        out.push({ kind: e.kind, key: e.ref.value, values });
      }
      return { timeMs, entities: out };
    });
  }

  async openConsole(): Promise<ConsoleStream> {
    throw new DriverError('unsupported', 'vim25 hosts offer no serial console to the lab');
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) { clearTimeout(this.reconnectTimer); this.reconnectTimer = undefined; }
    await this.client.logout();
    this.setState('closed');
  }
}
