#!/usr/bin/env python3
"""Part 5 of the practical: start, suspend, start again and stop a VM; then show the fault a wrong
operation raises (suspending a powered-off VM).

Usage: power.py HOST USER PASSWORD [--port 443] [--vm NAME] [--json]
"""
import argparse
import json
import ssl

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument('host'); ap.add_argument('user'); ap.add_argument('password')
ap.add_argument('--port', type=int, default=443)
ap.add_argument('--vm', help='VM name (default: the first powered-off VM)')
ap.add_argument('--json', action='store_true', help='print what was read as JSON (used by the tests)')
args = ap.parse_args()

si = SmartConnect(host=args.host, user=args.user, pwd=args.password, port=args.port,
                  sslContext=ssl._create_unverified_context())
steps = []
try:
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vm = next(v for v in view.view if (args.vm is None and v.runtime.powerState == 'poweredOff') or v.name == args.vm)
    view.Destroy()
    for label, start in (('power on', vm.PowerOnVM_Task), ('suspend', vm.SuspendVM_Task),
                         ('resume', vm.PowerOnVM_Task), ('power off', vm.PowerOffVM_Task)):
        task = start()
        WaitForTask(task)
        steps.append({'step': label, 'state': task.info.state, 'powerState': vm.runtime.powerState})
    try:
        WaitForTask(vm.SuspendVM_Task())
        steps.append({'step': 'suspend while off', 'fault': None})
    except vim.fault.VimFault as fault:
        steps.append({'step': 'suspend while off', 'fault': type(fault).__name__.split('.')[-1]})
    if args.json:
        print(json.dumps({'vm': vm.name, 'steps': steps}, default=str))
    else:
        for s in steps:
            print(s)
finally:
    Disconnect(si)
