/**
 * AlarmManager methods: GetAlarm (the Alarm objects defined on an entity: the lab's definitions are all
 * defined on the vCenter Server, i.e. the root folder, as vSphere's default alarms are), GetAlarmState
 * (an entity's triggered alarms, as its `triggeredAlarmState`), AcknowledgeAlarm (the lab's
 * acknowledgement, by the session's user) and AreAlarmActionsEnabled (always true: the lab has no
 * alarm actions to disable); CreateAlarm, and on an Alarm ReconfigureAlarm and RemoveAlarm.
 *
 * CreateAlarm makes a definition of the user's (`alarm.createDefinition`, `alarm-custom-N`) from an
 * AlarmSpec the lab can model (alarmSpec.ts), defined on the root folder (the lab's definitions apply to
 * every host or VM; another entity is NotSupported). ReconfigureAlarm of a user's definition changes its
 * name, description, enabled, thresholds and duration (what it watches stays: NotSupported otherwise);
 * of a built-in metric definition its enabled, thresholds and duration (its name stays); of the built-in
 * state and datastore definitions only enabled (their expression sent back as served). RemoveAlarm removes a user's
 * definition; the built-in ones are NotSupported (disable them instead). A taken name is DuplicateName.
 */
import { ApiException } from '@shared/api/errors';
import type { AlarmDefinitionDto, AlarmKey } from '@shared/model/alarms';
import { isBuiltinAlarmKey } from '@shared/model/alarms';
import { arr, bool, ref, str } from '../vimValues';
import { faultFromApiError, invalidArgument, managedObjectNotFound, notSupported, VimFault } from '../faults';
import { METRIC_OF, alarmIdOf, alarmKeyOf, alarmState, expression } from '../alarmObjects';
import { readAlarmSpec, readMetricThresholds, sameExpression } from '../alarmSpec';
import type { AlarmSpecRead } from '../alarmSpec';
import type { Call, MethodTable } from './methodTable';
import { runCommand } from './methodTable';
import { ROOT_FOLDER_ID } from '../inventoryModel';
import type { EntityNode } from '../inventoryModel';

function entityArg(c: Call, name: string): EntityNode {
  const e = c.args.needRef(name);
  const node = c.world.model.node(e.id);
  if (!node) throw managedObjectNotFound(e.type, e.id);
  return node;
}

/** The AlarmSpec property each command parameter came from (a refusal names what the client sent). */
const SPEC_FIELD: Record<string, string> = {
  'params.name': 'spec.name', 'params.description': 'spec.description', 'params.enabled': 'spec.enabled',
  'params.warning': 'spec.expression.yellow', 'params.critical': 'spec.expression.red', 'params.durationS': 'spec.expression.yellowInterval',
  'params.state.red': 'spec.expression.red', 'params.state.yellow': 'spec.expression.yellow', 'params.state.path': 'spec.expression.statePath',
};

/** An alarm command; the lab's refusal as vSphere's fault naming the AlarmSpec's property, a taken name as DuplicateName. */
async function alarmCommand<T>(c: Call, name: string, params: Record<string, unknown>, spec?: AlarmSpecRead): Promise<T> {
  try {
    const r = await c.svc.link.request<T>(name, params, c.session?.userName);
    c.svc.mirror.alarmsChanged();
    return r;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const err = e.error;
    if (err.code === 'E_DUPLICATE_NAME') throw new VimFault('DuplicateName', err.message, { name: spec ? str(spec.name) : undefined, object: ref(c.self.type, c.self.id) });
    throw faultFromApiError({ ...err, field: err.field && (SPEC_FIELD[err.field] ?? err.field) }, { thisType: c.self.type, thisId: c.self.id });
  }
}

async function definitionOf(c: Call): Promise<AlarmDefinitionDto> {
  const key = alarmKeyOf(c.self.id);
  const d = key && (await c.svc.mirror.alarmDefinitions()).find((x) => x.key === key);
  if (!d) throw managedObjectNotFound(c.self.type, c.self.id);
  return d;
}

function sameWatch(d: AlarmDefinitionDto, s: AlarmSpecRead): boolean {
  if (d.entityType !== s.entityType || d.counter !== s.counter) return false;
  if (!d.state || !s.state) return !d.state && !s.state;
  return d.state.path === s.state.path && d.state.operator === s.state.operator && d.state.yellow === s.state.yellow && d.state.red === s.state.red;
}

/** ReconfigureAlarm of a built-in definition: a metric one's enabled, thresholds and duration; its name and what it watches stay. */
async function reconfigureBuiltin(c: Call, d: AlarmDefinitionDto & { key: AlarmKey }): Promise<void> {
  const spec = c.args.need('spec');
  const m = METRIC_OF[d.key];
  const name = spec.needStr('name').trim();
  if (name !== d.name) throw notSupported(`spec.name: '${d.name}' is one of the lab's built-in alarms; its name stays.`);
  if (spec.child('action')) throw notSupported('spec.action: the lab has no alarm actions (e-mail, SNMP traps, scripts).');
  if (!m || !d.metric || d.key === 'datastoreUsage') {
    // A state alarm (or datastore usage, whose thresholds are no counter's): only `enabled` can change, so the expression must be the one served.
    if (!sameExpression(spec.need('expression'), expression(d, c.svc.catalog))) {
      throw notSupported(`spec.expression: '${d.name}' is one of the lab's built-in alarms; its expression stays (send the one Alarm.info gives, changing only enabled).`);
    }
    await alarmCommand(c, 'alarm.updateDefinition', { alarmKey: d.key, enabled: spec.bool('enabled') ?? true });
    return;
  }
  let expr = spec.need('expression');
  let path = 'spec.expression';
  if (expr.type === 'OrAlarmExpression' && expr.children('expression').length === 1) { expr = expr.children('expression')[0]; path += '.expression'; }
  if (expr.type !== 'MetricAlarmExpression') throw notSupported(`${path}: '${d.name}' watches a counter; give its MetricAlarmExpression.`);
  const t = readMetricThresholds(expr, path, c.svc.catalog);
  const watched = d.entityType === 'vm' ? 'vm' : 'host';
  if (t.counter !== m.counter || t.entityType !== watched) throw notSupported(`${path}.metric: '${d.name}' watches ${m.counter} of ${watched === 'vm' ? 'virtual machines' : 'hosts'}; what a built-in alarm watches stays.`);
  const round = (x: number) => Math.round(x * 100) / 100;
  const warning = round(m.percent(t.yellow));
  const critical = round(m.percent(t.red));
  for (const [v, f] of [[warning, 'yellow'], [critical, 'red']] as const) {
    if (v < 0 || v > 100) throw invalidArgument(`${path}.${f}: ${v} % is not a percentage`, `${path}.${f}`);
  }
  await alarmCommand(c, 'alarm.updateDefinition', { alarmKey: d.key, enabled: spec.bool('enabled') ?? true, warning, critical, durationS: t.durationS });
}

export const ALARM_METHODS: MethodTable = {
  CreateAlarm: {
    on: ['AlarmManager'],
    run: async (c) => {
      const e = c.args.needRef('entity');
      if (!c.world.model.node(e.id)) throw managedObjectNotFound(e.type, e.id);
      const spec = readAlarmSpec(c.args.need('spec'), c.svc.catalog);
      if (e.id !== ROOT_FOLDER_ID) {
        throw notSupported(`entity: the lab's alarm definitions are defined on the vCenter Server (the root folder, ${ROOT_FOLDER_ID}) and apply to every ${spec.entityType === 'vm' ? 'virtual machine' : 'host'}; create the alarm there.`);
      }
      const params: Record<string, unknown> = { name: spec.name, description: spec.description, entityType: spec.entityType, enabled: spec.enabled };
      if (spec.counter) Object.assign(params, { counter: spec.counter, warning: spec.warning, critical: spec.critical, durationS: spec.durationS });
      if (spec.state) params.state = spec.state;
      const r = await alarmCommand<{ alarmKey: AlarmKey }>(c, 'alarm.createDefinition', params, spec);
      return ref('Alarm', alarmIdOf(r.alarmKey));
    },
  },
  ReconfigureAlarm: {
    on: ['Alarm'],
    run: async (c) => {
      const d = await definitionOf(c);
      if (!d.custom) { await reconfigureBuiltin(c, d); return undefined; }
      const spec = readAlarmSpec(c.args.need('spec'), c.svc.catalog);
      if (!sameWatch(d, spec)) throw notSupported(`spec.expression: what an alarm watches (its counter or state and its object type) stays; remove '${d.name}' and create a new alarm instead.`);
      const change: Record<string, unknown> = { alarmKey: d.key, name: spec.name, description: spec.description, enabled: spec.enabled };
      if (spec.counter) Object.assign(change, { warning: spec.warning, critical: spec.critical, durationS: spec.durationS });
      await alarmCommand(c, 'alarm.updateDefinition', change, spec);
      return undefined;
    },
  },
  RemoveAlarm: {
    on: ['Alarm'],
    run: async (c) => {
      const d = await definitionOf(c);
      if (isBuiltinAlarmKey(d.key)) throw notSupported(`'${d.name}' is one of the lab's built-in alarms: it can be disabled (ReconfigureAlarm with enabled false, or in the client), not removed.`);
      await alarmCommand(c, 'alarm.removeDefinition', { alarmKey: d.key });
      return undefined;
    },
  },
  GetAlarm: {
    on: ['AlarmManager'],
    run: async (c) => {
      const e = c.args.ref('entity');
      if (e && !c.world.model.node(e.id)) throw managedObjectNotFound(e.type, e.id);
      if (e && e.id !== ROOT_FOLDER_ID) return arr('ManagedObjectReference', []);
      const defs = await c.svc.mirror.alarmDefinitions();
      return arr('ManagedObjectReference', defs.map((d) => ref('Alarm', alarmIdOf(d.key))));
    },
  },
  GetAlarmState: {
    on: ['AlarmManager'],
    run: async (c) => {
      const node = entityArg(c, 'entity');
      const all = await c.svc.mirror.triggeredAlarms();
      return arr('AlarmState', all.filter((a) => a.entityId === node.id).map((a) => alarmState(a, c.world.ctx, node.type)));
    },
  },
  AcknowledgeAlarm: {
    on: ['AlarmManager'],
    run: async (c) => {
      const alarm = c.args.needRef('alarm');
      const key = alarmKeyOf(alarm.id);
      if (alarm.type !== 'Alarm' || !key) throw managedObjectNotFound(alarm.type, alarm.id);
      const node = entityArg(c, 'entity');
      if (!node.vm && !node.host && !node.datastore) throw invalidArgument(`${node.type} ${node.id} has no alarms of its own`, 'entity');
      await runCommand(c, 'alarm.acknowledge', { alarmKey: key, entityId: node.id });
      return undefined;
    },
  },
  AreAlarmActionsEnabled: {
    on: ['AlarmManager'],
    run: async (c) => {
      entityArg(c, 'entity');
      return bool(true);
    },
  },
};
