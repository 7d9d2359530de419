/**
 * LabView — what the checker reads of a lab, through the engine contract only (queries), cached for one
 * evaluation pass so that twenty checks cost a handful of requests.
 *
 * - `new LabView(query)`: `query` is any `HvlabApi.query` (the client's, a direct engine bridge, a saved lab).
 * - `inventory()`, `tasks()`, `events()`, `snapshots(vmId)`, `console(vmId)`, `series(entityId, counters)`,
 *   `status()`, `info()`, `migrations(vmId)` (`migration.list`), `placement(params)` (`placement.solve`, a query that changes nothing),
 *   `design(params)` / `savedDesign()` / `clusterAvailability(params)` (`availability.*`); name lookups
 *   `vmByName`, `hostByName`, `entityByName(kind, name)`.
 *
 * Rules: read-only (queries only); one instance per pass (create a new one to see new state). A query
 * that fails rejects with the contract's `ApiException`; callers turn it into a failed check with its reason.
 */
import type { QueryName, QueryParams, QueryResult } from '../api/queries';
import type { InventoryDto, HostDto, VmDto, SnapshotTreeDto, ClusterDto, DatacenterDto } from '../model/inventory';
import type { TaskDto } from '../model/task';
import type { MigrationStats } from '../model/migration';
import type { EventDto } from '../model/eventLog';
import type { MetricSeriesDto, IntervalKey } from '../model/metrics';
import type { SimStatus } from '../api/commands';
import type { EngineInfo } from '../api/queries';
import type { EntityKey } from './format';

export type LabQuery = <K extends QueryName>(name: K, params: QueryParams<K>) => Promise<QueryResult<K>>;

/** The most history one pass reads (the contract's own limits). */
const TASK_LIMIT = 1000;
const EVENT_LIMIT = 5000;

export class LabView {
  private readonly memo = new Map<string, Promise<unknown>>();
  constructor(readonly query: LabQuery) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.memo.set(key, p);
    }
    return p;
  }

  inventory(): Promise<InventoryDto> { return this.once('inventory', () => this.query('inventory.get', {})); }
  /** Oldest first. */
  tasks(): Promise<TaskDto[]> { return this.once('tasks', async () => (await this.query('tasks.list', { limit: TASK_LIMIT })).slice().reverse()); }
  /** Oldest first. */
  events(): Promise<EventDto[]> { return this.once('events', async () => (await this.query('events.list', { limit: EVENT_LIMIT })).slice().reverse()); }
  status(): Promise<SimStatus> { return this.once('status', () => this.query('sim.status', {})); }
  info(): Promise<EngineInfo> { return this.once('info', () => this.query('engine.info', {})); }
  snapshots(vmId: VmDto['id']): Promise<SnapshotTreeDto> { return this.once(`snap:${vmId}`, () => this.query('vm.snapshot.tree', { vmId })); }
  console(vmId: VmDto['id']): Promise<string> { return this.once(`con:${vmId}`, async () => (await this.query('vm.console.read', { vmId })).text); }
  migrations(vmId: VmDto['id']): Promise<MigrationStats[]> { return this.once(`mig:${vmId}`, () => this.query('migration.list', { vmId })); }
  placement(params: QueryParams<'placement.solve'>): Promise<QueryResult<'placement.solve'>> {
    return this.once(`p:${JSON.stringify(params)}`, () => this.query('placement.solve', params));
  }
  design(params: QueryParams<'availability.design'>): Promise<QueryResult<'availability.design'>> {
    return this.once(`ad:${JSON.stringify(params)}`, () => this.query('availability.design', params));
  }
  savedDesign(): Promise<QueryResult<'availability.design.saved'>> { return this.once('ads', () => this.query('availability.design.saved', {})); }
  clusterAvailability(params: QueryParams<'availability.cluster'>): Promise<QueryResult<'availability.cluster'>> {
    return this.once(`ac:${JSON.stringify(params)}`, () => this.query('availability.cluster', params));
  }
  series(entityId: string, counters: string[], interval: IntervalKey = 'realtime'): Promise<MetricSeriesDto> {
    const key = `m:${entityId}:${interval}:${counters.join(',')}`;
    return this.once(key, () => this.query('metrics.query', { entityId, counters, interval }));
  }

  async vmByName(name: string): Promise<VmDto | undefined> { return (await this.inventory()).vms.find((v) => v.name === name); }
  async hostByName(name: string): Promise<HostDto | undefined> { return (await this.inventory()).hosts.find((h) => h.name === name); }

  /** The id of a VM, host, cluster or datacenter by its display name. */
  async entityByName(kind: EntityKey, name: string): Promise<VmDto | HostDto | ClusterDto | DatacenterDto | undefined> {
    const inv = await this.inventory();
    const list: { name: string }[] = kind === 'vm' ? inv.vms : kind === 'host' ? inv.hosts : kind === 'cluster' ? inv.clusters : inv.datacenters;
    return list.find((x) => x.name === name) as VmDto | HostDto | ClusterDto | DatacenterDto | undefined;
  }

  /** Display name of any managed entity id (for reasons). */
  async nameOf(id: string | undefined): Promise<string> {
    if (!id) return '';
    const inv = await this.inventory();
    for (const list of [inv.vms, inv.hosts, inv.clusters, inv.datacenters, inv.datastores, inv.networks] as { id: string; name: string }[][]) {
      const x = list.find((e) => e.id === id);
      if (x) return x.name;
    }
    return id;
  }
}
