/**
 * One request's view of everything a MoRef can name: inventory entities (from the current inventory
 * model), tasks, snapshots, alarms (the lab's definitions), the singleton managers and the caller's
 * session objects.
 *
 * - `new World(service, session, model)`; `resolve(type, id)` → ManagedObject | undefined (the type must
 *   be the object's own or one of its bases); `containerViewMembers(view)`.
 * - `ServiceState`: what the world reads from the endpoint (mirror, sessions, catalogue, about).
 *
 * Rule: session objects (`session[KEY]…`) resolve only for their own session, so one client can never
 * read or destroy another's views and filters.
 */
import type { EventDto } from '@shared/model/eventLog';
import type { VimValue } from './vimValues';
import { arr, bool, data, dateTime, int, ref, str } from './vimValues';
import type { ManagedObject } from './managedTypes';
import { isA, tableObject } from './managedTypes';
import type { InventoryModel, EntityNode } from './inventoryModel';
import type { LabMirror } from './labMirror';
import type { EntityContext } from './entityContext';
import { entityObject } from './entityObjects';
import { taskObject } from './taskMapping';
import type { Session, SessionStore } from './sessionManager';
import type { PerfCatalog } from './perfCatalog';
import { historicalIntervals } from './perfCatalog';
import { MANAGER_IDS, serviceContent } from './serviceContent';
import type { ContainerViewState, EventCollectorState, FilterState } from './sessionObjects';
import { vimEvent } from './eventMapping';
import { alarmKeyOf, alarmObject } from './alarmObjects';
import type { ObjectResolver, PropertyTextCache } from './propertyCollector';

export interface ServiceState {
  mirror: LabMirror;
  textCache: PropertyTextCache;
  sessions: SessionStore;
  catalog: PerfCatalog;
  about: VimValue;
  /** Events matching a history collector's filter, oldest first (fetched by the caller). */
  collectorPage(c: EventCollectorState, model: InventoryModel): Promise<EventDto[]>;
  latestEvent(): Promise<EventDto | undefined>;
}

/** How long finished tasks stay in TaskManager.recentTask (vCenter: about 10 minutes). */
const RECENT_TASK_MS = 10 * 60_000;

export function userSession(s: Session): VimValue {
  return data('UserSession', {
    key: str(s.key), userName: str(s.userName), fullName: str(s.userName), loginTime: dateTime(s.loginTimeMs),
    lastActiveTime: dateTime(s.lastActiveMs), locale: str('en'), messageLocale: str('en'), extensionSession: bool(false),
    ipAddress: str(s.ipAddress), userAgent: str(s.userAgent), callCount: int(s.callCount),
  });
}

export class World implements ObjectResolver {
  readonly ctx: EntityContext;

  constructor(readonly svc: ServiceState, readonly session: Session | undefined, readonly model: InventoryModel) {
    this.ctx = { model, mirror: svc.mirror, about: svc.about };
  }

  get textCache(): PropertyTextCache { return this.svc.textCache; }

  /** The ids a container view currently shows (recomputed on every read, as the view is live). */
  containerViewMembers(v: ContainerViewState): EntityNode[] {
    const start = this.model.node(v.container.id);
    if (!start) return [];
    const out: EntityNode[] = [];
    const seen = new Set<string>([start.id]);
    const wanted = (n: EntityNode) => v.types.length === 0 || v.types.some((t) => isA(n.type, t));
    const queue = [...this.model.containedIn(start)];
    while (queue.length) {
      const n = queue.shift()!;
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      if (wanted(n)) out.push(n);
      if (v.recursive) queue.push(...this.model.containedIn(n));
    }
    return out;
  }

  private recentTasks(): VimValue {
    const now = this.svc.mirror.toVirtualMs(this.svc.mirror.nowMs());
    return arr('ManagedObjectReference', this.svc.mirror.tasks()
      .filter((t) => t.completedAtMs === undefined || now - t.completedAtMs <= RECENT_TASK_MS)
      .map((t) => ref('Task', t.id)));
  }

  private manager(type: string, id: string): ManagedObject | undefined {
    const s = this.session;
    switch (type) {
      case 'ServiceInstance':
        return tableObject(type, id, {
          content: () => serviceContent(this.svc.about),
          serverClock: () => dateTime(this.svc.mirror.nowMs()),
          capability: () => data('Capability', { provisioningSupported: bool(true), multiHostSupported: bool(true), userShellAccessSupported: bool(false) }),
        });
      case 'SessionManager':
        return tableObject(type, id, {
          currentSession: () => (s ? userSession(s) : undefined),
          defaultLocale: () => str('en'),
          supportedLocaleList: () => arr('string', [str('en')]),
          messageLocaleList: () => arr('string', [str('en')]),
        });
      case 'TaskManager':
        return tableObject(type, id, { recentTask: () => this.recentTasks(), maxCollector: () => int(32) },
          `${this.svc.mirror.tasks().length}|${this.svc.mirror.tasks().at(-1)?.state ?? ''}|${Math.floor(this.svc.mirror.nowMs() / 60_000)}`);
      case 'EventManager':
        return tableObject(type, id, {
          latestEvent: async () => {
            const e = await this.svc.latestEvent();
            return e ? vimEvent(e, this.ctx) : undefined;
          },
          maxCollector: () => int(32),
        });
      case 'PerformanceManager':
        return tableObject(type, id, {
          perfCounter: () => arr('PerfCounterInfo', this.svc.catalog.all.map((c) => this.svc.catalog.counterInfo(c))),
          historicalInterval: () => historicalIntervals(),
          description: () => data('PerformanceDescription', {
            counterType: arr('ElementDescription', ['average', 'summation', 'latest', 'minimum', 'maximum', 'none'].map((k) => data('ElementDescription', { label: str(k), summary: str(k), key: str(k) }))),
            statsType: arr('ElementDescription', ['absolute', 'delta', 'rate'].map((k) => data('ElementDescription', { label: str(k), summary: str(k), key: str(k) }))),
          }),
        }, 'static');
      case 'ViewManager':
        return tableObject(type, id, {
          viewList: () => arr('ManagedObjectReference', s ? [...s.objects.values()].filter((o) => o.type === 'ContainerView').map((o) => ref('ContainerView', (o as ContainerViewState).id)) : []),
        });
      case 'PropertyCollector':
        return tableObject(type, id, {
          filter: () => arr('ManagedObjectReference', s ? [...s.objects.values()]
            .filter((o) => o.type === 'PropertyFilter' && (o as FilterState).collectorId === id).map((o) => ref('PropertyFilter', (o as FilterState).id)) : []),
        });
      case 'SearchIndex':
        return tableObject(type, id, {});
      case 'AlarmManager':
        return tableObject(type, id, {
          // Templates for new alarms: none (CreateAlarm takes a MetricAlarmExpression or StateAlarmExpression as docs/vim25.md lists).
          defaultExpression: () => arr('AlarmExpression', []),
        }, 'static');
      default:
        return undefined;
    }
  }

  private sessionObject(type: string, id: string): ManagedObject | undefined {
    const o = this.session?.objects.get(id);
    if (!o || !isA(o.type, type)) return undefined;
    switch (o.type) {
      case 'ContainerView': {
        const v = o as ContainerViewState;
        const members = this.containerViewMembers(v);
        return tableObject('ContainerView', id, {
          view: () => arr('ManagedObjectReference', members.map((n) => ref(n.type, n.id))),
          container: () => ref(v.container.type, v.container.id),
          type: () => arr('string', v.types.map(str)),
          recursive: () => bool(v.recursive),
        }, members.map((n) => n.id).join(','));
      }
      case 'PropertyFilter': {
        const f = o as FilterState;
        return tableObject('PropertyFilter', id, { partialUpdates: () => bool(f.partialUpdates) });
      }
      case 'PropertyCollector':
        return this.manager('PropertyCollector', id);
      case 'EventHistoryCollector': {
        const c = o as EventCollectorState;
        return tableObject('EventHistoryCollector', id, {
          filter: () => c.filterValue,
          latestPage: async () => {
            const page = await this.svc.collectorPage(c, this.model);
            return arr('Event', page.slice(-c.pageSize).reverse().map((e) => vimEvent(e, this.ctx)));
          },
        });
      }
      default:
        return undefined;
    }
  }

  async resolve(type: string, id: string): Promise<ManagedObject | undefined> {
    if (id.startsWith('session[')) return this.sessionObject(type, id);
    const node = this.model.node(id);
    if (node) return isA(node.type, type) ? entityObject(node, this.ctx) : undefined;
    if (type === 'Task') {
      const t = this.svc.mirror.task(id);
      return t ? taskObject(t, this.svc.mirror) : undefined;
    }
    if (type === 'VirtualMachineSnapshot') return this.snapshot(id);
    if (isA('Alarm', type) && alarmKeyOf(id)) return alarmObject(id, this.ctx, this.svc.catalog);
    const managerId = (MANAGER_IDS as Record<string, string>)[type];
    if (managerId === id) return this.manager(type, id);
    return undefined;
  }

  /** Finds a snapshot by id among the VMs that have snapshots. */
  async findSnapshot(id: string): Promise<{ vmId: string; childIds: string[]; name: string } | undefined> {
    for (const vm of this.model.inv.vms) {
      if (vm.snapshotCount === 0) continue;
      const tree = await this.svc.mirror.snapshotTree(vm);
      const s = tree?.snapshots.find((x) => x.id === id);
      if (s) return { vmId: vm.id, childIds: s.childIds, name: s.name };
    }
    return undefined;
  }

  private async snapshot(id: string): Promise<ManagedObject | undefined> {
    const s = await this.findSnapshot(id);
    if (!s) return undefined;
    return tableObject('VirtualMachineSnapshot', id, {
      vm: () => ref('VirtualMachine', s.vmId),
      childSnapshot: () => arr('ManagedObjectReference', s.childIds.map((c) => ref('VirtualMachineSnapshot', c))),
    }, `${s.name}|${s.childIds.join(',')}`);
  }
}
