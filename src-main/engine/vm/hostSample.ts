/**
 * hostSample — what a host's owner reports to the metrics collector once per 20 s sample, as one
 * plain-data reply a host worker could post in one message: the scheduler's CPU time accounting since
 * the last sample (host and per VM), the memory pool's frame counts, and for each VM asked about its
 * overhead frames and its guest's counters (memory statistics, guest clock, cumulative counters, pages
 * written since the counters' last read of the dirty log, memory reclamation's figures for it), and the
 * host's own reclamation figures (`overcommit/reclaimSample.ts`: state, frames shared, swap used, free).
 *
 * Interface: `HostSampleOrder` (the sample's time and the VMs to report, each with its own time) →
 * `takeHostSample(source, order)` → `HostSample` (`vms[i]` answers `order.vms[i]`).
 *
 * Rules: the reply holds no live object (numbers, strings, plain records; NaN marks a usage not
 * measured yet); taking it has the side effects the collector's own reads had, in the same order — the
 * scheduler's accounting is cleared, each guest's dirty log is read and cleared for the counters' reader,
 * each reclaimed VM's "since the last sample" baselines move to now (read once per VM per sample).
 * The coordinator keeps the baselines, rates and vSphere names (`metrics/collector.ts`).
 */
import type { VmId } from '@shared/model/ids';
import type { HostCpuSample, HostScheduler, VmCpuSample } from '../scheduler/index';
import { VMKERNEL_MEMORY_OWNER } from '../metrics/index';
import type { HostReclaimSample, VmReclaimSample } from '../overcommit/index';
import type { HostMemory } from './guestFactory';
import type { GuestMachine } from './guestMachine';
import { COUNTERS_READER, type DirtyLogShare } from './dirtyLogShare';

/** The sample the collector asks a host for. */
export interface HostSampleOrder {
  /** Host time of the sample, ns (the scheduler's accounting is brought up to it). */
  timeNs: number;
  /** The host's powered-on VMs, in the collector's order, each with its own time now (host time − its offset). */
  vms: { vmId: VmId; vmNowNs: number }[];
}

/** One VM's part of a host sample. */
export interface VmSample {
  /** Its CPU accounting (absent: not on the scheduler, e.g. its guest crashed). */
  cpu?: VmCpuSample;
  /** Overhead frames the pool holds for it. */
  overheadFrames: number;
  /** Its guest machine's figures (absent: it runs no guest). */
  guest?: GuestSample;
}

export interface GuestSample {
  touchedBytes: number;
  activeBytes: number;
  /** The guest's clock at the VM's time now. */
  guestClockNs: number;
  /** Cumulative counters (`GuestMachine.counters()`). */
  counters: Record<string, number>;
  /** Distinct pages written since the counters' last read of the dirty log (absent: the machine keeps no log). */
  dirtyPages?: number;
  /** Memory reclamation's figures for the VM (absent: its host does not reclaim from it). */
  reclaim?: VmReclaimSample;
}

/** The pool's frames at the sample. */
export interface HostPoolSample {
  framesAllocated: number;
  overheadFrames: number;
  heldFrames: number;
  /** Overhead frames the VMkernel holds (mem.sysUsage). */
  vmkernelFrames: number;
}

export interface HostSample {
  cpu: HostCpuSample;
  /** Absent: the host has no pool. */
  pool?: HostPoolSample;
  vms: VmSample[];
  /** The host's memory reclamation figures. */
  reclaim: HostReclaimSample;
}

/** What a sample reads: the host's scheduler and pool, each VM's machine and dirty log, its reclamation. */
export interface HostSampleSource {
  scheduler(): HostScheduler | undefined;
  memory(): HostMemory | undefined;
  guest(vmId: VmId): GuestMachine | undefined;
  dirtyLog(vmId: VmId): DirtyLogShare | undefined;
  /** Memory reclamation's figures for a VM (undefined: not reclaimed from; moves its baselines) and for the host. */
  reclaimVmSample(vmId: VmId): VmReclaimSample | undefined;
  reclaimHostSample(): HostReclaimSample;
}

const NO_CPU: HostCpuSample = Object.freeze({
  pcpus: 0, busyNs: 0, runNs: 0, readyNs: 0, costopNs: 0, waitNs: 0, limitedNs: 0, cycles: 0, usageMin: Number.NaN, usageMax: Number.NaN,
});

export function takeHostSample(src: HostSampleSource, order: HostSampleOrder): HostSample {
  const sched = src.scheduler();
  const taken = sched?.sample(order.timeNs);
  const pool = src.memory();
  const vms: VmSample[] = new Array(order.vms.length);
  for (let i = 0; i < order.vms.length; i++) {
    const { vmId, vmNowNs } = order.vms[i];
    const s: VmSample = { overheadFrames: pool?.overheadFramesOf(vmId) ?? 0 };
    const cpu = taken?.vms.get(vmId);
    if (cpu) s.cpu = cpu;
    const guest = src.guest(vmId);
    if (guest) {
      const mem = guest.memoryStats();
      const g: GuestSample = {
        touchedBytes: mem.touchedBytes, activeBytes: mem.activeBytes, guestClockNs: guest.guestClockNs(vmNowNs), counters: guest.counters(),
      };
      // The dirty log (started at power-on) is read and cleared once per sample for the counters.
      const dirty = src.dirtyLog(vmId)?.read(guest, vmNowNs, COUNTERS_READER);
      if (dirty) g.dirtyPages = dirty.length;
      const reclaim = src.reclaimVmSample(vmId);
      if (reclaim) g.reclaim = reclaim;
      s.guest = g;
    }
    vms[i] = s;
  }
  const out: HostSample = { cpu: taken ? taken.host : { ...NO_CPU }, vms, reclaim: src.reclaimHostSample() };
  if (pool) {
    const st = pool.stats();
    out.pool = { framesAllocated: st.framesAllocated, overheadFrames: st.overheadFrames, heldFrames: st.heldFrames, vmkernelFrames: pool.overheadFramesOf(VMKERNEL_MEMORY_OWNER) };
  }
  return out;
}
