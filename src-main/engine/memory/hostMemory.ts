/**
 * hostMemory — one host's physical memory: 4 KiB frames allocated lazily, with refcounts
 * for copy-on-write sharing and per-host accounting.
 *
 * Interface:
 *  - `new HostMemory({ capacityBytes? })`; `allocFrame()` → Hfn (zero-filled, refcount 1) or -1
 *    when the host is out of frames; `frame(h)` → the frame's Int32Array (1024 little-endian words);
 *  - `addRef(h)`, `release(h)` (frees at 0), `refCount(h)`, `copyFrame(h)` (COW break);
 *  - `adoptFrame(words)` → Hfn: registers an existing, immutable frame (from a saved state) as a frozen
 *    frame (words of another buffer copied into the pool, found again by those words; not a
 *    copy-on-write break) — the caller must never write it in place (GuestPhysicalMemory flags it SHARED); when
 *    `words` is already a live frame of this pool (a page shared by page sharing, saved by two VMs) the
 *    same frame gets one more reference instead of a second copy, so sharing survives save and restore;
 *  - `freeze(h)` / `isFrozen(h)`: the frame's words were handed to a saved state, so no one may write it
 *    in place any more, whichever memory maps it (writers copy first); cleared when the frame is freed;
 *    `privatize(h)`: a frozen frame only one page maps gets new words (a copy) under the same number —
 *    the saved state keeps the old ones — so a page that must stay writable needs no free frame for it;
 *  - `chargeOverhead(owner, frames)` / `releaseOverhead(owner)`: frames a VM's monitor holds for its own
 *    structures (overhead memory), charged against the host's capacity like guest frames but never mapped
 *    into a guest; `overheadFramesOf(owner)`;
 *  - `setHeldFrames(owner, frames)` / `heldFramesOf(owner)`: frames the host's memory reclamation holds
 *    for a VM outside its guest memory (its compression cache, pages out for activity sampling): charged
 *    against capacity like guest frames, never mapped; `freeFrames` (what an allocation can still get);
 *  - `stats()` → framesAllocated, framesPeak, capacityFrames, bytesAllocated, cowCopies, framesFreed,
 *    overheadFrames, heldFrames (framesAllocated counts guest frames only; capacity covers all three);
 *  - `ZERO_FRAME`: a shared all-zero frame that readers of untouched pages may point at
 *    (never written, not counted);
 *  - the frame pool: `words` (one Int32Array over every frame this host carved from its pool buffer),
 *    `offsetOf(frame)` → the frame's word offset in `words` (`zeroOffset` for ZERO_FRAME; -1 for a frame
 *    outside the pool: adopted from a saved state, or allocated past HOST_POOL_MAX_FRAMES) — how the
 *    software TLB (mmu/) holds a frame: two typed-array reads per access instead of an array of arrays.
 * Rules: frames are only created on demand, so memory cost follows touched pages, not
 * configured sizes. A frame with refcount > 1 is shared and must never be written in place
 * (GuestPhysicalMemory copies it first). Words hold bytes little-endian: byte k of a word w is
 * (w >>> 8k) & 255, independent of the host's endianness. `frame(h)` is a fixed view of the pool (valid
 * for the frame's life: the buffer never moves); a freed frame's slot is reused (zero-filled) unless
 * the frame was frozen — its words then live on in a saved state, and the slot comes back when they are
 * collected. Adopted words of another buffer are copied into the pool (so the software TLB holds them).
 */
import { HOST_POOL_MAX_FRAMES, PAGE_SIZE_BYTES, PAGE_WORDS } from '../params';
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
  /** Frames held by memory reclamation (compression caches, sampled pages), by all owners. */
  heldFrames: number;
}

export class HostMemory {
  /**
   * The pool: one buffer the host's frames are carved from (4 KiB slots), so a software TLB can hold a
   * frame as a word offset into `words` instead of as its own array. Its size is fixed at creation
   * (capacity + 1 slots, at most HOST_POOL_MAX_FRAMES): a buffer that grows (resizable, or one
   * reallocated) either makes V8's code for every access to it twice the size or leaves stale views of
   * frames behind. Untouched slots cost address space, not memory (the allocator's fresh zero pages).
   * Slot 0 is a zero frame that is never written (readers of untouched pages).
   */
  private readonly pool: ArrayBuffer;
  /** Every word of the pool. */
  readonly words: Int32Array;
  private readonly poolSlots: number;
  /** Word offset of the pool's zero frame (what `ZERO_FRAME` reads as in a software TLB). */
  readonly zeroOffset = 0;
  private slotsUsed = 1;
  private freeSlots: number[] = [];
  private slotOf = new Int32Array(1024).fill(-1);
  private frames: (Int32Array | null)[] = [];
  /** The saved state's words an adopted frame was copied from (adoptFrame finds the copy by them). */
  private adoptedFrom: (Int32Array | null)[] = [];
  /** Frames whose words a saved state holds (`freeze`): their slots wait for the words' collection. */
  private kept = new Uint8Array(1024);
  /**
   * A slot whose words a saved state held comes back when those words are collected (when is up to the
   * garbage collector: it decides only which free slot a later frame gets, never what any frame holds).
   */
  private readonly slotsBack = new FinalizationRegistry<number>((slot) => this.freeSlots.push(slot));
  private refs = new Int32Array(1024);
  private frozen = new Uint8Array(1024);
  /**
   * Frozen live frame objects → their frame number (adoptFrame finds a frame it already holds). Only
   * frozen frames are entered: adoptFrame is given words of saved states, and a frame's words reach a
   * saved state only frozen (`freeze`); keeping every frame here cost a WeakMap entry per allocation.
   */
  private byWords = new WeakMap<Int32Array, number>();
  private freeList: number[] = [];
  private allocated = 0;
  private peak = 0;
  private freed = 0;
  private copies = 0;
  private overhead = new Map<string, number>();
  private overheadTotal = 0;
  private held = new Map<string, number>();
  private heldTotal = 0;
  readonly capacityFrames: number;

  constructor(opts: { capacityBytes?: number } = {}) {
    this.capacityFrames = opts.capacityBytes === undefined ? Infinity : Math.floor(opts.capacityBytes / PAGE_SIZE_BYTES);
    this.poolSlots = Math.min(this.capacityFrames + 1, HOST_POOL_MAX_FRAMES);
    this.pool = new ArrayBuffer(this.poolSlots * PAGE_SIZE_BYTES);
    this.words = new Int32Array(this.pool);
  }

  /** A new zero-filled frame with refcount 1, or -1 if the host is full. */
  allocFrame(): Hfn | -1 {
    if (this.freeFrames <= 0) return -1;
    const slot = this.takeSlot();
    if (slot < 0) return this.place(new Int32Array(PAGE_WORDS), -1);
    return this.place(this.slotWords(slot), slot);
  }

  /** Pool slot `slot`'s words: the frame view a slot is handed out as. */
  private slotWords(slot: number): Int32Array {
    return new Int32Array(this.pool, slot * PAGE_SIZE_BYTES, PAGE_WORDS);
  }

  /** A zero-filled pool slot, or -1 when the pool is at its largest. */
  private takeSlot(): number {
    if (this.freeSlots.length > 0) {
      const slot = this.freeSlots.pop()!;
      this.words.fill(0, slot * PAGE_WORDS, (slot + 1) * PAGE_WORDS);
      return slot;
    }
    if (this.slotsUsed === this.poolSlots) return -1;
    return this.slotsUsed++;
  }

  /**
   * The word offset of `words` in this host's pool (`words` must be a frame this host handed out, or
   * `ZERO_FRAME`), or -1 when the frame is not in the pool (adopted from a saved state, or made when the
   * pool was at its largest): a software TLB does not hold such a frame.
   */
  offsetOf(words: Int32Array): number {
    if (words === ZERO_FRAME) return this.zeroOffset;
    return words.buffer === this.pool ? words.byteOffset >>> 2 : -1;
  }

  /**
   * Adopts an existing frame (refcount 1): how a snapshot revert shares the saved state's frames. Words of
   * another buffer are copied into the pool once (the software TLB holds only pool frames). It is counted
   * like any frame; it must only be read — writers copy it first.
   */
  adoptFrame(words: Int32Array): Hfn | -1 {
    if (words.length !== PAGE_WORDS) throw new RangeError(`a frame has ${PAGE_WORDS} words, got ${words.length}`);
    const live = this.byWords.get(words);
    if (live !== undefined && (this.frames[live] === words || this.adoptedFrom[live] === words)) {
      this.refs[live]++;
      this.frozen[live] = 1;
      return live as Hfn;
    }
    if (this.freeFrames <= 0) return -1;
    // a frame of another buffer is copied into the pool (the software TLB holds only pool frames): the
    // copy is frozen like the words it copies, and the words find it again (sharing survives a second
    // restore of the same state)
    const slot = this.offsetOf(words) >= 0 ? -1 : this.takeSlot();
    const own = slot < 0 ? words : this.slotWords(slot);
    if (slot >= 0) own.set(words);
    const h = this.place(own, slot);
    this.frozen[h] = 1;
    this.byWords.set(words, h);
    if (own !== words) {
      this.adoptedFrom[h] = words;
      this.byWords.set(own, h);
    }
    return h;
  }

  /**
   * Charges `frames` of overhead to `owner` (added to what it already holds). False, charging nothing,
   * when the host cannot hold them.
   */
  chargeOverhead(owner: string, frames: number): boolean {
    if (!(frames >= 0) || !Number.isInteger(frames)) throw new RangeError(`overhead frames must be a non-negative integer, got ${frames}`);
    if (this.allocated + this.overheadTotal + this.heldTotal + frames > this.capacityFrames) return false;
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

  /**
   * Sets the frames memory reclamation holds for `owner` (0 forgets it). Growing is refused (false,
   * nothing changed) when the host cannot hold them; shrinking always succeeds.
   */
  setHeldFrames(owner: string, frames: number): boolean {
    if (!(frames >= 0) || !Number.isInteger(frames)) throw new RangeError(`held frames must be a non-negative integer, got ${frames}`);
    const now = this.held.get(owner) ?? 0;
    if (frames > now && this.allocated + this.overheadTotal + this.heldTotal + frames - now > this.capacityFrames) return false;
    if (frames === 0) this.held.delete(owner); else this.held.set(owner, frames);
    this.heldTotal += frames - now;
    return true;
  }

  heldFramesOf(owner: string): number {
    return this.held.get(owner) ?? 0;
  }

  /** Frames an allocation can still get (capacity − guest, overhead and held frames). */
  get freeFrames(): number {
    return this.capacityFrames - this.allocated - this.overheadTotal - this.heldTotal;
  }

  /** Registers `words` (pool slot `slot`, -1 if not in the pool) under a frame number; the caller checked capacity. */
  private place(words: Int32Array, slot: number): Hfn {
    let h: number;
    if (this.freeList.length > 0) h = this.freeList.pop()!;
    else {
      h = this.frames.length;
      this.frames.push(null);
      if (h >= this.refs.length) {
        const r = new Int32Array(this.refs.length * 2);
        r.set(this.refs);
        this.refs = r;
        const f = new Uint8Array(this.frozen.length * 2);
        f.set(this.frozen);
        this.frozen = f;
        const k = new Uint8Array(this.kept.length * 2);
        k.set(this.kept);
        this.kept = k;
        const o = new Int32Array(this.slotOf.length * 2).fill(-1);
        o.set(this.slotOf);
        this.slotOf = o;
      }
    }
    this.frames[h] = words;
    this.adoptedFrom[h] = null;
    this.kept[h] = 0;
    this.slotOf[h] = slot;
    this.refs[h] = 1;
    this.frozen[h] = 0;
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

  /** The frame's words now belong to a saved state too: never written in place again (writers copy). */
  freeze(h: Hfn): void {
    const f = this.frames[h];
    if (!f) throw new RangeError(`host frame ${h} is not allocated`);
    this.kept[h] = 1;
    if (!this.frozen[h]) {
      this.frozen[h] = 1;
      this.byWords.set(f, h);
    }
  }

  isFrozen(h: Hfn): boolean {
    return this.frozen[h] === 1 && this.frames[h] !== null;
  }

  addRef(h: Hfn): void {
    if (!this.frames[h]) throw new RangeError(`host frame ${h} is not allocated`);
    this.refs[h]++;
  }

  release(h: Hfn): void {
    if (!this.frames[h]) throw new RangeError(`host frame ${h} is not allocated`);
    if (--this.refs[h] === 0) {
      const words = this.frames[h]!;
      if (this.frozen[h]) this.byWords.delete(words);
      const from = this.adoptedFrom[h];
      if (from) this.byWords.delete(from);
      const slot = this.slotOf[h];
      // a saved state holds the words: the slot comes back only when they are collected
      if (slot >= 0 && this.kept[h]) this.slotsBack.register(words, slot);
      else if (slot >= 0) this.freeSlots.push(slot);
      this.frames[h] = null;
      this.adoptedFrom[h] = null;
      this.kept[h] = 0;
      this.slotOf[h] = -1;
      this.frozen[h] = 0;
      this.freeList.push(h);
      this.allocated--;
      this.freed++;
    }
  }

  /**
   * A frozen frame with one reference becomes writable again without a new frame: its number gets a
   * copy of the words and the saved state alone keeps the old array. Frame-neutral, so it works on a
   * full host (a pinned page after a snapshot). RangeError when other pages map the frame too.
   */
  privatize(h: Hfn): void {
    const old = this.frame(h);
    if (this.refs[h] !== 1) throw new RangeError(`host frame ${h} has ${this.refs[h]} references: only a frame one page maps can be privatized`);
    const slot = this.takeSlot();
    const copy = slot < 0 ? old.slice() : this.slotWords(slot);
    if (slot >= 0) copy.set(old);
    if (this.slotOf[h] >= 0) this.slotsBack.register(old, this.slotOf[h]);
    this.slotOf[h] = slot;
    this.kept[h] = 0;
    const from = this.adoptedFrom[h];
    if (from) this.byWords.delete(from);
    this.adoptedFrom[h] = null;
    this.byWords.delete(old);
    this.byWords.set(copy, h);
    this.frames[h] = copy;
    this.frozen[h] = 0;
    this.copies++;
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
      heldFrames: this.heldTotal,
    };
  }
}
