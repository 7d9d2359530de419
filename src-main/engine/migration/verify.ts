/**
 * verify — the proof at the switch that the destination is the source: every page compared byte for
 * byte, and the machine digests (vCPU registers, control state and all memory: `GuestMachine.digest`)
 * compared, for every VM moved.
 *
 * `verifySwitch(env, dest, sourceDigests, postcopy)` → `SwitchVerdict`; `sourceVerdict(env)` after a
 * cancel or failure: the VMs are whole and running on the source. Pre-copy and stop-and-copy:
 * each destination page against the paused source's. Post-copy: the pages already on the destination
 * are compared; those still on the source cannot be compared yet (they arrive later and are checked one
 * by one as they arrive, `liveMigration.ts`), so the destination's digest hashes them as the paused
 * source's bytes: it is the digest the destination will have once they arrive.
 * Two ways, the same verdicts and counts: in one pass with the destination's digest (a machine with
 * `digestVisitingPages`: each page compared as the digest reads it, so the memory is read once, not
 * once to compare and again to digest), or page by page and then the digest (any other machine; and a
 * post-copy digest that differs is taken again this way, see `verifySwitch`). Page by page, a page
 * untouched on both sides — no frame on either, so both read as zeros — is counted as compared without
 * reading it, and post-copy's missing pages are supplied from the source for the digest and marked not
 * present again (content-preserving operations, invisible to the guest).
 */
import { isZeroWords, sameWords, type DigestMemo, type GuestMachine } from '../vm/guestMachine';
import { PAGE_SIZE_BYTES } from '../params';
import { readSourcePage, readSourceWords, sourceDigest, type MigrationEnv } from './migrationEnv';
import { equalPages } from './dedupIndex';

export interface SwitchVerdict {
  verified: boolean;
  mismatchedPages: number;
  pagesChecked: number;
  sourceDigests: string[];
  destinationDigests: string[];
}

export function verifySwitch(env: MigrationEnv, dest: readonly GuestMachine[], sourceDigests: string[], postcopy: boolean, memos?: readonly DigestMemo[]): SwitchVerdict {
  let mismatched = 0;
  let checked = 0;
  const destinationDigests: string[] = [];
  dest.forEach((d, m) => {
    const memo = memos?.[m];
    memo?.replay();
    let c = d.digestVisitingPages ? checkInOnePass(env, m, d, postcopy, memo) : undefined;
    // Post-copy in one pass hashes the pages still on the source from the source, where the page-by-page
    // way supplies them first: a monitor that keeps vCPU state in such a page (pv's shared page) digests
    // differently then, so a digest that differs is taken again the page-by-page way before it counts.
    if (!c || (postcopy && c.digest !== sourceDigests[m])) c = checkPageByPage(env, m, d, postcopy);
    mismatched += c.mismatched;
    checked += c.checked;
    destinationDigests.push(c.digest);
  });
  const digestsEqual = destinationDigests.every((x, i) => x === sourceDigests[i]);
  return { verified: mismatched === 0 && digestsEqual, mismatchedPages: mismatched, pagesChecked: checked, sourceDigests, destinationDigests };
}

interface MemberCheck { mismatched: number; checked: number; digest: string }

/**
 * One pass over the destination: each page its digest hashes (every page not all zero) is compared
 * with the source's as the digest reads it; a page the digest skipped reads as zeros here, so the
 * source must read as zeros there too (a page untouched on the source does by definition). Pages not
 * present here are not compared (post-copy: checked as they arrive); in post-copy the digest hashes
 * them as the source's bytes (read in place), which is the digest the destination will have once they
 * arrive. With `memo` (the source's digest recorded it), a page found equal to the source's — or
 * taken from the source — is not hashed a second time (`DigestMemo`).
 */
function checkInOnePass(env: MigrationEnv, m: number, d: GuestMachine, postcopy: boolean, memo: DigestMemo | undefined): MemberCheck {
  const src = env.source(m);
  const a = new Uint8Array(PAGE_SIZE_BYTES);
  const held = new Uint8Array(PAGE_SIZE_BYTES);
  const seen = new Uint8Array(d.pageCount);
  let mismatched = 0;
  let checked = 0;
  const digest = d.digestVisitingPages!((g, words, fromSource) => {
    seen[g] = 1;
    // The source's own words, read from it for this digest.
    if (fromSource) return true;
    checked++;
    const x = readSourceWords(env, m, g, a);
    if (x && sameWords(x, words)) return true;
    mismatched++;
    return false;
  }, postcopy ? (g) => {
    // A page the source never touched reads as zeros (nothing to hash); another is shown in place.
    if (src.pageState(g) === 'untouched') return null;
    const w = readSourceWords(env, m, g, held);
    return w ? new Uint8Array(w.buffer, w.byteOffset, PAGE_SIZE_BYTES) : held.fill(0);
  } : undefined, memo);
  for (let g = 0; g < d.pageCount; g++) {
    if (seen[g] || d.pageState(g) === 'notPresent') continue;
    checked++;
    if (src.pageState(g) === 'untouched') continue;
    const x = readSourceWords(env, m, g, a);
    if (!x || !isZeroWords(x)) mismatched++;
  }
  return { mismatched, checked, digest };
}

/** Page by page (a copy of each side compared), then the destination's digest. */
function checkPageByPage(env: MigrationEnv, m: number, d: GuestMachine, postcopy: boolean): MemberCheck {
  const src = env.source(m);
  const a = new Uint8Array(PAGE_SIZE_BYTES);
  const b = new Uint8Array(PAGE_SIZE_BYTES);
  let mismatched = 0;
  let checked = 0;
  const missing: number[] = [];
  for (let g = 0; g < d.pageCount; g++) {
    const state = d.pageState(g);
    if (state === 'notPresent') { missing.push(g); continue; }
    checked++;
    // Untouched on both sides: both read as zeros by definition (no frame), nothing to read.
    if (state === 'untouched' && src.pageState(g) === 'untouched') continue;
    const x = readSourcePage(env, m, g, a);
    const y = d.readPage(g, b);
    if (!x || !y || !equalPages(x, y)) mismatched++;
  }
  if (!postcopy || !missing.length) return { mismatched, checked, digest: d.digest() };
  for (const g of missing) d.supplyPage(g, readSourcePage(env, m, g, a) ?? a.fill(0));
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
    const s = env.source(m);
    const st = s.state;
    if (st === 'off' || st === 'crashed') ok = false;
    else s.scanPages((g, hfn) => { if (hfn < 0 && !env.sourceAway(m, g)) ok = false; });
    sourceDigests.push(st === 'off' ? '' : sourceDigest(env, m));
  }
  return { verified: ok, mismatchedPages: 0, pagesChecked: 0, sourceDigests, destinationDigests: [] };
}
