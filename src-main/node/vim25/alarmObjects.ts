/**
 * vSphere's Alarm objects for the lab's alarm definitions, so that an AlarmState's `alarm` reference
 * (`alarm-<key>`, e.g. `alarm-hostCpuUsage`) can be read further: `Alarm.info` (AlarmInfo: name,
 * description, enabled, the trigger as vSphere's AlarmExpression, where it is defined) — and the
 * AlarmState values `triggeredAlarmState` and `AlarmManager.GetAlarmState` answer.
 *
 * - `alarmIdOf(key)`, `alarmKeyOf(id)` (undefined when `id` cannot name a definition of the lab: a
 *   built-in key or a user's `custom-N`; whether that one exists is the lab's to say).
 * - `METRIC_OF`: the built-in metric definitions' counters and threshold units; `expression(d, catalog)`.
 * - `alarmObject(id, ctx, catalog)` → ManagedObject | undefined.
 * - `alarmState(triggered, ctx, entityType)` → AlarmState.
 *
 * The expressions are vSphere's forms of the lab's conditions: a metric condition is a
 * MetricAlarmExpression (`isAbove`, thresholds in the counter's own unit — hundredths of a percent for
 * percentages — and `yellowInterval`/`redInterval` = the definition's duration); a state condition a
 * StateAlarmExpression on the host's runtime state, combined as vSphere's defaults are. Two conditions
 * are no counter of the lab: CPU ready is read from `cpu.ready.summation` (milliseconds per 20 s
 * sample), so its thresholds are given for one vCPU (the lab divides by the VM's vCPUs); datastore usage
 * compares provisioned space with capacity, so its expression is an empty OrAlarmExpression and its
 * thresholds are in the description. A user's definition (CreateAlarm) is served as it was made: its
 * MetricAlarmExpression or StateAlarmExpression, its own description.
 */
import type { AlarmDefinitionDto, AlarmKey, TriggeredAlarmDto } from '@shared/model/alarms';
import { ALARM_KEY_RULE } from '@shared/model/alarms';
import type { VimValue } from './vimValues';
import { arr, bool, data, dateTime, en, int, ref, str } from './vimValues';
import type { ManagedObject } from './managedTypes';
import { tableObject } from './managedTypes';
import type { EntityContext } from './entityContext';
import type { PerfCatalog } from './perfCatalog';
import { ROOT_FOLDER_ID } from './inventoryModel';

/** Seconds per real-time sample (the interval `cpu.ready.summation` sums over). */
const REALTIME_S = 20;

const VIM_TYPE: Record<AlarmDefinitionDto['entityType'], string> = { host: 'HostSystem', vm: 'VirtualMachine', datastore: 'Datastore' };

/** The counter each metric condition compares, and how a threshold in percent becomes the counter's unit. */
export const METRIC_OF: Partial<Record<AlarmKey, { counter: string; threshold: (percent: number) => number; percent: (threshold: number) => number }>> = {
  hostCpuUsage: { counter: 'cpu.usage.average', threshold: (p) => p * 100, percent: (t) => t / 100 },
  hostMemoryUsage: { counter: 'mem.usage.average', threshold: (p) => p * 100, percent: (t) => t / 100 },
  vmCpuUsage: { counter: 'cpu.usage.average', threshold: (p) => p * 100, percent: (t) => t / 100 },
  vmMemoryUsage: { counter: 'mem.usage.average', threshold: (p) => p * 100, percent: (t) => t / 100 },
  vmCpuReady: { counter: 'cpu.ready.summation', threshold: (p) => (p / 100) * REALTIME_S * 1000, percent: (t) => (t / (REALTIME_S * 1000)) * 100 },
};

export const alarmIdOf = (key: AlarmKey): string => `alarm-${key}`;

export function alarmKeyOf(id: string): AlarmKey | undefined {
  const key = id.startsWith('alarm-') ? id.slice('alarm-'.length) : '';
  return ALARM_KEY_RULE.test(key) ? key as AlarmKey : undefined;
}

const stateExpression = (operator: 'isEqual' | 'isUnequal', statePath: string, red: string): VimValue =>
  data('StateAlarmExpression', { operator: en('StateAlarmOperator', operator), type: str('HostSystem'), statePath: str(statePath), red: str(red) });

function customExpression(d: AlarmDefinitionDto, catalog: PerfCatalog): VimValue {
  const type = str(VIM_TYPE[d.entityType]);
  if (d.state) {
    return data('StateAlarmExpression', {
      operator: en('StateAlarmOperator', d.state.operator), type, statePath: str(d.state.path),
      yellow: d.state.yellow === undefined ? undefined : str(d.state.yellow), red: d.state.red === undefined ? undefined : str(d.state.red),
    });
  }
  const counter = d.counter && catalog.byName(d.counter);
  if (!counter || !d.metric) return data('OrAlarmExpression', { expression: arr('AlarmExpression', []) });
  return data('MetricAlarmExpression', {
    operator: en('MetricAlarmOperator', 'isAbove'), type,
    metric: data('PerfMetricId', { counterId: int(catalog.key(counter)), instance: str('') }),
    yellow: int(d.metric.warning * 100), yellowInterval: int(d.metric.durationS),
    red: int(d.metric.critical * 100), redInterval: int(d.metric.durationS),
  });
}

/** vSphere's AlarmExpression of a definition (served as `Alarm.info.expression`). */
export function expression(d: AlarmDefinitionDto, catalog: PerfCatalog): VimValue {
  if (d.custom) return customExpression(d, catalog);
  if (d.key === 'hostConnectionPowerState') {
    // vSphere's "Host connection and power state": not responding, and not in standby.
    return data('AndAlarmExpression', { expression: arr('AlarmExpression', [
      stateExpression('isEqual', 'runtime.connectionState', 'notResponding'),
      stateExpression('isUnequal', 'runtime.powerState', 'standBy'),
    ]) });
  }
  if (d.key === 'haHostStatus') {
    // The host's HA state as vSphere reports it: failed, or isolated from the network.
    return data('OrAlarmExpression', { expression: arr('AlarmExpression', [
      stateExpression('isEqual', 'runtime.dasHostState.state', 'hostDown'),
      stateExpression('isEqual', 'runtime.dasHostState.state', 'networkIsolated'),
    ]) });
  }
  const m = METRIC_OF[d.key];
  const counter = m && catalog.byName(m.counter);
  if (!m || !counter || !d.metric) return data('OrAlarmExpression', { expression: arr('AlarmExpression', []) });
  return data('MetricAlarmExpression', {
    operator: en('MetricAlarmOperator', 'isAbove'),
    type: str(VIM_TYPE[d.entityType]),
    metric: data('PerfMetricId', { counterId: int(catalog.key(counter)), instance: str('') }),
    yellow: int(m.threshold(d.metric.warning)),
    yellowInterval: int(d.metric.durationS),
    red: int(m.threshold(d.metric.critical)),
    redInterval: int(d.metric.durationS),
  });
}

function description(d: AlarmDefinitionDto): string {
  if (d.custom) return d.description;
  if (d.condition === 'state') return `${d.description}. Red when: ${d.stateText ?? ''}`;
  const m = d.metric!;
  const per = d.key === 'vmCpuReady' ? ' (thresholds in the expression: milliseconds of ready time per 20 s sample for one vCPU)' : '';
  return `${d.description}: warning above ${m.warning} %, critical above ${m.critical} %${m.durationS ? ` for ${m.durationS} s` : ''}${per}`;
}

function alarmInfo(d: AlarmDefinitionDto, catalog: PerfCatalog, ctx: EntityContext): VimValue {
  const id = alarmIdOf(d.key);
  return data('AlarmInfo', {
    name: str(d.name),
    description: str(description(d)),
    enabled: bool(d.enabled),
    expression: expression(d, catalog),
    setting: data('AlarmSetting', { toleranceRange: int(0), reportingFrequency: int(0) }),
    key: str(id),
    alarm: ref('Alarm', id),
    entity: ref('Folder', ROOT_FOLDER_ID),
    // The lab's definitions exist from the lab's start; it does not record who last edited one.
    lastModifiedTime: dateTime(ctx.mirror.toDateMs(0)),
    lastModifiedUser: str(''),
    creationEventId: int(0),
  });
}

export async function alarmObject(id: string, ctx: EntityContext, catalog: PerfCatalog): Promise<ManagedObject | undefined> {
  const key = alarmKeyOf(id);
  if (!key) return undefined;
  // A definition the lab has no more (a removed one of the user's) is not found.
  const d = (await ctx.mirror.alarmDefinitions()).find((x) => x.key === key);
  if (!d) return undefined;
  return tableObject('Alarm', id, {
    info: () => alarmInfo(d, catalog, ctx),
    value: () => arr('CustomFieldValue', []),
    availableField: () => arr('CustomFieldDef', []),
  }, `alarm|${ctx.mirror.alarmGen}`);
}

/** vSphere's AlarmState of one triggered alarm; `alarm` names the Alarm object of its definition. */
export function alarmState(a: TriggeredAlarmDto, ctx: EntityContext, entityType: string): VimValue {
  return data('AlarmState', {
    key: str(`${alarmIdOf(a.alarmKey)}.${a.entityId}`),
    entity: ref(entityType, a.entityId),
    alarm: ref('Alarm', alarmIdOf(a.alarmKey)),
    overallStatus: en('ManagedEntityStatus', a.status),
    time: dateTime(ctx.mirror.toDateMs(a.timeMs)),
    acknowledged: bool(a.acknowledged),
    ...(a.acknowledgedBy !== undefined ? { acknowledgedByUser: str(a.acknowledgedBy) } : {}),
    ...(a.acknowledgedAtMs !== undefined ? { acknowledgedTime: dateTime(ctx.mirror.toDateMs(a.acknowledgedAtMs)) } : {}),
  });
}
