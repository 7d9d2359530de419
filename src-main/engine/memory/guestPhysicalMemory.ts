/**
 * guestPhysicalMemory — a VM's guest-physical address space: gpfn → host frame, lazily backed,
 * copy-on-write, with per-page watch flags and an optional dirty log.
 *
 * Interface:
 *  - `new GuestPhysicalMemory(host, sizeBytes)`; `pageCount`, `touchedPageCount`;
 *  - fast-path support: `frameForRead(gpfn)` (ZERO_FRAME when untouched), `frameForWrite(gpfn)`
 *    (allocates or breaks COW; undefined if the host is full), `fastWritable(gpfn)`, `epoch`;
 *  - slow path (runs hooks): `readWord/writeWord/readByte/writeByte/readBytes/writeBytes` (Gpa),
 *    `notifyWrite(gpfn, offsetBytes, sizeBytes)` after writing through `frameForWrite`;
 *  - watches: `addWatcher(fn)` → bit, `watch(gpfn, bit)`, `unwatch(gpfn, bit)`, `isWatched(gpfn)`;
 *  - dirty log (migration): `enableDirtyLog()`, `disableDirtyLog()`, `readAndClearDirty()`,
 *    `isDirty(gpfn)`, `dirtyPages()`, `markDirty(gpfn)` (memory/dirtyTracking.ts builds the bitmap, rate and mechanism costs on it);
 *  - remap listeners (shadow and nested paging): `onRemap(fn)` → unsubscribe; fn(gpfn) runs after a page's backing
 *    frame changes (first touch, COW break), fn(-1) after `release()` — shadow and nested page
 *    tables (mmu/) keep their guest-physical → host-physical entries coherent with it;
 *    `isExclusive(gpfn)` (touched, refcount 1, not shared with a saved state);
 *  - `fork()` (COW copy sharing every frame), `release()`, `forEachTouched(fn)`, `save()`,
 *    `saveShared()` (a saved state that shares the frames copy-on-write: no page data copied),
 *    `GuestPhysicalMemory.restore(host, state)` (copies the pages: the state may be restored anywhere),
 *    `GuestPhysicalMemory.restoreShared(host, state)` (adopts the saved frames copy-on-write: O(touched
 *    pages) of pointer work, no page data copied — how snapshot revert stays fast), `digest()`.
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
 */
import { PAGE_SHIFT, PAGE_SIZE_BYTES, PAGE_WORDS, MAX_GUEST_MEMORY_BYTES } from '../params';
import type { Gpa, Gpfn, Hfn } from '../mmu/index';
import { HostMemory, ZERO_FRAME } from './hostMemory';
import { Hasher } from './hasher';

const CHUNK_SHIFT = 10;
const CHUNK_PAGES = 1 << CHUNK_SHIFT;
const FLAG_DIRTY = 0x80;
/** The frame is referenced by a saved state (saveShared): copy before writing. */
const FLAG_SHARED = 0x40;
const WATCH_MASK = 0x3f;

interface Chunk {
  /** Host frame number + 1; 0 = untouched (reads as zero). */
  hfn1: Int32Array;
  /** Watch bits 0..5, FLAG_DIRTY. */
  flags: Uint8Array;
}

export type WatchListener = (gpfn: Gpfn, offsetBytes: number, sizeBytes: number) => void;

export interface GuestMemoryState {
  readonly sizeBytes: number;
  /** Non-zero pages, sorted by gpfn; `words` are copies (little-endian words). */
  readonly pages: { gpfn: number; words: Int32Array }[];
}

export class GuestPhysicalMemory {
  readonly sizeBytes: number;
  readonly pageCount: number;
  /** See the header: bump = cached frame references / fast-write permissions may be stale. */
  epoch = 0;
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
    return v === 0 ? undefined : ((v - 1) as Hfn);
  }

  isTouched(gpfn: Gpfn): boolean {
    return this.hostFrameOf(gpfn) !== undefined;
  }

  /** Words of the page for reading; the shared ZERO_FRAME when untouched. Do not write to it. */
  frameForRead(gpfn: Gpfn): Int32Array {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    const v = c ? c.hfn1[gpfn & (CHUNK_PAGES - 1)] : 0;
    return v === 0 ? ZERO_FRAME : this.host.frame((v - 1) as Hfn);
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
      this.epoch++;
      if (this.remapListeners.length) this.remapped(gpfn);
      return this.host.frame(h);
    }
    const h = (v - 1) as Hfn;
    if (this.host.refCount(h) > 1 || (c.flags[i] & FLAG_SHARED)) {
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

  /** True when a writer may write the page directly (exclusive, touched, unwatched, no dirty logging pending). */
  fastWritable(gpfn: Gpfn): boolean {
    const c = this.chunks[gpfn >>> CHUNK_SHIFT];
    if (!c) return false;
    const i = gpfn & (CHUNK_PAGES - 1);
    const v = c.hfn1[i];
    if (v === 0 || this.host.refCount((v - 1) as Hfn) !== 1) return false;
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
    return v !== 0 && this.host.refCount((v - 1) as Hfn) === 1 && !(c.flags[i] & FLAG_SHARED);
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
    for (let k = 0; k < data.length; k++) if (!this.writeByte(((a + k) >>> 0) as Gpa, data[k])) return false;
    return true;
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

  // ---- sharing, iteration, persistence ----
  /** A copy-on-write clone (snapshots, VM templates): both sides share frames until written. */
  fork(): GuestPhysicalMemory {
    const child = new GuestPhysicalMemory(this.host, this.sizeBytes);
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      if (!c) continue;
      const copy = c.hfn1.slice();
      let any = false;
      for (let i = 0; i < CHUNK_PAGES; i++) {
        if (copy[i] !== 0) {
          this.host.addRef((copy[i] - 1) as Hfn);
          any = true;
        }
      }
      if (any) child.chunks[ci] = { hfn1: copy, flags: new Uint8Array(CHUNK_PAGES) };
    }
    child.touched = this.touched;
    this.epoch++;
    return child;
  }

  /** Drops every frame reference (the VM is destroyed); the memory reads as zero afterwards. */
  release(): void {
    for (const c of this.chunks) {
      if (!c) continue;
      for (let i = 0; i < CHUNK_PAGES; i++) if (c.hfn1[i] !== 0) { this.host.release((c.hfn1[i] - 1) as Hfn); c.hfn1[i] = 0; }
    }
    this.touched = 0;
    this.epoch++;
    if (this.remapListeners.length) this.remapped(-1);
  }

  /** Calls fn for every touched page in ascending gpfn order. */
  forEachTouched(fn: (gpfn: Gpfn, words: Int32Array) => void): void {
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      if (!c) continue;
      for (let i = 0; i < CHUNK_PAGES; i++) {
        if (c.hfn1[i] !== 0) fn(((ci << CHUNK_SHIFT) | i) as Gpfn, this.host.frame((c.hfn1[i] - 1) as Hfn));
      }
    }
  }

  save(): GuestMemoryState {
    const pages: { gpfn: number; words: Int32Array }[] = [];
    this.forEachTouched((g, w) => { if (!isZero(w)) pages.push({ gpfn: g, words: w.slice() }); });
    return { sizeBytes: this.sizeBytes, pages };
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
        if (c.hfn1[i] === 0) continue;
        c.flags[i] |= FLAG_SHARED;
        pages.push({ gpfn: (ci << CHUNK_SHIFT) | i, words: this.host.frame((c.hfn1[i] - 1) as Hfn) });
      }
    }
    this.epoch++;
    return { sizeBytes: this.sizeBytes, pages };
  }

  static restore(host: HostMemory, state: GuestMemoryState): GuestPhysicalMemory {
    const m = new GuestPhysicalMemory(host, state.sizeBytes);
    for (const p of state.pages) {
      if (p.words.length !== PAGE_WORDS) throw new RangeError(`saved page ${p.gpfn} has ${p.words.length} words`);
      const f = m.frameForWrite(p.gpfn as Gpfn);
      if (!f) throw new RangeError('host out of memory while restoring guest memory');
      f.set(p.words);
    }
    return m;
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
      if (h === -1) throw new RangeError('host out of memory while restoring guest memory');
      const c = m.chunk(p.gpfn);
      const i = p.gpfn & (CHUNK_PAGES - 1);
      if (c.hfn1[i] !== 0) throw new RangeError(`saved state lists page ${p.gpfn} twice`);
      c.hfn1[i] = h + 1;
      c.flags[i] |= FLAG_SHARED;
      m.touched++;
    }
    m.epoch++;
    return m;
  }

  /** Hash of the contents: non-zero pages in gpfn order (untouched and zero-filled pages are equal). */
  digest(h: Hasher = new Hasher()): string {
    h.word(this.sizeBytes / PAGE_SIZE_BYTES);
    this.forEachTouched((g, w) => {
      if (isZero(w)) return;
      h.word(g);
      h.words(w);
    });
    return h.hex();
  }
}

function isZero(w: Int32Array): boolean {
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  return true;
}
