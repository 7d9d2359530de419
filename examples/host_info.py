#!/usr/bin/env python3
"""Part 1 of the practical: print the hardware of every host (vendor, model, CPU, memory).

Usage: host_info.py HOST USER PASSWORD [--port 443] [--json]
Works unchanged against a real ESXi / vCenter, the govmomi simulator and Hypervisor Lab.
"""
import argparse
import json
import ssl

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument('host'); ap.add_argument('user'); ap.add_argument('password')
ap.add_argument('--port', type=int, default=443)
ap.add_argument('--json', action='store_true', help='print what was read as JSON (used by the tests)')
args = ap.parse_args()

si = SmartConnect(host=args.host, user=args.user, pwd=args.password, port=args.port,
                  sslContext=ssl._create_unverified_context())
try:
    content = si.RetrieveContent()
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
finally:
    Disconnect(si)
