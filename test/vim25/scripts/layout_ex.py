#!/usr/bin/env python3
"""Test script: reads a VM's layoutEx (its files, each disk's chain, each snapshot's files) through pyvmomi
and prints it as JSON (test/vim25/layoutEx.test.ts compares it with the lab and with the govmomi
simulator). With --snapshot it first takes a snapshot without memory and removes it after reading.
It waits for the snapshot by reading vm.snapshot, not the task: the simulator's snapshot tasks cannot
be read by pyvmomi (their info.entity is the snapshot; docs/vim25.md).

Usage: layout_ex.py HOST USER PASSWORD [--port 443] [--vm NAME] [--json] [--snapshot]
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'examples'))
from pyVmomi import vim  # noqa: E402

from vsphere_session import session  # noqa: E402

SNAPSHOT = '--snapshot' in sys.argv
if SNAPSHOT:
    sys.argv.remove('--snapshot')


def wait_until(what, seconds=120):
    end = time.time() + seconds
    while time.time() < end:
        if what():
            return
        time.sleep(0.2)
    raise SystemExit('timed out waiting for the snapshot')


def layout(vm):
    lx = vm.layoutEx
    return {
        'file': [{'key': f.key, 'name': f.name, 'type': f.type, 'size': f.size, 'uniqueSize': f.uniqueSize,
                  'accessible': f.accessible} for f in lx.file],
        'disk': [{'key': d.key, 'chain': [list(u.fileKey) for u in d.chain]} for d in lx.disk],
        'snapshot': [{'key': s.key._moId, 'keyType': s.key._wsdlName, 'dataKey': s.dataKey, 'memoryKey': s.memoryKey,
                      'disk': [{'key': d.key, 'chain': [list(u.fileKey) for u in d.chain]} for d in s.disk]}
                     for s in lx.snapshot],
        'timestamp': str(lx.timestamp),
    }


with session(__doc__, vm_help='VM name (default: the first VM)') as (args, content):
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vm = next(v for v in view.view if args.vm in (None, v.name))
    view.Destroy()
    disks = [{'key': d.key, 'fileName': d.backing.fileName, 'capacityInBytes': d.capacityInBytes}
             for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)]
    out = {'vm': vm._moId, 'name': vm.name, 'disks': disks, 'before': layout(vm)}
    if SNAPSHOT:
        vm.CreateSnapshot_Task(name='layout', description='taken by layout_ex.py', memory=False, quiesce=False)
        wait_until(lambda: vm.snapshot is not None and any(s.name == 'layout' for s in vm.snapshot.rootSnapshotList))
        snap = next(s for s in vm.snapshot.rootSnapshotList if s.name == 'layout').snapshot
        out['snapshot'] = snap._moId
        out['with'] = layout(vm)
        snap.RemoveSnapshot_Task(removeChildren=False)
        wait_until(lambda: vm.snapshot is None or not any(s.name == 'layout' for s in vm.snapshot.rootSnapshotList))
        out['after'] = layout(vm)
    print(json.dumps(out, default=str))
