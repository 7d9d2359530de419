#!/usr/bin/env python3
"""Part 3 of the practical: list the performance counters, then read a few real-time samples of a host.

Usage: list_counters.py HOST USER PASSWORD [--port 443] [--json]
"""
import json

from pyVmomi import vim

from vsphere_session import session

with session(__doc__) as (args, content):
    pm = content.perfManager
    counters = {}
    for c in pm.perfCounter:
        name = f'{c.groupInfo.key}.{c.nameInfo.key}.{c.rollupType}'
        counters[name] = {'key': c.key, 'unit': c.unitInfo.key, 'stats': c.statsType, 'label': c.nameInfo.label}
    intervals = [{'key': i.key, 'samplingPeriod': i.samplingPeriod, 'name': i.name} for i in pm.historicalInterval]
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem], True)
    host = view.view[0]
    view.Destroy()
    summary = pm.QueryPerfProviderSummary(entity=host)
    wanted = [n for n in ('cpu.usage.average', 'cpu.usagemhz.average', 'mem.consumed.average') if n in counters]
    spec = vim.PerformanceManager.QuerySpec(
        entity=host, intervalId=summary.refreshRate or 20, maxSample=3,
        metricId=[vim.PerformanceManager.MetricId(counterId=counters[n]['key'], instance='') for n in wanted])
    samples = {}
    for metric in pm.QueryPerf(querySpec=[spec]):
        byKey = {v['key']: n for n, v in counters.items()}
        for series in metric.value:
            samples[byKey[series.id.counterId]] = list(series.value)
        times = [str(s.timestamp) for s in metric.sampleInfo]
    if args.json:
        print(json.dumps({'counters': counters, 'intervals': intervals, 'refreshRate': summary.refreshRate,
                          'currentSupported': summary.currentSupported, 'samples': samples}, default=str))
    else:
        print(f'{len(counters)} counters')
        for name, c in sorted(counters.items()):
            print(f"  {c['key']:>6}  {name:<45} {c['unit']:<20} {c['stats']:<9} {c['label']}")
        print('historical intervals:', ', '.join(f"{i['name']} every {i['samplingPeriod']} s" for i in intervals))
        print(f'{host.name}, latest real-time samples (every {summary.refreshRate} s):')
        for name, values in samples.items():
            print(f'  {name}: {values}')
