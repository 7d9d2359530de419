// A real-guest lab that puts every memory reclamation mechanism to work: labos guests on a host too small
// for them (balloons, then compression and swapping, `pusher` growing from `pusherAt`) beside a roomy host
// whose idle guest shares pages. For the tests that follow reclamation through a seam (the host sample's
// channel, the owner's reclamation calls).

/** The scenario, `pusher` powered on at `pusherAt` (e.g. '10s'). */
export function reclaimScenario(pusherAt: string): object {
  return {
    version: 1, name: 'reclaim', title: 'reclaim',
    datacenters: [{
      clusters: [{ hosts: [{ name: 'h', memoryGiB: 0.28, cpuMhz: 100 }, { name: 'roomy', memoryGiB: 2, cpuMhz: 100 }] }],
      vms: [
        { name: 'giver', host: 'h', vcpus: 1, memoryMiB: 64, workload: 'mixed', workloadParams: { wss_kib: 16384, passes: 1, rate_pps: 0, pages: 8, rounds: 2, count: 200, touches: 2000 }, powerOn: true },
        { name: 'checker', host: 'h', vcpus: 1, memoryMiB: 32, workload: 'memwrite', workloadParams: { wss_kib: 4096, rate_pps: 2000, passes: 0, verify: 1 }, powerOn: true },
        { name: 'pusher', host: 'h', vcpus: 1, memoryMiB: 64, workload: 'memgrow', workloadParams: { kib: 40960, step_kib: 256, period_ms: 100 } },
        { name: 'idle', host: 'roomy', vcpus: 1, memoryMiB: 32, workload: 'idle', powerOn: true },
      ],
    }],
    actions: [{ at: pusherAt, do: 'powerOn', vm: 'pusher' }],
  };
}
