/**
 * guestPhysicalMemory — a VM's guest-physical address space: gpfn → host frame, lazily backed,
 * copy-on-write, with per-page watch flags and an optional dirty log.
 *
 * Interface:
 *  - `new GuestPhysicalMemory(host, sizeBytes)`; `pageCount`, `touchedPageCount`;
 *  - fast-path support: `frameForRead(gpfn)` (ZERO_FRAME when untouched), `frameForWrite(gpfn)`
 *    (allocates or breaks COW; undefined if the host is full), `fastWritable(gpfn)`, `epoch`;
 *  - slow path (runs hooks): `readWord/writeWord/readByte/writeByte/readBytes/writeBytes` (Gpa),
 *    `dmaWrite/dmaRead` (a device's transfer: word-by-word semantics, a frame lookup per page),
 *    `notifyWrite(gpfn, offsetBytes, sizeBytes)` after writing through `frameForWrite`;
 *  - watches: `addWatcher(fn)` → bit, `watch(gpfn, bit)`, `unwatch(gpfn, bit)`, `isWatched(gpfn)`;
 *  - dirty log (migration): `enableDirtyLog()`, `disableDirtyLog()`, `readAndClearDirty()`,
 *    `isDirty(gpfn)`, `dirtyPages()`, `markDirty(gpfn)` (memory/dirtyTracking.ts builds the bitmap, rate and mechanism costs on it);
 *  - remap listeners (shadow and nested paging): `onRemap(fn)` → unsubscribe; fn(gpfn) runs after a page's backing
 *    frame changes (first touch, COW break), fn(-1) after `release()` — shadow and nested page
 *    tables (mmu/) keep their guest-physical → host-physical entries coherent with it;
 *    `isExclusive(gpfn)` (touched, refcount 1, not shared with a saved state);
 *  - page-level operations (by gpfn, between CPU runs; what live migration and memory overcommit
 *    use): `pageWords(gpfn)` (the page's words without copying, read-only; undefined when not present),
 *    `writePage(gpfn, words)` (a write from outside: watch hooks and dirty log run, as for DMA),
 *    `discardPage(gpfn)` (frame back to the host; reads as zero), `markNotPresent(gpfn)` (frame back
 *    to the host; the contents live elsewhere, an access faults), `supplyPage(gpfn, words)` (a
 *    not-present page gets its contents back), `sharePage(gpfn, from, fromGpfn)` (map another page's
 *    frame copy-on-write), `dropZeroPage(gpfn)` (an all-zero page gives its frame back and maps the
 *    shared zero page again: page sharing's zero pages, content-preserving), `scanPages(fn)`,
 *    `forEachFramedPage(fn)`, `framesGained` (grows whenever a page gains a frame),
 *    `frameStats()` (with `sharedBreaks`: writes that had to copy a frame other pages also mapped);
 *  - not-present pages: `notPresentCount`, `isNotPresent(gpfn)`, `ensurePresent(gpfn, access)` and the
 *    `notPresentResolver` the machine installs (see Rules);
 *  - pinned pages (what the monitor itself reads and writes at any moment, such as the pv shared area):
 *    `pin(gpfn)`, `unpin(gpfn)`, `isPinned(gpfn)`, `pinnedCount` — the host's reclamation leaves them
 *    alone (it asks `isPinned`); a write to a pinned page whose frame a saved state holds copies it in
 *    place (`HostMemory.privatize`), so it never needs a free frame. Pins are not saved: whoever pinned
 *    a page pins it again when it is restored (the pv monitor, from its shared-area address);
 *  - `fork()` (COW copy sharing every frame), `release()`, `forEachTouched(fn)`, `save()`,
 *    `saveShared()` (a saved state that shares the frames copy-on-write: no page data copied),
 *    `GuestPhysicalMemory.restore(host, state)` (copies the pages: the state may be restored anywhere),
 *    `GuestPhysicalMemory.restoreShared(host, state)` (adopts the saved frames copy-on-write: O(touched
 *    pages) of pointer work, no page data copied — how snapshot revert stays fast), `digest(h?, notPresentWords?, visit?)`.
 * Rules:
 *  - `epoch` increases whenever a frame reference handed out earlier may be stale (first touch,
 *    COW break, fork, restore) or a page stopped being fast-writable (new watch, dirty log
 *    start/clear). Holders of cached frames (the CPU's software TLB) flush when it changes.
 *  - A frame is written in place only when its refcount is 1; `fork()` costs O(touched pages)
 *    (map chunks of 1024 pages are copied only where touched), never O(configured size).
 *  - `fastWritable(gpfn)` is true only for exclusive, unwatched pages that need no dirty logging,
 *    so writers that skip the slow path can never miss a hook.
 *  - Untouched pages read as zero; the digest skips all-zero pages, so untouched == zero-filled.
 *  - A page whose frame was handed out by `saveShared()` is flagged SHARED: the next write copies
 *    the frame first (like a refcount > 1), and the memory drops its reference to the old frame,
 *    which then lives on only in the saved state (so saves never pin host frames).
 *  - A page is untouched (no frame, reads as zero), present (a frame), or NOT PRESENT: no frame and
 *    no zeros either — its contents are held elsewhere (the source host of a post-copy migration, a
 *    swap file). Nothing ever reads it as zero: the CPU's MMU and walkers ask `ensurePresent` on their
 *    slow paths (and can stop the vCPU); every other reader (frameForRead / frameForWrite: monitors,
 *    loaders) calls the resolver with `canWait` false and throws `NotPresentError` if the page is still
 *    missing. A not-present page keeps its watch bits: the contents come back unchanged
 *    (`supplyPage` is content-preserving by contract), so decoded and translated code stays valid.
 *  - Content-changing operations from outside (`writePage`, `discardPage`, `sharePage` of different
 *    bytes) run the watch hooks with a whole-page write and mark the page dirty while logging, as a
 *    guest or DMA write would; content-preserving ones (`markNotPresent`, `supplyPage`, `sharePage` of
 *    equal bytes) do neither. Every operation that changes a backing frame bumps `epoch` and runs the
 *    remap listeners, so software TLBs, shadow leaves and nested entries never keep a stale frame.
 */
import { PAGE_SHIFT, PAGE_SIZE_BYTES, PAGE_WORDS, MAX_GUEST_MEMORY_BYTES } from '../params';
import type { Gpa, Gpfn, Hfn } from '../mmu/index';
import { HostMemory, ZERO_FRAME } from './hostMemory';
import { Hasher } from './hasher';
import type { DigestMemo } from './digestMemo';
import { getBytes, isZeroWords, putBytes, sameWords } from './pageBytes';

const CHUNK_SHIFT = 10;
const CHUNK_PAGES = 1 << CHUNK_SHIFT;
const FLAG_DIRTY = 0x80;
/** The frame is referenced by a saved state (saveShared): copy before writing. */
const FLAG_SHARED = 0x40;
const WATCH_MASK = 0x3f;
/** hfn1 value of a page that is not present here (no frame; its contents are elsewhere). */
const NOT_PRESENT = -1;
/**
 * What `digest(…, visit)` calls for each page it hashes, before hashing it: its number, its words (read
 * them, never write them or keep them) and whether they are held by the caller (a not-present page's
 * `notPresentWords`). Returns true to vouch that they are the words the digest's memo recorded for the
 * page (compared, or read from the same place), letting a replaying memo skip hashing them.
 */
export type DigestPageVisitor = (gpfn: number, words: Int32Array, held: boolean) => boolean | void;

/** Word hashed for a not-present page in `digest()` (with its gpfn): its contents are not here. */
const NOT_PRESENT_DIGEST_MARK = 0x4e505047;

interface Chunk {
  /** Host frame number + 1; 0 = untouched (reads as zero). */
  hfn1: Int32Array;
  /** Watch bits 0..5, FLAG_DIRTY. */
  flags: Uint8Array;
}

export type WatchListener = (gpfn: Gpfn, offsetBytes: number, sizeBytes: number) => void;

/** What met a not-present page: a CPU access (its MMU), a page-table walk, device DMA, or host code (monitor, loader). */
export type PageAccess = 'fetch' | 'read' | 'write' | 'walk' | 'dma' | 'host';

/**
 * Installed by the machine: makes a not-present page present (true) or not (false). `canWait` false
 * means the access cannot be suspended (host code in the middle of an operation).
 */
export type NotPresentResolver = (gpfn: number, access: PageAccess, canWait: boolean) => boolean;

/** A host-side access met a not-present page that could not be supplied. */
export class NotPresentError extends Error {
  constructor(readonly gpfn: number, readonly access: PageAccess) {
    super(`guest page ${gpfn} is not present here (${access} access)`);
  }
}

/** Per-memory frame statistics (see `frameStats`); the guest-machine seam (vm/guestMachine.ts) re-exports this type. */
export interface GuestFrameStats {
  /** Pages of guest-physical memory configured. */
  configuredPages: number;
  /** Pages backed by a host frame. */
  mappedPages: number;
  /** Mapped pages whose frame no one else references (refcount 1). */
  privateFrames: number;
  /** Mapped pages whose frame has other references (another VM, a clone, this VM's other pages). */
  sharedPages: number;
  /** Distinct frames behind `sharedPages`. */
  sharedFrames: number;
  /** This memory's share of the frames it maps: a frame mapped by r pages counts 1/r (vSphere's consumed memory). */
  consumedFrames: number;
  /** Pages marked not present here. */
  notPresentPages: number;
  /** Writes that copied a frame other pages also mapped (copy-on-write breaks of shared memory), cumulative. */
  sharedBreaks: number;
}

export interface GuestMemoryState {
  readonly sizeBytes: number;
  /** Non-zero pages, sorted by gpfn; `words` are copies (little-endian words). */
  readonly pages: { gpfn: number; words: Int32Array }[];
  /** Pages not present here when saved (sorted); absent = none. Their contents belong to whoever holds them. */
  readonly notPresent?: number[];
}

export class GuestPhysicalMemory {
  readonly sizeBytes: number;
  readonly pageCount: number;
  /** See the header: bump = cached frame references / fast-write permissions may be stale. */
  epoch = 0;
  /** Grows whenever a page gains a frame (first touch, a not-present page filled, a page shared onto, restore): see `GuestPages.framesGained`. */
  framesGained = 0;
  private chunks: (Chunk | undefined)[];
  private touched = 0;
  private watchers: WatchListener[] = [];
  private dirtyLogging = false;
  private dirtyList: number[] = [];
  /** Pages that went clean → dirty while logging (for dirty-rate counters). */
  pagesDirtied = 0;
  /** Writes that took the slow path because of a watch. */
  watchedWrites = 0;
  private remapListeners: ((gpfn: number) => void)[] = [];
  /** Writes that copied a frame other pages still map (a copy-on-write break of shared memory). */
  sharedBreaks = 0;
  /** Pages marked not present (the MMU skips every check while it is 0). */
  notPresentCount = 0;
  /** Asked when an access meets a not-present page (the machine installs it); none = the access fails. */
  notPresentResolver: NotPresentResolver | undefined = undefined;
  /** Pages the monitor uses itself (see the header); empty for nearly every guest. */
  private pinned = new Set<number>();

  constructor(readonly host: HostMemory, sizeBytes: number) {
    if (!(sizeBytes > 0) || sizeBytes % PAGE_SIZE_BYTES !== 0 || sizeBytes > MAX_GUEST_MEMORY_BYTES) {
      throw new RangeError(`guest memory size must be a positive multiple of ${PAGE_SIZE_BYTES} up to 4 GiB, got ${sizeBytes}`);
    }
    this.sizeBytes = sizeBytes;
    this.pageCount = sizeBytes / PAGE_SIZE_BYTES;
    this.chunks = new Array(Math.ceil(this.pageCount / CHUNK_PAGES)).fill(undefined);
  }

  get touchedPageCount(): number {
    return this.touched;
  }

  private chunk(gpfn: number): Chunk {
    const ci = gpfn >>> CHUNK_SHIFT;
    let c = this.chunks[ci];
    if (!c) {
      c = { hfn1: new Int32Array(CHUNK_PAGES), flags: new Uint8Array(CHUNK_PAGES) };
      this.chunks[ci] = c;
    }
    return c;
  }

  private check(gpfn: number): void {
    if (!(gpfn >= 0 && gpfn < this.pageCount)) throw new RangeError(`guest page ${gpfn} is outside guest memory (${this.pageCount} pages)`);
  }

  /** Host frame backing `gpfn`, or undefined when untouched. */
  hostFrameOf(gpfn: Gpfn): Hfn | undefined {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    const v = c ? c.hfn1[gpfn & (CHUNK_PAGES - 1)] : 0;
    return v <= 0 ? undefined : ((v - 1) as Hfn);
  }

  isTouched(gpfn: Gpfn): boolean {
    return this.hostFrameOf(gpfn) !== undefined;
  }

  /** Words of the page for reading; the shared ZERO_FRAME when untouched. Do not write to it. A not-present page is resolved first (or NotPresentError). */
  frameForRead(gpfn: Gpfn): Int32Array {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    const v = c ? c.hfn1[gpfn & (CHUNK_PAGES - 1)] : 0;
    if (v > 0) return this.host.frame((v - 1) as Hfn);
    if (v === 0) return ZERO_FRAME;
    this.hostAccess(gpfn);
    return this.frameForRead(gpfn);
  }

  /** True when gpfn is marked not present here. */
  isNotPresent(gpfn: Gpfn): boolean {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    return c !== undefined && c.hfn1[gpfn & (CHUNK_PAGES - 1)] === NOT_PRESENT;
  }

  /**
   * True when gpfn can be accessed now: present (or untouched), or supplied by the resolver. False:
   * the page is still not present (the resolver made the access wait, or there is none).
   */
  ensurePresent(gpfn: number, access: PageAccess, canWait = true): boolean {
    if (this.notPresentCount === 0 || !this.isNotPresent(gpfn as Gpfn)) return true;
    return this.notPresentResolver !== undefined && this.notPresentResolver(gpfn, access, canWait) && !this.isNotPresent(gpfn as Gpfn);
  }

  /** A host-side access that cannot wait: the page must be supplied now. */
  private hostAccess(gpfn: number): void {
    if (!this.ensurePresent(gpfn, 'host', false)) throw new NotPresentError(gpfn, 'host');
  }

  /** Words of the page, exclusive to this memory (allocating or COW-breaking); undefined if the host is full. */
  frameForWrite(gpfn: Gpfn): Int32Array | undefined {
    this.check(gpfn);
    const c = this.chunk(gpfn);
    const i = gpfn & (CHUNK_PAGES - 1);
    const v = c.hfn1[i];
    if (v === 0) {
      const h = this.host.allocFrame();
      if (h === -1) return undefined;
      c.hfn1[i] = h + 1;
      this.touched++;
      this.framesGained++;
      this.epoch++;
      if (this.remapListeners.length) this.remapped(gpfn);
      return this.host.frame(h);
    }
    if (v === NOT_PRESENT) {
      this.hostAccess(gpfn);
      return this.frameForWrite(gpfn);
    }
    const h = (v - 1) as Hfn;
    if (this.host.refCount(h) > 1 || (c.flags[i] & FLAG_SHARED) || this.host.isFrozen(h)) {
      if (this.pinned.size !== 0 && this.host.refCount(h) === 1 && this.pinned.has(gpfn)) {
        // a pinned page a saved state holds: copy in place, no free frame needed (the monitor cannot wait for one)
        c.flags[i] &= ~FLAG_SHARED;
        this.host.privatize(h);
        this.epoch++;
        if (this.remapListeners.length) this.remapped(gpfn);
        return this.host.frame(h);
      }
      if (this.host.refCount(h) > 1) this.sharedBreaks++;
      c.flags[i] &= ~FLAG_SHARED;
      const n = this.host.copyFrame(h);
      if (n === -1) return undefined;
      this.host.release(h);
      c.hfn1[i] = n + 1;
      this.epoch++;
      if (this.remapListeners.length) this.remapped(gpfn);
      return this.host.frame(n);
    }
    return this.host.frame(h);
  }

  // ---- pinned pages ----
  /** The monitor uses the page itself: the host's reclamation must leave it where it is (see the header). */
  pin(gpfn: number): void {
    this.check(gpfn);
    this.pinned.add(gpfn);
  }
  unpin(gpfn: number): void {
    this.pinned.delete(gpfn);
  }
  isPinned(gpfn: number): boolean {
    return this.pinned.size !== 0 && this.pinned.has(gpfn);
  }
  get pinnedCount(): number {
    return this.pinned.size;
  }

  /** True when a writer may write the page directly (exclusive, touched, unwatched, no dirty logging pending). */
  fastWritable(gpfn: Gpfn): boolean {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    if (!c) return false;
    const i = gpfn & (CHUNK_PAGES - 1);
    const v = c.hfn1[i];
    if (v <= 0 || this.host.refCount((v - 1) as Hfn) !== 1 || this.host.isFrozen((v - 1) as Hfn)) return false;
    const f = c.flags[i];
    if (f & (WATCH_MASK | FLAG_SHARED)) return false;
    if (this.dirtyLogging && !(f & FLAG_DIRTY)) return false;
    return true;
  }

  /** True when gpfn is backed by a frame only this memory references (a write needs no copy). */
  isExclusive(gpfn: Gpfn): boolean {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    if (!c) return false;
    const i = gpfn & (CHUNK_PAGES - 1);
    const v = c.hfn1[i];
    return v > 0 && this.host.refCount((v - 1) as Hfn) === 1 && !(c.flags[i] & FLAG_SHARED) && !this.host.isFrozen((v - 1) as Hfn);
  }

  /** Registers a listener for backing-frame changes (see the header); returns a function that removes it. */
  onRemap(fn: (gpfn: number) => void): () => void {
    this.remapListeners.push(fn);
    return () => { this.remapListeners = this.remapListeners.filter((f) => f !== fn); };
  }

  private remapped(gpfn: number): void {
    for (const fn of this.remapListeners) fn(gpfn);
  }

  /** Runs watch hooks and dirty logging for a write already made through frameForWrite. */
  notifyWrite(gpfn: Gpfn, offsetBytes: number, sizeBytes: number): void {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    if (!c) return;
    const i = gpfn & (CHUNK_PAGES - 1);
    const f = c.flags[i];
    if (this.dirtyLogging && !(f & FLAG_DIRTY)) {
      c.flags[i] = f | FLAG_DIRTY;
      this.dirtyList.push(gpfn);
      this.pagesDirtied++;
    }
    const w = f & WATCH_MASK;
    if (w) {
      this.watchedWrites++;
      for (let b = 0; b < this.watchers.length; b++) if (w & (1 << b)) this.watchers[b](gpfn, offsetBytes, sizeBytes);
    }
  }

  // ---- slow-path accessors (bounds-checked, run hooks) ----
  readWord(a: Gpa): number {
    this.check(a >>> PAGE_SHIFT);
    return this.frameForRead((a >>> PAGE_SHIFT) as Gpfn)[(a & 0xfff) >>> 2];
  }
  writeWord(a: Gpa, value: number): boolean {
    const p = (a >>> PAGE_SHIFT) as Gpfn;
    const f = this.frameForWrite(p);
    if (!f) return false;
    f[(a & 0xfff) >>> 2] = value | 0;
    this.notifyWrite(p, a & 0xffc, 4);
    return true;
  }
  readByte(a: Gpa): number {
    return (this.readWord((a & ~3) as Gpa) >>> ((a & 3) * 8)) & 255;
  }
  writeByte(a: Gpa, value: number): boolean {
    const p = (a >>> PAGE_SHIFT) as Gpfn;
    const f = this.frameForWrite(p);
    if (!f) return false;
    const wi = (a & 0xfff) >>> 2;
    const sh = (a & 3) * 8;
    f[wi] = (f[wi] & ~(255 << sh)) | ((value & 255) << sh);
    this.notifyWrite(p, a & 0xfff, 1);
    return true;
  }
  readBytes(a: Gpa, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let k = 0; k < length; k++) out[k] = this.readByte(((a + k) >>> 0) as Gpa);
    return out;
  }
  /** Loader / DMA write. Returns false if the host ran out of frames. */
  writeBytes(a: Gpa, data: Uint8Array): boolean {
    // page by page: what byte-by-byte writes would do (the same frames, the same bytes, each page's
    // watchers told of the whole span at once), without a frame lookup and a notification per byte
    return this.eachPageSpan(a, data.length, (p, off, k, n) => {
      const f = this.frameForWrite(p);
      if (!f) return false;
      putBytes(f, off, data.subarray(k, k + n));
      this.notifyWrite(p, off, n);
      return true;
    });
  }

  /**
   * Calls `span(p, off, k, n)` for each page piece of the bytes [a, a + length): page `p`, offset `off` in
   * it, `k` bytes into the range, `n` bytes long; stops and answers false when `span` does.
   */
  private eachPageSpan(a: Gpa, length: number, span: (p: Gpfn, off: number, k: number, n: number) => boolean): boolean {
    for (let k = 0; k < length;) {
      const addr = (a + k) >>> 0;
      const off = addr & (PAGE_SIZE_BYTES - 1);
      const n = Math.min(length - k, PAGE_SIZE_BYTES - off);
      if (!span((addr >>> PAGE_SHIFT) as Gpfn, off, k, n)) return false;
      k += n;
    }
    return true;
  }

  /**
   * Device DMA into memory: exactly what writing `data` word by word (`writeWord`; `writeByte` where a
   * word would not be aligned or whole) does — the same frames, bytes, dirty log and watch
   * notifications, failing at the same page when the host is full — with one frame lookup and one
   * notification per page of an unwatched page (its only hook is the dirty log, marked once either
   * way). A watched page still gets its writes word by word, so its watchers see what they always did.
   */
  dmaWrite(a: Gpa, data: Uint8Array): boolean {
    return this.eachPageSpan(a, data.length, (p, off, k, n) => {
      // the first write's frame lookup: allocation, COW break and remap listeners happen here, as before
      const f = this.frameForWrite(p);
      if (!f) return false;
      if (this.isWatched(p)) return this.writeSpanByWords(((a + k) >>> 0), data, k, n);
      putBytes(f, off, data.subarray(k, k + n));
      this.notifyWrite(p, off, n);
      return true;
    });
  }

  /** Bytes data[k, k + n) at addr, word by word (a byte where a word would not be aligned or whole). */
  private writeSpanByWords(addr: number, data: Uint8Array, k: number, n: number): boolean {
    for (let j = 0; j < n;) {
      const x = ((addr + j) >>> 0) as Gpa;
      const i = k + j;
      if ((x & 3) === 0 && j + 4 <= n) {
        if (!this.writeWord(x, data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) return false;
        j += 4;
      } else {
        if (!this.writeByte(x, data[i])) return false;
        j++;
      }
    }
    return true;
  }

  /** Device DMA out of memory: guest-physical bytes [a, a + out.length) into `out`, one frame lookup per page (reads run no hooks). */
  dmaRead(a: Gpa, out: Uint8Array): void {
    this.eachPageSpan(a, out.length, (p, off, k, n) => {
      this.check(p);
      getBytes(this.frameForRead(p), off, out.subarray(k, k + n));
      return true;
    });
  }

  // ---- watches ----
  /** Registers a write listener; returns its bit (0..5) for watch/unwatch. */
  addWatcher(fn: WatchListener): number {
    if (this.watchers.length >= 6) throw new RangeError('at most 6 watchers per guest memory');
    this.watchers.push(fn);
    return this.watchers.length - 1;
  }
  watch(gpfn: Gpfn, bit: number): void {
    this.check(gpfn);
    const c = this.chunk(gpfn);
    const i = gpfn & (CHUNK_PAGES - 1);
    if (!(c.flags[i] & (1 << bit))) {
      c.flags[i] |= 1 << bit;
      this.epoch++;
    }
  }
  unwatch(gpfn: Gpfn, bit: number): void {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    if (c) c.flags[gpfn & (CHUNK_PAGES - 1)] &= ~(1 << bit);
  }
  isWatched(gpfn: Gpfn, bit?: number): boolean {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    if (!c) return false;
    const f = c.flags[gpfn & (CHUNK_PAGES - 1)];
    return bit === undefined ? (f & WATCH_MASK) !== 0 : (f & (1 << bit)) !== 0;
  }

  // ---- dirty log ----
  enableDirtyLog(): void {
    this.clearDirtyFlags();
    this.dirtyLogging = true;
    this.epoch++;
  }
  disableDirtyLog(): void {
    this.clearDirtyFlags();
    this.dirtyLogging = false;
  }
  get dirtyLogEnabled(): boolean {
    return this.dirtyLogging;
  }
  /** Written since the last read-and-clear (only meaningful while logging). */
  isDirty(gpfn: Gpfn): boolean {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    return c !== undefined && (c.flags[gpfn & (CHUNK_PAGES - 1)] & FLAG_DIRTY) !== 0;
  }
  /** The pages dirty now (sorted), without clearing them. */
  dirtyPages(): number[] {
    return [...this.dirtyList].sort((x, y) => x - y);
  }
  /**
   * Marks a page dirty without a write (while logging): a restored machine re-marks the pages its
   * saved log held, and a guest reset marks every page of its new memory (all of it was rewritten).
   */
  markDirty(gpfn: Gpfn): void {
    if (!this.dirtyLogging) return;
    this.check(gpfn);
    const c = this.chunk(gpfn);
    const i = gpfn & (CHUNK_PAGES - 1);
    if (c.flags[i] & FLAG_DIRTY) return;
    c.flags[i] |= FLAG_DIRTY;
    this.dirtyList.push(gpfn);
    this.pagesDirtied++;
  }
  /** Pages written since the last call (sorted gpfns), then clears them (write-protect again). */
  readAndClearDirty(): Gpfn[] {
    const list = this.clearDirtyFlags();
    this.epoch++;
    return list.sort((x, y) => x - y) as Gpfn[];
  }
  private clearDirtyFlags(): number[] {
    const list = this.dirtyList;
    for (const p of list) this.chunks[p >>> CHUNK_SHIFT]!.flags[p & (CHUNK_PAGES - 1)] &= ~FLAG_DIRTY;
    this.dirtyList = [];
    return list;
  }

  // ---- page-level operations (between CPU runs) ----
  /** The page's words without copying (ZERO_FRAME when untouched); undefined when not present. Read-only. */
  pageWords(gpfn: Gpfn): Int32Array | undefined {
    this.check(gpfn);
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    const v = c ? c.hfn1[gpfn & (CHUNK_PAGES - 1)] : 0;
    if (v > 0) return this.host.frame((v - 1) as Hfn);
    return v === 0 ? ZERO_FRAME : undefined;
  }

  /**
   * Writes a whole page from outside (like DMA: watch hooks and the dirty log see it). A not-present
   * page becomes present with these contents. All-zero contents leave the page without a frame.
   * False (nothing changed) when the host has no free frame.
   */
  writePage(gpfn: Gpfn, words: Int32Array): boolean {
    this.check(gpfn);
    if (words.length !== PAGE_WORDS) throw new RangeError(`a page has ${PAGE_WORDS} words, got ${words.length}`);
    if (isZeroWords(words)) {
      if (this.dropFrame(gpfn)) this.notifyWrite(gpfn, 0, PAGE_SIZE_BYTES);
      return true;
    }
    const c = this.chunk(gpfn);
    const i = gpfn & (CHUNK_PAGES - 1);
    if (c.hfn1[i] === NOT_PRESENT) {
      if (!this.fill(gpfn, words)) return false;
    } else {
      const f = this.frameForWrite(gpfn);
      if (!f) return false;
      f.set(words);
    }
    this.notifyWrite(gpfn, 0, PAGE_SIZE_BYTES);
    return true;
  }

  /** Releases the page's frame (or its not-present mark): it reads as zero. A content change: hooks and dirty log run. */
  discardPage(gpfn: Gpfn): void {
    this.check(gpfn);
    if (this.dropFrame(gpfn)) this.notifyWrite(gpfn, 0, PAGE_SIZE_BYTES);
  }

  /**
   * Releases the frame of a page whose bytes are all zero: the page reads the shared zero page again and
   * its next write allocates (page sharing's zero pages). Content-preserving: no hooks, not dirty. False
   * (nothing changed) when the page has no frame or a non-zero byte.
   */
  dropZeroPage(gpfn: Gpfn): boolean {
    this.check(gpfn);
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    if (!c) return false;
    const v = c.hfn1[gpfn & (CHUNK_PAGES - 1)];
    if (v <= 0 || !isZeroWords(this.host.frame((v - 1) as Hfn))) return false;
    return this.dropFrame(gpfn);
  }

  /** Untouched page, no frame; true when something was released. */
  private dropFrame(gpfn: Gpfn): boolean {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    if (!c) return false;
    const i = gpfn & (CHUNK_PAGES - 1);
    const v = c.hfn1[i];
    if (v === 0) return false;
    if (v > 0) {
      this.host.release((v - 1) as Hfn);
      this.touched--;
    } else this.notPresentCount--;
    c.hfn1[i] = 0;
    c.flags[i] &= ~FLAG_SHARED;
    this.epoch++;
    if (this.remapListeners.length) this.remapped(gpfn);
    return true;
  }

  /**
   * Marks the page not present here and releases its frame (read its words first if you keep them):
   * any access faults until `supplyPage` / `writePage`. Content-preserving: no hooks, not dirty.
   */
  markNotPresent(gpfn: Gpfn): void {
    this.check(gpfn);
    const c = this.chunk(gpfn);
    const i = gpfn & (CHUNK_PAGES - 1);
    const v = c.hfn1[i];
    if (v === NOT_PRESENT) return;
    if (v > 0) {
      this.host.release((v - 1) as Hfn);
      this.touched--;
    }
    c.hfn1[i] = NOT_PRESENT;
    c.flags[i] &= ~FLAG_SHARED;
    this.notPresentCount++;
    this.epoch++;
    if (this.remapListeners.length) this.remapped(gpfn);
  }

  /**
   * Gives a not-present page its contents back (they must be the ones it had: no hooks run, it is not
   * dirtied). RangeError for a present page (use writePage); false when the host has no free frame.
   */
  supplyPage(gpfn: Gpfn, words: Int32Array): boolean {
    this.check(gpfn);
    if (words.length !== PAGE_WORDS) throw new RangeError(`a page has ${PAGE_WORDS} words, got ${words.length}`);
    if (!this.isNotPresent(gpfn)) throw new RangeError(`guest page ${gpfn} is present: supplyPage fills a page marked not present (writePage changes a present one)`);
    return this.fill(gpfn, words);
  }

  /** A not-present page gets a frame holding `words` (none when they are zero). */
  private fill(gpfn: Gpfn, words: Int32Array): boolean {
    const c = this.chunk(gpfn);
    const i = gpfn & (CHUNK_PAGES - 1);
    if (isZeroWords(words)) c.hfn1[i] = 0;
    else {
      const h = this.host.allocFrame();
      if (h === -1) return false;
      this.host.frame(h).set(words);
      c.hfn1[i] = h + 1;
      this.touched++;
      this.framesGained++;
    }
    this.notPresentCount--;
    this.epoch++;
    if (this.remapListeners.length) this.remapped(gpfn);
    return true;
  }

  /**
   * Makes gpfn map the frame behind `from`'s page `fromGpfn`, shared copy-on-write (page sharing, dedup
   * against pages a host already holds). Both memories must live on the same host. When the contents
   * differ this is a write (hooks, dirty log); equal contents change nothing the guest can see. False
   * (nothing changed) when the source page has no frame (untouched or not present).
   */
  sharePage(gpfn: Gpfn, from: GuestPhysicalMemory, fromGpfn: Gpfn): boolean {
    this.check(gpfn);
    from.check(fromGpfn);
    if (from.host !== this.host) throw new RangeError('sharePage: both memories must belong to the same host');
    const h = from.hostFrameOf(fromGpfn);
    if (h === undefined) return false;
    const c = this.chunk(gpfn);
    const i = gpfn & (CHUNK_PAGES - 1);
    const v = c.hfn1[i];
    if (v === h + 1) return true;
    const old = v > 0 ? this.host.frame((v - 1) as Hfn) : v === 0 ? ZERO_FRAME : undefined;
    const same = old !== undefined && sameWords(old, this.host.frame(h));
    this.host.addRef(h);
    if (v > 0) this.host.release((v - 1) as Hfn);
    else { this.touched++; this.framesGained++; }
    if (v === NOT_PRESENT) this.notPresentCount--;
    c.hfn1[i] = h + 1;
    c.flags[i] &= ~FLAG_SHARED;
    this.epoch++;
    if (this.remapListeners.length) this.remapped(gpfn);
    // the source's frame is shared now: its writers must copy it first
    from.epoch++;
    if (from.remapListeners.length) from.remapped(fromGpfn);
    if (!same) this.notifyWrite(gpfn, 0, PAGE_SIZE_BYTES);
    return true;
  }

  /** Calls fn(gpfn, hfn, refCount) for every page with a frame, and fn(gpfn, -1, 0) for every not-present page, in gpfn order. */
  scanPages(fn: (gpfn: number, hfn: number, refCount: number) => void): void {
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      if (!c) continue;
      const base = ci << CHUNK_SHIFT;
      for (let i = 0; i < CHUNK_PAGES; i++) {
        const v = c.hfn1[i];
        if (v > 0) fn(base | i, v - 1, this.host.refCount((v - 1) as Hfn));
        else if (v === NOT_PRESENT) fn(base | i, -1, 0);
      }
    }
  }

  /** Calls fn(gpfn) for every page with a frame, in gpfn order: `scanPages` without the reference counts or not-present pages. */
  forEachFramedPage(fn: (gpfn: number) => void): void {
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      if (!c) continue;
      const base = ci << CHUNK_SHIFT;
      const h = c.hfn1;
      for (let i = 0; i < CHUNK_PAGES; i++) if (h[i] > 0) fn(base | i);
    }
  }

  /** Frames this memory maps, private and shared, and its not-present pages: O(touched pages). */
  frameStats(): GuestFrameStats {
    let priv = 0;
    let shared = 0;
    let consumed = 0;
    const sharedSet = new Set<number>();
    this.scanPages((_g, h, refs) => {
      if (h < 0) return;
      consumed += 1 / refs;
      if (refs > 1) { shared++; sharedSet.add(h); } else priv++;
    });
    return {
      configuredPages: this.pageCount, mappedPages: this.touched, privateFrames: priv, sharedPages: shared, sharedFrames: sharedSet.size, consumedFrames: consumed,
      notPresentPages: this.notPresentCount, sharedBreaks: this.sharedBreaks,
    };
  }

  // ---- sharing, iteration, persistence ----
  /** A copy-on-write clone (snapshots, VM templates): both sides share frames until written; not-present pages stay not present in both. */
  fork(): GuestPhysicalMemory {
    const child = new GuestPhysicalMemory(this.host, this.sizeBytes);
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      if (!c) continue;
      const copy = c.hfn1.slice();
      let any = false;
      for (let i = 0; i < CHUNK_PAGES; i++) {
        if (copy[i] > 0) this.host.addRef((copy[i] - 1) as Hfn);
        if (copy[i] !== 0) any = true;
      }
      if (any) child.chunks[ci] = { hfn1: copy, flags: new Uint8Array(CHUNK_PAGES) };
    }
    child.touched = this.touched;
    child.notPresentCount = this.notPresentCount;
    this.epoch++;
    return child;
  }

  /** Drops every frame reference (the VM is destroyed); the memory reads as zero afterwards. */
  release(): void {
    for (const c of this.chunks) {
      if (!c) continue;
      for (let i = 0; i < CHUNK_PAGES; i++) {
        if (c.hfn1[i] > 0) this.host.release((c.hfn1[i] - 1) as Hfn);
        c.hfn1[i] = 0;
      }
    }
    this.touched = 0;
    this.notPresentCount = 0;
    this.epoch++;
    if (this.remapListeners.length) this.remapped(-1);
  }

  /** Calls fn for every touched page (one with a frame) in ascending gpfn order. */
  forEachTouched(fn: (gpfn: Gpfn, words: Int32Array) => void): void {
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      if (!c) continue;
      for (let i = 0; i < CHUNK_PAGES; i++) {
        if (c.hfn1[i] > 0) fn(((ci << CHUNK_SHIFT) | i) as Gpfn, this.host.frame((c.hfn1[i] - 1) as Hfn));
      }
    }
  }

  /** Not-present pages in ascending order. */
  notPresentPages(): number[] {
    const out: number[] = [];
    if (this.notPresentCount === 0) return out;
    this.scanPages((g, h) => { if (h < 0) out.push(g); });
    return out;
  }

  save(): GuestMemoryState {
    const pages: { gpfn: number; words: Int32Array }[] = [];
    this.forEachTouched((g, w) => { if (!isZeroWords(w)) pages.push({ gpfn: g, words: w.slice() }); });
    return this.withNotPresent({ sizeBytes: this.sizeBytes, pages });
  }

  private withNotPresent(s: GuestMemoryState): GuestMemoryState {
    return this.notPresentCount === 0 ? s : { ...s, notPresent: this.notPresentPages() };
  }

  /**
   * A saved state whose `words` are this memory's own frames (no copy): every touched page is
   * flagged SHARED so the next write to it copies the frame first. O(touched pages), no page data.
   */
  saveShared(): GuestMemoryState {
    const pages: { gpfn: number; words: Int32Array }[] = [];
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      if (!c) continue;
      for (let i = 0; i < CHUNK_PAGES; i++) {
        if (c.hfn1[i] <= 0) continue;
        c.flags[i] |= FLAG_SHARED;
        // frozen too: page sharing may map this frame into other memories, which must copy it as well
        this.host.freeze((c.hfn1[i] - 1) as Hfn);
        pages.push({ gpfn: (ci << CHUNK_SHIFT) | i, words: this.host.frame((c.hfn1[i] - 1) as Hfn) });
      }
    }
    this.epoch++;
    return this.withNotPresent({ sizeBytes: this.sizeBytes, pages });
  }

  static restore(host: HostMemory, state: GuestMemoryState): GuestPhysicalMemory {
    const m = new GuestPhysicalMemory(host, state.sizeBytes);
    for (const p of state.pages) {
      if (p.words.length !== PAGE_WORDS) throw new RangeError(`saved page ${p.gpfn} has ${p.words.length} words`);
      const f = m.frameForWrite(p.gpfn as Gpfn);
      if (!f) {
        m.release(); // as restoreShared: the frames taken so far go back
        throw new RangeError('host out of memory while restoring guest memory');
      }
      f.set(p.words);
    }
    m.restoreNotPresent(state);
    return m;
  }

  private restoreNotPresent(state: GuestMemoryState): void {
    for (const g of state.notPresent ?? []) {
      if (this.hostFrameOf(g as Gpfn) !== undefined) throw new RangeError(`saved state lists page ${g} as both present and not present`);
      this.markNotPresent(g as Gpfn);
    }
  }

  /**
   * Restores a state from `saveShared()` without copying page data: every saved frame is adopted by
   * the host and flagged SHARED, so the first write to a page copies it (the saved frames never
   * change, and the same state can be restored again).
   */
  static restoreShared(host: HostMemory, state: GuestMemoryState): GuestPhysicalMemory {
    const m = new GuestPhysicalMemory(host, state.sizeBytes);
    for (const p of state.pages) {
      m.check(p.gpfn as Gpfn);
      const h = host.adoptFrame(p.words);
      if (h === -1) {
        m.release(); // a restore that does not fit gives back what it took: the host loses no frame
        throw new RangeError('host out of memory while restoring guest memory');
      }
      const c = m.chunk(p.gpfn);
      const i = p.gpfn & (CHUNK_PAGES - 1);
      if (c.hfn1[i] !== 0) throw new RangeError(`saved state lists page ${p.gpfn} twice`);
      c.hfn1[i] = h + 1;
      c.flags[i] |= FLAG_SHARED;
      m.touched++;
      m.framesGained++;
    }
    m.restoreNotPresent(state);
    m.epoch++;
    return m;
  }

  /**
   * Hash of the contents: non-zero pages in gpfn order (untouched and zero-filled pages are equal).
   * A not-present page hashes as a mark with its gpfn — its contents are not here — so a memory with
   * pages still elsewhere never digests like the complete one — unless `notPresentWords` gives the
   * contents the caller holds for it (`null`: it reads as zeros): then it hashes as those contents
   * would if present.
   * `visit` (optional) sees every page whose contents are hashed, with those words (read-only) and
   * whether they are held (from `notPresentWords`) rather than here, before they are hashed: how the
   * check at a migration's switch compares each page while the digest reads it, instead of reading the
   * memory twice. `memo` (optional, `digestMemo.ts`): recording, it notes the hasher's state around
   * each page; replaying, a page whose words `visit` returned true for (they are the recorded page's)
   * is not hashed again when the hasher is in the recorded state before it.
   */
  digest(h: Hasher = new Hasher(), notPresentWords?: (gpfn: number) => Int32Array | null | undefined, visit?: DigestPageVisitor, memo?: DigestMemo): string {
    h.word(this.sizeBytes / PAGE_SIZE_BYTES);
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      if (!c) continue;
      for (let i = 0; i < CHUNK_PAGES; i++) {
        const v = c.hfn1[i];
        if (v > 0) {
          const w = this.host.frame((v - 1) as Hfn);
          if (isZeroWords(w)) continue;
          hashPage(h, (ci << CHUNK_SHIFT) | i, w, false, visit, memo);
        } else if (v === NOT_PRESENT) {
          const gpfn = (ci << CHUNK_SHIFT) | i;
          const held = notPresentWords?.(gpfn);
          if (held === undefined) h.word(gpfn).word(NOT_PRESENT_DIGEST_MARK);
          else if (held !== null && !isZeroWords(held)) hashPage(h, gpfn, held, true, visit, memo);
        }
      }
    }
    return h.hex();
  }
}

/** One page of `digest`: its number, then its words — hashed, or taken from `memo` (see `digest`). */
function hashPage(h: Hasher, gpfn: number, w: Int32Array, held: boolean, visit: DigestPageVisitor | undefined, memo: DigestMemo | undefined): void {
  h.word(gpfn);
  const vouched = visit?.(gpfn, w, held) === true;
  if (!memo) { h.words(w); return; }
  if (memo.recording) {
    memo.before(gpfn, h);
    h.words(w);
    memo.after(gpfn, h);
  } else if (!(vouched && memo.take(gpfn, h))) h.words(w);
}
