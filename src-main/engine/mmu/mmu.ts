/**
 * mmu — the CPU's memory-management unit: paging on/off, page-table base, the modelled TLB,
 * the hardware walker, and the host-side software TLB that makes the interpreter's fast path
 * an array index.
 *
 * Interface:
 *  - `new Mmu(mem, { levels, tlbEntries, tlbWays, costs, paging? })`;
 *  - state: `pagingEnabled`, `ptbr`, `asid`, `setPaging(on)`, `setPtbr(a)`, `setAsid(v)`,
 *    `setUser(user)` (effective privilege of memory accesses), `invalidatePage(va)`, `flushTlb()`,
 *    `vmTransition()` (a VM exit/entry or world switch: flushes the TLB unless VPID-tagged);
 *  - slow paths: `translate(va, access)` → gpfn | -1, `fillRead(va)` / `fillWrite(va)` → frame |
 *    undefined (installing software-TLB entries), then `lastGpfn` / `lastFastWrite`;
 *    on failure `faultCause` (isa CAUSE_*, -1 = host out of memory, FAULT_NOT_PRESENT = the page or
 *    one of its tables is not present here: the access waits for it) and `faultDetail`;
 *  - fast path (read by the interpreter and bt's regions): `T`, the software TLB of the current
 *    privilege (rows from `SOFT_READ_TAG`, `SOFT_READ_OFFSET`, `SOFT_WRITE_TAG`, `SOFT_WRITE_OFFSET`, an
 *    entry at `vpn & SOFT_MASK` in each: tag, frame offset), and `M`, the host's frame pool: an entry's frame is `M`'s 1024 words from its offset;
 *  - memory virtualization: `pager` (shadow / nested, pager.ts; undefined = native),
 *    `largeTlb` (large-page TLB when the guest may use PS leaves), `probeGpfn(vpn)`;
 *  - `pendingCycles` (walk costs for the CPU to charge), `counters`, `syncEpoch()`, `save()`, `restoreState()`;
 *  - `addFastHits(n)` (software-TLB hits, counted as modelled hits only while paging is on) and
 *    `beforePagingChange` (a hook run before the mode flips, so lazily counted hits are settled
 *    under the mode they happened in).
 * Rules:
 *  - The software TLB is a host cache and never guest-visible: it only holds vpns the modelled
 *    TLBs hold for the current address-space tag (evictions, invalidations and tag switches remove
 *    them), so a software hit is a modelled hit and the interpreter counts it as one
 *    (`addFastHits`). With paging off it maps vpn = gpfn.
 *  - A write entry exists only for pages that are `fastWritable` (exclusive, unwatched, dirty-
 *    logged already) and whose TLB entry is writable with D set; everything else takes the slow
 *    path, which runs watch hooks (code-cache invalidation, shadow-paging traces, dirty logging)
 *    and, under a pager, models the fault the store would cause (pager.beforeStore).
 *  - Separate software TLBs per effective privilege (kernel/user); `setUser` swaps them. Under
 *    trap-and-emulate the monitor sets the effective privilege to the guest's virtual mode,
 *    which is what switching between kernel and user shadow page tables achieves on real VMMs.
 *  - TLB tagging (paging.tlbTagging, docs/isa.md §5.3): entries carry the `asid` they were filled
 *    under; a ptbr load flushes nothing while asid ≠ 0 and only asid 0's entries when asid = 0, so
 *    a guest that never sets asid sees an untagged TLB.
 *  - A change of `mem.epoch` flushes only the software TLB (host-side), never modelled state.
 *  - Not-present pages (GuestPhysicalMemory) are checked only on these slow paths, and only while
 *    the memory has some: after a translation succeeds, its page must be present (`ensurePresent` may
 *    supply it); the walker checks table pages. A software-TLB entry is never installed for a page
 *    that is not present, and marking a page not present bumps the memory epoch, so the fast path
 *    needs no test of its own.
 */
import { ACCESS_FETCH, ACCESS_READ, ACCESS_WRITE, CAUSE_BUS_ERROR, CAUSE_PAGE_FAULT, type AccessKind } from '../isa/index';
import type { GuestPhysicalMemory } from '../memory/index';
import { DEFAULT_LARGE_TLB_ENTRIES, SOFT_TLB_ENTRIES } from '../params';
import type { Gpfn } from './addresses';
import { LargePageTlb, type LargePageTlbState } from './largePageTlb';
import { pagingGeometry, type PageTableLevels, type PagingGeometry } from './pageTable';
import type { Pager, PagingOptions } from './pager';
import { Tlb, type TlbState, type TlbStats } from './tlb';
import { FAULT_NOT_PRESENT, faultDetailBits, newWalkResult, pagesAtLevel, PERM_D, PERM_U, PERM_W, walk } from './walk';

const ACCESS_NAMES = ['read', 'write', 'fetch'] as const;

export const SOFT_MASK = SOFT_TLB_ENTRIES - 1;
/** Where a software TLB's rows start (newSoft): read tags, read frame offsets, write tags, write frame offsets. */
export const SOFT_READ_TAG = 0;
export const SOFT_READ_OFFSET = SOFT_TLB_ENTRIES;
export const SOFT_WRITE_TAG = 2 * SOFT_TLB_ENTRIES;
export const SOFT_WRITE_OFFSET = 3 * SOFT_TLB_ENTRIES;

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
  /** Memory references of hardware walks (native: guest entries; shadow: shadow entries; nested: both dimensions). */
  walkRefs: number;
  adWrites: number;
  /** TLB hits on a writable entry whose D bit was clear: a walk sets D. */
  dirtyAssists: number;
  /** Host-side software-TLB refills (performance diagnostics, not guest-visible; not saved: see `save`). */
  softRefills: number;
  // ---- memory virtualization; see docs/memory-virtualization.md ----
  /** Nested: references to guest page-table entries in 2-D walks. */
  guestWalkRefs: number;
  /** Nested: references to nested (gpa → hpa) entries in 2-D walks. */
  nestedWalkRefs: number;
  /** Walks that ended in a large-page leaf. */
  largeWalks: number;
  /** ptbr loads that kept the TLB (tagged, asid ≠ 0). */
  asidSwitches: number;
  /** TLB flushes caused by VM transitions without VPID tagging. */
  vpidFlushes: number;
  /** Shadow: faults the guest never sees (shadow entry missing, or A/D emulation). */
  shadowHiddenFaults: number;
  shadowFillFaults: number;
  shadowDirtyFaults: number;
  /** Shadow: true guest page faults found by the monitor (then reflected). */
  shadowGuestFaults: number;
  /** Shadow: guest page-table references made by the monitor in software. */
  shadowVmmWalkRefs: number;
  shadowEntriesFilled: number;
  shadowTablesBuilt: number;
  /** Shadow tables built again for a guest table whose shadow had been zapped or flushed. */
  shadowTablesRebuilt: number;
  /** Shadow tables dropped because their guest table was written repeatedly without use (write flooding). */
  shadowTablesZapped: number;
  /** Whole shadow cache dropped (capacity). */
  shadowCacheFlushes: number;
  /** ptbr loads whose shadow root was cached / had to be built. */
  shadowRootHits: number;
  shadowRootMisses: number;
  /** Trapped page-table writes that updated a shadow entry in place / invalidated it. */
  shadowEntriesUpdated: number;
  shadowEntriesInvalidated: number;
  /** CPU stores to traced (write-protected) guest page-table pages. */
  ptWriteTraps: number;
  /** Shadow: first writes to an unbacked or shared page (host copy-on-write, hidden). */
  shadowCowFaults: number;
  /** Nested: EPT-violation-like exits (no nested entry) / writes to a read-only nested entry. */
  nestedViolations: number;
  nestedWriteViolations: number;
  /** Nested TLB (gpa → hpa) and page-walk cache (guest upper levels). */
  ntlbHits: number;
  ntlbMisses: number;
  pwcHits: number;
  pwcMisses: number;
  /** Dirty logging: write-protection faults (shadow) / PML log entries and PML-full exits (nested). */
  dirtyWpFaults: number;
  pmlEntries: number;
  pmlFullExits: number;
  /** Cycles charged by memory virtualization beyond what the same walk costs natively. */
  pagingCycles: number;
}

export function newMmuCounters(): MmuCounters {
  return {
    walks: 0, walkRefs: 0, adWrites: 0, dirtyAssists: 0, softRefills: 0,
    guestWalkRefs: 0, nestedWalkRefs: 0, largeWalks: 0, asidSwitches: 0, vpidFlushes: 0,
    shadowHiddenFaults: 0, shadowFillFaults: 0, shadowDirtyFaults: 0, shadowGuestFaults: 0, shadowVmmWalkRefs: 0,
    shadowEntriesFilled: 0, shadowTablesBuilt: 0, shadowTablesRebuilt: 0, shadowTablesZapped: 0, shadowCacheFlushes: 0,
    shadowRootHits: 0, shadowRootMisses: 0, shadowEntriesUpdated: 0, shadowEntriesInvalidated: 0, ptWriteTraps: 0, shadowCowFaults: 0,
    nestedViolations: 0, nestedWriteViolations: 0, ntlbHits: 0, ntlbMisses: 0, pwcHits: 0, pwcMisses: 0,
    dirtyWpFaults: 0, pmlEntries: 0, pmlFullExits: 0, pagingCycles: 0,
  };
}

export interface MmuState {
  readonly levels: PageTableLevels;
  readonly pagingEnabled: boolean;
  readonly ptbr: number;
  readonly user: boolean;
  readonly tlb: TlbState;
  readonly counters: Partial<MmuCounters>;
  /** Memory-virtualization state (absent in states saved before it existed). */
  readonly asid?: number;
  readonly largeTlb?: LargePageTlbState;
}

/**
 * A software TLB: four rows of SOFT_TLB_ENTRIES words, an entry's at `vpn & SOFT_MASK` in each — the read
 * tags (vpn, -1 = none), the read frames' word offsets in the host's pool, the write tags, the write frames'
 * offsets. One array, so a reader holds two (this and the pool) for every access; rows, so a flush is two fills.
 */
function newSoft(): Int32Array {
  const t = new Int32Array(SOFT_TLB_ENTRIES * 4);
  t.fill(-1, SOFT_READ_TAG, SOFT_READ_TAG + SOFT_TLB_ENTRIES);
  t.fill(-1, SOFT_WRITE_TAG, SOFT_WRITE_TAG + SOFT_TLB_ENTRIES);
  return t;
}

export interface MmuOptions {
  levels: PageTableLevels;
  tlbEntries: number;
  tlbWays: number;
  costs: MmuCosts;
  paging?: PagingOptions;
}

export class Mmu {
  readonly geometry: PagingGeometry;
  tlb: Tlb;
  /** Large-page TLB (only when the guest may use PS leaves). */
  largeTlb: LargePageTlb | undefined;
  readonly largePages: boolean;
  readonly tagging: boolean;
  readonly vpid: boolean;
  /** Memory virtualization (shadow / nested); undefined = the MMU walks the guest's tables (native). */
  pager: Pager | undefined = undefined;
  pagingEnabled = false;
  ptbr = 0;
  /** Address-space id (CR asid, low 12 bits); tags TLB entries when tagging is on. */
  asid = 0;
  user = false;
  /** The software TLB of the current privilege (newSoft's layout). */
  T: Int32Array;
  /** The host's frame pool, every word (software-TLB entries are word offsets into it). */
  readonly M: Int32Array;
  pendingCycles = 0;
  faultCause = 0;
  faultDetail = 0;
  /** The page a write found no host frame for (`faultCause` -1). */
  faultGpfn = -1;
  lastGpfn = 0;
  lastFastWrite = false;
  /** Bumped whenever a translation may have changed (flush, invalidation, eviction, privilege switch): the CPU's fetch latch re-translates. */
  version = 0;
  counters: MmuCounters = newMmuCounters();
  private readonly soft: [Int32Array, Int32Array] = [newSoft(), newSoft()];
  private seenEpoch: number;
  private readonly wr = newWalkResult();

  constructor(readonly mem: GuestPhysicalMemory, readonly opts: MmuOptions) {
    this.geometry = pagingGeometry(opts.levels);
    this.largePages = opts.paging?.largePages ?? false;
    this.tagging = opts.paging?.tlbTagging ?? false;
    this.vpid = opts.paging?.vpid ?? true;
    this.tlb = new Tlb(opts.tlbEntries, opts.tlbWays);
    this.tlb.onEvict = (vpn) => this.dropSoft(vpn);
    if (this.largePages) this.setLargeTlb(new LargePageTlb(DEFAULT_LARGE_TLB_ENTRIES));
    this.seenEpoch = mem.epoch;
    this.M = mem.host.words;
    this.T = this.soft[0];
  }

  private setLargeTlb(t: LargePageTlb): void {
    this.largeTlb = t;
    t.onEvict = () => { this.version++; this.flushSoft(); };
  }

  get tlbStats(): TlbStats {
    return this.tlb.stats;
  }

  /**
   * Called just before the paging mode changes, whoever changes it (an `mtcr status` run by the
   * interpreter or by translated code, a monitor emulating it, a hypercall, reset): an engine that
   * counts software-TLB hits lazily settles them here, under the mode they happened in.
   */
  beforePagingChange: (() => void) | undefined = undefined;

  /** Adds software-TLB hits counted by the interpreter (they are modelled TLB hits when paging is on). */
  addFastHits(n: number): void {
    if (this.pagingEnabled) this.tlb.stats.hits += n;
  }

  setUser(user: boolean): void {
    this.user = user;
    this.version++;
    this.T = this.soft[user ? 1 : 0];
  }

  setPaging(on: boolean): void {
    if (on !== this.pagingEnabled) {
      this.beforePagingChange?.();
      this.pagingEnabled = on;
      this.flushTlb();
    }
  }

  /** Loads the page-table base (like mov cr3): flushes the TLB (tagged TLB: see the header). */
  setPtbr(a: number): void {
    this.ptbr = a >>> 0;
    if (!this.tagging) this.flushTlb();
    else {
      if (this.asid === 0) {
        this.tlb.flushTag(0);
        this.largeTlb?.flushTag(0);
        this.pager?.onFlush(this, -1);
      } else this.counters.asidSwitches++;
      this.version++;
      this.flushSoft();
    }
    this.pager?.onSwitch(this);
  }

  /** Writes the address-space id (CR asid). Tagged TLB: lookups now match this tag. Never flushes modelled state. */
  setAsid(v: number): void {
    this.asid = v & 0xfff;
    if (!this.tagging) return;
    this.tlb.tag = this.asid;
    if (this.largeTlb) this.largeTlb.tag = this.asid;
    this.version++;
    this.flushSoft();
  }

  /** A VM exit/entry or world switch of this vCPU: without VPID tagging the TLB does not survive it. */
  vmTransition(): void {
    if (this.vpid) return;
    this.counters.vpidFlushes++;
    this.flushTlb();
  }

  invalidatePage(va: number): void {
    this.tlb.invalidatePage(va >>> 12);
    this.largeTlb?.invalidatePage(va >>> 12);
    this.dropSoft(va >>> 12);
    this.pager?.onFlush(this, va >>> 12);
  }

  flushTlb(): void {
    this.version++;
    this.tlb.flush();
    this.largeTlb?.flush();
    this.flushSoft();
    this.pager?.onFlush(this, -1);
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
      s.fill(-1, SOFT_READ_TAG, SOFT_READ_TAG + SOFT_TLB_ENTRIES);
      s.fill(-1, SOFT_WRITE_TAG, SOFT_WRITE_TAG + SOFT_TLB_ENTRIES);
    }
  }

  private dropSoft(vpn: number): void {
    this.version++;
    const i = vpn & SOFT_MASK;
    for (const s of this.soft) {
      if (s[SOFT_READ_TAG + i] === vpn) s[SOFT_READ_TAG + i] = -1;
      if (s[SOFT_WRITE_TAG + i] === vpn) s[SOFT_WRITE_TAG + i] = -1;
    }
  }

  /** The gpfn the modelled TLBs hold for vpn (current tag), without counting; -1 if none. */
  probeGpfn(vpn: number): number {
    const slot = this.tlb.probe(vpn);
    if (slot >= 0) return this.tlb.gpfnAt(slot);
    const l = this.largeTlb;
    if (l) {
      const ls = l.probe(vpn);
      if (ls >= 0) return l.gpfnFor(ls, vpn);
    }
    return -1;
  }

  /** g, once present (the monitor is entered: under native paging there is none between guest and memory); else -1. */
  private checkPresent(g: number, access: AccessKind): number {
    if (!this.mem.isNotPresent(g as Gpfn)) return g;
    this.pager?.onNotPresent(this);
    if (this.mem.ensurePresent(g, ACCESS_NAMES[access])) return g;
    this.faultCause = FAULT_NOT_PRESENT;
    this.faultDetail = 0;
    return -1;
  }

  /**
   * Translates va for an access; gpfn, or -1 with faultCause/faultDetail set. Counts TLB lookups, walks
   * and their cycles. A page not present here that is not supplied on the spot fails with
   * FAULT_NOT_PRESENT (checked inline, only while the memory has such pages: this is the path of every
   * software-TLB miss and of every entry into a new code page).
   */
  translate(va: number, access: AccessKind): number {
    const vpn = va >>> 12;
    const np = this.mem.notPresentCount !== 0;
    if (!this.pagingEnabled) {
      if (vpn >= this.mem.pageCount) {
        this.faultCause = CAUSE_BUS_ERROR;
        this.faultDetail = faultDetailBits(access, this.user, false);
        return -1;
      }
      return np ? this.checkPresent(vpn, access) : vpn;
    }
    const tlb = this.tlb;
    const large = this.largeTlb;
    const slot = large ? tlb.probe(vpn) : tlb.lookup(vpn);
    if (slot >= 0) {
      if (large) tlb.stats.hits++;
      const p = tlb.permsAt(slot);
      if ((this.user && !(p & PERM_U)) || (access === ACCESS_WRITE && !(p & PERM_W))) return this.hitFault(access);
      if (access === ACCESS_WRITE && !(p & PERM_D)) {
        this.counters.dirtyAssists++;
        if (!this.doWalk(va, access)) return -1;
        tlb.setPerms(slot, this.wr.perms);
        return np ? this.checkPresent(this.wr.gpfn, access) : this.wr.gpfn;
      }
      return np ? this.checkPresent(tlb.gpfnAt(slot), access) : tlb.gpfnAt(slot);
    }
    if (large) {
      const ls = large.lookup(vpn);
      if (ls >= 0) {
        const p = large.permsAt(ls);
        if ((this.user && !(p & PERM_U)) || (access === ACCESS_WRITE && !(p & PERM_W))) return this.hitFault(access);
        if (access === ACCESS_WRITE && !(p & PERM_D)) {
          this.counters.dirtyAssists++;
          if (!this.doWalk(va, access)) return -1;
          large.setPerms(ls, this.wr.perms);
          return np ? this.checkPresent(this.wr.gpfn, access) : this.wr.gpfn;
        }
        return np ? this.checkPresent(large.gpfnFor(ls, vpn), access) : large.gpfnFor(ls, vpn);
      }
      tlb.stats.misses++;
    }
    this.pendingCycles += this.opts.costs.tlbMiss;
    if (!this.doWalk(va, access)) return -1;
    const r = this.wr;
    if (r.leafLevel !== this.geometry.levels - 1 && large) {
      const span = pagesAtLevel(r.leafLevel, this.geometry);
      large.insert(vpn & ~(span - 1), span, r.gpfn - (vpn & (span - 1)), r.perms);
    } else tlb.insert(vpn, r.gpfn, r.perms);
    return np ? this.checkPresent(r.gpfn, access) : r.gpfn;
  }

  private hitFault(access: AccessKind): number {
    this.faultCause = CAUSE_PAGE_FAULT;
    this.faultDetail = faultDetailBits(access, this.user, true);
    this.pager?.onHitFault(this);
    return -1;
  }

  private doWalk(va: number, access: AccessKind): boolean {
    const r = this.wr;
    const pager = this.pager;
    const ok = pager ? pager.fill(this, va, access, r) : walk(this.mem, this.ptbr, va, access, this.user, this.geometry, r, this.largePages);
    this.counters.walks++;
    this.counters.walkRefs += r.refs;
    this.counters.adWrites += r.adWrites;
    this.pendingCycles += r.refs * this.opts.costs.walkRef + (pager ? 0 : r.adWrites * this.opts.costs.adWrite);
    if (!ok) {
      this.faultCause = r.faultCause;
      this.faultDetail = r.faultDetail;
    } else if (r.leafLevel !== this.geometry.levels - 1) this.counters.largeWalks++;
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
    const f = this.pager ? this.pager.readFrame(this, g) : this.mem.frameForRead(g as Gpfn);
    this.lastGpfn = g;
    const off = this.mem.host.offsetOf(f);
    if (off < 0) return f;
    const vpn = va >>> 12;
    const i = vpn & SOFT_MASK;
    this.T[SOFT_READ_TAG + i] = vpn;
    this.T[SOFT_READ_OFFSET + i] = off;
    this.counters.softRefills++;
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
    const v0 = this.version;
    if (this.pager && !this.mem.fastWritable(g as Gpfn)) this.pager.beforeStore(this, g);
    const f = this.mem.frameForWrite(g as Gpfn);
    if (!f) {
      this.faultCause = -1;
      this.faultDetail = 0;
      this.faultGpfn = g;
      return undefined;
    }
    this.syncEpoch();
    this.lastGpfn = g;
    this.lastFastWrite = this.mem.fastWritable(g as Gpfn);
    // a VM transition without VPID may have flushed the TLB under the store: no software entry then
    if (this.version !== v0) return f;
    const off = this.mem.host.offsetOf(f);
    if (off < 0) return f;
    const vpn = va >>> 12;
    const i = vpn & SOFT_MASK;
    if (this.lastFastWrite) {
      this.T[SOFT_WRITE_TAG + i] = vpn;
      this.T[SOFT_WRITE_OFFSET + i] = off;
    }
    this.T[SOFT_READ_TAG + i] = vpn;
    this.T[SOFT_READ_OFFSET + i] = off;
    this.counters.softRefills++;
    return f;
  }

  /**
   * The saved state leaves out `softRefills`: the software TLB is the host's cache, not the machine's
   * (it is not saved, and starts empty on restore), and whether a frame can be held in it depends on the
   * host's frame pool (a frame outside the pool is never held), so its count is host state a digest must
   * not see. It counts from this MMU's making or restore.
   */
  save(): MmuState {
    const { softRefills: _hostSide, ...counters } = this.counters;
    return {
      levels: this.geometry.levels, pagingEnabled: this.pagingEnabled, ptbr: this.ptbr, user: this.user, tlb: this.tlb.save(), counters,
      asid: this.asid, ...(this.largeTlb ? { largeTlb: this.largeTlb.save() } : {}),
    };
  }

  /** Restores saved MMU state into this MMU (same memory object); the software TLB starts empty. */
  restoreState(s: MmuState): void {
    if (s.levels !== this.geometry.levels) throw new RangeError(`saved MMU has ${s.levels} levels, machine has ${this.geometry.levels}`);
    this.tlb = Tlb.restore(s.tlb);
    this.tlb.onEvict = (vpn) => this.dropSoft(vpn);
    if (this.largePages) this.setLargeTlb(s.largeTlb ? LargePageTlb.restore(s.largeTlb) : new LargePageTlb(DEFAULT_LARGE_TLB_ENTRIES));
    this.asid = s.asid ?? 0;
    this.pagingEnabled = s.pagingEnabled;
    this.ptbr = s.ptbr;
    this.counters = { ...newMmuCounters(), ...s.counters };
    this.setUser(s.user);
    this.flushSoft();
    this.version++;
    this.seenEpoch = this.mem.epoch;
    this.pager?.onSwitch(this);
  }
}
