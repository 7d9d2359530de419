/**
 * digestMemo — a memory digest's hasher state before and after each page it hashed, so that a second
 * digest reaching the same page in the same state, with words its caller has compared equal to the
 * first one's, takes the state after the page instead of hashing the page again. The hash is a function
 * of its state and the words fed to it, so the second digest is exactly the one hashing would give; the
 * shared pages are hashed once. How a migration's switch check digests the source and the destination
 * (every page of which it compares with the source anyway) without hashing their memory twice.
 *
 * `new DigestMemo(pageCount)`: recording; a digest given it (`GuestPhysicalMemory.digest`) records every
 * page it hashes. `replay()`: from then on a digest given it replays instead — `take(gpfn, h)` moves `h`
 * past page `gpfn` when `h` is in the recorded state before it (false, nothing changed, otherwise);
 * `taken` counts the pages replayed.
 * Rules: the caller vouches for the words (a digest replays a page only when its visitor said they are
 * the recorded page's words); the memory the first digest read must not change until the memo is
 * dropped. Holds 16 bytes a page, no page data.
 */
import type { Hasher } from './hasher';

export class DigestMemo {
  /** Per page: the state before (2 words) and after (2 words) hashing it. */
  private readonly lanes: Int32Array;
  private readonly recorded: Uint8Array;
  private replaying = false;
  /** Pages replayed (not hashed a second time). */
  taken = 0;

  constructor(pageCount: number) {
    this.lanes = new Int32Array(pageCount * 4);
    this.recorded = new Uint8Array(pageCount);
  }

  get recording(): boolean {
    return !this.replaying;
  }

  /** Stops recording: later digests given the memo replay from it. */
  replay(): void {
    this.replaying = true;
  }

  /** Recording: `h` is about to hash page `gpfn`. */
  before(gpfn: number, h: Hasher): void {
    if (gpfn < this.recorded.length) h.saveLanes(this.lanes, gpfn * 4);
  }

  /** Recording: `h` has hashed page `gpfn`. */
  after(gpfn: number, h: Hasher): void {
    if (gpfn >= this.recorded.length) return;
    h.saveLanes(this.lanes, gpfn * 4 + 2);
    this.recorded[gpfn] = 1;
  }

  /** Replaying: moves `h` past page `gpfn` when it is in the state recorded before it; false otherwise. */
  take(gpfn: number, h: Hasher): boolean {
    if (!this.replaying || gpfn >= this.recorded.length || !this.recorded[gpfn] || !h.hasLanes(this.lanes, gpfn * 4)) return false;
    h.loadLanes(this.lanes, gpfn * 4 + 2);
    this.taken++;
    return true;
  }
}
