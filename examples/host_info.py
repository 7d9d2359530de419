#!/usr/bin/env python3
"""Part 1 of the practical: print the hardware of every host (vendor, model, CPU, memory).

Usage: host_info.py HOST USER PASSWORD [--port 443] [--json]
Works unchanged against a real ESXi / vCenter, the govmomi simulator and Hypervisor Lab.
Logging in and out, and the command line, are in vsphere_session.py (shared by every example).
"""
import json

from pyVmomi import vim

from vsphere_session import session

with session(__doc__) as (args, content):
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem], True)
    hosts = []
    for host in view.view:
        hw = host.summary.hardware
        pkgs = host.hardware.cpuPkg
        hosts.append({
            'name': host.name, 'vendor': hw.vendor, 'model': hw.model, 'cpuModel': hw.cpuModel, 'cpuMhz': hw.cpuMhz,
            'numCpuPkgs': hw.numCpuPkgs, 'numCpuCores': hw.numCpuCores, 'numCpuThreads': hw.numCpuThreads,
            'memorySize': hw.memorySize, 'cpuPkgDescriptions': [p.description for p in pkgs],
            'connectionState': host.runtime.connectionState, 'powerState': host.runtime.powerState,
            'inMaintenanceMode': host.runtime.inMaintenanceMode,
            'overallCpuUsage': host.summary.quickStats.overallCpuUsage,
            'overallMemoryUsage': host.summary.quickStats.overallMemoryUsage,
        })
    view.Destroy()
    if args.json:
        print(json.dumps({'about': {'apiType': content.about.apiType, 'apiVersion': content.about.apiVersion}, 'hosts': hosts}, default=str))
    else:
        print(f'{content.about.fullName} (API {content.about.apiVersion})')
        for h in hosts:
            print(f"{h['name']}: {h['vendor']} {h['model']}")
            print(f"  CPU: {h['numCpuPkgs']} package(s), {h['numCpuCores']} cores, {h['numCpuThreads']} threads, "
                  f"{h['cpuModel']} at {h['cpuMhz']} MHz")
            print(f"  memory: {h['memorySize'] / 2**30:.1f} GiB; state {h['connectionState']}, {h['powerState']}"
                  f"{', maintenance' if h['inMaintenanceMode'] else ''}")
            print(f"  now using {h['overallCpuUsage']} MHz and {h['overallMemoryUsage']} MB")
