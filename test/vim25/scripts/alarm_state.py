#!/usr/bin/env python3
"""Test script: reads overallStatus, alarmActionsEnabled and triggeredAlarmState of every host and VM
through pyvmomi and prints them as JSON (test/vim25/alarms.test.ts compares them with the lab's alarms).

Usage: alarm_state.py HOST USER PASSWORD [--port 443] [--json]
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'examples'))
from pyVmomi import vim  # noqa: E402

from vsphere_session import session  # noqa: E402

with session(__doc__) as (args, content):
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem, vim.VirtualMachine], True)
    out = {}
    for e in view.view:
        out[e._moId] = {
            'name': e.name,
            'overallStatus': e.overallStatus,
            'alarmActionsEnabled': e.alarmActionsEnabled,
            'triggered': [{
                'alarm': s.alarm._moId, 'entity': s.entity._moId, 'overallStatus': s.overallStatus,
                'acknowledged': s.acknowledged, 'acknowledgedByUser': s.acknowledgedByUser,
                'time': str(s.time),
            } for s in e.triggeredAlarmState],
        }
    view.Destroy()
    print(json.dumps(out))
