/**
 * sharingTable — page sharing's one hash table per host (Waldspurger 2002 §4.1): entries keyed by a
 * page's 64-bit content hash, each either a HINT (a page seen once: a back-reference to it) or SHARED
 * (a page whose frame other pages now map: a back-reference to one of them).
 *
 * Interface: `new SharingTable(initialSlots?)`; `find(hi, lo)` → slot or -1; `insert(hi, lo, ref)`;
 * `setRef(slot, ref)`; `refAt(slot)`; `remove(slot)`; `removeWhere(pred)`; `size`; `bytes` (the
 * metadata's footprint); refs: `hintRef(vm, gpfn)`, `sharedRef(vm, gpfn)`, `isShared(ref)`,
 * `refVm(ref)`, `refGpfn(ref)`.
 * Rules: open addressing with linear probing over three Int32 words a slot (hash high, hash low, ref),
 * growing ×2 past 3/4 full, deleting by backward shift (no tombstones). A ref packs a host-local VM index
 * (11 bits), a guest page number (20 bits: 4 GiB of 4 KiB pages) and the shared flag: 12 bytes an entry
 * where Waldspurger's frames take 16. Entries may go stale (a hinted page changes, a VM leaves): users
 * verify a match — rehash or compare bytes — before they trust it; the table never decides alone.
 */
const EMPTY = -1;
const SHARED_FLAG = 0x80000000 | 0;
const GPFN_BITS = 20;
const GPFN_MASK = (1 << GPFN_BITS) - 1;
/** VM indexes 0..2046 (2047 with the flag set and every gpfn bit set would read as EMPTY). */
export const MAX_SHARING_VMS = 2047;

export function hintRef(vm: number, gpfn: number): number {
  return ((vm << GPFN_BITS) | gpfn) & 0x7fffffff;
}
export function sharedRef(vm: number, gpfn: number): number {
  return hintRef(vm, gpfn) | SHARED_FLAG;
}
export function isShared(ref: number): boolean {
  return (ref & SHARED_FLAG) !== 0;
}
export function refVm(ref: number): number {
  return (ref & 0x7fffffff) >>> GPFN_BITS;
}
export function refGpfn(ref: number): number {
  return ref & GPFN_MASK;
}

export class SharingTable {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialSlots = 1024) {
    let cap = 16;
    while (cap < initialSlots) cap *= 2;
    this.slots = new Int32Array(cap * 3).fill(EMPTY);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes the table holds (its slot array): sharing's metadata. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  private home(hi: number, lo: number): number {
    return (Math.imul(lo ^ (hi >>> 7), 0x9e3779b1) >>> 0) & this.mask;
  }

  find(hi: number, lo: number): number {
    const s = this.slots;
    hi |= 0; lo |= 0;
    for (let i = this.home(hi, lo); ; i = (i + 1) & this.mask) {
      const b = i * 3;
      if (s[b + 2] === EMPTY) return -1;
      if (s[b] === hi && s[b + 1] === lo) return i;
    }
  }

  refAt(slot: number): number {
    return this.slots[slot * 3 + 2];
  }

  setRef(slot: number, ref: number): void {
    this.slots[slot * 3 + 2] = ref;
  }

  /** Adds an entry (the key must not be present: find first). */
  insert(hi: number, lo: number, ref: number): void {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow();
    this.put(hi | 0, lo | 0, ref);
    this.count++;
  }

  private put(hi: number, lo: number, ref: number): void {
    const s = this.slots;
    let i = this.home(hi, lo);
    while (s[i * 3 + 2] !== EMPTY) i = (i + 1) & this.mask;
    s[i * 3] = hi; s[i * 3 + 1] = lo; s[i * 3 + 2] = ref;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(EMPTY);
    this.mask = this.mask * 2 + 1;
    for (let b = 0; b < old.length; b += 3) if (old[b + 2] !== EMPTY) this.put(old[b], old[b + 1], old[b + 2]);
  }

  /** Deletes the entry at `slot` (backward-shift deletion keeps every probe chain intact). */
  remove(slot: number): void {
    const s = this.slots;
    let hole = slot;
    s[hole * 3 + 2] = EMPTY;
    this.count--;
    for (let i = (hole + 1) & this.mask; s[i * 3 + 2] !== EMPTY; i = (i + 1) & this.mask) {
      const h = this.home(s[i * 3], s[i * 3 + 1]);
      // the entry at i may move into the hole when its home is not cyclically in (hole, i]
      const between = hole <= i ? h > hole && h <= i : h > hole || h <= i;
      if (between) continue;
      s[hole * 3] = s[i * 3]; s[hole * 3 + 1] = s[i * 3 + 1]; s[hole * 3 + 2] = s[i * 3 + 2];
      s[i * 3 + 2] = EMPTY;
      hole = i;
    }
  }

  /** Removes every entry whose ref matches (a VM left the host). */
  removeWhere(pred: (ref: number) => boolean): void {
    const keep: number[] = [];
    const s = this.slots;
    for (let b = 0; b < s.length; b += 3) if (s[b + 2] !== EMPTY && !pred(s[b + 2])) keep.push(s[b], s[b + 1], s[b + 2]);
    s.fill(EMPTY);
    this.count = 0;
    for (let k = 0; k < keep.length; k += 3) { this.put(keep[k], keep[k + 1], keep[k + 2]); this.count++; }
  }
}
