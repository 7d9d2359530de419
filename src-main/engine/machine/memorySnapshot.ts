/**
 * memorySnapshot — saving guest memory cheaply: the saved state shares the live machine's host
 * frames copy-on-write instead of copying them.
 *
 * Interface: `saveMemoryShared(mem)` → `GuestMemoryState` (plain: {sizeBytes, pages[{gpfn, words}]})
 * whose `words` ARE host frames; `restoreMemory(host, state)` → a new GuestPhysicalMemory.
 * How: `mem.saveShared()` flags every touched page SHARED, so from then on the live memory copies
 * a frame before writing it (copy-on-write break) and drops its own reference to the old frame,
 * which then lives on only in the saved state; the frames in a saved state never change.
 * Cost O(touched pages) of pointer work, no page data copied, no host frames pinned.
 * Rules: the saved state must be treated as immutable. Restoring adopts the saved frames flagged
 * SHARED (`restoreShared`): no page is copied until the guest writes it, so revert costs O(touched
 * pages) of pointer work and the same state can be restored many times.
 */
import { GuestPhysicalMemory, type GuestMemoryState, type HostMemory } from '../memory/index';

export function saveMemoryShared(mem: GuestPhysicalMemory): GuestMemoryState {
  return mem.saveShared();
}

export function restoreMemory(host: HostMemory, state: GuestMemoryState): GuestPhysicalMemory {
  return GuestPhysicalMemory.restoreShared(host, state);
}
