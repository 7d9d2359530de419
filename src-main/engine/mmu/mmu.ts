/**
 * mmu — the CPU's memory-management unit: paging on/off, page-table base, the modelled TLB,
 * the hardware walker, and the host-side software TLB that makes the interpreter's fast path
 * an array index.
 *
 * Interface:
 *  - `new Mmu(mem, { levels, tlbEntries, tlbWays, costs })`;
 *  - state: `pagingEnabled`, `ptbr`, `setPaging(on)`, `setPtbr(a)`, `setUser(user)` (effective
 *    privilege of memory accesses), `invalidatePage(va)`, `flushTlb()`;
 *  - slow paths: `translate(va, access)` → gpfn | -1, `fillRead(va)` / `fillWrite(va)` → frame |
 *    undefined (installing software-TLB entries), then `lastGpfn` / `lastFastWrite`;
 *    on failure `faultCause` (isa CAUSE_*, or -1 = host out of memory) and `faultDetail`;
 *  - fast path (read by the interpreter): `rTag/rFrame/wTag/wFrame` (index vpn & SOFT_MASK);
 *  - `pendingCycles` (walk costs for the CPU to charge), `counters`, `syncEpoch()`, `save()`, `restoreState()`.
 * Rules:
 *  - The software TLB is a host cache and never guest-visible: it only holds vpns the modelled
 *    TLB holds (evictions and invalidations remove them), so a software hit is a modelled hit
 *    and the interpreter counts it as one (`addFastHits`). With paging off it maps vpn = gpfn.
 *  - A write entry exists only for pages that are `fastWritable` (exclusive, unwatched, dirty-
 *    logged already) and whose TLB entry is writable with D set; everything else takes the slow
 *    path, which runs watch hooks (code-cache invalidation, shadow-paging traces, dirty logging).
 *  - Separate software TLBs per effective privilege (kernel/user); `setUser` swaps them. Under
 *    trap-and-emulate the monitor sets the effective privilege to the guest's virtual mode,
 *    which is what switching between kernel and user shadow page tables achieves on real VMMs.
 *  - A change of `mem.epoch` flushes only the software TLB (host-side), never modelled state.
 */
import { ACCESS_FETCH, ACCESS_READ, ACCESS_WRITE, CAUSE_BUS_ERROR, CAUSE_PAGE_FAULT, type AccessKind } from '../isa/index';
import type { GuestPhysicalMemory } from '../memory/index';
import { ZERO_FRAME } from '../memory/index';
import { SOFT_TLB_ENTRIES } from '../params';
import type { Gpfn } from './addresses';
import { pagingGeometry, type PageTableLevels, type PagingGeometry } from './pageTable';
import { Tlb, type TlbState, type TlbStats } from './tlb';
import { faultDetailBits, newWalkResult, PERM_D, PERM_U, PERM_W, walk } from './walk';

export const SOFT_MASK = SOFT_TLB_ENTRIES - 1;

export interface MmuCosts {
  /** Fixed cost of a TLB miss (before the walk's memory references). */
  tlbMiss: number;
  /** Per page-table memory reference during a walk. */
  walkRef: number;
  /** Per accessed/dirty bit written back by the walker. */
  adWrite: number;
}

export interface MmuCounters {
  walks: number;
  walkRefs: number;
  adWrites: number;
  /** TLB hits on a writable entry whose D bit was clear: a walk sets D. */
  dirtyAssists: number;
  /** Host-side software-TLB refills (performance diagnostics, not guest-visible). */
  softRefills: number;
}

export interface MmuState {
  readonly levels: PageTableLevels;
  readonly pagingEnabled: boolean;
  readonly ptbr: number;
  readonly user: boolean;
  readonly tlb: TlbState;
  readonly counters: MmuCounters;
}

interface Soft {
  rTag: Int32Array;
  rFrame: Int32Array[];
  wTag: Int32Array;
  wFrame: Int32Array[];
}
function newSoft(): Soft {
  return {
    rTag: new Int32Array(SOFT_TLB_ENTRIES).fill(-1),
    rFrame: new Array<Int32Array>(SOFT_TLB_ENTRIES).fill(ZERO_FRAME),
    wTag: new Int32Array(SOFT_TLB_ENTRIES).fill(-1),
    wFrame: new Array<Int32Array>(SOFT_TLB_ENTRIES).fill(ZERO_FRAME),
  };
}

export class Mmu {
  readonly geometry: PagingGeometry;
  tlb: Tlb;
  pagingEnabled = false;
  ptbr = 0;
  user = false;
  rTag: Int32Array;
  rFrame: Int32Array[];
  wTag: Int32Array;
  wFrame: Int32Array[];
  pendingCycles = 0;
  faultCause = 0;
  faultDetail = 0;
  lastGpfn = 0;
  lastFastWrite = false;
  /** Bumped whenever a translation may have changed (flush, invalidation, eviction, privilege switch): the CPU's fetch latch re-translates. */
  version = 0;
  counters: MmuCounters = { walks: 0, walkRefs: 0, adWrites: 0, dirtyAssists: 0, softRefills: 0 };
  private readonly soft: [Soft, Soft] = [newSoft(), newSoft()];
  private seenEpoch: number;
  private readonly wr = newWalkResult();

  constructor(readonly mem: GuestPhysicalMemory, readonly opts: { levels: PageTableLevels; tlbEntries: number; tlbWays: number; costs: MmuCosts }) {
    this.geometry = pagingGeometry(opts.levels);
    this.tlb = new Tlb(opts.tlbEntries, opts.tlbWays);
    this.tlb.onEvict = (vpn) => this.dropSoft(vpn);
    this.seenEpoch = mem.epoch;
    const s = this.soft[0];
    this.rTag = s.rTag; this.rFrame = s.rFrame; this.wTag = s.wTag; this.wFrame = s.wFrame;
  }

  get tlbStats(): TlbStats {
    return this.tlb.stats;
  }

  /** Adds software-TLB hits counted by the interpreter (they are modelled TLB hits when paging is on). */
  addFastHits(n: number): void {
    if (this.pagingEnabled) this.tlb.stats.hits += n;
  }

  setUser(user: boolean): void {
    this.user = user;
    this.version++;
    const s = this.soft[user ? 1 : 0];
    this.rTag = s.rTag; this.rFrame = s.rFrame; this.wTag = s.wTag; this.wFrame = s.wFrame;
  }

  setPaging(on: boolean): void {
    if (on !== this.pagingEnabled) {
      this.pagingEnabled = on;
      this.flushTlb();
    }
  }

  /** Loads the page-table base (like mov cr3): flushes the TLB. */
  setPtbr(a: number): void {
    this.ptbr = a >>> 0;
    this.flushTlb();
  }

  invalidatePage(va: number): void {
    this.tlb.invalidatePage(va >>> 12);
    this.dropSoft(va >>> 12);
  }

  flushTlb(): void {
    this.version++;
    this.tlb.flush();
    this.flushSoft();
  }

  /** Flushes the software TLB if guest memory changed frame references or write permissions. */
  syncEpoch(): void {
    if (this.mem.epoch !== this.seenEpoch) {
      this.seenEpoch = this.mem.epoch;
      this.flushSoft();
    }
  }

  flushSoft(): void {
    for (const s of this.soft) {
      s.rTag.fill(-1);
      s.wTag.fill(-1);
    }
  }

  private dropSoft(vpn: number): void {
    this.version++;
    const i = vpn & SOFT_MASK;
    for (const s of this.soft) {
      if (s.rTag[i] === vpn) s.rTag[i] = -1;
      if (s.wTag[i] === vpn) s.wTag[i] = -1;
    }
  }

  /** Translates va for an access; gpfn, or -1 with faultCause/faultDetail set. Counts TLB lookups, walks and their cycles. */
  translate(va: number, access: AccessKind): number {
    const vpn = va >>> 12;
    if (!this.pagingEnabled) {
      if (vpn >= this.mem.pageCount) {
        this.faultCause = CAUSE_BUS_ERROR;
        this.faultDetail = faultDetailBits(access, this.user, false);
        return -1;
      }
      return vpn;
    }
    const tlb = this.tlb;
    const slot = tlb.lookup(vpn);
    if (slot >= 0) {
      const p = tlb.permsAt(slot);
      if ((this.user && !(p & PERM_U)) || (access === ACCESS_WRITE && !(p & PERM_W))) {
        this.faultCause = CAUSE_PAGE_FAULT;
        this.faultDetail = faultDetailBits(access, this.user, true);
        return -1;
      }
      if (access === ACCESS_WRITE && !(p & PERM_D)) {
        this.counters.dirtyAssists++;
        if (!this.doWalk(va, access)) return -1;
        tlb.setPerms(slot, this.wr.perms);
        return this.wr.gpfn;
      }
      return tlb.gpfnAt(slot);
    }
    this.pendingCycles += this.opts.costs.tlbMiss;
    if (!this.doWalk(va, access)) return -1;
    tlb.insert(vpn, this.wr.gpfn, this.wr.perms);
    return this.wr.gpfn;
  }

  private doWalk(va: number, access: AccessKind): boolean {
    const r = this.wr;
    const ok = walk(this.mem, this.ptbr, va, access, this.user, this.geometry, r);
    this.counters.walks++;
    this.counters.walkRefs += r.refs;
    this.counters.adWrites += r.adWrites;
    this.pendingCycles += r.refs * this.opts.costs.walkRef + r.adWrites * this.opts.costs.adWrite;
    if (!ok) {
      this.faultCause = r.faultCause;
      this.faultDetail = r.faultDetail;
    }
    // A/D write-backs go through the slow path and may bump the epoch.
    this.syncEpoch();
    return ok;
  }

  translateFetch(va: number): number {
    return this.translate(va, ACCESS_FETCH);
  }

  /** Read slow path: translate and install a software read entry; the frame or undefined on fault. */
  fillRead(va: number): Int32Array | undefined {
    const g = this.translate(va, ACCESS_READ);
    if (g < 0) return undefined;
    const f = this.mem.frameForRead(g as Gpfn);
    const vpn = va >>> 12;
    const i = vpn & SOFT_MASK;
    this.rTag[i] = vpn;
    this.rFrame[i] = f;
    this.counters.softRefills++;
    this.lastGpfn = g;
    return f;
  }

  /**
   * Write slow path: translate, get an exclusive frame, install a software write entry when the
   * page is fast-writable. The caller writes the frame and, when `lastFastWrite` is false, calls
   * `mem.notifyWrite(lastGpfn, ...)`.
   */
  fillWrite(va: number): Int32Array | undefined {
    const g = this.translate(va, ACCESS_WRITE);
    if (g < 0) return undefined;
    const f = this.mem.frameForWrite(g as Gpfn);
    if (!f) {
      this.faultCause = -1;
      this.faultDetail = 0;
      return undefined;
    }
    this.syncEpoch();
    this.lastGpfn = g;
    this.lastFastWrite = this.mem.fastWritable(g as Gpfn);
    const vpn = va >>> 12;
    const i = vpn & SOFT_MASK;
    if (this.lastFastWrite) {
      this.wTag[i] = vpn;
      this.wFrame[i] = f;
    }
    this.rTag[i] = vpn;
    this.rFrame[i] = f;
    this.counters.softRefills++;
    return f;
  }

  save(): MmuState {
    return { levels: this.geometry.levels, pagingEnabled: this.pagingEnabled, ptbr: this.ptbr, user: this.user, tlb: this.tlb.save(), counters: { ...this.counters } };
  }

  /** Restores saved MMU state into this MMU (same memory object); the software TLB starts empty. */
  restoreState(s: MmuState): void {
    if (s.levels !== this.geometry.levels) throw new RangeError(`saved MMU has ${s.levels} levels, machine has ${this.geometry.levels}`);
    this.tlb = Tlb.restore(s.tlb);
    this.tlb.onEvict = (vpn) => this.dropSoft(vpn);
    this.pagingEnabled = s.pagingEnabled;
    this.ptbr = s.ptbr;
    this.counters = { ...s.counters };
    this.setUser(s.user);
    this.flushSoft();
    this.version++;
    this.seenEpoch = this.mem.epoch;
  }
}

