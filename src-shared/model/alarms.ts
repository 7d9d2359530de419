/**
 * Alarms as the contract carries them (vSphere's AlarmManager / `triggeredAlarmState`): definitions with
 * warning and critical conditions, and the alarms triggered on inventory objects.
 *
 * - `ALARM_KEYS`: the lab's alarm definitions (vSphere's default set and the lab's additions), by key.
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
export type AlarmKey = (typeof ALARM_KEYS)[number];

/** The kinds of object an alarm definition watches. */
export type AlarmEntityType = 'host' | 'vm' | 'datastore';

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
