/**
 * reclaimCounters — memory reclamation's vSphere counters (KB, KBps, %), computed by the collector from
 * the plain counts a host's owner sends in its sample (`overcommit/reclaimSample.ts`) and the VM's or
 * host's configuration the coordinator holds (configured memory, vCPUs, host memory for minFree).
 *
 * Interface: `vmReclaimCounters(sample, vm, coveredS)` (a VM's, over the seconds the sample covers);
 * `hostReclaimCounters(sample, host)` (a host's own; the VM sums are added by the collector).
 *
 * Rules: pure functions of their arguments — they read no guest, pool or reclaimer; every value is a
 * count of frames, pages or events at the sample, never a formula; a VM's consumed memory is its share
 * of the frames its pages map plus the frames the host holds for it, so the VMs' consumed memory, the
 * overhead and the free memory add up to the host's memory exactly.
 */
import type { Host, Vm } from '../cluster/index';
import type { HostReclaimSample, VmReclaimSample } from '../overcommit/index';
import { memStateNumber, minFreeFrames } from '../overcommit/index';
import { PAGE_SIZE_BYTES } from '../params';

const FRAME_KB = PAGE_SIZE_BYTES / 1024;

/** A VM's memory counters at a sample; `coveredS` = seconds the sample covers. */
export function vmReclaimCounters(s: VmReclaimSample, vm: Vm, coveredS: number): Record<string, number> {
  const d = s.sinceLast;
  const vcpus = Math.max(1, vm.vcpus);
  const cfgKB = vm.memoryBytes / 1024;
  const zipped = s.zippedPages;
  const v: Record<string, number> = {
    'mem.consumed.average': (s.consumedFrames + s.heldFrames) * FRAME_KB,
    'mem.granted.average': (s.mappedPages + s.zeroPages) * FRAME_KB,
    'mem.shared.average': (s.sharedPages + s.zeroPages) * FRAME_KB,
    'mem.zero.average': s.zeroPages * FRAME_KB,
    'mem.vmmemctl.average': s.balloonPages * FRAME_KB,
    'mem.vmmemctltarget.average': s.balloonTarget * FRAME_KB,
    'mem.swapped.average': s.swappedPages * FRAME_KB,
    'mem.swaptarget.average': s.swapTarget * FRAME_KB,
    'mem.swapin.average': s.swapIn * FRAME_KB,
    'mem.swapout.average': s.swapOut * FRAME_KB,
    'mem.swapinRate.average': (d.swapIn * FRAME_KB) / coveredS,
    'mem.swapoutRate.average': (d.swapOut * FRAME_KB) / coveredS,
    'mem.compressed.average': zipped * FRAME_KB,
    'mem.zipped.latest': zipped * FRAME_KB,
    'mem.zipSaved.latest': Math.max(0, zipped - Math.ceil(zipped / 2)) * FRAME_KB,
    'mem.compressionRate.average': (d.zipped * FRAME_KB) / coveredS,
    'mem.decompressionRate.average': (d.unzipped * FRAME_KB) / coveredS,
    // waiting for swapped or compressed pages, and (low state) for a free frame to write a new page into
    'mem.latency.average': Math.min(100, ((d.stallNs + d.frameWaitNs) / (coveredS * 1e9 * vcpus)) * 100),
    'engine.sharedCowBreaks.summation': d.sharedBreaks,
    'engine.doublePaging.summation': d.doublePaging,
  };
  if (s.activeFraction !== undefined) {
    v['mem.active.average'] = s.activeFraction * cfgKB;
    v['mem.usage.average'] = s.activeFraction * 100;
  }
  return v;
}

/** A host's memory-overcommitment counters (the VM sums are added by the collector). */
export function hostReclaimCounters(s: HostReclaimSample, host: Host): Record<string, number> {
  // minFree follows the host's configured memory: computed here, where the host's configuration is (the
  // reclaimer's copy may be a barrier behind)
  const minFree = s.reclaiming ? minFreeFrames(host.memoryBytes) : 0;
  return {
    'mem.state.latest': memStateNumber(s.state),
    'mem.sharedcommon.average': s.sharedCommonFrames * FRAME_KB,
    'mem.swapused.average': s.swapUsedPages * FRAME_KB,
    'engine.memFree.latest': s.freeFrames * FRAME_KB,
    'engine.memMinFree.latest': minFree * FRAME_KB,
  };
}
