#!/usr/bin/env python3
"""Part 6 of the practical: migrate a powered-on VM to another host (vMotion).

Usage: migrate.py HOST USER PASSWORD [--port 443] [--vm NAME] [--json]
Prints the fault when the server cannot migrate (e.g. a single host without vMotion).
"""
import argparse
import json
import ssl

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument('host'); ap.add_argument('user'); ap.add_argument('password')
ap.add_argument('--port', type=int, default=443)
ap.add_argument('--vm', help='VM name (default: the first VM)')
ap.add_argument('--json', action='store_true', help='print what was read as JSON (used by the tests)')
args = ap.parse_args()

si = SmartConnect(host=args.host, user=args.user, pwd=args.password, port=args.port,
                  sslContext=ssl._create_unverified_context())
result = {}
try:
    content = si.RetrieveContent()
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
finally:
    Disconnect(si)
