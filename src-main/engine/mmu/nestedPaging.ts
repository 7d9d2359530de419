/**
 * nestedPaging — nested / two-dimensional paging (`--paging nested`, with the hw monitor): on a
 * modelled-TLB miss the hardware walks the guest's tables, and every guest-physical address it
 * meets — each guest table and the final data page — is itself translated through the monitor's
 * nested table (nestedPageTable.ts). With n guest and m nested levels that is (n+1)(m+1) − 1
 * references: 8 at 2 levels, 24 at 4 levels (n·m + n + m; Bhargava et al., ASPLOS 2008); host large pages make it
 * (n+1)·m + n, guest large pages shorten n.
 *
 * Interface: `new NestedPager(npt, costs, { pageWalkCache, dirtyMechanism })` implements Pager.
 * How it works: `fill` runs the reference walker (walk.ts) over a PhysicalAccess whose `readPte`
 * first translates the table's guest-physical page through the nested table (m references, or 0
 * on a nested-TLB hit), then reads the guest entry from the host frame that translation gave (1
 * reference, or 0 on a page-walk-cache hit); A/D bits are set by the hardware as natively. A
 * missing nested entry is an EPT violation: an exit (`exit`), the monitor maps the page
 * (`shadowEntryFill` per entry) and the translation is retried. Guest page faults, guest page-table
 * writes and ptbr loads cost nothing extra: no exits (the point of nested paging).
 * Stores (`beforeStore`): a store to an unbacked or copy-on-write page is a write violation (exit);
 * while dirty logging, the first store to a page after each read-and-clear sets the nested D bit and,
 * with the PML mechanism, appends the page to this vCPU's PML log (`pmlLogEntry`); a full log
 * (PML_LOG_ENTRIES) exits to the monitor, which drains it.
 * A guest table or data page not present here (post-copy, host swap) has no usable nested entry: an
 * EPT violation (`nestedViolations`, `exit`) takes it to the monitor, which has it supplied, or the 2-D
 * walk stops before reading it (walk.ts) and the access waits (FAULT_NOT_PRESENT, never guest-visible).
 * Counters: guestWalkRefs / nestedWalkRefs, nestedViolations, nestedWriteViolations, ntlb*, pwc*,
 * pmlEntries, pmlFullExits, pagingCycles (the host-dimension references and exits).
 */
import { PTE_P, PTE_PS, type AccessKind } from '../isa/index';
import { NESTED_TLB_ENTRIES, PAGE_SHIFT, PAGE_WALK_CACHE_ENTRIES, PML_LOG_ENTRIES } from '../params';
import type { Gpa, Gpfn, Hfn } from './addresses';
import type { Mmu } from './mmu';
import type { NestedPageTable } from './nestedPageTable';
import { WalkCache } from './pageWalkCache';
import type { Pager, PagingCosts } from './pager';
import { walk, type PhysicalAccess, type WalkResult } from './walk';

export type NestedDirtyMechanism = 'pml' | 'dirty-bits';

export class NestedPager implements Pager {
  readonly mode = 'nested' as const;
  readonly ntlb: WalkCache | undefined;
  readonly pwc: WalkCache | undefined;
  /** This vCPU's PML log (guest frames not yet drained). */
  pml: number[] = [];
  private ntlbGeneration = -1;
  private mmu!: Mmu;
  private va = 0;
  private guestRefs = 0;
  private hostRefs = 0;
  private readonly view: PhysicalAccess;

  constructor(
    readonly npt: NestedPageTable,
    public costs: PagingCosts,
    readonly opts: { pageWalkCache?: boolean; dirtyMechanism?: () => NestedDirtyMechanism } = {},
    private readonly checks?: (mmu: Mmu, va: number, access: AccessKind, out: WalkResult) => void,
  ) {
    this.ntlb = opts.pageWalkCache ? new WalkCache(NESTED_TLB_ENTRIES) : undefined;
    this.pwc = opts.pageWalkCache ? new WalkCache(PAGE_WALK_CACHE_ENTRIES) : undefined;
    const mem = npt.mem;
    this.view = {
      get pageCount() { return mem.pageCount; },
      get notPresentCount() { return mem.notPresentCount; },
      readWord: (a) => mem.readWord(a),
      writeWord: (a, v) => mem.writeWord(a, v),
      readPte: (a, level) => this.readPte(a, level),
      ensurePresent: (gpfn, access) => {
        if (mem.isNotPresent(gpfn as Gpfn)) this.onNotPresent(this.mmu);
        return mem.ensurePresent(gpfn, access);
      },
    };
  }

  private charge(mmu: Mmu, cycles: number): void {
    mmu.pendingCycles += cycles;
    mmu.counters.pagingCycles += cycles;
  }

  /** Host dimension: translates gpfn (leaves the frame in npt.lastH1); returns references made. */
  private translate(gpfn: number): number {
    const c = this.mmu.counters;
    const ntlb = this.ntlb;
    const regionKey = -1 - (gpfn >>> this.npt.regionShift);
    if (ntlb) {
      // 4 KiB translations are cached by gpfn; a host large page by its region (frames come from guest memory)
      const h = ntlb.get(gpfn) ?? (this.npt.regionShift ? ntlb.get(regionKey) : undefined);
      if (h !== undefined) {
        c.ntlbHits++;
        this.npt.lastLarge = h === -1;
        this.npt.lastH1 = h;
        return 0;
      }
      c.ntlbMisses++;
    }
    const npt = this.npt;
    let refs = 0;
    if (!npt.walk(gpfn)) {
      refs += npt.lastRefs;
      c.nestedViolations++;
      const n = npt.map(gpfn);
      this.charge(this.mmu, this.costs.exit + n * this.costs.entryFill);
      if (this.costs.vmTransitions) this.mmu.vmTransition();
      npt.walk(gpfn);
    }
    refs += npt.lastRefs;
    if (ntlb) {
      if (npt.lastLarge) ntlb.set(regionKey, -1);
      else ntlb.set(gpfn, npt.lastH1);
    }
    return refs;
  }

  private readPte(a: Gpa, level: number): number {
    const mmu = this.mmu;
    const mem = this.npt.mem;
    const pwc = this.pwc;
    const cacheable = pwc !== undefined && level < mmu.geometry.levels - 1;
    let key = 0;
    if (cacheable) {
      key = level + 4 * (this.va >>> (PAGE_SHIFT + mmu.geometry.bitsPerLevel * (mmu.geometry.levels - 1 - level)));
      const v = pwc.get(key);
      if (v !== undefined && v === mem.readWord(a)) {
        mmu.counters.pwcHits++;
        return v;
      }
      mmu.counters.pwcMisses++;
    }
    const gpfn = a >>> PAGE_SHIFT;
    this.hostRefs += this.translate(gpfn);
    this.guestRefs++;
    const h1 = this.npt.lastLarge ? -1 : this.npt.lastH1;
    const frame = h1 === -1 ? mem.frameForRead(gpfn as Gpfn) : h1 === 0 ? undefined : mem.host.frame((h1 - 1) as Hfn);
    const v = frame ? frame[(a & 0xfff) >>> 2] : 0;
    if (cacheable && (v & PTE_P) && !(v & PTE_PS)) pwc.set(key, v);
    return v;
  }

  fill(mmu: Mmu, va: number, access: AccessKind, out: WalkResult): boolean {
    this.mmu = mmu;
    this.va = va;
    this.guestRefs = 0;
    this.hostRefs = 0;
    if (this.ntlb && this.ntlbGeneration !== this.npt.generation) {
      this.ntlb.clear();
      this.ntlbGeneration = this.npt.generation;
    }
    const ok = walk(this.view, mmu.ptbr, va, access, mmu.user, mmu.geometry, out, mmu.largePages);
    if (ok) this.hostRefs += this.translate(out.gpfn);
    const c = mmu.counters;
    c.guestWalkRefs += this.guestRefs;
    c.nestedWalkRefs += this.hostRefs;
    out.refs = this.guestRefs + this.hostRefs;
    // A/D bits are written by the hardware walker, as natively; the host dimension is the extra cost.
    mmu.pendingCycles += out.adWrites * mmu.opts.costs.adWrite;
    c.pagingCycles += this.hostRefs * mmu.opts.costs.walkRef;
    if (ok) this.checks?.(mmu, va, access, out);
    return ok;
  }

  readFrame(mmu: Mmu, gpfn: number): Int32Array {
    return this.npt.frameOf(gpfn) ?? mmu.mem.frameForRead(gpfn as Gpfn);
  }

  beforeStore(mmu: Mmu, gpfn: number): void {
    const mem = mmu.mem;
    const c = mmu.counters;
    const g = gpfn as Gpfn;
    if (!mem.isExclusive(g)) {
      c.nestedWriteViolations++;
      this.charge(mmu, this.costs.exit + this.costs.entryFill);
      if (this.costs.vmTransitions) mmu.vmTransition();
    }
    if (mem.dirtyLogEnabled && !mem.isDirty(g)) {
      this.npt.setDirty(gpfn);
      if ((this.opts.dirtyMechanism?.() ?? 'pml') === 'pml') {
        c.pmlEntries++;
        this.pml.push(gpfn);
        this.charge(mmu, this.costs.pmlLog);
        if (this.pml.length >= PML_LOG_ENTRIES) {
          c.pmlFullExits++;
          this.charge(mmu, this.costs.exit + this.pml.length * this.costs.harvestEntry);
          if (this.costs.vmTransitions) mmu.vmTransition();
          this.drainPml();
        }
      }
    }
  }

  /** Moves this vCPU's PML log into the nested table's drained list (a PML-full exit, or a read-and-clear). */
  drainPml(): number {
    const n = this.pml.length;
    for (const g of this.pml) this.npt.pmlDrained.push(g);
    this.pml = [];
    return n;
  }

  onHitFault(): void {}

  onSwitch(): void {}

  onFlush(): void {
    this.pwc?.clear();
  }

  /** No nested entry can map a page that is not here: an EPT violation (exit) hands it to the monitor. */
  onNotPresent(mmu: Mmu): void {
    mmu.counters.nestedViolations++;
    this.charge(mmu, this.costs.exit);
    if (this.costs.vmTransitions) mmu.vmTransition();
  }
}

