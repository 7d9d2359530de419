/**
 * The read-only view of a running lab that placement works on: the powered-on VMs of one cluster as
 * items, its hosts as bins, in two dimensions (CPU MHz, memory MiB). With `solveRequest.ts`,
 * `planOnLab.ts`, `applyTask.ts` and `modelOnLab.ts`, the only files of `placement/` that know the Lab —
 * and this the only one that reads the registry and the metrics store to build a problem.
 *
 * - `clusterProblem(lab, { clusterId?, demand, windowSamples? })` → `{ problem, notes }` or
 *   `{ error: { field, message } }`.
 *
 * Demands (`demand`):
 * - `configured`: CPU = vCPUs × the core clock of the VM's host; memory = configured MiB + the VM's
 *   overhead memory (the engine's overhead model, `metrics/resourceModels.ts`).
 * - `reservation`: CPU = the VM's CPU reservation (MHz); memory = configured + overhead (this lab has no
 *   memory reservations: a powered-on VM's memory is all backed).
 * - `usage`: CPU = mean `cpu.usagemhz.average`, memory = mean `mem.consumed.average` + overhead, over the
 *   VM's last `windowSamples` real-time samples (20 s each; default 15 = 5 minutes). A VM with no sample
 *   yet falls back to `configured`, and a note says so.
 * Capacities: CPU = physical cores × core clock (hyper-threads add no MHz); memory = physical MiB − the
 * hypervisor's own (HOST_SYSTEM_MEMORY_MIB). Host state: maintenance mode → `maintenance`; powered off,
 * standby or not connected → `off`.
 */
import type { ClusterId } from '@shared/model/ids';
import type { PlacementDemandSource } from '@shared/model/placement';
import type { Lab } from '../lab/index';
import type { Host, Vm } from '../cluster/index';
import { vmOverheadKB } from '../metrics/index';
import { HOST_SYSTEM_MEMORY_MIB } from '../params';
import type { PlacementProblem, BinState } from './problem';

const MIB = 1024 * 1024;
export const CLUSTER_DIMENSIONS = ['cpuMhz', 'memMiB'];

export interface ClusterViewOptions { clusterId?: ClusterId; demand: PlacementDemandSource; windowSamples?: number }

function hostState(h: Host): BinState {
  if (h.inMaintenanceMode) return 'maintenance';
  if (h.powerState !== 'poweredOn' || h.connectionState !== 'connected') return 'off';
  return 'on';
}

function mean(xs: (number | null)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

export function clusterProblem(lab: Lab, opts: ClusterViewOptions): { problem: PlacementProblem; notes: string[] } | { error: { field: string; message: string } } {
  const clusterId = opts.clusterId ?? [...lab.reg.clusters.keys()][0];
  if (!clusterId || !lab.reg.clusters.has(clusterId)) {
    return { error: { field: 'params.clusterId', message: opts.clusterId ? `no cluster ${opts.clusterId}` : 'the lab has no cluster' } };
  }
  const hosts = [...lab.reg.hosts.values()].filter((h) => h.clusterId === clusterId);
  const hostIds = new Set(hosts.map((h) => h.id));
  const vms = [...lab.reg.vms.values()].filter((vm) => !vm.isTemplate && vm.powerState === 'poweredOn' && vm.hostId && hostIds.has(vm.hostId));
  const notes: string[] = [];
  const configured = (vm: Vm): number[] => {
    const host = lab.reg.hosts.get(vm.hostId!)!;
    return [vm.vcpus * host.cpuMhz, vm.memoryBytes / MIB + vmOverheadKB(vm) / 1024];
  };
  const window = opts.windowSamples ?? 15;
  const demandOf = (vm: Vm): number[] => {
    if (opts.demand === 'configured') return configured(vm);
    if (opts.demand === 'reservation') return [vm.cpuReservationMhz, configured(vm)[1]];
    const s = lab.collector.samples.query(vm.id, ['cpu.usagemhz.average', 'mem.consumed.average'], 'realtime', window);
    const cpu = mean(s.values['cpu.usagemhz.average']);
    const memKB = mean(s.values['mem.consumed.average']);
    if (cpu === undefined || memKB === undefined) {
      notes.push(`${vm.name} (${vm.id}) has no usage sample yet: its configured size is used`);
      return configured(vm);
    }
    return [cpu, memKB / 1024 + vmOverheadKB(vm) / 1024];
  };
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const problem: PlacementProblem = {
    dimensions: CLUSTER_DIMENSIONS,
    items: vms.map((vm) => ({ id: vm.id, demand: demandOf(vm).map(round) })),
    bins: hosts.map((h) => ({
      id: h.id,
      capacity: [h.sockets * h.coresPerSocket * h.cpuMhz, Math.max(0, h.memoryBytes / MIB - HOST_SYSTEM_MEMORY_MIB)],
      state: hostState(h),
    })),
    constraints: [],
  };
  return { problem, notes };
}
