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
 * Sent elsewhere (a migration's switch with the source and destination on different threads): `buffer`
 * is the whole record (17 bytes a page, transferable); `new DigestMemo(pageCount, buffer)` is a memo
 * replaying it there. `hashed(gpfn)`: the recording digest hashed the page (its contents were not all
 * zero); `matches(gpfn, words)`: `words` hashed from the state recorded before the page reach the state
 * recorded after it — the recorded page's words, up to the hash's collisions (a page that differs in
 * one word always fails: each step of both lanes is a bijection of the state and of the word).
 * Rules: the caller vouches for the words (a digest replays a page only when its visitor said they are
 * the recorded page's words); the memory the first digest read must not change until the memo is
 * dropped. Holds 17 bytes a page, no page data.
 */
import { Hasher } from './hasher';

export class DigestMemo {
  /** The lanes then the marks, in one buffer (what `buffer` sends). */
  readonly buffer: ArrayBuffer;
  /** Per page: the state before (2 words) and after (2 words) hashing it. */
  private readonly lanes: Int32Array;
  private readonly recorded: Uint8Array;
  private replaying = false;
  /** `matches`' hasher. */
  private readonly check = new Hasher();
  /** Pages replayed (not hashed a second time). */
  taken = 0;

  /** Recording; given a `buffer` from a recording memo, replaying it. */
  constructor(pageCount: number, recorded?: ArrayBuffer) {
    this.buffer = recorded ?? new ArrayBuffer(pageCount * 17);
    this.lanes = new Int32Array(this.buffer, 0, pageCount * 4);
    this.recorded = new Uint8Array(this.buffer, pageCount * 16, pageCount);
    this.replaying = recorded !== undefined;
  }

  /** Whether the recording digest hashed page `gpfn` (its contents were not all zero). */
  hashed(gpfn: number): boolean {
    return gpfn < this.recorded.length && this.recorded[gpfn] === 1;
  }

  /** Whether `words` are page `gpfn`'s recorded words (by their hash from the state recorded before it). */
  matches(gpfn: number, words: Int32Array): boolean {
    if (!this.hashed(gpfn)) return false;
    this.check.loadLanes(this.lanes, gpfn * 4);
    return this.check.words(words).hasLanes(this.lanes, gpfn * 4 + 2);
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
