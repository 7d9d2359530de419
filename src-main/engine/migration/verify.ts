/**
 * verify — the proof at the switch that the destination is the source, for every VM moved, in two
 * halves that share no memory: the source's side (`sourceCheck`, with the paused source) and the
 * destination's (`verifySwitch`, with the destination's machines and, in post-copy, the pages the
 * receiver holds). What crosses between them is plain data with one transferable buffer a member.
 *
 * `MigrationEnv.sourceCheck(m)` → `SourceCheck` (made where the source machine is: `vm/outgoingReads.ts`;
 * in the lab the source host's owner): member m's machine digest (vCPU registers, control state and all
 * memory: `GuestMachine.digest`, pages the host holds elsewhere hashed as their contents) and, from the
 * same pass, its per-page hash list — the digest's hasher state before and after each page it hashed
 * (`DigestMemo`, 17 bytes a page, `hashes` its buffer) — plus the pages the source cannot read (not
 * present and held by nobody: a broken source, never verified).
 * `verifySwitch(dest, checks, postcopy, held?)` → `SwitchVerdict`: every destination page is compared
 * with the source's by hash (`DigestMemo.matches`: the page's words hashed from the source's state
 * before it must give the source's state after it) — where the comparison was byte for byte when one
 * thread read both memories. A page that differs in one 32-bit word always fails (each step of both
 * hash lanes is a bijection); for other differences two 32-bit lanes collide by chance with odds of
 * about 2^-64 a page (not cryptographic: a difference built against the hash could pass). A page with
 * nothing hashed on the source (zero, untouched, or a held page of zeros) must read as zeros here; an
 * unreadable source page never verifies. The digests are then compared.
 * Pre-copy and stop-and-copy: every page. Post-copy: the pages already on the destination; those still
 * on the source cannot be compared yet (they arrive later and are checked one by one against the same
 * list as they arrive, `liveMigration.ts`), so the destination's digest hashes them as the paused
 * source's bytes the receiver holds (`held(m, gpfn)`, `heldPages.ts`): it is the digest the destination
 * will have once they arrive.
 * Two ways, the same verdicts and counts: in one pass with the destination's digest (a machine with
 * `digestVisitingPages`: each page compared as the digest reads it, and a page found equal — or a held
 * one — is not hashed a second time: the source's list replays, so every page is hashed once on each
 * side), or page by page and then the digest (any other machine; and a post-copy digest that differs is
 * taken again this way, see `verifySwitch`). Page by page, a page untouched here is counted as compared
 * without reading it, and post-copy's missing pages are supplied from the held pages for the digest and
 * marked not present again (content-preserving operations, invisible to the guest).
 */
import { bytesToWords, DigestMemo, isZeroWords, type GuestMachine } from '../vm/guestMachine';
import { PAGE_SIZE_BYTES } from '../params';
import type { SourceCheck } from '../vm/index';
import type { MigrationEnv } from './migrationEnv';

export type { SourceCheck } from '../vm/index';

export interface SwitchVerdict {
  verified: boolean;
  mismatchedPages: number;
  pagesChecked: number;
  sourceDigests: string[];
  destinationDigests: string[];
}

/**
 * A member's `SourceCheck` on the destination's side: `digest`; `memo` replays the source's digest for
 * the destination's. `same(g, words)`: whether a destination page (its words, or undefined where it
 * reads as zeros without a frame) is the source's page g — by hash where the source hashed it, else
 * the source's reads as zeros and so must this one (an unreadable source page is never the same);
 * `arrived(g, words)`: the same for a post-copy page as it arrives, where an unreadable source page
 * counts as zeros (the held copy the receiver served for it is a zero page).
 */
export class SourcePages {
  readonly digest: string;
  readonly memo: DigestMemo;
  private readonly unreadable: Set<number>;

  constructor(check: SourceCheck) {
    this.digest = check.digest;
    this.memo = new DigestMemo(check.pageCount, check.hashes);
    this.unreadable = new Set(check.unreadable);
  }

  same(gpfn: number, words: Int32Array | undefined): boolean {
    return this.arrived(gpfn, words) && (this.memo.hashed(gpfn) || !this.unreadable.has(gpfn));
  }

  arrived(gpfn: number, words: Int32Array | undefined): boolean {
    if (this.memo.hashed(gpfn)) return words !== undefined && this.memo.matches(gpfn, words);
    return words === undefined || isZeroWords(words);
  }
}

/** Bytes of a page the destination holds for the source (post-copy), or undefined. */
export type HeldPage = (m: number, gpfn: number) => Uint8Array | undefined;

/** The destination's side: `sources` from the source's checks (one a member, `new SourcePages(check)`). */
export function verifySwitch(dest: readonly GuestMachine[], sources: readonly SourcePages[], postcopy: boolean, held?: HeldPage): SwitchVerdict {
  const sourceDigests = sources.map((s) => s.digest);
  let mismatched = 0;
  let checked = 0;
  const destinationDigests: string[] = [];
  dest.forEach((d, m) => {
    const heldHere = held && ((g: number) => held(m, g));
    let c = d.digestVisitingPages ? checkInOnePass(d, sources[m], postcopy, heldHere) : undefined;
    // Post-copy in one pass hashes the held pages in place, where the page-by-page way supplies them
    // first: a monitor that keeps vCPU state in such a page (pv's shared page) digests differently then,
    // so a digest that differs is taken again the page-by-page way before it counts.
    if (!c || (postcopy && c.digest !== sourceDigests[m])) c = checkPageByPage(d, sources[m], postcopy, heldHere);
    mismatched += c.mismatched;
    checked += c.checked;
    destinationDigests.push(c.digest);
  });
  const digestsEqual = destinationDigests.every((x, i) => x === sourceDigests[i]);
  return { verified: mismatched === 0 && digestsEqual, mismatchedPages: mismatched, pagesChecked: checked, sourceDigests, destinationDigests };
}

interface MemberCheck { mismatched: number; checked: number; digest: string }

const ZERO_PAGE = new Uint8Array(PAGE_SIZE_BYTES);

/**
 * One pass over the destination: each page its digest hashes (every page not all zero) is compared
 * with the source's list as the digest reads it; a page the digest skipped reads as zeros here, so the
 * source's must read as zeros too. Pages not present here are not compared (post-copy: checked as they
 * arrive); the digest hashes them as the held bytes, vouched for (the paused source's own, each checked
 * when it arrives). A page found equal, or held, is taken from the source's list, not hashed again.
 */
function checkInOnePass(d: GuestMachine, src: SourcePages, postcopy: boolean, held: ((g: number) => Uint8Array | undefined) | undefined): MemberCheck {
  const seen = new Uint8Array(d.pageCount);
  let mismatched = 0;
  let checked = 0;
  const digest = d.digestVisitingPages!((g, words, fromHeld) => {
    seen[g] = 1;
    if (fromHeld) return true;
    checked++;
    if (src.same(g, words)) return true;
    mismatched++;
    return false;
  }, postcopy ? (g) => held?.(g) : undefined, src.memo);
  for (let g = 0; g < d.pageCount; g++) {
    if (seen[g] || d.pageState(g) === 'notPresent') continue;
    checked++;
    if (!src.same(g, undefined)) mismatched++;
  }
  return { mismatched, checked, digest };
}

/** Page by page (each page read and hashed against the source's list), then the destination's digest. */
function checkPageByPage(d: GuestMachine, src: SourcePages, postcopy: boolean, held: ((g: number) => Uint8Array | undefined) | undefined): MemberCheck {
  const b = new Uint8Array(PAGE_SIZE_BYTES);
  let mismatched = 0;
  let checked = 0;
  const missing: number[] = [];
  for (let g = 0; g < d.pageCount; g++) {
    const state = d.pageState(g);
    if (state === 'notPresent') { missing.push(g); continue; }
    checked++;
    // Untouched here: reads as zeros by definition (no frame), nothing to read.
    if (state === 'untouched') { if (!src.same(g, undefined)) mismatched++; continue; }
    const y = d.readPage(g, b);
    if (!y || !src.same(g, bytesToWords(y))) mismatched++;
  }
  if (!postcopy || !missing.length) return { mismatched, checked, digest: d.digest() };
  for (const g of missing) d.supplyPage(g, held?.(g) ?? ZERO_PAGE);
  const digest = d.digest();
  for (const g of missing) d.markNotPresent(g);
  return { mismatched, checked, digest };
}

/**
 * After a cancelled or failed pre-copy: the VMs must be whole on the source — every machine running
 * (not disposed, not crashed) with every page present or held by the source host (the migration never
 * wrote the source's memory and left no page elsewhere). The digests are the source's; there is no
 * destination.
 */
export function sourceVerdict(env: MigrationEnv): SwitchVerdict {
  const sourceDigests: string[] = [];
  let ok = true;
  for (let m = 0; m < env.memberCount; m++) {
    const s = env.sourceWhole(m);
    if (!s.whole) ok = false;
    sourceDigests.push(s.digest);
  }
  return { verified: ok, mismatchedPages: 0, pagesChecked: 0, sourceDigests, destinationDigests: [] };
}
