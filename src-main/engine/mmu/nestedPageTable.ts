/**
 * nestedPageTable — one VM's nested page table (AMD NPT / Intel EPT): the monitor's
 * guest-physical → host-physical tables in the HV32 format (same number of levels as the guest),
 * filled on demand by EPT-violation-like exits, walked by the hardware in the second dimension.
 *
 * Interface: `new NestedPageTable(mem, geometry, { hostLargePages })`;
 *  - hardware: `walk(gpfn)` → present?; then `lastRefs` (entries read), `lastH1` (host frame + 1,
 *    0 = not backed: the zero page), `lastLarge`;
 *  - monitor: `map(gpfn)` → entries written (handles a violation), `frameOf(gpfn)` (no counting),
 *    `setDirty(gpfn)`, `clearDirty(gpfn)`, `harvestDirty(visit)` → entries scanned (clears D bits: dirty-bit logging);
 *  - `generation` (bumped when an entry changes: nested TLBs flush), `tableCount`, `leafCount`, `bytes`,
 *    `pmlDrained` (guest frames drained from the vCPUs' PML logs since the last harvest).
 * Rules:
 *  - A present leaf maps gpfn to the frame guest memory maps it to now (GuestPhysicalMemory.onRemap
 *    keeps it so); untouched pages map to the zero page; `release()` of guest memory drops the table.
 *  - With `hostLargePages`, the monitor maps guest memory in large regions: the leaf sits one level
 *    up (level levels-2: 4 MiB at 2 levels, 128 KiB at 4 levels, like x86's 2 MiB under 4 KiB), so
 *    the host dimension of a walk is one reference shorter. Modelling simplification: frames inside a
 *    region are still guest memory's own 4 KiB frames (allocated lazily, copy-on-write), where a real
 *    host would back the region with contiguous memory allocated at once.
 */
import type { GuestPhysicalMemory } from '../memory/index';
import { ZERO_FRAME } from '../memory/index';
import { PAGE_SHIFT } from '../params';
import type { Gpfn, Hfn } from './addresses';
import { pteIndex, type PagingGeometry } from './pageTable';

export const NP_P = 1;
export const NP_W = 2;
export const NP_D = 16;
export const NP_LEAF = 1 << 8;
export const NP_LARGE = 1 << 9;

export interface NestedTable {
  readonly flags: Int32Array;
  readonly hfn1: Int32Array;
  readonly children: (NestedTable | undefined)[];
}

export class NestedPageTable {
  root: NestedTable;
  generation = 0;
  tableCount = 1;
  leafCount = 0;
  /** Level of leaves (levels-1, or levels-2 with host large pages). */
  readonly leafLevel: number;
  /** log2 of the 4 KiB pages one leaf maps (0 without host large pages). */
  readonly regionShift: number;
  lastRefs = 0;
  lastH1 = 0;
  lastLarge = false;
  pmlDrained: number[] = [];

  constructor(readonly mem: GuestPhysicalMemory, readonly g: PagingGeometry, opts: { hostLargePages?: boolean } = {}) {
    this.leafLevel = opts.hostLargePages ? g.levels - 2 : g.levels - 1;
    this.regionShift = g.bitsPerLevel * (g.levels - 1 - this.leafLevel);
    this.root = this.newTable();
    mem.onRemap((gpfn) => this.onRemap(gpfn));
  }

  private newTable(): NestedTable {
    const n = this.g.entriesPerTable;
    return { flags: new Int32Array(n), hfn1: new Int32Array(n), children: new Array<NestedTable | undefined>(n).fill(undefined) };
  }

  get bytes(): number {
    return this.tableCount * this.g.tableBytes;
  }

  /** Hardware walk of gpfn; sets lastRefs / lastH1 / lastLarge. */
  walk(gpfn: number): boolean {
    const a = gpfn << PAGE_SHIFT;
    let t = this.root;
    let refs = 0;
    for (let level = 0; ; level++) {
      const i = pteIndex(a, level, this.g);
      refs++;
      const f = t.flags[i];
      if (!(f & NP_P)) {
        this.lastRefs = refs;
        return false;
      }
      if (f & NP_LEAF) {
        this.lastRefs = refs;
        this.lastLarge = (f & NP_LARGE) !== 0;
        if (this.lastLarge) {
          const h = this.mem.hostFrameOf(gpfn as Gpfn);
          this.lastH1 = h === undefined ? 0 : h + 1;
        } else this.lastH1 = t.hfn1[i];
        return true;
      }
      t = t.children[i]!;
    }
  }

  /** The leaf table and index for gpfn, or undefined. */
  private leaf(gpfn: number): { t: NestedTable; i: number } | undefined {
    const a = gpfn << PAGE_SHIFT;
    let t = this.root;
    for (let level = 0; ; level++) {
      const i = pteIndex(a, level, this.g);
      const f = t.flags[i];
      if (!(f & NP_P)) return undefined;
      if (f & NP_LEAF) return { t, i };
      t = t.children[i]!;
    }
  }

  /** The monitor handles a violation: maps gpfn (and any missing tables); returns entries written. */
  map(gpfn: number): number {
    const a = gpfn << PAGE_SHIFT;
    let t = this.root;
    let n = 0;
    for (let level = 0; level < this.leafLevel; level++) {
      const i = pteIndex(a, level, this.g);
      if (!(t.flags[i] & NP_P)) {
        t.flags[i] = NP_P | NP_W;
        t.children[i] = this.newTable();
        this.tableCount++;
        n++;
      }
      t = t.children[i]!;
    }
    const i = pteIndex(a, this.leafLevel, this.g);
    if (!(t.flags[i] & NP_P)) this.leafCount++;
    if (this.leafLevel < this.g.levels - 1) t.flags[i] = NP_P | NP_W | NP_LEAF | NP_LARGE;
    else {
      const h = this.mem.hostFrameOf(gpfn as Gpfn);
      t.hfn1[i] = h === undefined ? 0 : h + 1;
      t.flags[i] = NP_P | NP_LEAF | (this.mem.isExclusive(gpfn as Gpfn) ? NP_W : 0);
    }
    return n + 1;
  }

  /** Host frame for reading gpfn as mapped (no counting); undefined if not mapped. */
  frameOf(gpfn: number): Int32Array | undefined {
    const l = this.leaf(gpfn);
    if (!l) return undefined;
    if (l.t.flags[l.i] & NP_LARGE) return this.mem.frameForRead(gpfn as Gpfn);
    const h1 = l.t.hfn1[l.i];
    return h1 === 0 ? ZERO_FRAME : this.mem.host.frame((h1 - 1) as Hfn);
  }

  setDirty(gpfn: number): void {
    const l = this.leaf(gpfn);
    if (l) l.t.flags[l.i] |= NP_D;
  }

  clearDirty(gpfn: number): void {
    const l = this.leaf(gpfn);
    if (l) l.t.flags[l.i] &= ~NP_D;
  }

  /** Dirty-bit harvesting: scans every leaf, clears D, calls visit(first gpfn, pages) for each dirty one; returns leaves scanned. */
  harvestDirty(visit: (gpfn: number, pages: number) => void): number {
    let scanned = 0;
    const walkT = (t: NestedTable, level: number, base: number): void => {
      const span = 1 << (this.g.bitsPerLevel * (this.g.levels - 1 - level));
      for (let i = 0; i < t.flags.length; i++) {
        const f = t.flags[i];
        if (!(f & NP_P)) continue;
        if (f & NP_LEAF) {
          scanned++;
          if (f & NP_D) {
            t.flags[i] = f & ~NP_D;
            visit(base + i * span, span);
          }
        } else walkT(t.children[i]!, level + 1, base + i * span);
      }
    };
    walkT(this.root, 0, 0);
    return scanned;
  }

  /** Calls fn for every mapped 4 KiB leaf (for the invariant checker). */
  forEachLeaf(fn: (gpfn: number, h1: number, flags: number) => void): void {
    const walkT = (t: NestedTable, level: number, base: number): void => {
      const span = 1 << (this.g.bitsPerLevel * (this.g.levels - 1 - level));
      for (let i = 0; i < t.flags.length; i++) {
        const f = t.flags[i];
        if (!(f & NP_P)) continue;
        if (f & NP_LEAF) fn(base + i * span, t.hfn1[i], f);
        else walkT(t.children[i]!, level + 1, base + i * span);
      }
    };
    walkT(this.root, 0, 0);
  }

  private onRemap(gpfn: number): void {
    this.generation++;
    if (gpfn < 0) {
      this.root = this.newTable();
      this.tableCount = 1;
      this.leafCount = 0;
      return;
    }
    const l = this.leaf(gpfn);
    if (!l || (l.t.flags[l.i] & NP_LARGE)) return;
    const h = this.mem.hostFrameOf(gpfn as Gpfn);
    l.t.hfn1[l.i] = h === undefined ? 0 : h + 1;
    l.t.flags[l.i] = (l.t.flags[l.i] & ~NP_W) | (this.mem.isExclusive(gpfn as Gpfn) ? NP_W : 0);
  }
}
