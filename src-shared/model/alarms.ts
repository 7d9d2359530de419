/**
 * Alarms as the contract carries them (vSphere's AlarmManager / `triggeredAlarmState`): definitions with
 * warning and critical conditions, and the alarms triggered on inventory objects.
 *
 * - `ALARM_KEYS`: the lab's built-in alarm definitions (vSphere's default set and the lab's additions), by
 *   key; `CustomAlarmKey` (`custom-N`): definitions made by users (`alarm.createDefinition`, vSphere's
 *   CreateAlarm), `AlarmKey` either.
 * - `ALARM_METRIC_COUNTERS`, `ALARM_STATE_CONDITIONS`: what a user's definition can watch — the counters the
 *   lab samples as percentages, and the runtime states it keeps (vSphere's state paths and values).
 * - `AlarmStatus`: green / yellow (warning) / red (critical), vSphere's `ManagedEntityStatus` less gray.
 * - `AlarmDefinitionDto`: one definition — what it watches, its thresholds and duration, whether enabled.
 * - `TriggeredAlarmDto`: one alarm in yellow or red on one object (Monitor › Issues and Alarms).
 *
 * Rule: a metric condition is "the value is above the threshold for at least `durationS`"; a state
 * condition has no thresholds to edit (it is red while the state holds). An object's `alarmStatus` in
 * the inventory is the worst of its triggered alarms (absent = green).
 */
import type { ManagedEntityId } from './ids';

export const ALARM_STATUSES = ['green', 'yellow', 'red'] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];

export const ALARM_KEYS = [
  'hostCpuUsage', 'hostMemoryUsage', 'vmCpuUsage', 'vmMemoryUsage', 'vmCpuReady', 'datastoreUsage',
  'hostConnectionPowerState', 'haHostStatus',
] as const;
export type BuiltinAlarmKey = (typeof ALARM_KEYS)[number];
export type CustomAlarmKey = `custom-${number}`;
export type AlarmKey = BuiltinAlarmKey | CustomAlarmKey;
/** A built-in key or `custom-N` (N from 1). */
export const ALARM_KEY_RULE = new RegExp(`^(${ALARM_KEYS.join('|')}|custom-[1-9][0-9]{0,5})$`);
export const isBuiltinAlarmKey = (k: string): k is BuiltinAlarmKey => (ALARM_KEYS as readonly string[]).includes(k);
/** At most this many user-defined alarm definitions per lab. */
export const CUSTOM_ALARMS_MAX = 64;

/** Counters a user's metric definition can compare (percentages of the real-time sample, vSphere's names). */
export const ALARM_METRIC_COUNTERS = ['cpu.usage.average', 'mem.usage.average'] as const;
export type AlarmMetricCounter = (typeof ALARM_METRIC_COUNTERS)[number];

/** States a user's state definition can watch, per object kind: vSphere's state path and its values. */
export const ALARM_STATE_CONDITIONS = {
  host: { 'runtime.powerState': ['poweredOn', 'poweredOff', 'standBy'], 'runtime.connectionState': ['connected', 'disconnected', 'notResponding'] },
  vm: { 'runtime.powerState': ['poweredOn', 'poweredOff', 'suspended'] },
} as const;
export const ALARM_STATE_PATHS = ['runtime.powerState', 'runtime.connectionState'] as const;
export type AlarmStatePath = (typeof ALARM_STATE_PATHS)[number];
export const ALARM_STATE_VALUES = ['poweredOn', 'poweredOff', 'suspended', 'standBy', 'connected', 'disconnected', 'notResponding'] as const;
export type AlarmStateValue = (typeof ALARM_STATE_VALUES)[number];

/**
 * A user's state condition, as vSphere's StateAlarmExpression: the object's state at `path` compared
 * (`isEqual` / `isUnequal`) with `yellow` and/or `red`; red wins when both hold.
 */
export interface AlarmStateCondition {
  path: AlarmStatePath;
  operator: 'isEqual' | 'isUnequal';
  yellow?: AlarmStateValue;
  red?: AlarmStateValue;
}

/** The kinds of object an alarm definition watches. */
export type AlarmEntityType = 'host' | 'vm' | 'datastore';
/** The kinds a user's definition can watch. */
export const CUSTOM_ALARM_ENTITY_TYPES = ['host', 'vm'] as const;

export interface AlarmDefinitionDto {
  key: AlarmKey;
  /** vSphere's name, e.g. "Host CPU usage". */
  name: string;
  description: string;
  entityType: AlarmEntityType;
  /** `metric`: a measured value above thresholds for a duration; `state`: red while a state holds. */
  condition: 'metric' | 'state';
  /** Where it is defined (vSphere's default alarms are defined on the vCenter Server and inherited). */
  definedIn: string;
  enabled: boolean;
  /** Metric conditions: what is compared, its unit, the two thresholds and the duration. */
  metric?: { label: string; unit: '%'; warning: number; critical: number; durationS: number };
  /** State conditions: the state that makes it red, in words. */
  stateText?: string;
  /** A user's definition (removable; name and description editable). */
  custom?: boolean;
  /** A user's metric definition: the counter compared with the thresholds. */
  counter?: AlarmMetricCounter;
  /** A user's state definition: the state compared. */
  state?: AlarmStateCondition;
}

export interface TriggeredAlarmDto {
  alarmKey: AlarmKey;
  alarmName: string;
  entityId: ManagedEntityId;
  entityName: string;
  entityType: AlarmEntityType;
  status: Exclude<AlarmStatus, 'green'>;
  /** When it last changed status (virtual ms). */
  timeMs: number;
  acknowledged: boolean;
  acknowledgedAtMs?: number;
  acknowledgedBy?: string;
  /** The value or state that triggered it, in words ("CPU usage 98.2 % for 5 min"). */
  detail: string;
}
