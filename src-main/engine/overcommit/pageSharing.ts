/**
 * pageSharing — transparent page sharing on one host (Waldspurger 2002 §4): a background scanner visits
 * each VM's pages in random order at configured rates, collapses all-zero pages onto the shared zero
 * page first, keys the others by a 64-bit content hash in the host's `SharingTable`, and maps a page
 * onto an identical one copy-on-write — always after a full byte comparison.
 *
 * Interface: `new HostSharing(hasher?, walk?)`; `attach(vmId, pages, seed)` / `detach(vmId)`; `scan(elapsedMs,
 * settings)` (the barrier's share of the scanner's work); `scanPage(vmId, gpfn, settings)` (one page, for
 * tests and the benchmark); `zeroPagesOf(vmId)` (pages collapsed to the zero page and still on it);
 * `counters` (pages scanned, hashed, compared, shared, zero-collapsed, hint hits, collisions);
 * `metadataBytes`; `save()` / `restore()`.
 * Rules:
 *  - A hint (a page seen once) is trusted only after its page is hashed again and still matches; a match
 *    is shared only when every byte is equal. A false match (a hash collision) is counted and never shared.
 *  - Salting: unless `interVmSharing` is on, each VM's keys are mixed with its own salt and a match in
 *    another VM is refused, so identical pages of two VMs never meet (ESXi's default since 2014).
 *  - Order: each pass over a VM is a fresh pseudo-random permutation of its pages (an affine bijection
 *    mod the page count, from the lab's seeded RNG); pages without a frame are skipped for free. A
 *    VM with few pages with a frame is walked sparsely (`walkSparse`: the same visits in the same order,
 *    without asking every page in between) when that is the cheaper walk.
 *  - Rates: each VM accrues `shareScanVmPagesPerSec` credit per virtual second, scaled down evenly when
 *    the host's VMs together would pass `shareScanTotalPagesPerSec`.
 *  - A pinned page (`isPinned`: the pv monitor's shared area) is never hashed, shared or collapsed.
 *  - Sharing changes no byte a guest can see: `sharePage` of equal bytes and `dropZeroPage` are
 *    content-preserving (no hooks, not dirty); a later write breaks the sharing with a private copy
 *    (`GuestFrameStats.sharedBreaks`).
 */
import type { VmId } from '@shared/model/ids';
import type { MemReclamationSettings } from '@shared/model/memoryReclamation';
import { isZeroWords, sameWords, type GuestPages } from '../vm/guestMachine';
import { Rng } from '../sim/index';
import { SHARE_SCAN_SPARSE_COST } from '../params';
import { hashPage, type PageHasher } from './pageHash';
import { hintRef, isShared, MAX_SHARING_VMS, refGpfn, refVm, sharedRef, SharingTable } from './sharingTable';

export interface SharingCounters {
  scanned: number;
  zeroCollapsed: number;
  hashed: number;
  compared: number;
  shared: number;
  hintsInserted: number;
  staleEntries: number;
  collisions: number;
}

interface VmScan {
  vmId: VmId;
  index: number;
  pages: GuestPages;
  salt: number;
  credit: number;
  rng: Rng;
  permA: number;
  permC: number;
  permI: number;
  /** Pages collapsed onto the zero page (may have been written since: check their state). */
  zero: Set<number>;
  /** Pages with a frame when last counted (host-side, not saved): picks the cheaper walk, never changes what is visited. */
  presentPages: number;
  /**
   * The sparse walk's listing of this pass (host-side, not saved): positions in the permutation of the
   * pages that had a frame, ascending, in `listed[0, listedLen)`; reused while the memory's
   * `framesGained` is still `listedGain` (no page gained a frame since), dropped at a new pass.
   */
  listed: Float64Array | undefined;
  listedLen: number;
  listedGain: number;
  /** `framesGained` when the scanner last chose a walk (host time only: steady memory favours the sparse walk). */
  seenGain: number;
}

export interface HostSharingState {
  counters: SharingCounters;
  vms: { vmId: VmId; credit: number; rng: ReturnType<Rng['save']>; permA: number; permC: number; permI: number; zero: number[] }[];
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const PAGE = 4096;
/** The inverse of a mod n (gcd(a, n) = 1; n ≥ 1). */
function modInverse(a: number, n: number): number {
  if (n === 1) return 0;
  let [r0, r1] = [a % n, n];
  let [s0, s1] = [1, 0];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % n) + n) % n;
}

/** The first index of the sorted a[0, len) whose value is ≥ x (len when none). */
function lowerBound(a: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export class HostSharing {
  private table = new SharingTable();
  private byId = new Map<VmId, VmScan>();
  private byIndex: (VmScan | undefined)[] = [];
  counters: SharingCounters = { scanned: 0, zeroCollapsed: 0, hashed: 0, compared: 0, shared: 0, hintsInserted: 0, staleEntries: 0, collisions: 0 };
  private readonly buf = new Uint8Array(PAGE);
  private readonly words = new Int32Array(this.buf.buffer);
  private readonly other = new Uint8Array(PAGE);
  private readonly otherWords = new Int32Array(this.other.buffer);
  private readonly h = new Uint32Array(2);
  private readonly h2 = new Uint32Array(2);
  /** The VM whose pass is being listed (`passOrder`): page count, permutation offset and inverse multiplier. */
  private readonly listing = { n: 1, c: 0, inv: 0 };
  private listingVm: VmScan | undefined;
  private readonly addFramed = (g: number): void => this.place(g);
  private readonly addScanned = (g: number, hfn: number): void => { if (hfn >= 0) this.place(g); };

  /** `walk`: which walk finds the pages to visit — both visit the same (tests hold them equal); 'auto' picks the cheaper. */
  constructor(private readonly hasher: PageHasher = hashPage, private readonly walk: 'auto' | 'dense' | 'sparse' = 'auto') {}

  get metadataBytes(): number {
    return this.table.bytes;
  }

  /** Starts scanning a VM's memory (a guest started or was restored on this host). */
  attach(vmId: VmId, pages: GuestPages, seed: number): void {
    this.detach(vmId);
    let index = this.byIndex.findIndex((x) => x === undefined);
    if (index < 0) index = this.byIndex.length;
    if (index >= MAX_SHARING_VMS) throw new RangeError(`page sharing tracks at most ${MAX_SHARING_VMS} VMs per host`);
    const rng = new Rng(seed);
    const v: VmScan = {
      vmId, index, pages, salt: 0, credit: 0, rng, permA: 1, permC: 0, permI: 0, zero: new Set(), presentPages: 0, listed: undefined, listedLen: 0, listedGain: -1, seenGain: -1,
    };
    v.salt = (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2f) ^ (index + 1)) >>> 0 || 1;
    this.newPass(v);
    this.byId.set(vmId, v);
    this.byIndex[index] = v;
  }

  /** Stops scanning a VM and forgets its table entries (its guest stopped or left the host). */
  detach(vmId: VmId): void {
    const v = this.byId.get(vmId);
    if (!v) return;
    this.byId.delete(vmId);
    this.byIndex[v.index] = undefined;
    this.table.removeWhere((ref) => refVm(ref) === v.index);
  }

  private newPass(v: VmScan): void {
    const n = v.pages.pageCount;
    let a = 1 + v.rng.int(Math.max(1, n - 1));
    while (gcd(a, n) !== 1) a = (a + 1) % n || 1;
    v.permA = a;
    v.permC = v.rng.int(n);
    v.permI = 0;
    v.listedGain = -1; // a new permutation: the listing's positions are the old one's
  }

  /** Pages collapsed onto the zero page that still read it (a write since allocated a frame). */
  zeroPagesOf(vmId: VmId): number {
    const v = this.byId.get(vmId);
    if (!v) return 0;
    let n = 0;
    for (const g of [...v.zero]) {
      if (v.pages.pageState(g) === 'untouched') n++;
      else v.zero.delete(g);
    }
    return n;
  }

  /** The scanner's work for `elapsedMs` of virtual time. */
  scan(elapsedMs: number, settings: MemReclamationSettings): void {
    if (!settings.sharing || this.byId.size === 0) return;
    const perVm = Math.min(settings.shareScanVmPagesPerSec, settings.shareScanTotalPagesPerSec / this.byId.size);
    const credit = (perVm * elapsedMs) / 1000;
    for (const v of this.byId.values()) {
      v.credit = Math.min(v.credit + credit, v.pages.pageCount);
      if (v.credit < 1) continue;
      const skips = this.sparse(v) ? this.walkSparse(v, settings) : this.walkDense(v, settings);
      if (skips >= v.pages.pageCount) v.credit = 0; // nothing with a frame: no work to bank
    }
  }

  /**
   * Whether the sparse walk is the cheaper: page by page costs about credit × pages / pages with a frame
   * state queries, the sparse walk a listing and sort of the pages with a frame (counted at the last walk).
   */
  private sparse(v: VmScan): boolean {
    if (this.walk !== 'auto') return this.walk === 'sparse';
    // a listing still complete is reused as it is: the sparse walk then costs a search and the visits;
    // and a VM none of whose pages gained a frame since the scanner last looked will keep a new one a while
    if (this.listingComplete(v)) return true;
    const gained = v.pages.framesGained;
    const steady = gained !== undefined && gained === v.seenGain;
    v.seenGain = gained ?? -1;
    if (steady) return true;
    const p = v.presentPages;
    return Math.floor(v.credit) * v.pages.pageCount > SHARE_SCAN_SPARSE_COST * p * p;
  }

  /** The walk in permutation order, asking each page's state; returns the pages skipped. */
  private walkDense(v: VmScan, settings: MemReclamationSettings): number {
    const n = v.pages.pageCount;
    let skips = 0;
    let seen = 0;
    while (v.credit >= 1 && skips < n) {
      const g = this.nextPage(v);
      seen++;
      if (v.pages.pageState(g) !== 'present') { skips++; continue; }
      v.credit -= 1;
      this.visit(v, g, settings);
    }
    v.presentPages = Math.round((n * (seen - skips)) / Math.max(1, seen));
    return skips;
  }

  /**
   * The same walk, jumping from one page with a frame to the next: the pages with a frame are listed
   * (`forEachFramedPage`, else `scanPages`) and placed by their position in this pass's permutation, and
   * the runs of pages without one between them are counted as skipped without being asked. Visits,
   * skips, the position and the passes started (with their RNG draws) are exactly the dense walk's: a
   * listed page is asked again before its visit (it may have lost its frame since: a zero page
   * collapsed, a page sampled or swapped out), so a listing may hold pages that lost their frame but
   * never miss one that has a frame — it is kept across barriers only while the memory reports that no
   * page gained a frame (`framesGained`), and a new pass lists again.
   */
  private walkSparse(v: VmScan, settings: MemReclamationSettings): number {
    const n = v.pages.pageCount;
    let skips = 0;
    // the listing is read in place (v.listed[0, v.listedLen)): a view per walk was an allocation per visit
    let len = this.passOrder(v);
    let order = v.listed!;
    let k = lowerBound(order, len, v.permI);
    while (v.credit >= 1 && skips < n) {
      if (v.permI >= n) {
        this.newPass(v);
        len = this.passOrder(v);
        order = v.listed!;
        k = 0;
      }
      const next = k < len ? order[k] : n;
      const gap = next - v.permI;
      if (skips + gap >= n) { v.permI += n - skips; return n; }
      skips += gap;
      v.permI = next;
      if (next >= n) continue;
      k++;
      const g = this.nextPage(v);
      if (v.pages.pageState(g) !== 'present') { skips++; continue; }
      v.credit -= 1;
      this.visit(v, g, settings);
    }
    return skips;
  }

  /** The VM's listing still holds every page with a frame (no page gained one since it was taken in this pass). */
  private listingComplete(v: VmScan): boolean {
    const gained = v.pages.framesGained;
    return v.listed !== undefined && v.listedGain >= 0 && gained !== undefined && gained === v.listedGain;
  }

  /**
   * Lists the positions in the current pass's permutation of the VM's pages with a frame (and possibly
   * of pages that lost theirs since they were listed), ascending, into `v.listed[0, v.listedLen)` unless
   * the listing is still complete; returns `v.listedLen`.
   */
  private passOrder(v: VmScan): number {
    const gained = v.pages.framesGained;
    if (this.listingComplete(v)) return v.listedLen;
    const n = v.pages.pageCount;
    const o = this.listing;
    o.n = n; o.c = v.permC; o.inv = modInverse(v.permA, n);
    v.listedLen = 0;
    v.listed ??= new Float64Array(64);
    this.listingVm = v;
    if (v.pages.forEachFramedPage) v.pages.forEachFramedPage(this.addFramed);
    else v.pages.scanPages(this.addScanned);
    this.listingVm = undefined;
    v.presentPages = v.listedLen;
    v.listedGain = gained ?? -1;
    v.listed.subarray(0, v.listedLen).sort();
    return v.listedLen;
  }

  /** Appends a page's position in the pass being listed (`listing`) to its VM's listing. */
  private place(g: number): void {
    const o = this.listing;
    const v = this.listingVm!;
    let a = v.listed!;
    if (v.listedLen === a.length) {
      const grown = new Float64Array(2 * a.length);
      grown.set(a);
      v.listed = a = grown;
    }
    a[v.listedLen++] = ((((g - o.c) % o.n) + o.n) % o.n * o.inv) % o.n;
  }

  private nextPage(v: VmScan): number {
    const n = v.pages.pageCount;
    if (v.permI >= n) this.newPass(v);
    const g = (v.permA * v.permI + v.permC) % n;
    v.permI++;
    return g;
  }

  /** Scans one page of a VM now (tests, benchmark); false when the VM is not attached. */
  scanPage(vmId: VmId, gpfn: number, settings: MemReclamationSettings): boolean {
    const v = this.byId.get(vmId);
    if (!v || v.pages.pageState(gpfn) !== 'present') return false;
    this.visit(v, gpfn, settings);
    return true;
  }

  private visit(v: VmScan, g: number, settings: MemReclamationSettings): void {
    const c = this.counters;
    c.scanned++;
    if (v.pages.isPinned?.(g)) return; // the monitor's own page: a shared copy would need a frame to write it
    if (!v.pages.readPage(g, this.buf)) return;
    if (isZeroWords(this.words)) {
      if (v.pages.dropZeroPage?.(g)) {
        c.zeroCollapsed++;
        v.zero.add(g);
      }
      return;
    }
    this.hasher(this.words, this.h);
    c.hashed++;
    const salt = settings.interVmSharing ? 0 : v.salt;
    const hi = (this.h[0] ^ salt) >>> 0;
    const lo = this.h[1];
    const slot = this.table.find(hi, lo);
    if (slot < 0) {
      this.table.insert(hi, lo, hintRef(v.index, g));
      c.hintsInserted++;
      return;
    }
    const ref = this.table.refAt(slot);
    const ov = this.byIndex[refVm(ref)];
    const og = refGpfn(ref);
    if (ov === v && og === g) return; // its own hint: nothing changed since (or it changed back)
    if (!ov || (!settings.interVmSharing && ov !== v) || !ov.pages.readPage(og, this.other)) {
      this.table.setRef(slot, hintRef(v.index, g));
      c.staleEntries++;
      return;
    }
    // The other page must still be what its entry says: rehash it (a hint is only a hint).
    this.hasher(this.otherWords, this.h2);
    c.hashed++;
    if (((this.h2[0] ^ salt) >>> 0) !== hi || this.h2[1] !== lo) {
      this.table.setRef(slot, hintRef(v.index, g));
      c.staleEntries++;
      return;
    }
    c.compared++;
    if (!sameWords(this.words, this.otherWords)) {
      c.collisions++; // same 64-bit key, different bytes: never shared
      return;
    }
    if (!v.pages.sharePage(g, ov.pages, og)) return;
    c.shared++;
    if (!isShared(ref)) this.table.setRef(slot, sharedRef(ov.index, og));
  }

  save(): HostSharingState {
    return {
      counters: { ...this.counters },
      vms: [...this.byId.values()].map((v) => ({ vmId: v.vmId, credit: v.credit, rng: v.rng.save(), permA: v.permA, permC: v.permC, permI: v.permI, zero: [...v.zero] })),
    };
  }

  /** Applies a saved scanner state to the VMs attached again (the table itself refills as pages are scanned). */
  restore(s: HostSharingState): void {
    this.counters = { ...s.counters };
    for (const x of s.vms) {
      const v = this.byId.get(x.vmId);
      if (!v) continue;
      v.credit = x.credit;
      v.rng = Rng.restore(x.rng);
      v.permA = x.permA; v.permC = x.permC; v.permI = x.permI;
      v.listedGain = -1;
      v.zero = new Set(x.zero);
    }
  }
}
