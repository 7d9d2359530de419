// The alarm tests' lab (alarms.test.ts, customAlarms.test.ts): two 1-core hosts; per host an idle VM
// running and a compute VM powered off (power one on to heat its host).
// `hotLab(name, title, extra?)`: the harness (`extra`: more top-level scenario fields, e.g. `alarms`);
// `hotVm(h)`: the first host's compute VM; `triggered(h, key, entityId)`: that alarm on that entity, if raised.
import { harness } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';

export function hotLab(name: string, title: string, extra: Record<string, unknown> = {}): Harness {
  return harness({
    version: 1, name, title,
    datacenters: [{
      name: 'DC0',
      clusters: [{
        name: 'C0',
        hosts: { count: 2, sockets: 1, coresPerSocket: 1, cpuMhz: 100, memoryGiB: 1 },
        vmsPerHost: [
          { count: 1, vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
          { count: 1, vcpus: 1, memoryMiB: 64, workload: 'cpu' },
        ],
      }],
    }],
    ...extra,
  });
}

export function hotVm(h: Harness): { vmId: string; hostId: string; name: string } {
  const inv = h.q('inventory.get', {});
  const vm = inv.vms.find((v) => v.workload === 'cpu' && v.hostId === inv.hosts[0].id)!;
  return { vmId: vm.id, hostId: vm.hostId!, name: vm.name };
}

export const triggered = (h: Harness, key: string, entityId: string) => h.q('alarm.triggered', {}).find((a) => a.alarmKey === key && a.entityId === entityId);
