#!/usr/bin/env python3
"""Benchmark client: the three things every SDK script does, timed one by one (client-side wall time):
log in (SmartConnect: version handshake, RetrieveServiceContent, Login), read the inventory (one
RetrievePropertiesEx of `name` and `parent` of every managed entity, reached by TraversalSpecs from the
root folder as `govc ls -r` does, paged), and a power operation pair on one VM (PowerOff/PowerOn_Task,
waited for with pyVim's WaitForTask). Prints JSON: {"login": s, "inventory": s, "objects": N,
"powerOn": s, "powerOff": s, "vm": NAME}.

Usage: vim25_operations.py HOST USER PASSWORD PORT
"""
import json
import ssl
import sys
import time

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

host, user, password, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
PC = vmodl.query.PropertyCollector


def inventory_spec(root):
    sel = lambda name: PC.SelectionSpec(name=name)  # noqa: E731
    walk = [
        PC.TraversalSpec(name='folder', type=vim.Folder, path='childEntity', skip=False, selectSet=[sel('folder'), sel('dcVm'), sel('dcHost'), sel('dcDs'), sel('dcNet'), sel('crHost'), sel('crPool')]),
        PC.TraversalSpec(name='dcVm', type=vim.Datacenter, path='vmFolder', skip=False, selectSet=[sel('folder')]),
        PC.TraversalSpec(name='dcHost', type=vim.Datacenter, path='hostFolder', skip=False, selectSet=[sel('folder')]),
        PC.TraversalSpec(name='dcDs', type=vim.Datacenter, path='datastoreFolder', skip=False, selectSet=[sel('folder')]),
        PC.TraversalSpec(name='dcNet', type=vim.Datacenter, path='networkFolder', skip=False, selectSet=[sel('folder')]),
        PC.TraversalSpec(name='crHost', type=vim.ComputeResource, path='host', skip=False),
        PC.TraversalSpec(name='crPool', type=vim.ComputeResource, path='resourcePool', skip=False),
    ]
    return PC.FilterSpec(objectSet=[PC.ObjectSpec(obj=root, skip=False, selectSet=walk)],
                         propSet=[PC.PropertySpec(type=vim.ManagedEntity, pathSet=['name', 'parent'])])


start = time.perf_counter()
si = SmartConnect(host=host, user=user, pwd=password, port=port, sslContext=ssl._create_unverified_context())
login = time.perf_counter() - start
try:
    content = si.RetrieveContent()
    pc = content.propertyCollector
    start = time.perf_counter()
    result = pc.RetrievePropertiesEx([inventory_spec(content.rootFolder)], PC.RetrieveOptions())
    objects = list(result.objects)
    while result.token:
        result = pc.ContinueRetrievePropertiesEx(result.token)
        objects.extend(result.objects)
    inventory = time.perf_counter() - start
    vms = sorted((o for o in objects if isinstance(o.obj, vim.VirtualMachine)), key=lambda o: o.obj._moId)
    vm = vms[0].obj
    times = {}
    # Whatever state the VM is in, one power-off and one power-on are timed (the order restores its state).
    ops = ['powerOff', 'powerOn'] if vm.runtime.powerState == 'poweredOn' else ['powerOn', 'powerOff']
    for op in ops:
        start = time.perf_counter()
        WaitForTask(vm.PowerOnVM_Task() if op == 'powerOn' else vm.PowerOffVM_Task())
        times[op] = time.perf_counter() - start
    print(json.dumps({'login': login, 'inventory': inventory, 'objects': len(objects), 'vm': vm.name, **times}))
finally:
    Disconnect(si)
