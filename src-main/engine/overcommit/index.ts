/**
 * overcommit — memory overcommitment: a host's free-memory states (memState.ts) and the four ways it
 * takes memory back from its VMs — transparent page sharing (pageSharing.ts over sharingTable.ts and
 * pageHash.ts), ballooning, memory compression (lz4.ts) and hypervisor swapping (hostReclaimer.ts,
 * vmReclaim.ts) — chosen by state, split over VMs by min-funding revocation with the idle memory tax
 * (entitlement.ts); each host's owner holds its reclaimer (hostReclamation.ts) and the lab runs them as the
 * `memory.reclaim` barrier service (memoryOvercommit.ts) through plain-data orders (reclaimOrders.ts), each
 * reclaimer reading host and VM settings from a copy sent when they change (reclaimView.ts).
 * docs/memory-overcommit.md explains it for students.
 */
export { MemoryOvercommit, type MemoryOvercommitState, type OvercommitSources } from './memoryOvercommit';
export { HostReclamation, type HostReclamationEnv } from './hostReclamation';
export {
  hostReclaimSeed, vmReclaimSeed, NO_CHANGE_REPLY, type ReclaimCalls, type ReclaimRestoreOrder, type ReclaimRestoreReply, type ReclaimStateChange, type ReclaimStepOrder, type ReclaimStepReply,
} from './reclaimOrders';
export type { CapturedPages, HostReclaimerState } from './hostReclaimer';
export { HostReclaimer, type ReclaimEnv } from './hostReclaimer';
export { ReclaimViewCopy, ReclaimViewSender, type HostReclaimFields, type HostReclaimView, type VmReclaimFields } from './reclaimView';
export { HostSharing, type SharingCounters } from './pageSharing';
export { SharingTable } from './sharingTable';
export { hashPage, type PageHasher } from './pageHash';
export { lz4Compress, lz4Decompress, LZ4_MAX_OUTPUT } from './lz4';
export { freeMemoryState, mechanismsOf, memStateNumber, minFreeFrames, stateThresholdFrames, MEM_STATES, type MemState } from './memState';
export { revoke, type RevocationInput } from './entitlement';
export { takeHostReclaimSample, takeVmReclaimSample, type HostReclaimSample, type ReclaimSinceLast, type VmReclaimSample } from './reclaimSample';
