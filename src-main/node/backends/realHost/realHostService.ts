/**
 * realHostService — one real host (or vCenter) behind the contract: it keeps the driver connected, the
 * last inventory it read (refreshed on the driver's change notices and by polling), the lab Tasks and
 * events of operations on it, its 20 s samples and its VMs' consoles, and answers the contract's
 * queries and commands for its entities. `realHostBackend.ts` puts it behind the backend seam.
 *
 * - `new RealHostService({ namespace, name, driver, pollMs? })`; `start()` (never rejects: a host that
 *   cannot be reached is shown not responding / disconnected, with the reason); `close()`.
 * - `query(name, params)` / `command(name, params, initiator)` → result, or throw `ApiException`.
 * - `onEvent(listener)`: `inventory` (the whole view and its updates from the one before, after each
 *   refresh that changed it), `task`, `event`, `console`, `sampled`. `inventory()`: the current view.
 * - `info()`: what the backend is and can do (`capabilities`, data the UI reads).
 *
 * Rules:
 * - Preconditions are checked against the last inventory read, as vSphere checks its own view; the host's
 *   answer is final (a refusal there fails the task with the host's words, E_HOST_ERROR).
 * - A host that is not connected refuses every operation at once with E_HOST_DISCONNECTED; nothing waits
 *   on it. Refreshes, samples and operations are asynchronous I/O in this Node process, never in the
 *   engine's worker, so a slow host slows only its own answers.
 * - Times (tasks, events, samples) are wall-clock ms: real hosts live in real time.
 */
import { ApiException, apiError } from '@shared/api/errors';
import type { ApiError, ErrorCode } from '@shared/api/errors';
import type { InventoryDto, SnapshotTreeDto, VmDto, HostDto } from '@shared/model/inventory';
import type { TaskDto, TaskRef } from '@shared/model/task';
import type { EventDto, EventSeverity } from '@shared/model/eventLog';
import type { CounterInfo, EntityType, IntervalKey, MetricSeriesDto } from '@shared/model/metrics';
import type { ManagedEntityId } from '@shared/model/ids';
import type { EntityUpdate } from '@shared/model/inventoryChanges';
import type { ConsoleStream, DriverCapabilities, HostDriver, PowerOperation, RealInventory, RealVm } from './hostDriver';
import { DriverError } from './hostDriver';
import { EntityIds, inventoryUpdates, inventoryView, snapshotKey, snapshotTreeView } from './realHostView';
import { RealSampleStore, REAL_SAMPLE_PERIOD_MS, realCounterCatalog } from './realMetrics';

/** How often the inventory is re-read when nothing announced a change. */
export const REAL_POLL_MS = 30_000;
/** Recent tasks and events kept per real host. */
const KEEP = 500;
/** Console output kept per VM. */
const CONSOLE_KEEP = 256 * 1024;

export type RealHostEvent =
  | { type: 'inventory'; inventory: Omit<InventoryDto, 'version'>; updates: EntityUpdate[] }
  | { type: 'task'; task: TaskDto }
  | { type: 'event'; event: EventDto }
  | { type: 'console'; vmId: string; offset: number; text: string }
  | { type: 'sampled'; timeMs: number };

export interface RealHostInfo {
  namespace: string;
  kind: 'libvirt' | 'vim25';
  name: string;
  state: 'connected' | 'disconnected' | 'notResponding';
  stateReason?: string;
  target: string;
  capabilities: DriverCapabilities;
}

const POWER_TASK: Record<PowerOperation, { command: string; name: string; event: string; done: string }> = {
  powerOn: { command: 'vm.powerOn', name: 'Power On virtual machine', event: 'VmPoweredOnEvent', done: 'powered on' },
  powerOff: { command: 'vm.powerOff', name: 'Power Off virtual machine', event: 'VmPoweredOffEvent', done: 'powered off' },
  suspend: { command: 'vm.suspend', name: 'Suspend virtual machine', event: 'VmSuspendedEvent', done: 'suspended' },
  reset: { command: 'vm.reset', name: 'Reset virtual machine', event: 'VmResettingEvent', done: 'reset' },
  shutdownGuest: { command: 'vm.shutdownGuest', name: 'Initiate guest OS shutdown', event: 'VmGuestShutdownEvent', done: 'asked to shut down' },
  rebootGuest: { command: 'vm.rebootGuest', name: 'Initiate guest OS reboot', event: 'VmGuestRebootEvent', done: 'asked to restart' },
};

const fail = (code: ErrorCode, message: string, field?: string): never => { throw new ApiException(apiError(code, message, field)); };

function apiErrorOf(e: unknown): ApiError {
  if (e instanceof ApiException) return e.error;
  if (e instanceof DriverError) {
    const code: ErrorCode = e.kind === 'invalidState' ? 'E_INVALID_STATE' : e.kind === 'notFound' ? 'E_NOT_FOUND'
      : e.kind === 'unsupported' ? 'E_INVALID_ARGUMENT' : e.kind === 'disconnected' || e.kind === 'auth' || e.kind === 'hostKey' ? 'E_HOST_DISCONNECTED' : 'E_HOST_ERROR';
    return apiError(code, e.message);
  }
  return apiError('E_HOST_ERROR', e instanceof Error ? e.message : String(e));
}

export class RealHostService {
  readonly ids: EntityIds;
  private real: RealInventory = { datacenters: [], clusters: [], hosts: [], vms: [], datastores: [], networks: [] };
  private view: Omit<InventoryDto, 'version'> = { datacenters: [], clusters: [], hosts: [], vms: [], datastores: [], networks: [] };
  private readonly tasks: TaskDto[] = [];
  private readonly events: EventDto[] = [];
  private readonly samples = new RealSampleStore();
  private readonly consoles = new Map<string, { stream?: ConsoleStream; opening?: Promise<ConsoleStream>; text: string; start: number }>();
  private readonly listeners = new Set<(e: RealHostEvent) => void>();
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private sampleTimer: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: { namespace: string; name: string; driver: HostDriver; pollMs?: number }) {
    this.ids = new EntityIds(options.namespace);
  }

  get driver(): HostDriver { return this.options.driver; }
  get namespace(): string { return this.options.namespace; }
  inventory(): Omit<InventoryDto, 'version'> { return this.view; }

  onEvent(listener: (e: RealHostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: RealHostEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  info(): RealHostInfo {
    const s = this.driver.state;
    return {
      namespace: this.namespace, kind: this.driver.kind, name: this.options.name,
      state: s === 'connected' ? 'connected' : s === 'disconnected' || s === 'closed' ? 'disconnected' : 'notResponding',
      ...(this.driver.stateReason ? { stateReason: this.driver.stateReason } : {}), target: this.driver.target, capabilities: this.driver.capabilities,
    };
  }

  async start(): Promise<void> {
    const d = this.driver;
    this.unsubscribe.push(d.onChange(() => this.refreshSoon()));
    this.unsubscribe.push(d.onState((state, reason) => {
      // On the host as vSphere logs them, so they are in its Monitor › Events (the last host read, if any).
      const host = this.view.hosts[0] ? { id: this.view.hosts[0].id, name: this.view.hosts[0].name } : undefined;
      if (state === 'connected') {
        this.log('info', 'HostConnectedEvent', `Host ${this.options.name} is connected`, host);
        this.refreshSoon();
      } else if (state === 'notResponding') {
        this.log('error', 'HostNotRespondingEvent', `Host ${this.options.name} is not responding${reason ? `: ${reason}` : ''}`, host);
      } else if (state === 'disconnected') {
        this.log('warning', 'HostDisconnectedEvent', `Host ${this.options.name} is disconnected${reason ? `: ${reason}` : ''}`, host);
      }
      this.publish();
    }));
    try {
      if (d.state !== 'connected') await d.connect();
      this.log('info', 'HostConnectedEvent', `Host ${this.options.name} is connected`);
    } catch (e) {
      this.log('error', 'HostConnectionLostEvent', `Cannot connect to ${this.options.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    await this.refresh();
    this.pollTimer = setInterval(() => { void this.refresh(); }, this.options.pollMs ?? REAL_POLL_MS);
    this.pollTimer.unref?.();
    this.sampleTimer = setInterval(() => { void this.sample(); }, REAL_SAMPLE_PERIOD_MS);
    this.sampleTimer.unref?.();
    void this.sample();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.sampleTimer) clearInterval(this.sampleTimer);
    if (this.debounce) clearTimeout(this.debounce);
    for (const u of this.unsubscribe) u();
    for (const c of this.consoles.values()) c.stream?.close();
    await this.driver.close();
  }

  private refreshSoon(): void {
    if (this.debounce || this.closed) return;
    this.debounce = setTimeout(() => { this.debounce = undefined; void this.refresh(); }, 250);
    this.debounce.unref?.();
  }

  /** Re-reads the inventory (one at a time; a request during a refresh runs one more after it). */
  refresh(): Promise<void> {
    if (this.refreshing) { this.refreshAgain = true; return this.refreshing; }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        if (this.driver.state === 'connected') {
          try {
            this.real = await this.driver.inventory();
          } catch {
            // The driver's state says why (not responding, disconnected); the last inventory stays.
          }
        }
        this.publish();
      } while (this.refreshAgain && !this.closed);
    })().finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  private publish(): void {
    if (this.closed) return;
    const before = this.view;
    const ctx = { ids: this.ids, kind: this.driver.kind, name: this.options.name, state: this.driver.state };
    this.view = this.real.hosts.length > 0 ? inventoryView(this.real, ctx) : this.placeholder();
    for (const v of before.vms) {
      const now = this.view.vms.find((x) => x.id === v.id);
      if (now && now.powerState !== v.powerState && now.powerState !== 'poweredOn') this.closeConsole(v.id);
    }
    const updates = inventoryUpdates(before, this.view);
    if (updates.length > 0) this.emit({ type: 'inventory', inventory: this.view, updates });
  }

  /** Before the first inventory: the connection as a host with nothing known yet but its name and state. */
  private placeholder(): Omit<InventoryDto, 'version'> {
    const dc = this.ids.id('datacenter', '\u0000default');
    const s = this.driver.state;
    const host = {
      id: this.ids.id('host', '\u0000placeholder'), name: this.driver.target, datacenterId: dc, kind: this.driver.kind === 'libvirt' ? 'libvirt' : 'esxi',
      vendor: '', model: '', cpuModel: '', sockets: 0, coresPerSocket: 0, threadsPerCore: 0, cpuMhz: 0, memoryBytes: 0, hypervisorVersion: '',
      powerState: 'poweredOn', connectionState: s === 'connected' ? 'connected' : s === 'disconnected' || s === 'closed' ? 'disconnected' : 'notResponding',
      inMaintenanceMode: false, vmIds: [], datastoreIds: [], networkIds: [], uptimeMs: 0,
    } as unknown as HostDto;
    return { datacenters: [{ id: dc, name: this.options.name } as InventoryDto['datacenters'][number]], clusters: [], hosts: [host], vms: [], datastores: [], networks: [] };
  }

  /** Reads one sample now (the timer calls it every 20 s). */
  async sample(): Promise<void> {
    if (this.driver.state !== 'connected' || this.closed) return;
    try {
      const s = await this.driver.sample();
      for (const e of s.entities) this.samples.record(s.timeMs, this.ids.id(e.kind, e.key), e.values);
      this.emit({ type: 'sampled', timeMs: s.timeMs });
    } catch {
      /* a missed sample is a gap in the chart; the driver's state tells why */
    }
  }

  private log(severity: EventSeverity, type: string, message: string, entity?: { id: string; name: string }, taskId?: string): EventDto {
    const event = {
      id: this.ids.fresh('event'), timeMs: Date.now(), severity, type, message,
      ...(entity ? { entityId: entity.id, entityName: entity.name } : {}), ...(taskId ? { taskId } : {}),
    } as EventDto;
    this.events.unshift(event);
    if (this.events.length > KEEP) this.events.pop();
    this.emit({ type: 'event', event });
    return event;
  }

  // --- lookups ---

  private vmOf(vmId: string, field = 'params.vmId'): { dto: VmDto; real: RealVm } {
    const key = this.ids.key(vmId, 'vm');
    const real = key ? this.real.vms.find((v) => v.key === key) : undefined;
    const dto = this.view.vms.find((v) => v.id === vmId);
    if (!real || !dto) return fail('E_NOT_FOUND', `no VM ${vmId} on ${this.options.name}`, field);
    return { dto, real };
  }

  private requireConnected(): void {
    if (this.driver.state !== 'connected') {
      fail('E_HOST_DISCONNECTED', `${this.options.name} is ${this.driver.state === 'disconnected' ? 'disconnected' : 'not responding'}${this.driver.stateReason ? ` (${this.driver.stateReason})` : ''}; the operation was not started`);
    }
  }

  // --- queries ---

  query(name: string, params: Record<string, unknown>): unknown {
    switch (name) {
      case 'inventory.get': return { version: 0, ...this.view };
      case 'vm.get': return this.vmOf(String(params.vmId)).dto;
      case 'host.get': {
        const h = this.view.hosts.find((x) => x.id === params.hostId);
        return h ?? fail('E_NOT_FOUND', `no host ${String(params.hostId)} on ${this.options.name}`, 'params.hostId');
      }
      case 'vm.snapshot.tree': return snapshotTreeView(this.vmOf(String(params.vmId)).real, this.ids) as SnapshotTreeDto;
      case 'vm.console.read': return this.consoleRead(String(params.vmId), typeof params.fromOffset === 'number' ? params.fromOffset : 0);
      case 'tasks.list': return this.filtered(this.tasks, params, (t) => t.targetId);
      case 'events.list': return this.filtered(this.events, params, (e) => e.entityId);
      case 'task.get': {
        const t = this.tasks.find((x) => x.id === params.taskId);
        return t ?? fail('E_NOT_FOUND', `no task ${String(params.taskId)}`, 'params.taskId');
      }
      case 'metrics.catalog': return this.catalog(params.entityType as EntityType | undefined);
      case 'metrics.query': {
        const id = String(params.entityId);
        if (!this.view.hosts.some((h) => h.id === id) && !this.view.vms.some((v) => v.id === id)) {
          fail('E_NOT_FOUND', `no host or VM ${id} on ${this.options.name}`, 'params.entityId');
        }
        return this.samples.query(id as ManagedEntityId, params.counters as string[], params.interval as IntervalKey, params.maxSamples as number | undefined) as MetricSeriesDto;
      }
      default: return fail('E_INVALID_ARGUMENT', `${name} is not available for entities of ${this.options.name} (a real ${this.driver.kind} host)`);
    }
  }

  catalog(entityType?: EntityType): CounterInfo[] {
    return realCounterCatalog(this.driver.kind, entityType);
  }

  private filtered<T>(list: T[], params: Record<string, unknown>, entityOf: (x: T) => string | undefined): T[] {
    const limit = typeof params.limit === 'number' ? params.limit : 100;
    const entity = typeof params.entityId === 'string' ? params.entityId : undefined;
    return list.filter((x) => !entity || entityOf(x) === entity).slice(0, limit);
  }

  tasksNewestFirst(): TaskDto[] { return this.tasks; }
  eventsNewestFirst(): EventDto[] { return this.events; }

  // --- commands ---

  command(name: string, params: Record<string, unknown>, initiator = 'lab-user'): unknown {
    const caps = this.driver.capabilities;
    switch (name) {
      case 'vm.powerOn': case 'vm.powerOff': case 'vm.suspend': case 'vm.reset': case 'vm.shutdownGuest': case 'vm.rebootGuest': {
        const op = (Object.keys(POWER_TASK) as PowerOperation[]).find((k) => POWER_TASK[k].command === name)!;
        const { dto, real } = this.vmOf(String(params.vmId));
        this.requireConnected();
        if (!caps.power.includes(op)) fail('E_INVALID_ARGUMENT', `${this.options.name} cannot ${POWER_TASK[op].name.toLowerCase()}`);
        const s = dto.powerState;
        const ok = op === 'powerOn' ? s !== 'poweredOn' : op === 'powerOff' ? s !== 'poweredOff' : s === 'poweredOn';
        if (!ok) fail('E_INVALID_STATE', `${dto.name} is ${s}; cannot ${POWER_TASK[op].name.toLowerCase()}`, 'params.vmId');
        return this.runTask(name, POWER_TASK[op].name, dto, initiator, async () => {
          await this.driver.power(real.key, op);
          return { event: POWER_TASK[op].event, message: `${dto.name} on ${this.options.name} is ${POWER_TASK[op].done}` };
        });
      }
      case 'vm.snapshot.create': {
        const { dto, real } = this.vmOf(String(params.vmId));
        this.requireConnected();
        if (!caps.snapshots) fail('E_INVALID_ARGUMENT', `${this.options.name} does not take snapshots`);
        const on = dto.powerState === 'poweredOn';
        const memory = params.memory === true;
        const quiesce = params.quiesce === true;
        if (memory && !on) fail('E_INVALID_STATE', 'only a powered-on VM has memory to snapshot', 'params.memory');
        if (memory && !caps.snapshotMemory) fail('E_INVALID_ARGUMENT', `${this.options.name} cannot snapshot memory`, 'params.memory');
        if (!memory && on && !caps.snapshotDiskOnlyWhileOn) fail('E_INVALID_STATE', `${this.options.name} snapshots a running VM with its memory only (libvirt internal snapshots); take it with memory, or power the VM off`, 'params.memory');
        if (quiesce && !caps.snapshotQuiesce) fail('E_INVALID_ARGUMENT', `${this.options.name} cannot quiesce the guest file system`, 'params.quiesce');
        if (real.snapshots.some((s) => s.name === params.name)) fail('E_DUPLICATE_NAME', `${dto.name} already has a snapshot named "${String(params.name)}"`, 'params.name');
        return this.runTask(name, 'Create virtual machine snapshot', dto, initiator, async () => {
          await this.driver.snapshotCreate(real.key, { name: String(params.name), description: String(params.description ?? ''), memory, quiesce });
          return { event: 'VmSnapshotCreatedEvent', message: `Snapshot "${String(params.name)}" of ${dto.name} taken${memory ? ' with memory' : ''}` };
        });
      }
      case 'vm.snapshot.revert': case 'vm.snapshot.remove': {
        const { dto, real } = this.vmOf(String(params.vmId));
        const snapId = String(params.snapshotId);
        const snap = real.snapshots.find((s) => this.ids.key(snapId, 'snapshot') === snapshotKey(real.key, s.key));
        if (!snap) fail('E_NOT_FOUND', `no snapshot ${snapId} of ${dto.name}`, 'params.snapshotId');
        this.requireConnected();
        const revert = name === 'vm.snapshot.revert';
        return this.runTask(name, revert ? 'Revert to snapshot' : 'Remove snapshot', dto, initiator, async () => {
          if (revert) await this.driver.snapshotRevert(real.key, snap!.key);
          else await this.driver.snapshotRemove(real.key, snap!.key, params.removeChildren === true);
          return revert
            ? { event: 'VmRevertedToSnapshotEvent', message: `${dto.name} reverted to snapshot "${snap!.name}"` }
            : { event: 'VmSnapshotRemovedEvent', message: `Snapshot "${snap!.name}" of ${dto.name} removed${params.removeChildren === true ? ' with its children' : ''}` };
        });
      }
      case 'vm.snapshot.removeAll': {
        const { dto, real } = this.vmOf(String(params.vmId));
        this.requireConnected();
        const roots = real.snapshots.filter((s) => !s.parentKey || !real.snapshots.some((p) => p.key === s.parentKey));
        return this.runTask(name, 'Remove all snapshots', dto, initiator, async () => {
          for (const r of roots) await this.driver.snapshotRemove(real.key, r.key, true);
          return { event: 'VmSnapshotRemovedEvent', message: `All snapshots of ${dto.name} removed` };
        });
      }
      case 'vm.reconfigure': {
        const { dto, real } = this.vmOf(String(params.vmId));
        const changes = (params.changes ?? {}) as Record<string, unknown>;
        for (const k of Object.keys(changes)) if (k !== 'vcpus' && k !== 'memoryMiB') fail('E_INVALID_ARGUMENT', `${k} cannot be changed on a real host (only vCPUs and memory)`, `params.changes.${k}`);
        if (!caps.reconfigure) fail('E_INVALID_ARGUMENT', `${this.options.name} cannot reconfigure VMs`);
        if (!caps.reconfigureWhileOn && dto.powerState !== 'poweredOff') fail('E_INVALID_STATE', `power ${dto.name} off to change its vCPUs or memory`, 'params.vmId');
        this.requireConnected();
        const spec = {
          ...(typeof changes.vcpus === 'number' ? { vcpus: changes.vcpus } : {}),
          ...(typeof changes.memoryMiB === 'number' ? { memoryBytes: changes.memoryMiB * 1024 * 1024 } : {}),
        };
        return this.runTask(name, 'Reconfigure virtual machine', dto, initiator, async () => {
          await this.driver.reconfigure(real.key, spec);
          return { event: 'VmReconfiguredEvent', message: `${dto.name} reconfigured` };
        });
      }
      case 'vm.rename': {
        const { dto, real } = this.vmOf(String(params.vmId));
        if (!caps.rename) fail('E_INVALID_ARGUMENT', `${this.options.name} cannot rename VMs`);
        if (!caps.renameWhileOn && dto.powerState !== 'poweredOff') fail('E_INVALID_STATE', `power ${dto.name} off to rename it (libvirt renames inactive domains only)`, 'params.vmId');
        if (this.view.vms.some((v) => v.name === params.name && v.id !== dto.id)) fail('E_DUPLICATE_NAME', `a VM named "${String(params.name)}" exists on ${this.options.name}`, 'params.name');
        this.requireConnected();
        return this.runTask(name, 'Rename virtual machine', dto, initiator, async () => {
          await this.driver.rename(real.key, String(params.name));
          return { event: 'VmRenamedEvent', message: `${dto.name} renamed to ${String(params.name)}` };
        });
      }
      case 'vm.clone': {
        const { dto, real } = this.vmOf(String(params.vmId));
        if (!caps.clone) fail('E_INVALID_ARGUMENT', `${this.options.name} cannot clone VMs${this.driver.kind === 'libvirt' ? ' (virt-clone is not installed there)' : ''}`);
        if (params.asTemplate === true) fail('E_INVALID_ARGUMENT', 'real hosts clone to VMs, not templates', 'params.asTemplate');
        if (typeof params.hostId === 'string' && params.hostId !== dto.hostId) fail('E_INVALID_ARGUMENT', 'a real host clones onto the same host', 'params.hostId');
        if (this.driver.kind === 'libvirt' && dto.powerState === 'poweredOn') fail('E_INVALID_STATE', `power ${dto.name} off (or suspend it) to clone it`, 'params.vmId');
        if (this.view.vms.some((v) => v.name === params.name)) fail('E_DUPLICATE_NAME', `a VM named "${String(params.name)}" exists on ${this.options.name}`, 'params.name');
        this.requireConnected();
        return this.runTask(name, 'Clone virtual machine', dto, initiator, async () => {
          await this.driver.clone(real.key, String(params.name));
          return { event: 'VmClonedEvent', message: `${dto.name} cloned to ${String(params.name)}` };
        });
      }
      case 'vm.console.send': {
        const { dto, real } = this.vmOf(String(params.vmId));
        if (!caps.consoleInput || !real.hasConsole) fail('E_INVALID_ARGUMENT', `${dto.name} has no console the lab can type into`, 'params.vmId');
        if (dto.powerState !== 'poweredOn') fail('E_INVALID_STATE', `${dto.name} is ${dto.powerState}`, 'params.vmId');
        this.requireConnected();
        void this.console(dto.id, real).then((c) => c.write(String(params.text)), () => undefined);
        return { ok: true };
      }
      case 'host.reconnect': {
        const h = this.view.hosts.find((x) => x.id === params.hostId);
        if (!h) fail('E_NOT_FOUND', `no host ${String(params.hostId)} on ${this.options.name}`, 'params.hostId');
        return this.runTask(name, 'Reconnect host', { id: h!.id, name: h!.name }, initiator, async () => {
          await this.driver.reconnect();
          await this.refresh();
          return { event: 'HostConnectedEvent', message: `Host ${this.options.name} reconnected` };
        });
      }
      default: return fail('E_INVALID_ARGUMENT', `${name} is not available for entities of ${this.options.name} (a real ${this.driver.kind} host)`);
    }
  }

  /** Starts a task for `target` and runs `work` at once; returns `{ taskId }`. */
  private runTask(operation: string, title: string, target: { id: string; name: string }, initiator: string, work: () => Promise<{ event: string; message: string }>): TaskRef {
    const now = Date.now();
    const task = {
      id: this.ids.fresh('task'), operation, name: title, targetId: target.id, targetName: target.name, state: 'running', progress: 0,
      initiator, queuedAtMs: now, startedAtMs: now, cancellable: false,
    } as TaskDto;
    this.tasks.unshift(task);
    if (this.tasks.length > KEEP) this.tasks.pop();
    this.emit({ type: 'task', task: { ...task } });
    void work().then(async (done) => {
      await this.refresh();
      Object.assign(task, { state: 'success', progress: 100, completedAtMs: Date.now() });
      this.log('info', done.event, done.message, target, task.id);
      this.emit({ type: 'task', task: { ...task } });
    }, async (e: unknown) => {
      const error = apiErrorOf(e);
      await this.refresh();
      Object.assign(task, { state: 'error', completedAtMs: Date.now(), error });
      this.log('error', 'TaskFailedEvent', `${title} failed on ${target.name}: ${error.message}`, target, task.id);
      this.emit({ type: 'task', task: { ...task } });
    });
    return { taskId: task.id } as TaskRef;
  }

  // --- consoles ---

  private console(vmId: string, real: RealVm): Promise<ConsoleStream> {
    const c = this.consoles.get(vmId) ?? { text: '', start: 0 };
    this.consoles.set(vmId, c);
    if (c.stream) return Promise.resolve(c.stream);
    if (c.opening) return c.opening;
    c.opening = this.driver.openConsole(real.key).then((stream) => {
      c.stream = stream;
      c.opening = undefined;
      stream.onData((text) => {
        const offset = c.start + c.text.length;
        c.text += text;
        if (c.text.length > CONSOLE_KEEP) { const cut = c.text.length - CONSOLE_KEEP; c.text = c.text.slice(cut); c.start += cut; }
        this.emit({ type: 'console', vmId, offset, text });
      });
      stream.onClose(() => { if (c.stream === stream) c.stream = undefined; });
      return stream;
    }, (e: unknown) => { c.opening = undefined; throw e; });
    return c.opening;
  }

  private closeConsole(vmId: string): void {
    const c = this.consoles.get(vmId);
    c?.stream?.close();
    if (c) c.stream = undefined;
  }

  private consoleRead(vmId: string, fromOffset: number): { text: string; nextOffset: number } {
    const { dto, real } = this.vmOf(vmId);
    // Reading a powered-on VM's console attaches to it; output arrives as console events and later reads.
    if (real.hasConsole && this.driver.capabilities.console && dto.powerState === 'poweredOn' && this.driver.state === 'connected') void this.console(vmId, real).catch(() => undefined);
    const c = this.consoles.get(vmId);
    if (!c) return { text: '', nextOffset: 0 };
    const from = Math.max(fromOffset, c.start);
    return { text: c.text.slice(from - c.start), nextOffset: c.start + c.text.length };
  }
}
