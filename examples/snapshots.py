#!/usr/bin/env python3
"""Part 4 of the practical: create a snapshot of a VM, revert to it, print the tree, then remove it.

Usage: snapshots.py HOST USER PASSWORD [--port 443] [--vm NAME] [--json]
"""
import json

from pyVim.task import WaitForTask
from pyVmomi import vim

from vsphere_session import session


def tree(snapshots, depth=0):
    out = []
    for s in snapshots:
        out.append({'name': s.name, 'depth': depth, 'state': s.state})
        out.extend(tree(s.childSnapshotList, depth + 1))
    return out


with session(__doc__, vm_help='VM name (default: the first VM)') as (args, content):
    steps = []
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vm = next(v for v in view.view if args.vm in (None, v.name))
    view.Destroy()
    task = vm.CreateSnapshot_Task(name='before-lab', description='taken by snapshots.py', memory=False, quiesce=False)
    WaitForTask(task)
    steps.append({'step': 'create', 'state': task.info.state, 'entity': task.info.entity._wsdlName,
                  'result': task.info.result._wsdlName})
    snap = task.info.result
    steps.append({'step': 'tree', 'tree': tree(vm.snapshot.rootSnapshotList),
                  'current': vm.snapshot.currentSnapshot._moId == snap._moId})
    task = snap.RevertToSnapshot_Task()
    WaitForTask(task)
    steps.append({'step': 'revert', 'state': task.info.state, 'entity': task.info.entity._wsdlName})
    task = snap.RemoveSnapshot_Task(removeChildren=False)
    WaitForTask(task)
    steps.append({'step': 'remove', 'state': task.info.state, 'snapshotLeft': vm.snapshot is not None and len(vm.snapshot.rootSnapshotList) > 0})
    if args.json:
        print(json.dumps({'vm': vm.name, 'steps': steps}, default=str))
    else:
        for s in steps:
            print(s)
