/**
 * walk — the hardware page walker: translates one virtual address through the guest's
 * page tables, checks permissions and sets accessed/dirty bits.
 *
 * Interface: `walk(mem, ptbr, va, access, user, geometry, out)` → true (out.gpfn, out.perms set)
 * or false (out.faultCause / out.faultDetail set). `out.refs` = page-table reads made,
 * `out.adWrites` = A/D updates written back. perms bits: PERM_W, PERM_U, PERM_D.
 * Rules (x86-like): effective W and U are the AND over all levels; a user access needs U,
 * a write needs W in both modes (write protection also applies to the kernel). A is set at
 * every level and D in the leaf on a write — only when the access succeeds. A page-table
 * entry outside guest memory, or a leaf frame outside it, is a bus error. Reserved PTE bit PS
 * must be 0 (otherwise a protection page fault). Under nested paging (issue 5) `mem` is the
 * seam: a 2-D walker wraps it so each guest-physical reference is itself translated.
 */
import { ACCESS_FETCH, ACCESS_WRITE, CAUSE_BUS_ERROR, CAUSE_PAGE_FAULT, FAULT_FETCH, FAULT_PRESENT, FAULT_USER, FAULT_WRITE, PTE_A, PTE_D, PTE_P, PTE_PS, PTE_U, PTE_W, type AccessKind } from '../isa/index';
import { PAGE_SHIFT } from '../params';
import type { Gpa } from './addresses';
import { leafFrameAddress, nextTableAddress, pteIndex, type PagingGeometry } from './pageTable';

export const PERM_W = 1;
export const PERM_U = 2;
export const PERM_D = 4;

/** What the walker needs from physical memory. */
export interface PhysicalAccess {
  readonly pageCount: number;
  readWord(a: Gpa): number;
  writeWord(a: Gpa, value: number): boolean;
}

export interface WalkResult {
  gpfn: number;
  perms: number;
  refs: number;
  adWrites: number;
  faultCause: number;
  faultDetail: number;
}

export function newWalkResult(): WalkResult {
  return { gpfn: 0, perms: 0, refs: 0, adWrites: 0, faultCause: 0, faultDetail: 0 };
}

export function faultDetailBits(access: AccessKind, user: boolean, present: boolean): number {
  return (access === ACCESS_WRITE ? FAULT_WRITE : 0) | (access === ACCESS_FETCH ? FAULT_FETCH : 0) | (user ? FAULT_USER : 0) | (present ? FAULT_PRESENT : 0);
}

const pteAddrs: number[] = [0, 0, 0, 0];

export function walk(mem: PhysicalAccess, ptbr: number, va: number, access: AccessKind, user: boolean, g: PagingGeometry, out: WalkResult): boolean {
  out.refs = 0;
  out.adWrites = 0;
  let table = (ptbr >>> 0) & ~(g.tableBytes - 1);
  let w = PTE_W;
  let u = PTE_U;
  let pte = 0;
  const limit = mem.pageCount;
  for (let level = 0; level < g.levels; level++) {
    const addr = (table + pteIndex(va, level, g) * 4) >>> 0;
    if (addr >>> PAGE_SHIFT >= limit) {
      out.faultCause = CAUSE_BUS_ERROR;
      out.faultDetail = faultDetailBits(access, user, false);
      return false;
    }
    pte = mem.readWord(addr as Gpa);
    out.refs++;
    pteAddrs[level] = addr;
    if (!(pte & PTE_P)) {
      out.faultCause = CAUSE_PAGE_FAULT;
      out.faultDetail = faultDetailBits(access, user, false);
      return false;
    }
    if (pte & PTE_PS) {
      out.faultCause = CAUSE_PAGE_FAULT;
      out.faultDetail = faultDetailBits(access, user, true);
      return false;
    }
    w &= pte;
    u &= pte;
    if (level < g.levels - 1) table = nextTableAddress(pte, g);
  }
  if ((user && !u) || (access === ACCESS_WRITE && !w)) {
    out.faultCause = CAUSE_PAGE_FAULT;
    out.faultDetail = faultDetailBits(access, user, true);
    return false;
  }
  const gpfn = leafFrameAddress(pte) >>> PAGE_SHIFT;
  if (gpfn >= limit) {
    out.faultCause = CAUSE_BUS_ERROR;
    out.faultDetail = faultDetailBits(access, user, true);
    return false;
  }
  // Success: set A at every level, D in the leaf on writes (hardware-managed bits).
  for (let level = 0; level < g.levels; level++) {
    const addr = pteAddrs[level] as Gpa;
    const old = mem.readWord(addr);
    let nw = old | PTE_A;
    if (level === g.levels - 1 && access === ACCESS_WRITE) nw |= PTE_D;
    if (nw !== old) {
      mem.writeWord(addr, nw);
      out.adWrites++;
    }
    if (level === g.levels - 1) pte = nw;
  }
  out.gpfn = gpfn;
  out.perms = (w ? PERM_W : 0) | (u ? PERM_U : 0) | (pte & PTE_D ? PERM_D : 0);
  return true;
}
