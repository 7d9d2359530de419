#!/usr/bin/env python3
"""Part 6 of the practical: migrate a powered-on VM to another host (vMotion).

Usage: migrate.py HOST USER PASSWORD [--port 443] [--vm NAME] [--json]
Prints the fault when the server cannot migrate (e.g. a single host without vMotion).
"""
import json

from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

from vsphere_session import session

with session(__doc__, vm_help='VM name (default: the first VM)') as (args, content):
    vms = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vm = next(v for v in vms.view if args.vm in (None, v.name))
    hosts = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem], True)
    others = [h for h in hosts.view if h != vm.runtime.host]
    target = others[0] if others else vm.runtime.host
    result = {'vm': vm.name, 'from': vm.runtime.host.name, 'to': target.name}
    try:
        task = vm.MigrateVM_Task(host=target, priority='defaultPriority')
        WaitForTask(task)
        result.update(state=task.info.state, now=vm.runtime.host.name)
    except (vim.fault.VimFault, vmodl.MethodFault) as fault:
        result.update(fault=type(fault).__name__.split('.')[-1], message=fault.msg)
    print(json.dumps(result, default=str) if args.json else result)
