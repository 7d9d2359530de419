/**
 * shadowTableCache — one VM's shadow page tables: for each guest page table (level, guest-physical
 * address) a shadow table whose entries map guest-virtual pages straight to host frames
 * (shadow = guest ∘ host), shared by every vCPU and every address space that uses that guest table,
 * kept across address-space switches (the cache), coherent with the guest's tables by tracing.
 *
 * Interface:
 *  - `new ShadowTables(mem, geometry, { hostLargePages })`; `root(ptbr)` (no build),
 *    `getOrBuild(level, guestTable, counters)`, `direct(level, baseGpfn, span, guestLeafLevel, counters)`
 *    (tables with no guest table behind them: a guest large page splintered into 4 KiB shadow leaves),
 *    `setLeaf(...)`, `ensureRoom(counters)`;
 *  - tracing: guest table pages are watched (`bit`); `writer` = counters of the vCPU whose store is in
 *    progress (set by ShadowPager.beforeStore; DMA and loader writes use `fallback`);
 *    `selfWrite` = the monitor is writing guest A/D bits itself (no flood counting);
 *  - `frameOf(gpfn)` (host frame via the reverse map, undefined if no shadow leaf maps gpfn);
 *  - `liveTables()`, `tableCount`, `bytes` (monitor memory the tables cost).
 * Rules:
 *  - A present shadow entry implies the guest entry it mirrors is present with A set, with the same
 *    W/U bits and (leaf) D bit; a leaf's host frame is the one guest memory maps gpfn to now. Any
 *    write to a traced guest table re-syncs the entries it covers: a last-level entry written present
 *    with A set is installed / updated in place, anything else is invalidated (refilled by a hidden
 *    fault when next used).
 *  - A guest table written `floodWrites` (SHADOW_FLOOD_WRITES) times with no hardware walk through its shadow is
 *    zapped (KVM's write-flooding heuristic): its page stops being traced until a walk needs it
 *    again. Parents keep pointing at zapped tables; walks treat them as missing.
 *  - Over SHADOW_MAX_TABLES tables the whole cache is dropped and rebuilt on demand.
 *  - Backing changes (first touch, COW break: GuestPhysicalMemory.onRemap) update every shadow leaf
 *    mapping the page, found through the reverse map gpfn → leaves.
 */
import { PTE_A, PTE_D, PTE_P, PTE_PS, PTE_U, PTE_W } from '../isa/index';
import type { GuestPhysicalMemory } from '../memory/index';
import { ZERO_FRAME } from '../memory/index';
import { PAGE_SHIFT, SHADOW_FLOOD_WRITES, SHADOW_MAX_TABLES } from '../params';
import type { Gpa, Gpfn } from './addresses';
import type { MmuCounters } from './mmu';
import { type PagingGeometry } from './pageTable';

/** Shadow entry flag bits (W, U, D share the PTE bit positions). */
export const SP_P = PTE_P;
export const SP_W = PTE_W;
export const SP_U = PTE_U;
export const SP_D = PTE_D;
/** The entry is a leaf (maps frames), else it points at a child table. */
export const SP_LEAF = 1 << 8;
/** Leaf of a large page (hostLargePages): gpfn holds the large page's first frame. */
export const SP_LARGE = 1 << 9;

export class ShadowTable {
  live = true;
  writesSinceUse = 0;
  readonly flags: Int32Array;
  /** Leaf: guest frame (large leaf: first frame). */
  readonly gpfn: Int32Array;
  /** Leaf: host frame + 1; 0 = the page is not backed yet (mapped to the zero page, read-only). */
  readonly hfn1: Int32Array;
  readonly children: (ShadowTable | undefined)[];
  constructor(
    readonly level: number,
    /** Guest-physical address of the guest table mirrored; -1 for a direct table. */
    readonly guestTable: number,
    entries: number,
    /** Direct tables: first guest frame covered, 4 KiB pages per entry, level of the guest's PS leaf. */
    readonly directBase = -1,
    readonly directSpan = 0,
    readonly guestLeafLevel = -1,
  ) {
    this.flags = new Int32Array(entries);
    this.gpfn = new Int32Array(entries);
    this.hfn1 = new Int32Array(entries);
    this.children = new Array<ShadowTable | undefined>(entries).fill(undefined);
  }
  get direct(): boolean {
    return this.guestTable < 0;
  }
}

const key = (level: number, guestTable: number): number => guestTable * 4 + level;

export class ShadowTables {
  readonly bit: number;
  writer: MmuCounters | undefined = undefined;
  fallback: MmuCounters | undefined = undefined;
  selfWrite = false;
  readonly hostLargePages: boolean;
  /** Flood threshold (0 = never zap). */
  floodWrites = SHADOW_FLOOD_WRITES;
  private byGuest = new Map<number, ShadowTable>();
  private byPage = new Map<number, ShadowTable[]>();
  private rmap = new Map<number, { t: ShadowTable; i: number }[]>();
  private everBuilt = new Set<number>();
  private directCount = 0;
  /** Called after every update when debug checks are on. */
  afterUpdate: (() => void) | undefined = undefined;

  constructor(readonly mem: GuestPhysicalMemory, readonly g: PagingGeometry, opts: { hostLargePages?: boolean } = {}) {
    this.hostLargePages = opts.hostLargePages ?? false;
    this.bit = mem.addWatcher((gpfn, off, size) => this.onGuestWrite(gpfn, off, size));
    mem.onRemap((gpfn) => this.onRemap(gpfn));
  }

  get tableCount(): number {
    return this.byGuest.size + this.directCount;
  }

  /** Monitor memory held by shadow tables (entries are 4 bytes, like the guest's). */
  get bytes(): number {
    return this.tableCount * this.g.tableBytes;
  }

  root(ptbr: number): ShadowTable | undefined {
    const t = this.byGuest.get(key(0, (ptbr >>> 0) & ~(this.g.tableBytes - 1)));
    return t && t.live ? t : undefined;
  }

  *liveTables(): IterableIterator<ShadowTable> {
    for (const t of this.byGuest.values()) if (t.live) yield t;
  }

  /** Drops the whole cache first if a fill of up to `levels` new tables could exceed the bound. */
  ensureRoom(c: MmuCounters): void {
    if (this.tableCount + 2 * this.g.levels <= SHADOW_MAX_TABLES) return;
    c.shadowCacheFlushes++;
    this.dropAll();
  }

  dropAll(): void {
    for (const t of this.byGuest.values()) t.live = false;
    for (const p of this.byPage.keys()) this.mem.unwatch(p as Gpfn, this.bit);
    this.byGuest.clear();
    this.byPage.clear();
    this.rmap.clear();
    this.directCount = 0;
  }

  getOrBuild(level: number, guestTable: number, c: MmuCounters): ShadowTable {
    const k = key(level, guestTable);
    const old = this.byGuest.get(k);
    if (old && old.live) return old;
    const t = new ShadowTable(level, guestTable, this.g.entriesPerTable);
    this.byGuest.set(k, t);
    const page = guestTable >>> PAGE_SHIFT;
    let list = this.byPage.get(page);
    if (!list) {
      list = [];
      this.byPage.set(page, list);
    }
    list.push(t);
    this.mem.watch(page as Gpfn, this.bit);
    if (this.everBuilt.has(k)) c.shadowTablesRebuilt++;
    else {
      this.everBuilt.add(k);
      c.shadowTablesBuilt++;
    }
    return t;
  }

  direct(level: number, baseGpfn: number, span: number, guestLeafLevel: number, c: MmuCounters): ShadowTable {
    this.directCount++;
    c.shadowTablesBuilt++;
    return new ShadowTable(level, -1, this.g.entriesPerTable, baseGpfn, span, guestLeafLevel);
  }

  /** Writes a leaf entry and records it in the reverse map. */
  setLeaf(t: ShadowTable, i: number, gpfn: number, flags: number): void {
    t.flags[i] = flags | SP_P | SP_LEAF;
    t.gpfn[i] = gpfn;
    t.children[i] = undefined;
    if (flags & SP_LARGE) {
      t.hfn1[i] = 0;
      return;
    }
    const h = this.mem.hostFrameOf(gpfn as Gpfn);
    t.hfn1[i] = h === undefined ? 0 : h + 1;
    let l = this.rmap.get(gpfn);
    if (!l) {
      l = [];
      this.rmap.set(gpfn, l);
    } else if (l.length >= 8) {
      l = l.filter((e) => this.maps(e.t, e.i, gpfn));
      this.rmap.set(gpfn, l);
    }
    l.push({ t, i });
  }

  private maps(t: ShadowTable, i: number, gpfn: number): boolean {
    return t.live && (t.flags[i] & (SP_P | SP_LEAF | SP_LARGE)) === (SP_P | SP_LEAF) && t.gpfn[i] === gpfn;
  }

  /** Host frame a shadow leaf maps gpfn to (ZERO_FRAME when not backed yet); undefined if no leaf maps it. */
  frameOf(gpfn: number): Int32Array | undefined {
    const l = this.rmap.get(gpfn);
    if (!l) return undefined;
    for (const e of l) {
      if (!this.maps(e.t, e.i, gpfn)) continue;
      const h1 = e.t.hfn1[e.i];
      return h1 === 0 ? ZERO_FRAME : this.mem.host.frame((h1 - 1) as never);
    }
    return undefined;
  }

  private onRemap(gpfn: number): void {
    if (gpfn < 0) {
      this.dropAll();
      return;
    }
    const l = this.rmap.get(gpfn);
    if (!l) return;
    const h = this.mem.hostFrameOf(gpfn as Gpfn);
    for (const e of l) if (this.maps(e.t, e.i, gpfn)) e.t.hfn1[e.i] = h === undefined ? 0 : h + 1;
    this.afterUpdate?.();
  }

  /** Watch listener: a write to a page holding traced guest tables (any writer: CPU, monitor, DMA). */
  private onGuestWrite(gpfn: Gpfn, off: number, size: number): void {
    const list = this.byPage.get(gpfn);
    if (!list) return;
    const c = this.writer ?? this.fallback;
    if (!this.selfWrite) this.writer = undefined;
    const tb = this.g.tableBytes;
    for (const t of list.slice()) {
      if (!t.live) continue;
      const tOff = t.guestTable & 0xfff;
      if (off + size <= tOff || off >= tOff + tb) continue;
      const first = (Math.max(off, tOff) - tOff) >>> 2;
      const last = (Math.min(off + size, tOff + tb) - 1 - tOff) >>> 2;
      for (let i = first; i <= last; i++) this.sync(t, i, this.selfWrite ? undefined : c);
      if (!this.selfWrite && this.floodWrites > 0 && ++t.writesSinceUse >= this.floodWrites) {
        this.zap(t);
        if (c) c.shadowTablesZapped++;
      }
    }
    this.afterUpdate?.();
  }

  /** Re-syncs entry i of t with the guest entry it mirrors after a write. */
  private sync(t: ShadowTable, i: number, c: MmuCounters | undefined): void {
    const f = t.flags[i];
    const v = this.mem.readWord(((t.guestTable + i * 4) >>> 0) as Gpa);
    // A last-level entry the guest wrote present with A already set is installed straight away
    // (KVM updates the shadow PTE on the trapped write: the re-fault that would follow is saved).
    if (t.level === this.g.levels - 1 && (v & (PTE_P | PTE_A)) === (PTE_P | PTE_A) && !(v & PTE_PS) && (v >>> PAGE_SHIFT) < this.mem.pageCount) {
      this.setLeaf(t, i, v >>> PAGE_SHIFT, v & (SP_W | SP_U | SP_D));
      if (c) c.shadowEntriesUpdated++;
      return;
    }
    if (!(f & SP_P)) return;
    t.flags[i] = 0;
    t.children[i] = undefined;
    if (c) c.shadowEntriesInvalidated++;
  }

  private zap(t: ShadowTable): void {
    t.live = false;
    this.byGuest.delete(key(t.level, t.guestTable));
    const page = t.guestTable >>> PAGE_SHIFT;
    const list = this.byPage.get(page);
    if (!list) return;
    const rest = list.filter((x) => x !== t && x.live);
    if (rest.length === 0) {
      this.byPage.delete(page);
      this.mem.unwatch(page as Gpfn, this.bit);
    } else this.byPage.set(page, rest);
  }
}
