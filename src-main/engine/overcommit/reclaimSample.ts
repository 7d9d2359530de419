/**
 * reclaimSample — memory reclamation's part of a host's 20 s sample, taken on the host's side (where
 * its reclaimer and guest machines are) as plain data: per VM the pages and frames its guest maps,
 * shares and has away, its balloon, its reclamation counters and their change since the last sample;
 * per host its free-memory state, the frames shared between pages, the pages in its swap files and
 * its free frames. The collector turns these counts into vSphere counters (`metrics/reclaimCounters.ts`).
 *
 * Interface: `takeVmReclaimSample(reclaim, guest, zeroPages)` → `VmReclaimSample`;
 * `takeHostReclaimSample(reclaimer, pool, guest)` → `HostReclaimSample` (reclaimer undefined: the host
 * has reclaimed nothing yet).
 *
 * Rules: a sample holds no live object (numbers, strings, plain records); a VM's walks its guest's pages
 * once (`frameStats()` gives the frames it maps, its shares and its counters); taking it has the one side
 * effect the collector's own read had — the baselines of the "since the last sample" counts (`VmReclaim.last`,
 * saved with the reclaimer) move to now, in the order they always did; a VM is sampled once per sample.
 */
import type { VmId } from '@shared/model/ids';
import type { GuestMachine } from '../vm/guestMachine';
import type { HostMemory } from '../vm/guestFactory';
import type { HostReclaimer } from './hostReclaimer';
import type { MemState } from './memState';
import { AWAY_SWAP, type VmReclaim } from './vmReclaim';

/** How much a cumulative count grew since the VM's last sample (0 at its first). */
export interface ReclaimSinceLast {
  swapIn: number;
  swapOut: number;
  zipped: number;
  unzipped: number;
  /** Virtual ns charged or waited for swapped or compressed pages. */
  stallNs: number;
  /** Virtual ns vCPUs waited for a free frame (low state). */
  frameWaitNs: number;
  sharedBreaks: number;
  doublePaging: number;
}

/** One VM's reclamation figures at the sample (pages and frames are 4 KiB each). */
export interface VmReclaimSample {
  /** The VM's share of the frames its pages map: a frame mapped by r pages counts 1/r. */
  consumedFrames: number;
  /** Pages that map a frame. */
  mappedPages: number;
  /** Pages whose frame other pages map too. */
  sharedPages: number;
  /** Pages page sharing backs with the host's zero page. */
  zeroPages: number;
  /** Frames the host holds for the VM (compression cache, pages out for sampling). */
  heldFrames: number;
  /** Pages in the guest's balloon. */
  balloonPages: number;
  balloonTarget: number;
  /** Pages in the VM's swap file. */
  swappedPages: number;
  swapTarget: number;
  /** Pages in the VM's compression cache. */
  zippedPages: number;
  /** Cumulative pages swapped in and out. */
  swapIn: number;
  swapOut: number;
  sinceLast: ReclaimSinceLast;
  /** Estimated active fraction (absent: not sampled yet). */
  activeFraction?: number;
}

/** One host's reclamation figures at the sample. */
export interface HostReclaimSample {
  /** Whether the host's reclaimer exists (it is made when the host first has a guest to reclaim from). */
  reclaiming: boolean;
  state: MemState;
  /** Distinct frames mapped by more than one page, over the host's guests. */
  sharedCommonFrames: number;
  /** Pages in the swap files of the host's VMs. */
  swapUsedPages: number;
  /** The pool's free frames. */
  freeFrames: number;
}

export function takeVmReclaimSample(r: VmReclaim, guest: GuestMachine, zeroPages: number): VmReclaimSample {
  const c = r.c;
  // one walk over the guest's pages (frameStats'): its private and shared pages are the ones with a frame
  const fs = guest.frameStats();
  const since = (k: string, v: number): number => { const d = v - (r.last[k] ?? v); r.last[k] = v; return d; };
  // the baselines' keys are saved with the reclaimer: they are read and moved in this order, as always
  const sinceLast: ReclaimSinceLast = {
    swapIn: since('swapIn', c.swapIn),
    swapOut: since('swapOut', c.swapOut),
    zipped: since('zipped', c.zipped),
    unzipped: since('unzipped', c.unzipped),
    stallNs: since('stallNs', c.stallNs),
    frameWaitNs: since('frameWaitNs', fs.frameWaitNs ?? 0),
    sharedBreaks: since('sharedBreaks', fs.sharedBreaks),
    doublePaging: since('doublePaging', c.doublePaging),
  };
  const s: VmReclaimSample = {
    consumedFrames: fs.consumedFrames, mappedPages: fs.privateFrames + fs.sharedPages, sharedPages: fs.sharedPages, zeroPages,
    heldFrames: r.heldFrames(), balloonPages: guest.balloon?.size ?? 0, balloonTarget: r.balloonTarget,
    swappedPages: r.countKind(AWAY_SWAP), swapTarget: r.swapTarget, zippedPages: r.zipCount,
    swapIn: c.swapIn, swapOut: c.swapOut, sinceLast,
  };
  if (r.activeKnown) s.activeFraction = r.activeFraction;
  return s;
}

export function takeHostReclaimSample(
  r: HostReclaimer | undefined, pool: HostMemory | undefined, guest: (vmId: VmId) => GuestMachine | undefined,
): HostReclaimSample {
  let swapUsed = 0;
  const frames = new Set<number>();
  if (r) {
    for (const vmId of r.vmIds()) {
      guest(vmId)?.scanPages((_g, hfn, refs) => { if (hfn >= 0 && refs > 1) frames.add(hfn); });
      swapUsed += r.vm(vmId)?.countKind(AWAY_SWAP) ?? 0;
    }
  }
  return { reclaiming: r !== undefined, state: r?.state ?? 'high', sharedCommonFrames: frames.size, swapUsedPages: swapUsed, freeFrames: pool?.freeFrames ?? 0 };
}
