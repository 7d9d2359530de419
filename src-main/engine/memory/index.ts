/**
 * memory — host physical memory (lazy frames, refcounts, accounting) and each VM's
 * guest-physical memory (COW, watches, dirty log, page-level operations, pages not present here),
 * a page as bytes, dirty-page tracking. The door other engine folders import.
 */
export { HostMemory, ZERO_FRAME, type HostMemoryStats } from './hostMemory';
export {
  GuestPhysicalMemory, NotPresentError, type DigestPageVisitor, type GuestFrameStats, type GuestMemoryState, type NotPresentResolver, type PageAccess, type WatchListener,
} from './guestPhysicalMemory';
export { PAGE_BYTES, bytesToWords, isZeroBytes, isZeroWords, sameWords, wordsToBytes } from './pageBytes';
export { Hasher } from './hasher';
export { DigestMemo } from './digestMemo';
export { DirtyTracker, type DirtyHarvester, type DirtyMechanism, type DirtySet, type DirtyTrackerCounters, type DirtyTrackerState } from './dirtyTracking';
