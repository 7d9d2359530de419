/**
 * The endpoint's view of the lab, kept current from the contract's events: the inventory (refetched
 * when `inventory.changed` says it moved), the tasks (from `task.updated`), the virtual clock and the
 * mapping of virtual time to the dates vSphere clients expect.
 *
 * - `await LabMirror.open(link)`; `inventory()` → the current InventoryDto (one fetch however many callers).
 * - `task(id)`, `tasks()`: every task seen since the endpoint started, plus the lab's recent list.
 * - `nowMs()`: the lab's clock as a wall-clock date (ms since 1970); `toDateMs(virtualMs)`, `toVirtualMs(dateMs)`.
 * - `onChange(listener)`: `{ kind: 'inventory' | 'task' | 'event' | 'lab' | 'metrics', ids }` — the
 *   change feed WaitForUpdates and the views listen to. Today `inventory` changes carry entity ids only
 *   (a refetch tells what moved); a property-level feed would add paths here without touching listeners.
 * - `snapshotTree(vm)`, `latestSamples(entityId, counters)`: cached per inventory version / sample time.
 * - `triggeredAlarms()`: the lab's triggered alarms, fetched again after each alarm event (`alarmGen`);
 *   `alarmDefinitions()` likewise.
 *
 * Rule: the lab's virtual clock is the host's clock for SDK clients: date = endpoint start date +
 * (virtual ms − virtual ms at endpoint start), so at 1× speed it reads like a wall clock and task and
 * sample times stay consistent with `CurrentTime`.
 */
import type { EngineEvent } from '@shared/api/events';
import type { SimStatus } from '@shared/api/commands';
import type { InventoryDto, SnapshotTreeDto, VmDto } from '@shared/model/inventory';
import type { TaskDto } from '@shared/model/task';
import { isTaskFinished } from '@shared/model/task';
import type { TaskId } from '@shared/model/ids';
import type { MetricSeriesDto } from '@shared/model/metrics';
import type { AlarmDefinitionDto, TriggeredAlarmDto } from '@shared/model/alarms';
import type { LabLink } from './labLink';

export type LabChange =
  | { kind: 'inventory'; ids: string[] }
  | { kind: 'task'; ids: string[] }
  | { kind: 'event'; ids: string[] }
  | { kind: 'metrics'; ids: string[] }
  | { kind: 'lab'; ids: string[] };

/** Tasks remembered beyond the lab's own list (finished tasks pyvmomi may still read). */
const MAX_TASKS = 10_000;

export class LabMirror {
  private inv: InventoryDto | undefined;
  private invStale = true;
  private invFetch: Promise<InventoryDto> | undefined;
  private readonly taskMap = new Map<TaskId, TaskDto>();
  /** Unfinished tasks by target entity (Recent Tasks on an entity, `recentTask`). */
  private readonly activeByTarget = new Map<string, Set<TaskId>>();
  private clock: { status: SimStatus; atWallMs: number };
  private readonly epochMs: number;
  private readonly listeners = new Set<(c: LabChange) => void>();
  private readonly treeCache = new Map<string, { key: string; tree: SnapshotTreeDto }>();
  private sampleGeneration = 0;
  private readonly sampleCache = new Map<string, { generation: number; series: Promise<MetricSeriesDto | undefined> }>();
  private unsubscribe: () => void = () => {};
  private alarmGeneration = 0;
  private alarmCache: { generation: number; alarms: Promise<TriggeredAlarmDto[]> } | undefined;
  private definitionCache: { generation: number; definitions: Promise<AlarmDefinitionDto[]> } | undefined;

  private constructor(readonly link: LabLink, status: SimStatus) {
    this.clock = { status, atWallMs: Date.now() };
    this.epochMs = Date.now() - status.virtualTimeMs;
  }

  static async open(link: LabLink): Promise<LabMirror> {
    const status = await link.request<SimStatus>('sim.status', {});
    const m = new LabMirror(link, status);
    m.unsubscribe = link.onEvent((e) => m.onEvent(e));
    for (const t of (await link.request<TaskDto[]>('tasks.list', { limit: 1000 })).reverse()) m.rememberTask(t);
    await m.inventory();
    return m;
  }

  close(): void { this.unsubscribe(); this.listeners.clear(); }

  onChange(listener: (c: LabChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(c: LabChange): void { for (const l of this.listeners) l(c); }

  private onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'inventory.changed':
        this.invStale = true;
        this.emit({ kind: 'inventory', ids: e.updates.map((u) => u.id) });
        return;
      case 'task.updated':
        // A task's effect is in the lab before its change set is published (at the end of the engine's
        // step): a finished task makes the inventory stale now, so a client that saw "success" reads
        // the effect, not the state before it.
        if (isTaskFinished(e.task.state)) this.invStale = true;
        this.rememberTask(e.task);
        this.emit({ kind: 'task', ids: [e.task.id] });
        return;
      case 'event.logged':
        // An alarm changed status or was acknowledged: `triggeredAlarmState` of its entity moved.
        if (e.event.type.startsWith('Alarm')) this.alarmGeneration++;
        this.emit({ kind: 'event', ids: [e.event.id] });
        return;
      case 'metrics.sampled':
        this.sampleGeneration++;
        this.emit({ kind: 'metrics', ids: [] });
        return;
      case 'sim.ticked':
        this.clock = { status: e.status, atWallMs: Date.now() };
        return;
      case 'lab.loaded':
        this.alarmGeneration++;
        this.invStale = true;
        this.taskMap.clear();
        this.activeByTarget.clear();
        this.treeCache.clear();
        this.sampleGeneration++;
        this.emit({ kind: 'lab', ids: [] });
        return;
      default:
    }
  }

  /** The current inventory; concurrent callers share one fetch. */
  inventory(): Promise<InventoryDto> {
    if (!this.invStale && this.inv) return Promise.resolve(this.inv);
    if (this.invFetch) return this.invFetch;
    this.invStale = false;
    const p = this.link.request<InventoryDto>('inventory.get', {}).then((inv) => {
      this.inv = inv;
      return inv;
    }, (err: unknown) => { this.invStale = true; throw err; }).finally(() => { this.invFetch = undefined; });
    this.invFetch = p;
    return p;
  }

  /** The last inventory fetched, without waiting (undefined before the first fetch). */
  lastInventory(): InventoryDto | undefined { return this.inv; }

  /** Remembers a task (from the lab's events, or one the endpoint completed itself) and tells listeners. */
  recordTask(t: TaskDto): void {
    this.rememberTask(t);
    this.emit({ kind: 'task', ids: [t.id] });
  }

  private rememberTask(t: TaskDto): void {
    this.taskMap.delete(t.id);
    this.taskMap.set(t.id, t);
    if (this.taskMap.size > MAX_TASKS) this.taskMap.delete(this.taskMap.keys().next().value as TaskId);
    let set = this.activeByTarget.get(t.targetId);
    if (isTaskFinished(t.state)) {
      set?.delete(t.id);
      if (set?.size === 0) this.activeByTarget.delete(t.targetId);
    } else {
      if (!set) this.activeByTarget.set(t.targetId, set = new Set());
      set.add(t.id);
    }
  }

  /** Unfinished tasks whose target is this entity, oldest first. */
  activeTasksOf(entityId: string): TaskId[] { return [...(this.activeByTarget.get(entityId) ?? [])]; }

  /** Increases whenever new real-time samples exist (quick stats may have changed). */
  get sampleGen(): number { return this.sampleGeneration; }

  task(id: string): TaskDto | undefined { return this.taskMap.get(id as TaskId); }
  tasks(): TaskDto[] { return [...this.taskMap.values()]; }

  /** Lab time as a date (ms since 1970). Between clock events it is extrapolated from speed. */
  nowMs(): number {
    const { status, atWallMs } = this.clock;
    const speed = status.speed === 'max' ? 1 : status.speed;
    const v = status.running ? status.virtualTimeMs + (Date.now() - atWallMs) * speed : status.virtualTimeMs;
    return this.toDateMs(v);
  }

  toDateMs(virtualMs: number): number { return this.epochMs + virtualMs; }
  toVirtualMs(dateMs: number): number { return dateMs - this.epochMs; }

  async refreshClock(): Promise<void> {
    const status = await this.link.request<SimStatus>('sim.status', {});
    this.clock = { status, atWallMs: Date.now() };
  }

  /** A VM's snapshot tree, fetched again only when the VM itself changed. */
  async snapshotTree(vm: VmDto): Promise<SnapshotTreeDto | undefined> {
    if (vm.snapshotCount === 0) return undefined;
    const key = `${vm.snapshotCount}:${vm.currentSnapshotId ?? ''}:${JSON.stringify(vm)}`;
    const hit = this.treeCache.get(vm.id);
    if (hit && hit.key === key) return hit.tree;
    const tree = await this.link.request<SnapshotTreeDto>('vm.snapshot.tree', { vmId: vm.id });
    this.treeCache.set(vm.id, { key, tree });
    return tree;
  }

  /** Changes with every alarm event (part of the revision of entities with triggered alarms). */
  get alarmGen(): number { return this.alarmGeneration; }

  /** After the endpoint changed a definition itself: read the definitions anew now, not at the change's event. */
  alarmsChanged(): void { this.alarmGeneration++; }

  /** The lab's triggered alarms (yellow or red), fetched once per alarm generation. */
  triggeredAlarms(): Promise<TriggeredAlarmDto[]> {
    if (this.alarmCache && this.alarmCache.generation === this.alarmGeneration) return this.alarmCache.alarms;
    const alarms = this.link.request<TriggeredAlarmDto[]>('alarm.triggered', {}).catch(() => []);
    this.alarmCache = { generation: this.alarmGeneration, alarms };
    return alarms;
  }

  /** The lab's alarm definitions with their current settings, fetched once per alarm generation (a reconfiguration is an alarm event). */
  alarmDefinitions(): Promise<AlarmDefinitionDto[]> {
    if (this.definitionCache && this.definitionCache.generation === this.alarmGeneration) return this.definitionCache.definitions;
    const definitions = this.link.request<AlarmDefinitionDto[]>('alarm.definitions', {}).catch(() => []);
    this.definitionCache = { generation: this.alarmGeneration, definitions };
    return definitions;
  }

  /** Real-time samples of some counters for one entity, cached until the next sampling. */
  latestSamples(entityId: string, counters: string[]): Promise<MetricSeriesDto | undefined> {
    const key = `${entityId}|${counters.join(',')}`;
    const hit = this.sampleCache.get(key);
    if (hit && hit.generation === this.sampleGeneration) return hit.series;
    const series = this.link.request<MetricSeriesDto>('metrics.query', { entityId, counters, interval: 'realtime', maxSamples: 1 })
      .catch(() => undefined);
    this.sampleCache.set(key, { generation: this.sampleGeneration, series });
    if (this.sampleCache.size > 20_000) this.sampleCache.clear();
    return series;
  }
}
