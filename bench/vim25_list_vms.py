#!/usr/bin/env python3
"""Benchmark client: list every VM's config, runtime and summary through a container view, the way a
pyvmomi script does it fast (one PropertyCollector retrieval, paged). Prints JSON:
{"vms": N, "seconds": [one per round]}.

Usage: vim25_list_vms.py HOST USER PASSWORD PORT ROUNDS
"""
import json
import ssl
import sys
import time

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim, vmodl

host, user, password, port, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
si = SmartConnect(host=host, user=user, pwd=password, port=port, sslContext=ssl._create_unverified_context())
try:
    content = si.RetrieveContent()
    pc = content.propertyCollector
    times = []
    count = 0
    for _ in range(rounds):
        start = time.perf_counter()
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        spec = vmodl.query.PropertyCollector.FilterSpec(
            objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[
                vmodl.query.PropertyCollector.TraversalSpec(name='view', type=vim.view.ContainerView, path='view', skip=False)])],
            propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.VirtualMachine, pathSet=['config', 'runtime', 'summary'])])
        result = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
        objects = list(result.objects)
        while result.token:
            result = pc.ContinueRetrievePropertiesEx(result.token)
            objects.extend(result.objects)
        view.Destroy()
        times.append(time.perf_counter() - start)
        count = len(objects)
        assert all(len(o.propSet) == 3 for o in objects), 'every VM has config, runtime and summary'
    print(json.dumps({'vms': count, 'seconds': times}))
finally:
    Disconnect(si)
