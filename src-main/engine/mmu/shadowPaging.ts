/**
 * shadowPaging — shadow paging (`--paging shadow`): the hardware walks the monitor's shadow tables
 * (guest-virtual → host-physical, shadowTableCache.ts); the guest's own tables are only read by
 * the monitor, in software, when the shadow is missing something.
 *
 * Interface: `new ShadowPager(tables, costs, checks?)` implements Pager (pager.ts).
 * How a modelled-TLB miss is served (`fill`):
 *  1. the hardware walks the shadow table of the current ptbr (levels references);
 *  2. if an entry is missing, or the leaf forbids the access (user / write / D not yet set), the
 *     CPU faults into the monitor (`exit`): the monitor walks the guest's tables in software with
 *     the reference walker (so A/D bits are set exactly as on bare hardware),
 *     - the guest walk faults → a true guest page fault (`shadowGuestFaults`), delivered as usual;
 *     - else a hidden fault (`shadowHiddenFaults`: `fill` when entries were missing, `dirty` when
 *       the leaf was write-protected only to catch the first write — A/D emulation): the monitor
 *       builds the shadow path (one entry per level, `shadowEntryFill` each) and the hardware walk
 *       is retried.
 *  Stores to traced guest page-table pages (`beforeStore`) are trapped and emulated (`traceWrite`,
 *  A&A's ptemod); the first store to an unbacked or copy-on-write page and, while dirty logging,
 *  the first store after each read-and-clear, are hidden write-protection faults.
 * A guest table page that is not present here (post-copy, host swap) makes the monitor's software
 * walk fail with FAULT_NOT_PRESENT: a hidden fault (`exit`), not a guest fault; the access waits. A
 * data page not present is a hidden fault too (`onNotPresent`: the monitor finds it, `exit`).
 * Rules: results are identical to native paging (pager.ts); `checks` (debug) verifies after each
 * fill that the shadow translation equals a fresh walk of the guest's tables composed with guest
 * memory's gpa → hpa map, and throws otherwise.
 */
import { ACCESS_WRITE, PTE_PS, PTE_U, PTE_W, type AccessKind } from '../isa/index';
import { PAGE_SHIFT } from '../params';
import type { Gpa, Gpfn } from './addresses';
import type { Mmu } from './mmu';
import { nextTableAddress, pteIndex } from './pageTable';
import type { Pager, PagingCosts } from './pager';
import { SP_D, SP_LARGE, SP_LEAF, SP_P, SP_U, SP_W, type ShadowTable, type ShadowTables } from './shadowTableCache';
import { FAULT_NOT_PRESENT, newWalkResult, pagesAtLevel, PERM_D, PERM_U, PERM_W, walk, type WalkResult } from './walk';

const HW_OK = 0;
const HW_MISS = 1;
const HW_DENIED = 2;

export class ShadowPager implements Pager {
  readonly mode = 'shadow' as const;
  private readonly gw = newWalkResult();

  constructor(readonly tables: ShadowTables, public costs: PagingCosts, private readonly checks?: (mmu: Mmu, va: number, access: AccessKind, out: WalkResult) => void) {}

  private charge(mmu: Mmu, cycles: number): void {
    mmu.pendingCycles += cycles;
    mmu.counters.pagingCycles += cycles;
  }

  /** A hidden exit of a hardware-assisted monitor is a VM exit + entry. */
  private transition(mmu: Mmu): void {
    if (this.costs.vmTransitions) mmu.vmTransition();
  }

  /** The hardware walk of the shadow table; adds its references to out.refs. */
  private hwWalk(mmu: Mmu, va: number, access: AccessKind, out: WalkResult): number {
    const g = mmu.geometry;
    const root = this.tables.root(mmu.ptbr);
    if (!root) return HW_MISS;
    let t: ShadowTable = root;
    let w = SP_W;
    let u = SP_U;
    for (let level = 0; ; level++) {
      const i = pteIndex(va, level, g);
      out.refs++;
      t.writesSinceUse = 0;
      const f = t.flags[i];
      if (!(f & SP_P)) return HW_MISS;
      w &= f;
      u &= f;
      if (f & SP_LEAF) {
        if ((mmu.user && !u) || (access === ACCESS_WRITE && !(w && (f & SP_D)))) return HW_DENIED;
        if (f & SP_LARGE) {
          out.gpfn = t.gpfn[i] + ((va >>> PAGE_SHIFT) & (pagesAtLevel(level, g) - 1));
          out.leafLevel = level;
        } else {
          out.gpfn = t.gpfn[i];
          out.leafLevel = t.direct ? t.guestLeafLevel : level;
        }
        out.perms = (w ? PERM_W : 0) | (u ? PERM_U : 0) | (f & SP_D ? PERM_D : 0);
        return HW_OK;
      }
      const child: ShadowTable | undefined = t.children[i];
      if (!child || !child.live) return HW_MISS;
      t = child;
    }
  }

  fill(mmu: Mmu, va: number, access: AccessKind, out: WalkResult): boolean {
    out.refs = 0;
    out.adWrites = 0;
    const first = this.hwWalk(mmu, va, access, out);
    if (first === HW_OK) {
      this.checks?.(mmu, va, access, out);
      return true;
    }
    // The CPU faults into the monitor, which walks the guest's tables in software.
    const c = mmu.counters;
    const tables = this.tables;
    const gw = this.gw;
    tables.selfWrite = true;
    tables.writer = c;
    let ok: boolean;
    try {
      ok = walk(mmu.mem, mmu.ptbr, va, access, mmu.user, mmu.geometry, gw, mmu.largePages);
    } finally {
      tables.selfWrite = false;
      tables.writer = undefined;
    }
    c.shadowVmmWalkRefs += gw.refs;
    out.adWrites = gw.adWrites;
    let cost = gw.refs * this.costs.vmmWalkRef + gw.adWrites * this.costs.vmmWalkRef;
    if (!ok && gw.faultCause === FAULT_NOT_PRESENT) {
      // A guest table page is not present here: a hidden fault the guest never sees; the access waits.
      c.shadowHiddenFaults++;
      out.faultCause = FAULT_NOT_PRESENT;
      out.faultDetail = 0;
      this.charge(mmu, cost + this.costs.exit);
      this.transition(mmu);
      return false;
    }
    if (!ok) {
      c.shadowGuestFaults++;
      out.faultCause = gw.faultCause;
      out.faultDetail = gw.faultDetail;
      this.charge(mmu, cost + this.costs.guestFaultExit);
      return false;
    }
    c.shadowHiddenFaults++;
    if (first === HW_DENIED && access === ACCESS_WRITE) c.shadowDirtyFaults++;
    else c.shadowFillFaults++;
    tables.ensureRoom(c);
    const filled = this.build(mmu, va, gw);
    c.shadowEntriesFilled += filled;
    cost += this.costs.exit + filled * this.costs.entryFill;
    this.charge(mmu, cost);
    this.transition(mmu);
    tables.afterUpdate?.();
    // The faulting access is retried: the hardware walks the (now complete) shadow path.
    const again = this.hwWalk(mmu, va, access, out);
    if (again !== HW_OK) throw new Error(`shadow paging: retry after a hidden fault still faults at va 0x${(va >>> 0).toString(16)}`);
    this.checks?.(mmu, va, access, out);
    return true;
  }

  /** Builds (or refreshes) the shadow path for va after a successful guest walk; returns entries written. */
  private build(mmu: Mmu, va: number, gw: WalkResult): number {
    const tables = this.tables;
    const g = mmu.geometry;
    const mem = mmu.mem;
    const c = mmu.counters;
    const last = g.levels - 1;
    const tmask = g.tableBytes - 1;
    let n = 0;
    let t = tables.getOrBuild(0, (gw.pteAddrs[0] & ~tmask) >>> 0, c);
    for (let level = 0; level <= gw.leafLevel; level++) {
      const addr = gw.pteAddrs[level];
      const i = (addr & tmask) >>> 2;
      const pte = mem.readWord(addr as Gpa);
      const perms = pte & (SP_W | SP_U);
      if (level < gw.leafLevel) {
        const child = tables.getOrBuild(level + 1, nextTableAddress(pte, g), c);
        if (t.children[i] !== child || !(t.flags[i] & SP_P) || (t.flags[i] & (SP_W | SP_U)) !== perms) {
          t.flags[i] = SP_P | perms;
          t.children[i] = child;
          n++;
        }
        t = child;
        continue;
      }
      // the guest's leaf
      if (level === last) {
        tables.setLeaf(t, i, gw.gpfn, pte & (SP_W | SP_U | SP_D));
        return n + 1;
      }
      const span = pagesAtLevel(level, g);
      const base = gw.gpfn - ((va >>> PAGE_SHIFT) & (span - 1));
      if (tables.hostLargePages) {
        tables.setLeaf(t, i, base, (pte & (SP_W | SP_U | SP_D)) | SP_LARGE);
        return n + 1;
      }
      // Splinter: the host maps guest memory in 4 KiB frames, so the shadow of a guest large page
      // is a chain of direct tables down to 4 KiB leaves (they mirror the PS entry, not a guest table).
      let d: ShadowTable | undefined = t.children[i];
      if (!d || !d.live || !d.direct || !(t.flags[i] & SP_P) || (t.flags[i] & (SP_W | SP_U)) !== perms || d.directBase !== base) {
        d = tables.direct(level + 1, base, span, level, c);
        t.flags[i] = SP_P | perms;
        t.children[i] = d;
        n++;
      }
      for (let l = level + 1; l <= last; l++) {
        const j = pteIndex(va, l, g);
        const sub = pagesAtLevel(l, g);
        if (l === last) {
          tables.setLeaf(d, j, gw.gpfn, SP_W | SP_U | (pte & SP_D));
          return n + 1;
        }
        let next: ShadowTable | undefined = d.children[j];
        if (!next || !(d.flags[j] & SP_P)) {
          next = tables.direct(l + 1, d.directBase + j * sub, sub, level, c);
          d.flags[j] = SP_P | SP_W | SP_U;
          d.children[j] = next;
          n++;
        }
        d = next;
      }
      return n;
    }
    return n;
  }

  readFrame(mmu: Mmu, gpfn: number): Int32Array {
    return this.tables.frameOf(gpfn) ?? mmu.mem.frameForRead(gpfn as Gpfn);
  }

  beforeStore(mmu: Mmu, gpfn: number): void {
    const mem = mmu.mem;
    const c = mmu.counters;
    const g = gpfn as Gpfn;
    const firstDirty = mem.dirtyLogEnabled && !mem.isDirty(g);
    if (firstDirty) c.dirtyWpFaults++;
    if (mem.isWatched(g, this.tables.bit)) {
      c.ptWriteTraps++;
      this.tables.writer = c;
      this.charge(mmu, this.costs.traceWrite);
      this.transition(mmu);
      return;
    }
    const cow = !mem.isExclusive(g);
    if (cow) c.shadowCowFaults++;
    if (cow || firstDirty) {
      c.shadowHiddenFaults++;
      this.charge(mmu, this.costs.exit + this.costs.entryFill);
      this.transition(mmu);
    }
  }

  onHitFault(mmu: Mmu): void {
    // The shadow entry forbade the access: the monitor classifies it by walking the guest's tables.
    mmu.counters.shadowGuestFaults++;
    this.charge(mmu, this.costs.guestFaultExit + mmu.geometry.levels * this.costs.vmmWalkRef);
  }

  onSwitch(mmu: Mmu): void {
    if (!mmu.pagingEnabled) return;
    if (this.tables.root(mmu.ptbr)) mmu.counters.shadowRootHits++;
    else mmu.counters.shadowRootMisses++;
    if (this.costs.switchExit) this.charge(mmu, this.costs.switchExit);
  }

  onFlush(): void {}

  onNotPresent(mmu: Mmu): void {
    mmu.counters.shadowHiddenFaults++;
    this.charge(mmu, this.costs.exit);
    this.transition(mmu);
  }
}

/** Shadow permission bits for a guest PTE (exported for the invariant checker). */
export const guestPermBits = (pte: number): number => pte & (PTE_W | PTE_U);
export const isGuestLarge = (pte: number): boolean => (pte & PTE_PS) !== 0;
export type { ShadowTable };
