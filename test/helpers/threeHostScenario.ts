// A fakeGuest scenario of eight 64 MiB VMs on three hosts of one cluster: H0 too small for its three VMs (its
// memory reclamation swaps and compresses), five on H1, H2 empty; the VMs' workloads taken in turn from `mix`.
export interface WorkloadMix { workload: string; workloadParams?: Record<string, number> }

export function threeHostScenario(name: string, mix: readonly WorkloadMix[]): Record<string, unknown> {
  return {
    version: 1, name, title: name,
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'C0', hosts: [
        { name: 'H0', sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 0.27 },
        { name: 'H1', sockets: 1, coresPerSocket: 4, cpuMhz: 100, memoryGiB: 1 },
        { name: 'H2', sockets: 1, coresPerSocket: 4, cpuMhz: 100, memoryGiB: 1 },
      ] }],
      vms: Array.from({ length: 8 }, (_, i) => ({
        name: `vm${i}`, host: i < 3 ? 'H0' : 'H1', vcpus: 1, memoryMiB: 64, monitor: 'interp', powerOn: true, ...mix[i % mix.length],
      })),
    }],
  };
}
