#!/usr/bin/env python3
"""Part 5 of the practical: start, suspend, start again and stop a VM; then show the fault a wrong
operation raises (suspending a powered-off VM).

Usage: power.py HOST USER PASSWORD [--port 443] [--vm NAME] [--json]
"""
import json

from pyVim.task import WaitForTask
from pyVmomi import vim

from vsphere_session import session

with session(__doc__, vm_help='VM name (default: the first powered-off VM)') as (args, content):
    steps = []
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
