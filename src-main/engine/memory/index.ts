/**
 * memory — host physical memory (lazy frames, refcounts, accounting) and each VM's
 * guest-physical memory (COW, watches, dirty log). The door other engine folders import.
 */
export { HostMemory, ZERO_FRAME, type HostMemoryStats } from './hostMemory';
export { GuestPhysicalMemory, type GuestMemoryState, type WatchListener } from './guestPhysicalMemory';
export { Hasher } from './hasher';
