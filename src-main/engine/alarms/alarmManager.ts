/**
 * alarmManager — vSphere's alarms in the lab: evaluates every enabled alarm definition on every object
 * it watches, keeps each object's alarm status (green / yellow / red), logs each change as an event, and
 * answers acknowledge, reset to green and definition edits. A barrier service (`alarms`), after the
 * collector's sample.
 *
 * - `new AlarmManager(sources)`; `atBarrier(nowMs)`: state conditions at every barrier (a host that
 *   stops answering is red at once), metric conditions at each real-time sample boundary (20 s), from
 *   the sample the collector took at that barrier.
 * - `definitions()`, `updateDefinition(key, change)`, `triggered(filter)`, `acknowledge`, `reset`,
 *   `statusOf(entityId)` (the inventory's `alarmStatus`).
 * - `createDefinition(spec)` / `removeDefinition(key)`: a user's definitions (`custom-N`, vSphere's
 *   CreateAlarm / RemoveAlarm) — a counter above thresholds or a runtime state, on every host or VM.
 * - `save()` / `restore()`: the definitions' settings, the user's definitions, and every object's
 *   condition clocks and status.
 *
 * Metric conditions: a sample is the average of the 20 s before it, so a value above a threshold counts
 * from the start of its interval; the status is red when the critical condition has held for the
 * duration, else yellow when the warning one has, else green. A VM with no sample (powered off) has no
 * value: its metric alarms go green. State conditions are red while the state holds.
 * Acknowledge marks a triggered alarm (it stays yellow or red); a new status clears the mark. Reset to
 * green clears it: a metric condition must then hold for the whole duration again, a state condition
 * must clear and come back (vSphere's reset of a state alarm lasts until the state changes).
 *
 * Rules: deterministic (time from the lab's clock only); objects are visited in registry order, so
 * events come in a fixed order; every status change marks the object for the change feed.
 */
import type { AlarmDefinitionDto, AlarmKey, AlarmStateCondition, AlarmStatus, CustomAlarmKey, TriggeredAlarmDto } from '@shared/model/alarms';
import { ALARM_KEYS, ALARM_STATE_CONDITIONS, CUSTOM_ALARMS_MAX, isBuiltinAlarmKey } from '@shared/model/alarms';
import type { CommandParams } from '@shared/api/commands';
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { DatastoreId, HostId, ManagedEntityId } from '@shared/model/ids';
import { kindOfId } from '@shared/model/ids';
import type { EventSeverity } from '@shared/model/eventLog';
import type { EventLog, Registry } from '../cluster/index';
import type { BarrierService } from '../sim/index';
import { REALTIME_PERIOD_MS } from '../metrics/index';
import type { AlarmDefinition, AlarmSettings, CustomAlarmSpec } from './definitions';
import { ALARM_DEFINITIONS, customDefinition, defaultSettings, definitionDto } from './definitions';

/** What the alarms read and change; the lab provides it. */
export interface AlarmSources {
  readonly reg: Registry;
  readonly events: EventLog;
  nowMs(): number;
  /** The entity's latest real-time sample. */
  latestSample(id: ManagedEntityId): { timeMs: number; values: Record<string, number> } | undefined;
  /** Bytes provisioned on a datastore (its VMs' disks and snapshot deltas). */
  datastoreUsedBytes(id: DatastoreId): number;
  /** Whether vSphere HA has declared the host failed or isolated. */
  haDeclared(hostId: HostId): 'failed' | 'isolated' | undefined;
  markChanged(...ids: ManagedEntityId[]): void;
}

/** One definition on one object: its condition clocks and status. */
export interface AlarmWatch {
  key: AlarmKey;
  entityId: ManagedEntityId;
  warnSinceMs?: number;
  critSinceMs?: number;
  status: AlarmStatus;
  /** When the status last changed. */
  timeMs: number;
  acknowledged: boolean;
  acknowledgedAtMs?: number;
  acknowledgedBy?: string;
  detail: string;
  /** After a reset to green: conditions count only from here. */
  notBeforeMs?: number;
  /** After a reset of a state alarm: stays green until the state clears. */
  heldGreen?: boolean;
}

export interface AlarmState {
  definitions: [AlarmKey, AlarmSettings][];
  watches: AlarmWatch[];
  nextMetricEvalMs: number;
  /** The user's definitions (absent until one was made, and in labs saved before they existed). */
  custom?: CustomAlarmSpec[];
  /** The next `custom-N` (absent until one was made). */
  nextCustomId?: number;
}

export interface DefinitionChange { enabled?: boolean; warning?: number; critical?: number; durationS?: number; name?: string; description?: string }

const RANK: Record<AlarmStatus, number> = { green: 0, yellow: 1, red: 2 };
const WORD: Record<AlarmStatus, string> = { green: 'Green', yellow: 'Yellow', red: 'Red' };
const SEVERITY: Record<AlarmStatus, EventSeverity> = { green: 'info', yellow: 'warning', red: 'error' };
const watchKey = (key: AlarmKey, id: string): string => `${key}|${id}`;
const fmt = (x: number): string => (Math.round(x * 10) / 10).toString();

/**
 * A definition change checked against the definition and its current settings: the first problem as
 * the field (`enabled`, `warning`, `critical`, `durationS`) and a message in the user's words, or null.
 */
export function definitionChangeProblem(d: AlarmDefinition, change: DefinitionChange, current: AlarmSettings): { field: keyof DefinitionChange; message: string } | null {
  const key = d.key;
  if (!d.custom && (change.name !== undefined || change.description !== undefined)) {
    return { field: change.name !== undefined ? 'name' : 'description', message: `'${d.name}' is one of the lab's built-in definitions: its name and description stay.` };
  }
  if (d.condition === 'state') {
    for (const f of ['warning', 'critical', 'durationS'] as const) {
      if (change[f] !== undefined) return { field: f, message: `'${d.name}' is triggered by a state, so it has no thresholds or duration to set.` };
    }
    return null;
  }
  const warning = change.warning ?? current.warning ?? 0;
  const critical = change.critical ?? current.critical ?? 0;
  if (warning >= critical) {
    return { field: change.warning !== undefined ? 'warning' : 'critical', message: `The warning threshold (${fmt(warning)} %) must be below the critical threshold (${fmt(critical)} %).` };
  }
  if (key === 'datastoreUsage' && change.durationS !== undefined && change.durationS !== 0) {
    return { field: 'durationS', message: `'${d.name}' is evaluated on the datastore's usage as it is; it has no duration.` };
  }
  return null;
}

/** A user's state condition checked against the kind of object it watches: the first problem, or null. */
export function stateConditionProblem(entityType: 'host' | 'vm', c: AlarmStateCondition): { field: string; message: string } | null {
  const values = (ALARM_STATE_CONDITIONS[entityType] as Record<string, readonly string[]>)[c.path];
  const kind = entityType === 'vm' ? 'a virtual machine' : 'a host';
  if (!values) return { field: 'state.path', message: `${kind} has no state ${c.path} the lab keeps (it keeps ${Object.keys(ALARM_STATE_CONDITIONS[entityType]).join(', ')}).` };
  if (c.yellow === undefined && c.red === undefined) return { field: 'state.red', message: 'Give the state that makes the alarm red, yellow, or both.' };
  for (const f of ['yellow', 'red'] as const) {
    const v = c[f];
    if (v !== undefined && !values.includes(v)) return { field: `state.${f}`, message: `${c.path} of ${kind} is one of ${values.join(', ')}, never ${v}.` };
  }
  return null;
}

export class AlarmManager implements BarrierService<AlarmState> {
  readonly name = 'alarms';
  /** Labs saved before alarms existed load with the default definitions and every object green. */
  readonly stateOptional = true;
  private settings = defaultSettings();
  private watches = new Map<string, AlarmWatch>();
  /** Watches per alarm key (kept with `watches`: lets a barrier skip a state alarm that holds nowhere). */
  private watchCount = new Map<AlarmKey, number>();
  /** Each object's worst status, when not green (kept as statuses change: inventory DTOs read it often). */
  private worst = new Map<ManagedEntityId, AlarmStatus>();
  private nextMetricEvalMs = REALTIME_PERIOD_MS;
  /** The user's definitions, in the order they were made. */
  private customs = new Map<CustomAlarmKey, { spec: CustomAlarmSpec; def: AlarmDefinition }>();
  private nextCustomId = 1;

  constructor(private readonly src: AlarmSources) {}

  nextDueMs(nowMs: number): number | undefined {
    return this.nextMetricEvalMs > nowMs ? this.nextMetricEvalMs : undefined;
  }

  /** The state conditions read only the inventory (no host): quiet until the metric conditions' next evaluation. */
  quietUntilMs(nowMs: number): number {
    return this.nextDueMs(nowMs) ?? nowMs;
  }

  atBarrier(nowMs: number): void {
    this.evaluateStates(nowMs);
    if (nowMs >= this.nextMetricEvalMs) {
      this.evaluateMetrics(nowMs);
      this.nextMetricEvalMs = (Math.floor(nowMs / REALTIME_PERIOD_MS) + 1) * REALTIME_PERIOD_MS;
    }
  }

  save(): AlarmState {
    const state: AlarmState = {
      definitions: [...this.settings].map(([k, v]) => [k, { ...v }]),
      watches: [...this.watches.values()].map((w) => stripUndefinedFields({ ...w })),
      nextMetricEvalMs: this.nextMetricEvalMs,
    };
    // Only labs whose users made definitions carry them (older saves and their digests stay as they were).
    if (this.customs.size > 0) state.custom = [...this.customs.values()].map((c) => structuredCloneSpec(c.spec));
    if (this.nextCustomId > 1) state.nextCustomId = this.nextCustomId;
    return state;
  }

  /** A definition by key (built-in or the user's), or undefined. */
  definition(key: AlarmKey): AlarmDefinition | undefined {
    return isBuiltinAlarmKey(key) ? ALARM_DEFINITIONS[key] : this.customs.get(key)?.def;
  }

  private def(key: AlarmKey): AlarmDefinition {
    const d = this.definition(key);
    if (!d) throw new Error(`alarm definition ${key} is gone`);
    return d;
  }

  /** Every definition's key: the built-in ones, then the user's in the order they were made. */
  private keys(): AlarmKey[] {
    return [...ALARM_KEYS, ...this.customs.keys()];
  }

  restore(state: AlarmState | undefined): void {
    this.settings = defaultSettings();
    this.watches.clear();
    this.watchCount.clear();
    this.worst.clear();
    this.customs.clear();
    this.nextCustomId = state?.nextCustomId ?? 1;
    for (const spec of state?.custom ?? []) {
      const copy = structuredCloneSpec(spec);
      this.customs.set(copy.key, { spec: copy, def: customDefinition(copy) });
    }
    if (!state) {
      this.nextMetricEvalMs = (Math.floor(this.src.nowMs() / REALTIME_PERIOD_MS) + 1) * REALTIME_PERIOD_MS;
      return;
    }
    for (const [k, v] of state.definitions) {
      if (!this.definition(k)) throw new Error(`unknown alarm definition ${String(k)}`);
      this.settings.set(k, { ...v });
    }
    for (const [k, c] of this.customs) if (!this.settings.has(k)) this.settings.set(k, { ...c.def.defaults });
    for (const w of state.watches) this.putWatch(watchKey(w.key, w.entityId), { ...w });
    for (const w of state.watches) this.refreshWorst(w.entityId);
    this.nextMetricEvalMs = state.nextMetricEvalMs;
  }

  /** Settings from a scenario file (before the lab runs); the scenario's validation checked them. */
  configure(key: AlarmKey, change: DefinitionChange): void {
    const cur = this.settings.get(key)!;
    this.settings.set(key, { ...cur, ...stripUndefined(change) });
  }

  definitions(): AlarmDefinitionDto[] {
    return this.keys().map((k) => definitionDto(this.def(k), this.settings.get(k)!));
  }

  private unknown(key: AlarmKey): { error: ApiError } {
    return { error: apiError('E_NOT_FOUND', `There is no alarm definition ${key} in this lab.`, 'params.alarmKey') };
  }

  private nameTaken(name: string, except?: AlarmKey): boolean {
    const n = name.toLowerCase();
    return this.keys().some((k) => k !== except && this.def(k).name.toLowerCase() === n);
  }

  /** Edit a definition (Configure › Alarm Definitions › Edit). Disabling clears its triggered alarms. */
  updateDefinition(key: AlarmKey, change: DefinitionChange, who: string): { ok: true } | { error: ApiError } {
    const d = this.definition(key);
    if (!d) return this.unknown(key);
    const cur = this.settings.get(key)!;
    const p = definitionChangeProblem(d, change, cur);
    if (p) return { error: apiError('E_INVALID_ARGUMENT', p.message, `params.${p.field}`) };
    if (change.name !== undefined && this.nameTaken(change.name, key)) {
      return { error: apiError('E_DUPLICATE_NAME', `An alarm definition named '${change.name}' exists already.`, 'params.name') };
    }
    const given = stripUndefined(change);
    if (Object.keys(given).length === 0) return { error: apiError('E_INVALID_ARGUMENT', `Nothing to change in '${d.name}': give enabled, warning, critical or durationS.`, 'params.alarmKey') };
    const oldName = d.name;
    const { name, description, ...settings } = given;
    if (name !== undefined || description !== undefined) {
      const c = this.customs.get(key as CustomAlarmKey)!;
      const spec = { ...c.spec, ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}) };
      this.customs.set(spec.key, { spec, def: customDefinition(spec) });
    }
    const next = { ...cur, ...settings };
    this.settings.set(key, next);
    const now = this.src.nowMs();
    if (!next.enabled) {
      for (const [k, w] of this.watches) {
        if (w.key !== key) continue;
        this.dropWatch(k);
        if (w.status !== 'green') { this.refreshWorst(w.entityId); this.src.markChanged(w.entityId); }
      }
    } else if (name !== undefined) {
      // Objects with this alarm triggered show its new name.
      for (const w of this.watches.values()) if (w.key === key && w.status !== 'green') this.src.markChanged(w.entityId);
    }
    const what = Object.entries(given).map(([k, v]) => `${k} = ${String(v)}`).join(', ');
    this.src.events.log(now, 'info', 'AlarmReconfiguredEvent', `Reconfigured alarm '${oldName}' on vCenter Server by ${who}: ${what}`);
    return { ok: true };
  }

  /** A user's definition (vSphere's CreateAlarm): checked whole, then evaluated from the next barrier. */
  createDefinition(p: CommandParams<'alarm.createDefinition'>, who: string): { alarmKey: CustomAlarmKey } | { error: ApiError } {
    const bad = (field: string, message: string) => ({ error: apiError('E_INVALID_ARGUMENT', message, `params.${field}`) });
    if (this.customs.size >= CUSTOM_ALARMS_MAX) return bad('name', `The lab keeps at most ${CUSTOM_ALARMS_MAX} alarm definitions of its users; remove one first.`);
    if (this.nameTaken(p.name)) return { error: apiError('E_DUPLICATE_NAME', `An alarm definition named '${p.name}' exists already.`, 'params.name') };
    if ((p.counter === undefined) === (p.state === undefined)) return bad(p.counter === undefined ? 'counter' : 'state', 'Give either a counter with thresholds or a state to watch, not both or neither.');
    const key = `custom-${this.nextCustomId}` as CustomAlarmKey;
    const spec: CustomAlarmSpec = { key, name: p.name, description: p.description ?? '', entityType: p.entityType };
    let settings: AlarmSettings;
    if (p.counter !== undefined) {
      if (p.warning === undefined) return bad('warning', 'Give the warning threshold (percent).');
      if (p.critical === undefined) return bad('critical', 'Give the critical threshold (percent).');
      spec.counter = p.counter;
      settings = { enabled: p.enabled ?? true, warning: p.warning, critical: p.critical, durationS: p.durationS ?? 0 };
      const problem = definitionChangeProblem(customDefinition(spec), { warning: p.warning, critical: p.critical }, settings);
      if (problem) return bad(problem.field, problem.message);
    } else {
      for (const f of ['warning', 'critical', 'durationS'] as const) {
        if (p[f] !== undefined) return bad(f, 'A state alarm is red or yellow while the state holds: it has no thresholds or duration.');
      }
      const state = stripUndefinedFields({ ...p.state! });
      const problem = stateConditionProblem(p.entityType, state);
      if (problem) return bad(problem.field, problem.message);
      spec.state = state;
      settings = { enabled: p.enabled ?? true };
    }
    this.nextCustomId++;
    this.customs.set(key, { spec, def: customDefinition(spec) });
    this.settings.set(key, settings);
    this.src.events.log(this.src.nowMs(), 'info', 'AlarmCreatedEvent', `Created alarm '${spec.name}' on vCenter Server by ${who}`);
    return { alarmKey: key };
  }

  /** Remove a user's definition and its alarms (the built-in ones can be disabled, not removed). */
  removeDefinition(key: AlarmKey, who: string): { ok: true } | { error: ApiError } {
    if (isBuiltinAlarmKey(key)) {
      return { error: apiError('E_INVALID_STATE', `'${ALARM_DEFINITIONS[key].name}' is one of the lab's built-in definitions: disable it instead of removing it.`, 'params.alarmKey') };
    }
    const c = this.customs.get(key);
    if (!c) return this.unknown(key);
    for (const [k, w] of this.watches) {
      if (w.key !== key) continue;
      this.dropWatch(k);
      if (w.status !== 'green') { this.refreshWorst(w.entityId); this.src.markChanged(w.entityId); }
    }
    this.customs.delete(key);
    this.settings.delete(key);
    this.src.events.log(this.src.nowMs(), 'info', 'AlarmRemovedEvent', `Removed alarm '${c.spec.name}' on vCenter Server by ${who}`);
    return { ok: true };
  }

  /** The worst status of an object's alarms ('green' when none is triggered). */
  statusOf(entityId: ManagedEntityId): AlarmStatus {
    return this.worst.get(entityId) ?? 'green';
  }

  /** Recomputes an object's worst status after one of its alarms changed or went away. */
  private refreshWorst(entityId: ManagedEntityId): void {
    let worst: AlarmStatus = 'green';
    for (const key of this.keys()) {
      const w = this.watches.get(watchKey(key, entityId));
      if (w && RANK[w.status] > RANK[worst]) worst = w.status;
    }
    if (worst === 'green') this.worst.delete(entityId); else this.worst.set(entityId, worst);
  }

  /** Triggered alarms (yellow or red) on the objects `within` accepts, worst and newest first. */
  triggered(within: (entityId: ManagedEntityId) => boolean = () => true): TriggeredAlarmDto[] {
    const out: TriggeredAlarmDto[] = [];
    for (const w of this.watches.values()) {
      if (w.status === 'green' || !within(w.entityId)) continue;
      const d = this.def(w.key);
      const dto: TriggeredAlarmDto = {
        alarmKey: w.key, alarmName: d.name, entityId: w.entityId, entityName: this.src.reg.nameOf(w.entityId), entityType: d.entityType,
        status: w.status, timeMs: w.timeMs, acknowledged: w.acknowledged, detail: w.detail,
      };
      if (w.acknowledgedAtMs !== undefined) dto.acknowledgedAtMs = w.acknowledgedAtMs;
      if (w.acknowledgedBy !== undefined) dto.acknowledgedBy = w.acknowledgedBy;
      out.push(dto);
    }
    return out.sort((a, b) => RANK[b.status] - RANK[a.status] || b.timeMs - a.timeMs || a.entityName.localeCompare(b.entityName));
  }

  acknowledge(key: AlarmKey, entityId: ManagedEntityId, who: string): { ok: true } | { error: ApiError } {
    const w = this.triggeredWatch(key, entityId);
    if ('error' in w) return w;
    if (w.acknowledged) return { ok: true };
    const now = this.src.nowMs();
    w.acknowledged = true;
    w.acknowledgedAtMs = now;
    w.acknowledgedBy = who;
    const name = this.src.reg.nameOf(entityId);
    this.src.events.log(now, 'info', 'AlarmAcknowledgedEvent', `Acknowledged alarm '${this.def(key).name}' on ${name}`, { id: entityId, name });
    this.src.markChanged(entityId);
    return { ok: true };
  }

  /** Reset To Green: the alarm is cleared; its condition must hold anew (see the header). */
  reset(key: AlarmKey, entityId: ManagedEntityId, who: string): { ok: true } | { error: ApiError } {
    const w = this.triggeredWatch(key, entityId);
    if ('error' in w) return w;
    const now = this.src.nowMs();
    const d = this.def(key);
    const from = w.status;
    w.warnSinceMs = undefined;
    w.critSinceMs = undefined;
    w.notBeforeMs = now;
    if (d.condition === 'state') w.heldGreen = true;
    this.setStatus(w, 'green', now, `reset to green by ${who}`, from);
    return { ok: true };
  }

  private triggeredWatch(key: AlarmKey, entityId: ManagedEntityId): AlarmWatch | { error: ApiError } {
    const d = this.definition(key);
    if (!d) return this.unknown(key);
    if (!this.exists(entityId)) return { error: apiError('E_NOT_FOUND', `There is no object ${entityId} in this lab.`, 'params.entityId') };
    const w = this.watches.get(watchKey(key, entityId));
    if (!w || w.status === 'green') {
      return { error: apiError('E_INVALID_STATE', `Alarm '${d.name}' is not triggered on ${this.src.reg.nameOf(entityId)}.`, 'params.alarmKey') };
    }
    return w;
  }

  private exists(id: ManagedEntityId): boolean {
    const r = this.src.reg;
    switch (kindOfId(id)) {
      case 'vm': return r.vms.has(id as never);
      case 'host': return r.hosts.has(id as never);
      case 'datastore': return r.datastores.has(id as never);
      default: return false;
    }
  }

  private enabled(key: AlarmKey): AlarmSettings | undefined {
    const st = this.settings.get(key)!;
    return st.enabled ? st : undefined;
  }

  private evaluateStates(nowMs: number): void {
    const conn = this.enabled('hostConnectionPowerState');
    const ha = this.enabled('haHostStatus');
    for (const [key, c] of this.customs) {
      if (c.spec.state && this.enabled(key)) this.evaluateCustomState(key, c.spec.entityType, c.spec.state, nowMs);
    }
    if (!conn && !ha) return;
    // the usual barrier: no host down or declared and nothing watched — no key to build, no lookup
    const connWatched = (this.watchCount.get('hostConnectionPowerState') ?? 0) > 0;
    const haWatched = (this.watchCount.get('haHostStatus') ?? 0) > 0;
    for (const h of this.src.reg.hosts.values()) {
      if (conn) {
        const down = h.connectionState !== 'connected' && h.powerState !== 'standBy';
        if (down || connWatched) this.applyState('hostConnectionPowerState', h.id, down, nowMs, () => `Connection state ${h.connectionState === 'notResponding' ? 'Not responding' : 'Disconnected'}, power state ${h.powerState === 'poweredOff' ? 'Powered off' : 'Powered on'}`);
      }
      if (ha) {
        const declared = this.src.haDeclared(h.id);
        if (declared !== undefined || haWatched) this.applyState('haHostStatus', h.id, declared !== undefined, nowMs, () => `vSphere HA declared the host ${declared ?? ''}`);
      }
    }
  }

  private putWatch(k: string, w: AlarmWatch): void {
    if (!this.watches.has(k)) this.watchCount.set(w.key, (this.watchCount.get(w.key) ?? 0) + 1);
    this.watches.set(k, w);
  }

  private dropWatch(k: string): void {
    const w = this.watches.get(k);
    if (!w) return;
    this.watches.delete(k);
    this.watchCount.set(w.key, this.watchCount.get(w.key)! - 1);
  }

  /** A user's state condition on every host or VM: red when its red state holds, else yellow when its yellow one does. */
  private evaluateCustomState(key: CustomAlarmKey, entityType: 'host' | 'vm', c: AlarmStateCondition, nowMs: number): void {
    const holds = (state: string, v: string | undefined) => v !== undefined && (c.operator === 'isEqual' ? state === v : state !== v);
    const is = c.operator === 'isEqual' ? 'is' : 'is not';
    const objects = entityType === 'vm' ? this.src.reg.vms.values() : this.src.reg.hosts.values();
    for (const o of objects) {
      const state = c.path === 'runtime.connectionState' && 'connectionState' in o ? o.connectionState : o.powerState;
      const target: AlarmStatus = holds(state, c.red) ? 'red' : holds(state, c.yellow) ? 'yellow' : 'green';
      this.applyState(key, o.id, target !== 'green', nowMs, () => `${c.path} ${is} ${target === 'red' ? c.red! : c.yellow!} (${state})`, target);
    }
  }

  private applyState(key: AlarmKey, entityId: ManagedEntityId, holds: boolean, nowMs: number, detail: () => string, target: Exclude<AlarmStatus, 'green'> | 'green' = 'red'): void {
    const k = watchKey(key, entityId);
    let w = this.watches.get(k);
    if (!holds) {
      if (!w) return;
      if (w.status !== 'green') this.setStatus(w, 'green', nowMs, 'the state cleared');
      this.dropWatch(k);
      return;
    }
    if (!w) {
      w = { key, entityId, status: 'green', timeMs: nowMs, acknowledged: false, detail: '' };
      this.putWatch(k, w);
    }
    if (w.heldGreen || w.status === target) return;
    this.setStatus(w, target, nowMs, detail());
  }

  private evaluateMetrics(nowMs: number): void {
    const r = this.src.reg;
    const sampleStart = (t: number): number => t - REALTIME_PERIOD_MS;
    for (const key of this.keys()) {
      const d = this.def(key);
      const st = this.enabled(key);
      if (d.condition !== 'metric' || !st) continue;
      if (d.entityType === 'host') {
        for (const h of r.hosts.values()) {
          const s = this.src.latestSample(h.id);
          const fresh = s && s.timeMs === nowMs ? s : undefined;
          this.applyMetric(d, st, h.id, fresh && d.read!(fresh.values, 1), fresh ? sampleStart(fresh.timeMs) : nowMs, nowMs);
        }
      } else if (d.entityType === 'vm') {
        for (const vm of r.vms.values()) {
          const s = vm.powerState === 'poweredOn' ? this.src.latestSample(vm.id) : undefined;
          const fresh = s && s.timeMs === nowMs ? s : undefined;
          // A VM powered on mid-interval is credited only from its power-on.
          const from = fresh ? Math.max(sampleStart(fresh.timeMs), vm.poweredOnAtMs) : nowMs;
          this.applyMetric(d, st, vm.id, fresh && d.read!(fresh.values, vm.vcpus), from, nowMs);
        }
      } else {
        for (const ds of r.datastores.values()) {
          const used = ds.capacityBytes > 0 ? (this.src.datastoreUsedBytes(ds.id) / ds.capacityBytes) * 100 : undefined;
          this.applyMetric(d, st, ds.id, used, nowMs, nowMs);
        }
      }
    }
    // Objects removed from the inventory take their alarms with them.
    for (const [k, w] of this.watches) {
      if (this.exists(w.entityId)) continue;
      this.dropWatch(k);
      this.worst.delete(w.entityId);
    }
  }

  private applyMetric(d: AlarmDefinition, st: AlarmSettings, entityId: ManagedEntityId, value: number | undefined, fromMs: number, nowMs: number): void {
    const k = watchKey(d.key, entityId);
    let w = this.watches.get(k);
    const warning = st.warning ?? 0;
    const critical = st.critical ?? 0;
    const aboveWarning = value !== undefined && value > warning;
    if (!w) {
      if (!aboveWarning) return;
      w = { key: d.key, entityId, status: 'green', timeMs: nowMs, acknowledged: false, detail: '' };
      this.putWatch(k, w);
    }
    const since = Math.max(fromMs, w.notBeforeMs ?? fromMs);
    w.warnSinceMs = aboveWarning ? (w.warnSinceMs ?? since) : undefined;
    w.critSinceMs = value !== undefined && value > critical ? (w.critSinceMs ?? since) : undefined;
    const durMs = (st.durationS ?? 0) * 1000;
    const next: AlarmStatus = w.critSinceMs !== undefined && nowMs - w.critSinceMs >= durMs ? 'red'
      : w.warnSinceMs !== undefined && nowMs - w.warnSinceMs >= durMs ? 'yellow' : 'green';
    if (next !== w.status) {
      const label = d.metricLabel ?? d.name;
      const held = durMs > 0 ? ` for ${fmtDuration(nowMs - (next === 'red' ? w.critSinceMs! : w.warnSinceMs ?? nowMs))}` : '';
      const detail = next === 'green'
        ? (value === undefined ? 'no current value (not running)' : `${label} ${fmt(value)} %`)
        : `${label} ${fmt(value!)} % above ${fmt(next === 'red' ? critical : warning)} %${held}`;
      this.setStatus(w, next, nowMs, detail);
    }
    if (w.status === 'green' && w.warnSinceMs === undefined && w.critSinceMs === undefined) this.dropWatch(k);
  }

  private setStatus(w: AlarmWatch, next: AlarmStatus, nowMs: number, detail: string, from: AlarmStatus = w.status): void {
    w.status = next;
    w.timeMs = nowMs;
    w.detail = detail;
    w.acknowledged = false;
    w.acknowledgedAtMs = undefined;
    w.acknowledgedBy = undefined;
    this.refreshWorst(w.entityId);
    const d = this.def(w.key);
    const name = this.src.reg.nameOf(w.entityId);
    const on = d.entityType === 'vm' ? name : `${d.entityType} ${name}`;
    this.src.events.log(nowMs, SEVERITY[next], 'AlarmStatusChangedEvent',
      `Alarm '${d.name}' on ${on} changed from ${WORD[from]} to ${WORD[next]} (${detail})`, { id: w.entityId, name });
    this.src.markChanged(w.entityId);
  }
}

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}

/** Plain state without absent fields (a saved lab carries no `undefined`). */
function stripUndefinedFields<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function structuredCloneSpec(spec: CustomAlarmSpec): CustomAlarmSpec {
  return { ...spec, ...(spec.state ? { state: { ...spec.state } } : {}) };
}

function stripUndefined(change: DefinitionChange): DefinitionChange {
  const out: DefinitionChange = {};
  for (const [k, v] of Object.entries(change) as [keyof DefinitionChange, never][]) if (v !== undefined) out[k] = v;
  return out;
}

