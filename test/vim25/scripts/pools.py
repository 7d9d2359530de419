#!/usr/bin/env python3
"""Test script: resource pools through pyvmomi on the lab-pools scenario. Creates pools High and Low in
the cluster's root pool (CreateResourcePool), moves web-01 into High (MoveIntoResourcePool), changes
Low's shares (UpdateConfig), creates Inner inside High (expandable) and moves it up to the root pool, tries
the refusals (a reservation Low cannot satisfy, memory settings, deleting a pool that holds a VM), deletes
Low (Destroy_Task), and prints what it read as JSON
(test/vim25/pools.test.ts compares it with the lab).

Usage: pools.py HOST USER PASSWORD [--port 443] [--json]
"""
import json
import time
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'examples'))
from pyVmomi import vim, vmodl  # noqa: E402

from vsphere_session import session  # noqa: E402


def alloc(level, shares=0, reservation=0, limit=-1, expandable=False):
    return vim.ResourceAllocationInfo(reservation=reservation, limit=limit, expandableReservation=expandable,
                                      shares=vim.SharesInfo(level=level, shares=shares))


def spec(level, shares=0, reservation=0, limit=-1, mem_limit=-1, expandable=False):
    return vim.ResourceConfigSpec(cpuAllocation=alloc(level, shares, reservation, limit, expandable),
                                  memoryAllocation=alloc('normal', 163840, 0, mem_limit))


def fault_of(fn):
    try:
        fn()
    except vmodl.MethodFault as e:
        return type(e).__name__.split('.')[-1]
    return None


def wait(task):
    while task.info.state not in ('success', 'error'):
        time.sleep(0.2)
    return task.info.state


with session(__doc__) as (args, content):
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.ClusterComputeResource, vim.VirtualMachine], True)
    cluster = next(e for e in view.view if isinstance(e, vim.ClusterComputeResource))
    vms = {e.name: e for e in view.view if isinstance(e, vim.VirtualMachine)}
    view.Destroy()
    root = cluster.resourcePool
    high = root.CreateResourcePool('High', spec('high', expandable=True))
    low = root.CreateResourcePool('Low', spec('custom', 3000, 10, 50))
    out = {
        'root': root._moId,
        'children': sorted(p.name for p in root.resourcePool),
        'high': {'id': high._moId, 'parent': high.parent._moId, 'owner': high.owner._moId,
                 'level': high.config.cpuAllocation.shares.level, 'shares': high.config.cpuAllocation.shares.shares},
        'low': {'shares': low.config.cpuAllocation.shares.shares, 'reservation': low.config.cpuAllocation.reservation,
                'limit': low.config.cpuAllocation.limit},
        'duplicate': fault_of(lambda: root.CreateResourcePool('High', spec('normal'))),
        'memory': fault_of(lambda: root.CreateResourcePool('Mem', spec('normal', mem_limit=512))),
        'low_expandable': low.config.cpuAllocation.expandableReservation,
        'insufficient': fault_of(lambda: low.CreateResourcePool('Greedy', spec('normal', reservation=20))),
    }
    inner = high.CreateResourcePool('Inner', spec('normal', reservation=5, expandable=True))
    out['inner'] = {'parent': inner.parent._moId, 'expandable': inner.config.cpuAllocation.expandableReservation,
                    'high_children': [p.name for p in high.resourcePool]}
    root.MoveIntoResourcePool([inner])
    out['inner_moved'] = inner.parent._moId
    high.MoveIntoResourcePool([vms['web-01']])
    out['web_pool'] = vms['web-01'].resourcePool._moId
    out['high_vms'] = [v.name for v in high.vm]
    low.UpdateConfig(None, vim.ResourceConfigSpec(cpuAllocation=alloc('low'), memoryAllocation=alloc('normal', 163840)))
    out['low_after'] = low.config.cpuAllocation.shares.shares
    out['destroy_busy'] = fault_of(lambda: high.Destroy_Task())
    out['destroy_low'] = wait(low.Destroy_Task())
    out['children_after'] = sorted(p.name for p in root.resourcePool)
    print(json.dumps(out))
