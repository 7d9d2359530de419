/**
 * The vim25 service: SOAP requests in, SOAP responses out, over the lab link.
 *
 * - `await Vim25Service.create({ link, user, password, … })`; `handle(body, client)` →
 *   `{ status, body, setCookie? }`; `close()`.
 * - Dispatch: read the envelope → find the method → check the session (all but RetrieveServiceContent,
 *   Login and CurrentTime need one) → check `_this` (its type must offer the method and the object must
 *   exist) → run → write the response; any VimFault becomes a SOAP fault (HTTP 500), anything unexpected
 *   a `SystemError` fault without internals.
 * - `world(session)`: the current inventory model (rebuilt only when the inventory changed) and the
 *   session's objects, for one request.
 * - Change signals from the mirror wake every waiting WaitForUpdates.
 */
import type { EventDto } from '@shared/model/eventLog';
import type { CounterInfo } from '@shared/model/metrics';
import type { TaskDto } from '@shared/model/task';
import type { TaskId } from '@shared/model/ids';
import { randomUUID } from 'node:crypto';
import type { LabLink } from './labLink';
import { LabMirror } from './labMirror';
import { SessionStore } from './sessionManager';
import type { PasswordCheck, Session } from './sessionManager';
import { PerfCatalog } from './perfCatalog';
import { aboutInfo } from './serviceContent';
import type { VimValue } from './vimValues';
import { InventoryModel } from './inventoryModel';
import { World } from './vimWorld';
import { PropertyTextCache } from './propertyCollector';
import type { ServiceState } from './vimWorld';
import { readRequest, writeFault, writeResponse } from './soapEnvelope';
import { methodArgs } from './soapArgs';
import { managedObjectNotFound, methodNotFound, notAuthenticated, systemError, VimFault } from './faults';
import { isA, knownType } from './managedTypes';
import { ref } from './vimValues';
import type { EventFilter } from './eventMapping';
import { eventMatches } from './eventMapping';
import type { CollectorState, EventCollectorState } from './sessionObjects';
import type { XmlLimits } from './xmlParser';
import type { Call, MethodTable } from './methods/methodTable';
import { SESSION_METHODS } from './methods/sessionMethods';
import { COLLECTOR_METHODS } from './methods/collectorMethods';
import { VM_METHODS } from './methods/vmMethods';
import { POOL_METHODS } from './methods/poolMethods';
import { EVENT_METHODS } from './methods/eventMethods';
import { PERF_METHODS } from './methods/perfMethods';
import { SEARCH_METHODS } from './methods/searchMethods';
import { ALARM_METHODS } from './methods/alarmMethods';

export const METHODS: MethodTable = { ...SESSION_METHODS, ...COLLECTOR_METHODS, ...VM_METHODS, ...POOL_METHODS, ...EVENT_METHODS, ...PERF_METHODS, ...SEARCH_METHODS, ...ALARM_METHODS };

export interface Vim25ServiceOptions {
  link: LabLink;
  user: string;
  /** The password, or a check against its stored hash. */
  password: string | PasswordCheck;
  labVersion?: string;
  sessionIdleMs?: number;
  failedLoginDelayMs?: number;
  maxFailedLoginDelayMs?: number;
  xmlLimits?: XmlLimits;
}

export interface SoapReply { status: number; body: string; setCookie?: string }

/** Events read for QueryEvents and history collectors (the lab keeps at most 20,000; one read takes 5,000). */
const EVENTS_READ = 5000;

export class Vim25Service implements ServiceState {
  readonly sessions: SessionStore;
  readonly about: VimValue;
  readonly textCache = new PropertyTextCache();
  private model: InventoryModel | undefined;
  private localTaskNumber = 1;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  private constructor(readonly link: LabLink, readonly mirror: LabMirror, readonly catalog: PerfCatalog, private readonly opts: Vim25ServiceOptions) {
    this.sessions = new SessionStore({ user: opts.user, password: opts.password, idleTimeoutMs: opts.sessionIdleMs, failedLoginDelayMs: opts.failedLoginDelayMs, maxFailedLoginDelayMs: opts.maxFailedLoginDelayMs });
    this.about = aboutInfo(opts.labVersion ?? '0.1.0', randomUUID());
    this.unsubscribe = mirror.onChange(() => this.wakeWaiters());
    this.sweepTimer = setInterval(() => this.sessions.sweep(), 60_000);
    this.sweepTimer.unref();
  }

  static async create(opts: Vim25ServiceOptions): Promise<Vim25Service> {
    const mirror = await LabMirror.open(opts.link);
    const counters = await opts.link.request<CounterInfo[]>('metrics.catalog', {});
    return new Vim25Service(opts.link, mirror, new PerfCatalog(counters), opts);
  }

  close(): void {
    clearInterval(this.sweepTimer);
    this.unsubscribe();
    this.sessions.endAll();
    this.mirror.close();
  }

  private wakeWaiters(): void {
    for (const s of this.sessions.all()) {
      for (const o of s.objects.values()) if (o.type === 'PropertyCollector') for (const w of [...(o as CollectorState).waiters]) w('change');
    }
  }

  async world(session: Session | undefined): Promise<World> {
    const inv = await this.mirror.inventory();
    if (!this.model || this.model.inv !== inv) this.model = new InventoryModel(inv);
    return new World(this, session, this.model);
  }

  /** A task the endpoint completes itself for a method vSphere makes a task but the lab does at once (Rename_Task). */
  completedTask(c: Call, method: string, descriptionId: string, targetId: string, targetName: string): TaskDto {
    void method; void descriptionId;
    const now = this.mirror.toVirtualMs(this.mirror.nowMs());
    const t: TaskDto = {
      id: `task-api${this.localTaskNumber++}` as TaskId, operation: method, name: method, targetId: targetId as TaskDto['targetId'], targetName,
      state: 'success', progress: 100, initiator: c.session?.userName ?? '', queuedAtMs: now, startedAtMs: now, completedAtMs: now, cancellable: false,
    };
    this.mirror.recordTask(t);
    return t;
  }

  async matchingEvents(filter: EventFilter, model: InventoryModel): Promise<EventDto[]> {
    const events = await this.link.request<EventDto[]>('events.list', { limit: EVENTS_READ });
    const ctx = { model, mirror: this.mirror };
    return events.filter((e) => eventMatches(e, filter, ctx)).reverse();
  }

  collectorPage(c: EventCollectorState, model: InventoryModel): Promise<EventDto[]> {
    return this.matchingEvents(c.filter, model);
  }

  async latestEvent(): Promise<EventDto | undefined> {
    return (await this.link.request<EventDto[]>('events.list', { limit: 1 }))[0];
  }

  async handle(body: string, client: { cookie?: string; ip: string; userAgent: string }): Promise<SoapReply> {
    let setCookie: string | undefined;
    try {
      const req = readRequest(body, this.opts.xmlLimits);
      const def = Object.prototype.hasOwnProperty.call(METHODS, req.method) ? METHODS[req.method] : undefined;
      const session = this.sessions.fromCookie(client.cookie);
      if (!def) {
        if (!session) throw notAuthenticated(ref(req.thisRef.type, req.thisRef.id));
        throw methodNotFound(req.thisRef.type, req.thisRef.id, req.method);
      }
      if (!def.public && !session) throw notAuthenticated(ref(req.thisRef.type, req.thisRef.id));
      if (!knownType(req.thisRef.type) || !def.on.some((t) => isA(req.thisRef.type, t))) {
        throw methodNotFound(req.thisRef.type, req.thisRef.id, req.method);
      }
      const world = await this.world(session);
      if (!(await world.resolve(req.thisRef.type, req.thisRef.id))) throw managedObjectNotFound(req.thisRef.type, req.thisRef.id);
      const call: Call = {
        svc: this, session, world, args: methodArgs(req.args, req.method), self: req.thisRef,
        client: { ip: client.ip, userAgent: client.userAgent }, setCookie: (v) => { setCookie = v; },
      };
      const result = await def.run(call);
      return { status: 200, body: writeResponse(req.method, result), setCookie };
    } catch (e) {
      const fault = e instanceof VimFault ? e : systemError('The request failed inside the lab endpoint.');
      if (!(e instanceof VimFault)) process.emitWarning(`vim25: unexpected ${e instanceof Error ? e.name : 'error'}: ${e instanceof Error ? e.message : String(e)}`);
      return { status: 500, body: writeFault(fault), setCookie };
    }
  }
}
