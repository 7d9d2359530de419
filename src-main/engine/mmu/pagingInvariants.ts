/**
 * pagingInvariants — debug invariant checkers for memory virtualization (architecture.md rule 8:
 * "the shadow page table equals the guest table composed with the host table").
 *
 * Interface:
 *  - `checkShadowTables(tables)` → violations (strings): every present entry of every live shadow
 *    table agrees with the guest entry it mirrors (present, A set, same W/U, same child table /
 *    frame, same D) and every leaf maps the host frame guest memory maps its gpfn to; every traced
 *    table's page is watched;
 *  - `checkNestedTable(npt)` → violations: every nested leaf maps the frame guest memory maps;
 *  - `checkTranslation(mmu, va, out)` → violations: the translation a pager produced equals a
 *    side-effect-free walk of the guest's tables (gpfn, perms, leaf level) and needed no A/D update.
 * Rules: pure reads (no counters, no memory writes); O(tables), for tests and debug runs
 * (PagingOptions.debugChecks), never on by default.
 */
import { PTE_A, PTE_D, PTE_P, PTE_PS, PTE_U, PTE_W } from '../isa/index';
import { PAGE_SHIFT } from '../params';
import type { Gpa, Gpfn } from './addresses';
import type { Mmu } from './mmu';
import { NP_LARGE, type NestedPageTable } from './nestedPageTable';
import { nextTableAddress } from './pageTable';
import { SP_D, SP_LARGE, SP_LEAF, SP_P, SP_U, SP_W, type ShadowTable, type ShadowTables } from './shadowTableCache';
import { newWalkResult, pagesAtLevel, walk, type PhysicalAccess, type WalkResult } from './walk';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export function checkShadowTables(tables: ShadowTables): string[] {
  const out: string[] = [];
  const mem = tables.mem;
  const g = tables.g;
  const last = g.levels - 1;
  const expectH1 = (gpfn: number): number => {
    const h = mem.hostFrameOf(gpfn as Gpfn);
    return h === undefined ? 0 : h + 1;
  };
  const checkDirect = (d: ShadowTable, where: string, psPte: number): void => {
    for (let i = 0; i < d.flags.length; i++) {
      const f = d.flags[i];
      if (!(f & SP_P)) continue;
      const base = d.directBase + i * pagesAtLevel(d.level, g);
      if (f & SP_LEAF) {
        if (d.gpfn[i] !== base) out.push(`${where}: direct leaf ${i} maps gpfn ${d.gpfn[i]}, expected ${base}`);
        if (d.hfn1[i] !== expectH1(d.gpfn[i])) out.push(`${where}: direct leaf ${i} (gpfn ${d.gpfn[i]}) maps host frame ${d.hfn1[i] - 1}, guest memory maps ${expectH1(d.gpfn[i]) - 1}`);
        if ((f & SP_D) && !(psPte & PTE_D)) out.push(`${where}: direct leaf ${i} has D, the guest large page does not`);
      } else {
        const ch = d.children[i];
        if (ch && ch.live) {
          if (ch.directBase !== base) out.push(`${where}: direct entry ${i} points at base ${ch.directBase}, expected ${base}`);
          checkDirect(ch, `${where}/${i}`, psPte);
        }
      }
    }
  };
  for (const t of tables.liveTables()) {
    const page = t.guestTable >>> PAGE_SHIFT;
    const where = `shadow L${t.level} of guest table ${hex(t.guestTable)}`;
    if (!mem.isWatched(page as Gpfn, tables.bit)) out.push(`${where}: its page is not traced`);
    for (let i = 0; i < t.flags.length; i++) {
      const f = t.flags[i];
      if (!(f & SP_P)) continue;
      const v = mem.readWord(((t.guestTable + i * 4) >>> 0) as Gpa);
      const at = `${where} entry ${i}`;
      if ((v & (PTE_P | PTE_A)) !== (PTE_P | PTE_A)) { out.push(`${at}: present in the shadow, guest entry ${hex(v)} is not present+accessed`); continue; }
      if ((f & (SP_W | SP_U)) !== (v & (PTE_W | PTE_U))) out.push(`${at}: W/U ${f & (SP_W | SP_U)} differ from the guest's ${v & (PTE_W | PTE_U)}`);
      if (f & SP_LEAF) {
        const large = (f & SP_LARGE) !== 0;
        if (large !== ((v & PTE_PS) !== 0)) { out.push(`${at}: leaf size differs from the guest entry ${hex(v)}`); continue; }
        if (!large && t.level !== last) out.push(`${at}: 4 KiB leaf above the last level`);
        const span = large ? pagesAtLevel(t.level, g) : 1;
        const gp = ((v >>> PAGE_SHIFT) & ~(span - 1)) >>> 0;
        if (t.gpfn[i] !== gp) out.push(`${at}: maps gpfn ${t.gpfn[i]}, the guest maps ${gp}`);
        if ((f & SP_D) !== (v & PTE_D)) out.push(`${at}: D ${f & SP_D ? 1 : 0}, guest D ${v & PTE_D ? 1 : 0}`);
        if (!large && t.hfn1[i] !== expectH1(t.gpfn[i])) out.push(`${at}: gpfn ${t.gpfn[i]} → host frame ${t.hfn1[i] - 1}, guest memory maps ${expectH1(t.gpfn[i]) - 1}`);
        continue;
      }
      const ch = t.children[i];
      if (!ch || !ch.live) continue; // a dead child reads as missing: refilled by a hidden fault
      if (v & PTE_PS) {
        if (!ch.direct) out.push(`${at}: guest large page, shadow child is not a direct table`);
        else {
          const span = pagesAtLevel(t.level, g);
          const base = ((v >>> PAGE_SHIFT) & ~(span - 1)) >>> 0;
          if (ch.directBase !== base) out.push(`${at}: splinters base ${ch.directBase}, the guest large page starts at ${base}`);
          checkDirect(ch, at, v);
        }
        continue;
      }
      if (ch.direct || ch.level !== t.level + 1 || ch.guestTable !== nextTableAddress(v, g)) out.push(`${at}: child mirrors ${hex(ch.guestTable)} L${ch.level}, the guest points at ${hex(nextTableAddress(v, g))}`);
    }
  }
  return out;
}

export function checkNestedTable(npt: NestedPageTable): string[] {
  const out: string[] = [];
  npt.forEachLeaf((gpfn, h1, flags) => {
    if (flags & NP_LARGE) return;
    const h = npt.mem.hostFrameOf(gpfn as Gpfn);
    const want = h === undefined ? 0 : h + 1;
    if (h1 !== want) out.push(`nested leaf gpfn ${gpfn} → host frame ${h1 - 1}, guest memory maps ${want - 1}`);
  });
  return out;
}

const dry = newWalkResult();

export function checkTranslation(mmu: Mmu, va: number, access: 0 | 1 | 2, got: WalkResult): string[] {
  const mem = mmu.mem;
  let writes = 0;
  const view: PhysicalAccess = { pageCount: mem.pageCount, readWord: (a) => mem.readWord(a), writeWord: () => { writes++; return true; } };
  const ok = walk(view, mmu.ptbr, va, access, mmu.user, mmu.geometry, dry, mmu.largePages);
  const out: string[] = [];
  const at = `translation of ${hex(va)} (access ${access}, ptbr ${hex(mmu.ptbr)})`;
  if (!ok) return [`${at}: the pager translated it, the guest's tables fault (cause ${dry.faultCause})`];
  if (dry.gpfn !== got.gpfn) out.push(`${at}: gpfn ${got.gpfn}, the guest's tables give ${dry.gpfn}`);
  if (dry.perms !== got.perms) out.push(`${at}: perms ${got.perms}, the guest's tables give ${dry.perms}`);
  if (dry.leafLevel !== got.leafLevel) out.push(`${at}: leaf level ${got.leafLevel}, the guest's tables give ${dry.leafLevel}`);
  if (writes !== 0) out.push(`${at}: the guest's A/D bits were not up to date (a native walk would write ${writes})`);
  return out;
}
