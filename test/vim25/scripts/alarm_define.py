#!/usr/bin/env python3
"""Test script: defines alarms through the AlarmManager as a vSphere script would, and prints JSON
(test/vim25/alarms.test.ts compares it with the lab). One action per run:

  --create NAME COUNTER YELLOW RED      CreateAlarm on the root folder: a VM MetricAlarmExpression on COUNTER
                                        (e.g. cpu.usage.average; thresholds in hundredths of a percent,
                                        intervals 0) wrapped in an OrAlarmExpression as vSphere's client does
  --state NAME STATE                    CreateAlarm: a VM StateAlarmExpression, red when runtime.powerState is STATE
  --read ALARM VM                       the Alarm's info and the VM's triggeredAlarmState
  --reconfigure ALARM NAME YELLOW RED   ReconfigureAlarm with a new name and thresholds
  --remove ALARM                        RemoveAlarm
  --toggle ALARM                        ReconfigureAlarm with the Alarm's own info, enabled flipped
  --refusals                            specs the lab cannot model: the fault type and message of each

Usage: alarm_define.py HOST USER PASSWORD [--port 443] [--json] ACTION ...
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'examples'))
from pyVmomi import vim  # noqa: E402

from vsphere_session import session  # noqa: E402

ACTIONS = {'--create': 4, '--state': 2, '--read': 2, '--reconfigure': 4, '--remove': 1, '--toggle': 1, '--refusals': 0}


def take_action():
    """Removes the action and its values from the command line (the shared session parser knows only its own)."""
    for flag, count in ACTIONS.items():
        if flag in sys.argv:
            i = sys.argv.index(flag)
            values = sys.argv[i + 1:i + 1 + count]
            del sys.argv[i:i + 1 + count]
            return flag, values
    sys.exit('give an action: ' + ', '.join(ACTIONS))


def counter_key(content, name):
    for c in content.perfManager.perfCounter:
        if f'{c.groupInfo.key}.{c.nameInfo.key}.{c.rollupType}' == name:
            return c.key
    raise SystemExit(f'no counter {name}')


def metric_spec(content, name, counter, yellow, red, description='made by a test'):
    metric = vim.alarm.MetricAlarmExpression(
        operator='isAbove', type=vim.VirtualMachine,
        metric=vim.PerformanceManager.MetricId(counterId=counter_key(content, counter), instance=''),
        yellow=int(yellow), yellowInterval=0, red=int(red), redInterval=0)
    return vim.alarm.AlarmSpec(name=name, description=description, enabled=True,
                               expression=vim.alarm.OrAlarmExpression(expression=[metric]),
                               setting=vim.alarm.AlarmSetting(toleranceRange=0, reportingFrequency=0))


def alarm_by_id(content, moid):
    return next(a for a in content.alarmManager.GetAlarm(content.rootFolder) if a._moId == moid)


def fault(call):
    try:
        call()
        return None
    except vim.fault.VimFault as e:
        return {'type': type(e).__name__.split('.')[-1], 'message': e.msg, 'invalidProperty': getattr(e, 'invalidProperty', None)}
    except Exception as e:  # pyvmomi raises vmodl faults (InvalidArgument, NotSupported) outside vim.fault
        return {'type': type(e).__name__.split('.')[-1], 'message': getattr(e, 'msg', str(e)), 'invalidProperty': getattr(e, 'invalidProperty', None)}


ACTION, VALUES = take_action()

with session(__doc__) as (args, content):
    am = content.alarmManager
    out = {}
    if ACTION == '--create':
        alarm = am.CreateAlarm(content.rootFolder, metric_spec(content, *VALUES))
        out = {'alarm': alarm._moId, 'listed': alarm._moId in [a._moId for a in am.GetAlarm(content.rootFolder)]}
    elif ACTION == '--state':
        state = vim.alarm.StateAlarmExpression(operator='isEqual', type=vim.VirtualMachine, statePath='runtime.powerState', red=VALUES[1])
        alarm = am.CreateAlarm(content.rootFolder, vim.alarm.AlarmSpec(name=VALUES[0], description='', enabled=True, expression=state))
        out = {'alarm': alarm._moId}
    elif ACTION == '--read':
        alarm = alarm_by_id(content, VALUES[0])
        i = alarm.info
        e = i.expression
        out = {'name': i.name, 'description': i.description, 'enabled': i.enabled, 'entity': i.entity._moId,
               'expressionType': type(e).__name__.split('.')[-1]}
        if isinstance(e, vim.alarm.MetricAlarmExpression):
            out.update({'counterId': e.metric.counterId, 'yellow': e.yellow, 'red': e.red, 'yellowInterval': e.yellowInterval})
        elif isinstance(e, vim.alarm.StateAlarmExpression):
            out.update({'statePath': e.statePath, 'operator': e.operator, 'red': e.red})
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        vm = next(v for v in view.view if v._moId == VALUES[1])
        out['triggered'] = [{'alarm': s.alarm._moId, 'overallStatus': s.overallStatus} for s in vm.triggeredAlarmState]
        out['overallStatus'] = vm.overallStatus
        view.Destroy()
    elif ACTION == '--reconfigure':
        alarm = alarm_by_id(content, VALUES[0])
        alarm.ReconfigureAlarm(metric_spec(content, VALUES[1], 'cpu.usage.average', VALUES[2], VALUES[3], description='reconfigured'))
        out = {'name': alarm.info.name, 'yellow': alarm.info.expression.yellow, 'red': alarm.info.expression.red}
    elif ACTION == '--remove':
        alarm = alarm_by_id(content, VALUES[0])
        alarm.RemoveAlarm()
        out = {'listed': VALUES[0] in [a._moId for a in am.GetAlarm(content.rootFolder)]}
    elif ACTION == '--toggle':
        alarm = alarm_by_id(content, VALUES[0])
        spec = alarm.info
        spec.enabled = not spec.enabled
        alarm.ReconfigureAlarm(spec)
        out = {'enabled': alarm.info.enabled}
    elif ACTION == '--refusals':
        root = content.rootFolder
        below = metric_spec(content, 'below', 'cpu.usage.average', 500, 1000)
        below.expression.expression[0].operator = 'isBelow'
        action = metric_spec(content, 'with action', 'cpu.usage.average', 500, 1000)
        action.action = vim.alarm.AlarmTriggeringAction(action=vim.action.SendEmailAction(toList='admin@example.com', ccList='', subject='alarm', body='alarm'))
        crossed = metric_spec(content, 'crossed', 'cpu.usage.average', 2000, 1000)
        other = metric_spec(content, 'other counter', 'cpu.ready.summation', 500, 1000)
        reporting = metric_spec(content, 'reporting', 'cpu.usage.average', 500, 1000)
        reporting.setting.reportingFrequency = 300
        bad_state = vim.alarm.AlarmSpec(name='bad state', description='', enabled=True, expression=vim.alarm.StateAlarmExpression(
            operator='isEqual', type=vim.VirtualMachine, statePath='runtime.powerState', red='standBy'))
        host = next(iter(content.viewManager.CreateContainerView(root, [vim.HostSystem], True).view))
        out = {
            'duplicate': fault(lambda: am.CreateAlarm(root, metric_spec(content, 'Host CPU usage', 'cpu.usage.average', 500, 1000))),
            'isBelow': fault(lambda: am.CreateAlarm(root, below)),
            'action': fault(lambda: am.CreateAlarm(root, action)),
            'crossed': fault(lambda: am.CreateAlarm(root, crossed)),
            'otherCounter': fault(lambda: am.CreateAlarm(root, other)),
            'reporting': fault(lambda: am.CreateAlarm(root, reporting)),
            'badState': fault(lambda: am.CreateAlarm(root, bad_state)),
            'onHost': fault(lambda: am.CreateAlarm(host, metric_spec(content, 'on a host', 'cpu.usage.average', 500, 1000))),
            'removeBuiltin': fault(lambda: alarm_by_id(content, 'alarm-hostCpuUsage').RemoveAlarm()),
            'count': len(am.GetAlarm(root)),
        }
    print(json.dumps(out, default=str))
