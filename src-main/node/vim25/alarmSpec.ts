/**
 * Reading vSphere's AlarmSpec (CreateAlarm, ReconfigureAlarm) as a definition the lab can evaluate:
 * a MetricAlarmExpression on `cpu.usage.average` or `mem.usage.average` of hosts or VMs (thresholds in
 * hundredths of a percent, one duration), or a StateAlarmExpression on a host's or VM's
 * `runtime.powerState` / a host's `runtime.connectionState` — bare, or alone inside the OrAlarmExpression
 * vSphere's client wraps every trigger in.
 *
 * - `readAlarmSpec(spec, catalog)` → `AlarmSpecRead` (name, description, enabled, what it watches and
 *   its thresholds, in the lab's terms), or throws the fault a vCenter would: `InvalidArgument` naming the
 *   property for a malformed or contradictory value, `NotSupported` (naming it in the message) for
 *   what the lab cannot model — alarm actions, tolerance ranges, reporting frequencies, `isBelow`,
 *   combined conditions, event alarms, other counters, other object types, a yellow and a red interval
 *   that differ.
 * - `readMetricThresholds(expr, …)`: the thresholds of a MetricAlarmExpression (for the built-in
 *   definitions' ReconfigureAlarm).
 * - `sameExpression(sent, served)`: whether an expression a client sent is the one the lab serves (its
 *   types where the client gave them, and every value), so a built-in state alarm read back and sent
 *   again with only `enabled` changed is recognised.
 *
 * Rule: nothing here changes the lab; every refusal happens before a command is sent, so a refused
 * spec changes nothing.
 */
import type { AlarmMetricCounter, AlarmStateCondition, AlarmStatePath, AlarmStateValue } from '@shared/model/alarms';
import { ALARM_METRIC_COUNTERS, ALARM_STATE_CONDITIONS } from '@shared/model/alarms';
import { Arg } from './soapArgs';
import { invalidArgument, notSupported } from './faults';
import type { PerfCatalog } from './perfCatalog';
import type { VimValue } from './vimValues';

const ENTITY_OF: Record<string, 'host' | 'vm'> = { HostSystem: 'host', VirtualMachine: 'vm' };
const OTHER_ENTITY_TYPES = new Set(['Datastore', 'ClusterComputeResource', 'ComputeResource', 'Datacenter', 'ResourcePool', 'Network', 'DistributedVirtualSwitch', 'DistributedVirtualPortgroup', 'Folder', 'VirtualApp']);

export interface AlarmSpecRead {
  name: string;
  description: string;
  enabled: boolean;
  entityType: 'host' | 'vm';
  counter?: AlarmMetricCounter;
  /** Metric: percent (the counter's hundredths ÷ 100) and seconds. */
  warning?: number;
  critical?: number;
  durationS?: number;
  state?: AlarmStateCondition;
}

/** A counter threshold in hundredths of a percent, as percent. */
export function percentOf(hundredths: number, path: string): number {
  if (hundredths < 0 || hundredths > 10_000) throw invalidArgument(`${path}: ${hundredths} is not a percentage in hundredths (0…10000)`, path);
  return hundredths / 100;
}

function objectType(expr: Arg, path: string): 'host' | 'vm' {
  const type = expr.needStr('type').trim();
  const kind = ENTITY_OF[type];
  if (kind) return kind;
  if (OTHER_ENTITY_TYPES.has(type)) throw notSupported(`${path}.type: the lab raises its users' alarms on hosts (HostSystem) and virtual machines (VirtualMachine), not on ${type}.`);
  throw invalidArgument(`${path}.type: "${type.slice(0, 60)}" is not a managed entity type`, `${path}.type`);
}

/** The one condition inside an OrAlarmExpression vSphere's client wraps it in, or the expression itself. */
function unwrap(expr: Arg, path: string): { expr: Arg; path: string } {
  const type = expr.type ?? '';
  if (type === 'OrAlarmExpression') {
    const inner = expr.children('expression');
    if (inner.length !== 1) throw notSupported(`${path}: the lab evaluates one condition per alarm; an OrAlarmExpression of ${inner.length} conditions cannot be modelled.`);
    return unwrap(inner[0], `${path}.expression`);
  }
  if (type === 'AndAlarmExpression') throw notSupported(`${path}: the lab evaluates one condition per alarm; an AndAlarmExpression cannot be modelled.`);
  return { expr, path };
}

export interface MetricThresholds { counter: string; entityType: 'host' | 'vm'; yellow: number; red: number; durationS: number }

/** A MetricAlarmExpression's counter, object type, thresholds (in the counter's unit) and duration. */
export function readMetricThresholds(expr: Arg, path: string, catalog: PerfCatalog): MetricThresholds {
  const op = expr.needStr('operator').trim();
  if (op === 'isBelow') throw notSupported(`${path}.operator: the lab's metric alarms trigger above a threshold (isAbove), not below it.`);
  if (op !== 'isAbove') throw invalidArgument(`${path}.operator: "${op.slice(0, 40)}" is not a MetricAlarmOperator`, `${path}.operator`);
  const entityType = objectType(expr, path);
  const metric = expr.need('metric');
  const counterId = metric.need('counterId').asInt();
  const c = catalog.byKey(counterId);
  if (!c) throw invalidArgument(`${path}.metric.counterId: ${counterId} is no counter of PerformanceManager.perfCounter`, `${path}.metric.counterId`);
  const instance = metric.str('instance') ?? '';
  if (instance !== '' && instance !== '*') throw notSupported(`${path}.metric.instance: the lab counts whole objects only (instance ""), not "${instance.slice(0, 40)}".`);
  const yellow = expr.int('yellow');
  const red = expr.int('red');
  if (yellow === undefined) throw notSupported(`${path}.yellow: the lab's metric alarms have both a warning (yellow) and a critical (red) threshold; give yellow.`);
  if (red === undefined) throw notSupported(`${path}.red: the lab's metric alarms have both a warning (yellow) and a critical (red) threshold; give red.`);
  const yi = expr.int('yellowInterval', 0, 86_400);
  const ri = expr.int('redInterval', 0, 86_400);
  if (yi !== undefined && ri !== undefined && yi !== ri) {
    throw notSupported(`${path}.redInterval: the lab's alarms have one duration for both thresholds (yellowInterval ${yi} s, redInterval ${ri} s).`);
  }
  if (yellow >= red) throw invalidArgument(`${path}.yellow: the yellow threshold (${yellow}) must be below the red one (${red}).`, `${path}.yellow`);
  return { counter: c.name, entityType, yellow, red, durationS: yi ?? ri ?? 0 };
}

function readState(expr: Arg, path: string, entityType: 'host' | 'vm'): AlarmStateCondition {
  const op = expr.needStr('operator').trim();
  if (op !== 'isEqual' && op !== 'isUnequal') throw invalidArgument(`${path}.operator: "${op.slice(0, 40)}" is not a StateAlarmOperator`, `${path}.operator`);
  const statePath = expr.needStr('statePath').trim();
  const values = (ALARM_STATE_CONDITIONS[entityType] as Record<string, readonly string[]>)[statePath];
  if (!values) {
    throw notSupported(`${path}.statePath: the lab's state alarms on ${entityType === 'vm' ? 'virtual machines' : 'hosts'} watch ${Object.keys(ALARM_STATE_CONDITIONS[entityType]).join(' or ')}, not ${statePath.slice(0, 80)}.`);
  }
  const out: AlarmStateCondition = { path: statePath as AlarmStatePath, operator: op };
  for (const f of ['yellow', 'red'] as const) {
    const v = expr.str(f)?.trim();
    if (v === undefined || v === '') continue;
    if (!values.includes(v)) throw invalidArgument(`${path}.${f}: ${statePath} is one of ${values.join(', ')}, never "${v.slice(0, 40)}"`, `${path}.${f}`);
    out[f] = v as AlarmStateValue;
  }
  if (out.yellow === undefined && out.red === undefined) throw invalidArgument(`${path}.red: give the state that turns the alarm red, yellow, or both`, `${path}.red`);
  return out;
}

/** An AlarmSpec in the lab's terms; throws InvalidArgument / NotSupported naming the property (see the header). */
export function readAlarmSpec(spec: Arg, catalog: PerfCatalog): AlarmSpecRead {
  // Properties are named from the argument, as vCenter names them (`spec.expression.yellow`).
  const p = 'spec';
  const name = spec.needStr('name').trim();
  if (name === '' || name.length > 80) throw invalidArgument(`${p}.name: an alarm's name has 1 to 80 characters`, `${p}.name`);
  const description = spec.str('description') ?? '';
  if (description.length > 512) throw invalidArgument(`${p}.description: at most 512 characters`, `${p}.description`);
  if (spec.child('action')) throw notSupported(`${p}.action: the lab has no alarm actions (e-mail, SNMP traps, scripts); create the alarm without them.`);
  const setting = spec.child('setting');
  for (const f of ['toleranceRange', 'reportingFrequency'] as const) {
    const v = setting?.int(f);
    if (v !== undefined && v !== 0) throw notSupported(`${p}.setting.${f}: the lab reports every status change as it happens (${f} 0), so ${v} cannot be modelled.`);
  }
  const { expr, path } = unwrap(spec.need('expression'), `${p}.expression`);
  const base = { name, description, enabled: spec.bool('enabled') ?? true };
  switch (expr.type) {
    case 'MetricAlarmExpression': {
      const m = readMetricThresholds(expr, path, catalog);
      if (!(ALARM_METRIC_COUNTERS as readonly string[]).includes(m.counter)) {
        throw notSupported(`${path}.metric: the lab raises its users' metric alarms on ${ALARM_METRIC_COUNTERS.join(' and ')}, not on ${m.counter}.`);
      }
      return {
        ...base, entityType: m.entityType, counter: m.counter as AlarmMetricCounter,
        warning: percentOf(m.yellow, `${path}.yellow`), critical: percentOf(m.red, `${path}.red`), durationS: m.durationS,
      };
    }
    case 'StateAlarmExpression': {
      const entityType = objectType(expr, path);
      return { ...base, entityType, state: readState(expr, path, entityType) };
    }
    case undefined:
      throw invalidArgument(`${path}: the expression needs its xsi:type (MetricAlarmExpression or StateAlarmExpression)`, path);
    default:
      throw notSupported(`${path}: the lab models metric and state alarms (MetricAlarmExpression, StateAlarmExpression), not ${expr.type}.`);
  }
}

type Leaves = string | { type?: string; fields: Record<string, Leaves[]> };

function sentLeaves(a: Arg, withType: boolean): Leaves {
  if (a.el.children.length === 0) return a.el.text.trim();
  const fields: Record<string, Leaves[]> = {};
  for (const c of a.el.children) (fields[c.name] ??= []).push(sentLeaves(new Arg(c, `${a.path}.${c.name}`), withType));
  return { ...(withType && a.type ? { type: a.type } : {}), fields };
}

function servedLeaves(v: VimValue, withType: boolean): Leaves {
  switch (v.k) {
    case 'prim': return v.text;
    case 'enum': return v.value;
    case 'ref': return v.id;
    case 'data': {
      const fields: Record<string, Leaves[]> = {};
      for (const [name, f] of Object.entries(v.fields)) {
        if (f === undefined) continue;
        const items = Array.isArray(f) ? f : f.k === 'array' ? f.items : [f];
        if (items.length) fields[name] = items.map((x) => servedLeaves(x, withType));
      }
      return { ...(withType ? { type: v.type } : {}), fields };
    }
    default: return '';
  }
}

/** Drops the types the client left out (it sends xsi:type only where the declared type differs). */
function like(sent: Leaves, served: Leaves): boolean {
  if (typeof sent === 'string' || typeof served === 'string') return sent === served;
  if (sent.type !== undefined && sent.type !== served.type) return false;
  const names = Object.keys(sent.fields);
  if (names.length !== Object.keys(served.fields).length) return false;
  return names.every((n) => {
    const a = sent.fields[n];
    const b = served.fields[n];
    return b !== undefined && a.length === b.length && a.every((x, i) => like(x, b[i]));
  });
}

export function sameExpression(sent: Arg, served: VimValue): boolean {
  return like(sentLeaves(sent, true), servedLeaves(served, true));
}
