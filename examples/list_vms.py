#!/usr/bin/env python3
"""Part 2 of the practical: list the VMs with their configuration and devices.

Usage: list_vms.py HOST USER PASSWORD [--port 443] [--json]
"""
import json

from pyVmomi import vim

from vsphere_session import session

with session(__doc__) as (args, content):
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vms = []
    for vm in view.view:
        cfg = vm.config
        vms.append({
            'name': vm.name, 'powerState': vm.runtime.powerState, 'host': vm.runtime.host.name if vm.runtime.host else None,
            'guestFullName': cfg.guestFullName, 'version': cfg.version, 'numCPU': cfg.hardware.numCPU,
            'memoryMB': cfg.hardware.memoryMB, 'template': cfg.template,
            'toolsStatus': vm.guest.toolsStatus, 'ipAddress': vm.guest.ipAddress,
            'devices': [{'type': type(d).__name__, 'label': d.deviceInfo.label, 'summary': d.deviceInfo.summary}
                        for d in cfg.hardware.device],
            'uptimeSeconds': vm.summary.quickStats.uptimeSeconds,
        })
    view.Destroy()
    if args.json:
        print(json.dumps({'vms': vms}, default=str))
    else:
        for v in vms:
            print(f"{v['name']}: {v['powerState']} on {v['host']}, {v['numCPU']} vCPU, {v['memoryMB']} MB, "
                  f"{v['guestFullName']} ({v['version']}), tools {v['toolsStatus']}, IP {v['ipAddress']}")
            for d in v['devices']:
                print(f"    {d['label']:<22} {d['type']:<40} {d['summary']}")
