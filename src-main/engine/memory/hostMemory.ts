/**
 * hostMemory — one host's physical memory: 4 KiB frames allocated lazily, with refcounts
 * for copy-on-write sharing and per-host accounting.
 *
 * Interface:
 *  - `new HostMemory({ capacityBytes? })`; `allocFrame()` → Hfn (zero-filled, refcount 1) or -1
 *    when the host is out of frames; `frame(h)` → the frame's Int32Array (1024 little-endian words);
 *  - `addRef(h)`, `release(h)` (frees at 0), `refCount(h)`, `copyFrame(h)` (COW break);
 *  - `adoptFrame(words)` → Hfn: registers an existing, immutable frame (from a saved state) without
 *    copying it — the caller must never write it in place (GuestPhysicalMemory flags it SHARED);
 *  - `chargeOverhead(owner, frames)` / `releaseOverhead(owner)`: frames a VM's monitor holds for its own
 *    structures (overhead memory), charged against the host's capacity like guest frames but never mapped
 *    into a guest; `overheadFramesOf(owner)`;
 *  - `stats()` → framesAllocated, framesPeak, capacityFrames, bytesAllocated, cowCopies, framesFreed,
 *    overheadFrames (framesAllocated counts guest frames only; capacity covers both);
 *  - `ZERO_FRAME`: a shared all-zero frame that readers of untouched pages may point at
 *    (never written, not counted).
 * Rules: frames are only created on demand, so memory cost follows touched pages, not
 * configured sizes. A frame with refcount > 1 is shared and must never be written in place
 * (GuestPhysicalMemory copies it first). Words hold bytes little-endian: byte k of a word w is
 * (w >>> 8k) & 255, independent of the host's endianness.
 */
import { PAGE_SIZE_BYTES, PAGE_WORDS } from '../params';
import type { Hfn } from '../mmu/index';

/** Shared read-only zero page (readers of untouched guest pages). Never write to it. */
export const ZERO_FRAME: Int32Array = new Int32Array(PAGE_WORDS);

export interface HostMemoryStats {
  framesAllocated: number;
  framesPeak: number;
  framesFreed: number;
  capacityFrames: number;
  bytesAllocated: number;
  cowCopies: number;
  /** Frames charged as overhead (monitor structures), by all owners. */
  overheadFrames: number;
}

export class HostMemory {
  private frames: (Int32Array | null)[] = [];
  private refs = new Int32Array(1024);
  private freeList: number[] = [];
  private allocated = 0;
  private peak = 0;
  private freed = 0;
  private copies = 0;
  private overhead = new Map<string, number>();
  private overheadTotal = 0;
  readonly capacityFrames: number;

  constructor(opts: { capacityBytes?: number } = {}) {
    this.capacityFrames = opts.capacityBytes === undefined ? Infinity : Math.floor(opts.capacityBytes / PAGE_SIZE_BYTES);
  }

  /** A new zero-filled frame with refcount 1, or -1 if the host is full. */
  allocFrame(): Hfn | -1 {
    return this.place(new Int32Array(PAGE_WORDS));
  }

  /**
   * Adopts an existing frame (refcount 1) without copying it: how a snapshot revert shares the saved
   * state's frames. It is counted like any frame; it must only be read — writers copy it first.
   */
  adoptFrame(words: Int32Array): Hfn | -1 {
    if (words.length !== PAGE_WORDS) throw new RangeError(`a frame has ${PAGE_WORDS} words, got ${words.length}`);
    return this.place(words);
  }

  /**
   * Charges `frames` of overhead to `owner` (added to what it already holds). False, charging nothing,
   * when the host cannot hold them.
   */
  chargeOverhead(owner: string, frames: number): boolean {
    if (!(frames >= 0) || !Number.isInteger(frames)) throw new RangeError(`overhead frames must be a non-negative integer, got ${frames}`);
    if (this.allocated + this.overheadTotal + frames > this.capacityFrames) return false;
    this.overhead.set(owner, (this.overhead.get(owner) ?? 0) + frames);
    this.overheadTotal += frames;
    return true;
  }

  /** Returns every overhead frame `owner` holds. */
  releaseOverhead(owner: string): void {
    const n = this.overhead.get(owner);
    if (n === undefined) return;
    this.overhead.delete(owner);
    this.overheadTotal -= n;
  }

  overheadFramesOf(owner: string): number {
    return this.overhead.get(owner) ?? 0;
  }

  private place(words: Int32Array): Hfn | -1 {
    if (this.allocated + this.overheadTotal >= this.capacityFrames) return -1;
    let h: number;
    if (this.freeList.length > 0) h = this.freeList.pop()!;
    else {
      h = this.frames.length;
      this.frames.push(null);
      if (h >= this.refs.length) {
        const r = new Int32Array(this.refs.length * 2);
        r.set(this.refs);
        this.refs = r;
      }
    }
    this.frames[h] = words;
    this.refs[h] = 1;
    this.allocated++;
    if (this.allocated > this.peak) this.peak = this.allocated;
    return h as Hfn;
  }

  frame(h: Hfn): Int32Array {
    const f = this.frames[h];
    if (!f) throw new RangeError(`host frame ${h} is not allocated`);
    return f;
  }

  refCount(h: Hfn): number {
    return this.frames[h] ? this.refs[h] : 0;
  }

  addRef(h: Hfn): void {
    if (!this.frames[h]) throw new RangeError(`host frame ${h} is not allocated`);
    this.refs[h]++;
  }

  release(h: Hfn): void {
    if (!this.frames[h]) throw new RangeError(`host frame ${h} is not allocated`);
    if (--this.refs[h] === 0) {
      this.frames[h] = null;
      this.freeList.push(h);
      this.allocated--;
      this.freed++;
    }
  }

  /** Copy-on-write break: a private copy of `h` (refcount 1), or -1 if the host is full. The caller releases `h`. */
  copyFrame(h: Hfn): Hfn | -1 {
    const src = this.frame(h);
    const n = this.allocFrame();
    if (n === -1) return -1;
    this.frames[n]!.set(src);
    this.copies++;
    return n;
  }

  get framesAllocated(): number {
    return this.allocated;
  }

  stats(): HostMemoryStats {
    return {
      framesAllocated: this.allocated,
      framesPeak: this.peak,
      framesFreed: this.freed,
      capacityFrames: this.capacityFrames,
      bytesAllocated: this.allocated * PAGE_SIZE_BYTES,
      cowCopies: this.copies,
      overheadFrames: this.overheadTotal,
    };
  }
}
