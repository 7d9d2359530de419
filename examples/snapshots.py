#!/usr/bin/env python3
"""Part 4 of the practical: create a snapshot of a VM, revert to it, print the tree, then remove it.

Usage: snapshots.py HOST USER PASSWORD [--port 443] [--vm NAME] [--json]
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
ap.add_argument('--vm', help='VM name (default: the first VM)')
ap.add_argument('--json', action='store_true', help='print what was read as JSON (used by the tests)')
args = ap.parse_args()


def tree(snapshots, depth=0):
    out = []
    for s in snapshots:
        out.append({'name': s.name, 'depth': depth, 'state': s.state})
        out.extend(tree(s.childSnapshotList, depth + 1))
    return out


si = SmartConnect(host=args.host, user=args.user, pwd=args.password, port=args.port,
                  sslContext=ssl._create_unverified_context())
steps = []
try:
    content = si.RetrieveContent()
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
finally:
    Disconnect(si)
