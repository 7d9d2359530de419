// The scenarios of labs whose state digests tests pin (so a lab run another way — hosts reversed, parts or
// owner calls sent as messages — is compared with the same figures):
// - `digestScenario(vms, monitor, hostMemoryGiB?)`: the datacenter benchmark's shape (runDigests.test.ts):
//   8 one-vCPU VMs per 8-core host cycling cpu, memwrite, io and idle; on a host under 1 GiB the memwrite
//   VMs write a larger working set (the fakeGuest's workingSetPages), so the host goes hard and low;
//   `RECLAIM_MIX`: that hard-and-low mix itself, for labs built another way (bench/reclaim-barrier-ab.ts).
// - `PARTS_SCENARIO` (hostParts.test.ts's busy lab): three fakeGuest VMs on H0, too small for them (its
//   reclamation swaps and compresses), five on H1; H2 empty.

import { threeHostScenario, type WorkloadMix } from './threeHostScenario';

const MIX: { workload: string; workloadParams?: Record<string, number> }[] = [
  { workload: 'cpu' },
  { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0 } },
  { workload: 'io', workloadParams: { rounds: 1000000 } },
  { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' },
];

/** The mix with the memwrite VMs' larger working set: on a host under 1 GiB, hard and low states. */
export const RECLAIM_MIX: readonly WorkloadMix[] = MIX.map((m) => (m.workload === 'memwrite' ? { ...m, workloadParams: { ...m.workloadParams, workingSetPages: 3000 } } : m));

export function digestScenario(vms: number, monitor: string, hostMemoryGiB = 64): unknown {
  const mix = hostMemoryGiB >= 1 ? MIX : RECLAIM_MIX;
  return {
    version: 1, name: 'digests', title: 'digests',
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'DC0_C0', hosts: { count: Math.ceil(vms / 8), sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: hostMemoryGiB } }],
      vms: Array.from({ length: vms }, (_, i) => ({
        name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / 8)}`, vcpus: 1, memoryMiB: 64, monitor, powerOn: true, ...mix[i % mix.length],
      })),
    }],
  };
}

const PARTS_MIX: WorkloadMix[] = [
  { workload: 'cpu' },
  { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0, workingSetPages: 3000 } },
  { workload: 'io', workloadParams: { rounds: 1000000 } },
  { workload: 'idle' },
];

export const PARTS_SCENARIO = threeHostScenario('parts', PARTS_MIX);
