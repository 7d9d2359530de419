/**
 * walk — the hardware page walker: translates one virtual address through the guest's
 * page tables, checks permissions and sets accessed/dirty bits.
 *
 * Interface: `walk(mem, ptbr, va, access, user, geometry, out, largePages?)` → true (out.gpfn,
 * out.perms, out.leafLevel set) or false (out.faultCause / out.faultDetail set). `out.refs` =
 * page-table reads made, `out.adWrites` = A/D updates written back, `out.pteAddrs[level]` = the
 * guest-physical address of the entry read at each level (the path shadow paging mirrors).
 * perms bits: PERM_W, PERM_U, PERM_D. `pagesAtLevel(level, g)` = 4 KiB pages a leaf at that
 * level maps.
 * Rules (x86-like): effective W and U are the AND over all levels; a user access needs U,
 * a write needs W in both modes (write protection also applies to the kernel). A is set at
 * every level and D in the leaf on a write — only when the access succeeds. A page-table
 * entry outside guest memory, or a leaf frame outside it, is a bus error. PTE bit PS: with
 * `largePages` off (the default machine) it is reserved and must be 0 (else a protection page
 * fault); with `largePages` on, PS in a non-last-level entry makes it the leaf of a large page
 * (docs/isa.md §5.2: 4 MiB at 2 levels; 128 MiB / 4 MiB / 128 KiB at levels 0/1/2 of 4), whose
 * frame address bits below the large-page size are ignored; PS in a last-level entry stays
 * reserved. Under nested paging `mem` is the seam: a 2-D walker passes a PhysicalAccess whose
 * `readPte` translates each guest-physical table reference through the host dimension.
 * A table page that is not present here (post-copy, host swap: GuestPhysicalMemory) is checked
 * before it is read — only while the memory has such pages (`notPresentCount`): `ensurePresent`
 * may supply it; if not, the walk fails with `FAULT_NOT_PRESENT`, a host-side fault the guest never
 * sees (no A/D bit has been written yet, so the access can simply run again later).
 */
import { ACCESS_FETCH, ACCESS_WRITE, CAUSE_BUS_ERROR, CAUSE_PAGE_FAULT, FAULT_FETCH, FAULT_PRESENT, FAULT_USER, FAULT_WRITE, PTE_A, PTE_D, PTE_P, PTE_PS, PTE_U, PTE_W, type AccessKind } from '../isa/index';
import { PAGE_SHIFT } from '../params';
import type { PageAccess } from '../memory/index';
import type { Gpa } from './addresses';
import { leafFrameAddress, nextTableAddress, pteIndex, type PagingGeometry } from './pageTable';

/** `faultCause` of a walk or translation that met a page not present here: not a guest fault; the access waits for the page. */
export const FAULT_NOT_PRESENT = -2;

export const PERM_W = 1;
export const PERM_U = 2;
export const PERM_D = 4;

/** What the walker needs from physical memory. */
export interface PhysicalAccess {
  readonly pageCount: number;
  readWord(a: Gpa): number;
  writeWord(a: Gpa, value: number): boolean;
  /**
   * Optional: the walk-phase read of the entry at `level` (default readWord). A 2-D walker uses it
   * to translate and count each reference; the A/D write-back phase re-reads with readWord.
   */
  readPte?(a: Gpa, level: number): number;
  /** Pages not present here (the walker checks table pages only while this is non-zero). */
  readonly notPresentCount?: number;
  /** True when page gpfn can be read now (present, or supplied on the spot). */
  ensurePresent?(gpfn: number, access: PageAccess): boolean;
}

export interface WalkResult {
  gpfn: number;
  perms: number;
  refs: number;
  adWrites: number;
  faultCause: number;
  faultDetail: number;
  /** Level of the leaf entry (levels - 1 for a 4 KiB page, less for a large page). */
  leafLevel: number;
  /** Guest-physical address of the entry read at each level of the last walk. */
  readonly pteAddrs: number[];
}

export function newWalkResult(): WalkResult {
  return { gpfn: 0, perms: 0, refs: 0, adWrites: 0, faultCause: 0, faultDetail: 0, leafLevel: 0, pteAddrs: [0, 0, 0, 0] };
}

export function faultDetailBits(access: AccessKind, user: boolean, present: boolean): number {
  return (access === ACCESS_WRITE ? FAULT_WRITE : 0) | (access === ACCESS_FETCH ? FAULT_FETCH : 0) | (user ? FAULT_USER : 0) | (present ? FAULT_PRESENT : 0);
}

/** 4 KiB pages mapped by one leaf entry at `level` (1 at the last level). */
export function pagesAtLevel(level: number, g: PagingGeometry): number {
  return 1 << (g.bitsPerLevel * (g.levels - 1 - level));
}

export function walk(mem: PhysicalAccess, ptbr: number, va: number, access: AccessKind, user: boolean, g: PagingGeometry, out: WalkResult, largePages = false): boolean {
  out.refs = 0;
  out.adWrites = 0;
  const pteAddrs = out.pteAddrs;
  let table = (ptbr >>> 0) & ~(g.tableBytes - 1);
  let w = PTE_W;
  let u = PTE_U;
  let pte = 0;
  const limit = mem.pageCount;
  const last = g.levels - 1;
  const checkPresent = (mem.notPresentCount ?? 0) !== 0;
  let leaf = last;
  for (let level = 0; level <= last; level++) {
    const addr = (table + pteIndex(va, level, g) * 4) >>> 0;
    if (addr >>> PAGE_SHIFT >= limit) {
      out.faultCause = CAUSE_BUS_ERROR;
      out.faultDetail = faultDetailBits(access, user, false);
      return false;
    }
    if (checkPresent && !mem.ensurePresent!(addr >>> PAGE_SHIFT, 'walk')) {
      out.faultCause = FAULT_NOT_PRESENT;
      out.faultDetail = 0;
      return false;
    }
    pte = mem.readPte ? mem.readPte(addr as Gpa, level) : mem.readWord(addr as Gpa);
    out.refs++;
    pteAddrs[level] = addr;
    if (!(pte & PTE_P)) {
      out.faultCause = CAUSE_PAGE_FAULT;
      out.faultDetail = faultDetailBits(access, user, false);
      return false;
    }
    w &= pte;
    u &= pte;
    if (pte & PTE_PS) {
      if (!largePages || level === last) {
        out.faultCause = CAUSE_PAGE_FAULT;
        out.faultDetail = faultDetailBits(access, user, true);
        return false;
      }
      leaf = level;
      break;
    }
    if (level < last) table = nextTableAddress(pte, g);
  }
  if ((user && !u) || (access === ACCESS_WRITE && !w)) {
    out.faultCause = CAUSE_PAGE_FAULT;
    out.faultDetail = faultDetailBits(access, user, true);
    return false;
  }
  let gpfn = leafFrameAddress(pte) >>> PAGE_SHIFT;
  if (leaf !== last) {
    const span = pagesAtLevel(leaf, g);
    gpfn = (gpfn & ~(span - 1)) | ((va >>> PAGE_SHIFT) & (span - 1));
  }
  if (gpfn >= limit) {
    out.faultCause = CAUSE_BUS_ERROR;
    out.faultDetail = faultDetailBits(access, user, true);
    return false;
  }
  // Success: set A at every level, D in the leaf on writes (hardware-managed bits).
  for (let level = 0; level <= leaf; level++) {
    const addr = pteAddrs[level] as Gpa;
    const old = mem.readWord(addr);
    let nw = old | PTE_A;
    if (level === leaf && access === ACCESS_WRITE) nw |= PTE_D;
    if (nw !== old) {
      mem.writeWord(addr, nw);
      out.adWrites++;
    }
    if (level === leaf) pte = nw;
  }
  out.gpfn = gpfn;
  out.leafLevel = leaf;
  out.perms = (w ? PERM_W : 0) | (u ? PERM_U : 0) | (pte & PTE_D ? PERM_D : 0);
  return true;
}
