/**
 * AlarmManager methods: GetAlarm (the Alarm objects defined on an entity: the lab's definitions are all
 * defined on the vCenter Server, i.e. the root folder, as vSphere's default alarms are), GetAlarmState
 * (an entity's triggered alarms, as its `triggeredAlarmState`), AcknowledgeAlarm (the lab's
 * acknowledgement, by the session's user) and AreAlarmActionsEnabled (always true: the lab has no
 * alarm actions to disable).
 */
import { arr, bool, ref } from '../vimValues';
import { invalidArgument, managedObjectNotFound } from '../faults';
import { alarmIdOf, alarmKeyOf, alarmState } from '../alarmObjects';
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

export const ALARM_METHODS: MethodTable = {
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
