#!/usr/bin/env python3
"""Test script: reads the alarms through the AlarmManager as a vSphere script would — GetAlarm on the root
folder, each Alarm's info (name, description, enabled, the expression with its thresholds), an entity's
GetAlarmState, and the Alarm behind each AlarmState — and with --acknowledge ENTITY ALARM acknowledges one
(AlarmManager.AcknowledgeAlarm) first. Prints JSON (test/vim25/alarms.test.ts compares it with the lab).

Usage: alarm_info.py HOST USER PASSWORD [--port 443] [--json] [--entity MOID] [--acknowledge ENTITY ALARM]
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'examples'))
from pyVmomi import vim  # noqa: E402

from vsphere_session import session  # noqa: E402


def type_name(t):
    """pyvmomi reads an expression's `type` (vmodl.TypeName) as the class; its WSDL name is what the server sent."""
    return getattr(t, '_wsdlName', t)


def expression(e):
    out = {'type': type(e).__name__.split('.')[-1]}
    if isinstance(e, (vim.alarm.AndAlarmExpression, vim.alarm.OrAlarmExpression)):
        out['expression'] = [expression(x) for x in e.expression]
    elif isinstance(e, vim.alarm.MetricAlarmExpression):
        out.update({'operator': e.operator, 'objectType': type_name(e.type), 'counterId': e.metric.counterId,
                    'instance': e.metric.instance, 'yellow': e.yellow, 'yellowInterval': e.yellowInterval,
                    'red': e.red, 'redInterval': e.redInterval})
    elif isinstance(e, vim.alarm.StateAlarmExpression):
        out.update({'operator': e.operator, 'objectType': type_name(e.type), 'statePath': e.statePath,
                    'yellow': e.yellow, 'red': e.red})
    return out


def take(flag, count):
    """Removes `flag` and its `count` values from the command line (the shared session parser knows only its own)."""
    if flag not in sys.argv:
        return None
    i = sys.argv.index(flag)
    values = sys.argv[i + 1:i + 1 + count]
    del sys.argv[i:i + 1 + count]
    return values


ENTITY = (take('--entity', 1) or [None])[0]
ACKNOWLEDGE = take('--acknowledge', 2)

with session(__doc__) as (args, content):
    am = content.alarmManager
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem, vim.VirtualMachine], True)
    by_id = {e._moId: e for e in view.view}
    if ACKNOWLEDGE:
        entity = by_id[ACKNOWLEDGE[0]]
        alarm = next(a for a in am.GetAlarm(content.rootFolder) if a._moId == ACKNOWLEDGE[1])
        am.AcknowledgeAlarm(alarm, entity)
    out = {'alarms': {}, 'onVm': [a._moId for a in am.GetAlarm(next(iter(by_id.values())))]}
    counters = {c.key: f'{c.groupInfo.key}.{c.nameInfo.key}.{c.rollupType}' for c in content.perfManager.perfCounter}
    for a in am.GetAlarm(content.rootFolder):
        i = a.info
        out['alarms'][a._moId] = {'name': i.name, 'description': i.description, 'enabled': i.enabled, 'key': i.key,
                                  'alarm': i.alarm._moId, 'entity': i.entity._moId, 'expression': expression(i.expression)}
        ex = out['alarms'][a._moId]['expression']
        if 'counterId' in ex:
            ex['counter'] = counters.get(ex['counterId'])
    if ENTITY:
        states = am.GetAlarmState(by_id[ENTITY])
        out['states'] = [{'alarm': s.alarm._moId, 'alarmName': s.alarm.info.name, 'overallStatus': s.overallStatus,
                          'acknowledged': s.acknowledged, 'acknowledgedByUser': s.acknowledgedByUser}
                         for s in states]
        out['triggered'] = [s.alarm.info.name for s in by_id[ENTITY].triggeredAlarmState]
    view.Destroy()
    print(json.dumps(out, default=str))
