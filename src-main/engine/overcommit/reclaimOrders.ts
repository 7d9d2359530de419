/**
 * reclaimOrders — the plain-data orders and replies of memory reclamation done on a host's owner
 * (`HostOwner`'s "memory reclamation" group), where the host's reclaimer lives beside its guests and pool,
 * and the seeds both sides derive from the lab's seed.
 *
 * `ReclaimStepOrder` → `ReclaimStepReply`: the `memory.reclaim` barrier on one host: the view of the host
 * and VM fields the reclaimer reads (only when they changed: `reclaimView.ts`), then the reclaimer's pass;
 * the free-memory state changes it made, in order, for the coordinator to log and mark (`NO_CHANGE_REPLY`
 * when it made none).
 * `ReclaimRestoreOrder` → `ReclaimRestoreReply`: a saved lab's reclaimer state for the host (absent: the
 * saved lab had none) and the seeds of the VMs it may attach; the reply says the host's state and which
 * VMs joined fresh (guests the saved state did not know).
 * A saved part is the reclaimer's own `HostReclaimerState` (plain data, the saved format unchanged).
 * `ReclaimCalls`: the group as the coordinator calls it (a host's `HostOwner` implements it).
 * Rules: every field is structured-cloneable (numbers, strings, plain objects and arrays, typed arrays).
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { HostReclaimerState } from './hostReclaimer';
import type { MemState } from './memState';
import type { HostReclaimView } from './reclaimView';

/** The barrier's pass on one host. */
export interface ReclaimStepOrder {
  /** The barrier's virtual time, ms. */
  nowMs: number;
  /** The fields the reclaimer reads, when they changed since the last view sent (else absent). */
  view?: HostReclaimView;
}

/** A change of the host's free-memory state (`HostMemoryStateChangedEvent`). */
export interface ReclaimStateChange {
  from: MemState;
  to: MemState;
  /** Free frames and minFree, in frames, when it changed. */
  freeFrames: number;
  minFree: number;
}

export interface ReclaimStepReply {
  /** The state changes of this pass, in the order they happened (most passes: none). */
  readonly stateChanges: readonly ReclaimStateChange[];
}

/** The reply of a pass that changed no state (most passes): one shared object, never written. */
export const NO_CHANGE_REPLY: ReclaimStepReply = Object.freeze({ stateChanges: Object.freeze([]) });

/** A saved lab's reclamation on one host, given after its guests were rebuilt. */
export interface ReclaimRestoreOrder {
  /** The host's saved reclaimer (absent: the saved lab had none for it). */
  state?: HostReclaimerState;
  /** Reclamation seeds of the VMs the saved state names, then of the host's VMs in the inventory's order:
   *  of the latter, those running a guest here that the saved state did not know are attached fresh. */
  seeds: [VmId, number][];
  /** The host's VMs in the inventory's order (each in `seeds`). */
  fresh: VmId[];
}

export interface ReclaimRestoreReply {
  /** Its free-memory state. */
  state: MemState;
  /** The VMs attached fresh, in the order of the order's `fresh`. */
  attached: VmId[];
}

/** The owner's "memory reclamation" calls, as the coordinator's service sees them. */
export interface ReclaimCalls {
  /** The VMs the host's reclaimer holds, in its order (the next view covers them). */
  reclaimVmIds(): VmId[];
  reclaimStep(o: ReclaimStepOrder): ReclaimStepReply;
  /** The host's saved reclaimer (undefined: it has none). */
  reclaimPart(): HostReclaimerState | undefined;
  restoreReclaimPart(o: ReclaimRestoreOrder): ReclaimRestoreReply;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function idNumber(id: string): number {
  return Number(id.replace(/^\D+/, '')) || 0;
}

/** The seed of a host's reclaimer (its victim and sample stream), from the lab's seed. */
export function hostReclaimSeed(labSeed: number, hostId: HostId): number {
  return mix(labSeed, idNumber(hostId) + 0x4d454d);
}

/** The seed a VM's reclamation starts with (page sharing's scan), per boot. */
export function vmReclaimSeed(labSeed: number, vmId: VmId, bootCount: number): number {
  return mix(mix(labSeed, idNumber(vmId)), bootCount);
}
