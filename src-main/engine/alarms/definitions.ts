/**
 * definitions — the lab's alarm definitions: vSphere's default alarms that the lab can evaluate, and one
 * addition (VM CPU ready), each with what it watches and its default thresholds.
 *
 * - `ALARM_DEFINITIONS`: key → `AlarmDefinition` (name, object type, condition, default settings).
 * - `AlarmSettings`: the editable part (enabled, warning, critical, duration), saved with the lab.
 * - `customDefinition(spec)`: the definition of a user's alarm (`CustomAlarmSpec`: what `alarm.createDefinition`
 *   made — a counter of `ALARM_METRIC_COUNTERS`, or a state of `ALARM_STATE_CONDITIONS`), saved with the lab.
 *
 * Thresholds are vSphere 6.x/7.x's defaults as its client shows them (Host CPU usage 75 % / 90 % for
 * 5 min; Host memory usage 90 % / 95 % for 5 min; Virtual machine CPU usage 75 % / 90 % for 5 min;
 * Virtual machine memory usage 85 % / 95 % for 5 min; Datastore usage on disk 75 % / 85 %, no duration).
 * VM CPU ready is not a vSphere default; its thresholds (5 % / 10 % of the interval per vCPU, 5 min) are
 * the common sizing guidance. Rule: a metric's value is read from the collector's latest real-time
 * sample (a 20 s average), never computed anew here.
 */
import type { AlarmDefinitionDto, AlarmEntityType, AlarmKey, AlarmMetricCounter, AlarmStateCondition, BuiltinAlarmKey, CustomAlarmKey } from '@shared/model/alarms';
import { ALARM_KEYS } from '@shared/model/alarms';

export interface AlarmSettings {
  enabled: boolean;
  warning?: number;
  critical?: number;
  durationS?: number;
}

/** The value of a metric condition from an object's latest sample (and, for VMs, its vCPU count); undefined = no value. */
export type MetricReader = (values: Record<string, number>, vcpus: number) => number | undefined;

export interface AlarmDefinition {
  key: AlarmKey;
  name: string;
  description: string;
  entityType: AlarmEntityType;
  condition: 'metric' | 'state';
  /** Metric conditions: the label in messages and the reader (datastore usage is read from capacity, not a sample). */
  metricLabel?: string;
  read?: MetricReader;
  stateText?: string;
  defaults: Required<AlarmSettings> | { enabled: boolean };
  /** A user's definition: the counter or state it watches. */
  custom?: { counter?: AlarmMetricCounter; state?: AlarmStateCondition };
}

/** A user's definition as saved: its identity and what it watches (its settings are saved beside the built-ins'). */
export interface CustomAlarmSpec {
  key: CustomAlarmKey;
  name: string;
  description: string;
  entityType: 'host' | 'vm';
  counter?: AlarmMetricCounter;
  state?: AlarmStateCondition;
}

const COUNTER_LABEL: Record<AlarmMetricCounter, string> = { 'cpu.usage.average': 'CPU usage', 'mem.usage.average': 'Memory usage' };

/** The state condition in words ("runtime.powerState is poweredOff"). */
export function stateConditionText(c: AlarmStateCondition): string {
  const is = c.operator === 'isEqual' ? 'is' : 'is not';
  return [c.red !== undefined ? `red when ${c.path} ${is} ${c.red}` : '', c.yellow !== undefined ? `yellow when ${c.path} ${is} ${c.yellow}` : ''].filter(Boolean).join('; ');
}

export function customDefinition(spec: CustomAlarmSpec): AlarmDefinition {
  const counter = spec.counter;
  return {
    key: spec.key, name: spec.name, description: spec.description, entityType: spec.entityType,
    condition: counter ? 'metric' : 'state',
    ...(counter ? { metricLabel: COUNTER_LABEL[counter], read: (v: Record<string, number>) => v[counter] } : { stateText: stateConditionText(spec.state!) }),
    defaults: counter ? { enabled: true, warning: 0, critical: 0, durationS: 0 } : { enabled: true },
    custom: { ...(counter ? { counter } : {}), ...(spec.state ? { state: { ...spec.state } } : {}) },
  };
}

const REALTIME_S = 20;

export const ALARM_DEFINITIONS: Record<BuiltinAlarmKey, AlarmDefinition> = {
  hostCpuUsage: {
    key: 'hostCpuUsage', name: 'Host CPU usage', entityType: 'host', condition: 'metric',
    description: 'Monitors host CPU usage (cpu.usage.average)', metricLabel: 'CPU usage',
    read: (v) => v['cpu.usage.average'],
    defaults: { enabled: true, warning: 75, critical: 90, durationS: 300 },
  },
  hostMemoryUsage: {
    key: 'hostMemoryUsage', name: 'Host memory usage', entityType: 'host', condition: 'metric',
    description: 'Monitors host memory usage (mem.usage.average: consumed ÷ physical memory)', metricLabel: 'Memory usage',
    read: (v) => v['mem.usage.average'],
    defaults: { enabled: true, warning: 90, critical: 95, durationS: 300 },
  },
  vmCpuUsage: {
    key: 'vmCpuUsage', name: 'Virtual machine CPU usage', entityType: 'vm', condition: 'metric',
    description: 'Monitors virtual machine CPU usage (cpu.usage.average)', metricLabel: 'CPU usage',
    read: (v) => v['cpu.usage.average'],
    defaults: { enabled: true, warning: 75, critical: 90, durationS: 300 },
  },
  vmMemoryUsage: {
    key: 'vmMemoryUsage', name: 'Virtual machine memory usage', entityType: 'vm', condition: 'metric',
    description: 'Monitors virtual machine memory usage (mem.usage.average: active ÷ configured memory)', metricLabel: 'Memory usage',
    read: (v) => v['mem.usage.average'],
    defaults: { enabled: true, warning: 85, critical: 95, durationS: 300 },
  },
  vmCpuReady: {
    key: 'vmCpuReady', name: 'Virtual machine CPU ready', entityType: 'vm', condition: 'metric',
    description: 'Monitors the time the VM\'s vCPUs were ready but not scheduled (cpu.ready.summation), as a percentage of the interval per vCPU',
    metricLabel: 'CPU ready',
    read: (v, vcpus) => (v['cpu.ready.summation'] === undefined ? undefined : (v['cpu.ready.summation'] / (REALTIME_S * 1000 * Math.max(1, vcpus))) * 100),
    defaults: { enabled: true, warning: 5, critical: 10, durationS: 300 },
  },
  datastoreUsage: {
    key: 'datastoreUsage', name: 'Datastore usage on disk', entityType: 'datastore', condition: 'metric',
    description: 'Monitors datastore disk usage (provisioned ÷ capacity)', metricLabel: 'Disk usage',
    defaults: { enabled: true, warning: 75, critical: 85, durationS: 0 },
  },
  hostConnectionPowerState: {
    key: 'hostConnectionPowerState', name: 'Host connection and power state', entityType: 'host', condition: 'state',
    description: 'Monitors host connection and power state', stateText: 'Host connection state is Not responding and power state is not Standby',
    defaults: { enabled: true },
  },
  haHostStatus: {
    key: 'haHostStatus', name: 'vSphere HA host status', entityType: 'host', condition: 'state',
    description: 'Monitors the host health status reported by vSphere HA', stateText: 'vSphere HA declared the host failed or isolated',
    defaults: { enabled: true },
  },
};

/** The DTO of a definition with its current settings. */
export function definitionDto(d: AlarmDefinition, st: AlarmSettings): AlarmDefinitionDto {
  const dto: AlarmDefinitionDto = {
    key: d.key, name: d.name, description: d.description, entityType: d.entityType, condition: d.condition,
    definedIn: 'vCenter Server (the lab)', enabled: st.enabled,
  };
  if (d.condition === 'metric') {
    dto.metric = { label: d.metricLabel ?? d.name, unit: '%', warning: st.warning ?? 0, critical: st.critical ?? 0, durationS: st.durationS ?? 0 };
  } else {
    dto.stateText = d.stateText;
  }
  if (d.custom) {
    dto.custom = true;
    if (d.custom.counter) dto.counter = d.custom.counter;
    if (d.custom.state) dto.state = { ...d.custom.state };
  }
  return dto;
}

export function defaultSettings(): Map<AlarmKey, AlarmSettings> {
  return new Map(ALARM_KEYS.map((k) => [k, { ...ALARM_DEFINITIONS[k].defaults }]));
}
