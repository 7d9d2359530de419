/**
 * verify — the proof at the switch that the destination is the source: every page compared byte for
 * byte, and the machine digests (vCPU registers, control state and all memory: `GuestMachine.digest`)
 * compared, for every VM moved.
 *
 * `verifySwitch(env, dest, sourceDigests, postcopy)` → `SwitchVerdict`; `sourceVerdict(env)` after a
 * cancel or failure: the VMs are whole and running on the source. Pre-copy and stop-and-copy:
 * each destination page against the paused source's (a page untouched on both sides — no frame on
 * either, so both read as zeros — is counted as compared without reading it). Post-copy: the pages already on the destination
 * are compared; those still on the source cannot be compared yet (they arrive later and are checked one
 * by one as they arrive, `liveMigration.ts`), so the destination's digest is taken with them supplied
 * from the paused source for the moment and then marked not present again (content-preserving
 * operations, invisible to the guest): it is the digest the destination will have once they arrive.
 */
import type { GuestMachine } from '../vm/guestMachine';
import { PAGE_SIZE_BYTES } from '../params';
import { readSourcePage, sourceDigest, type MigrationEnv } from './migrationEnv';
import { equalPages } from './dedupIndex';

export interface SwitchVerdict {
  verified: boolean;
  mismatchedPages: number;
  pagesChecked: number;
  sourceDigests: string[];
  destinationDigests: string[];
}

export function verifySwitch(env: MigrationEnv, dest: readonly GuestMachine[], sourceDigests: string[], postcopy: boolean): SwitchVerdict {
  const a = new Uint8Array(PAGE_SIZE_BYTES);
  const b = new Uint8Array(PAGE_SIZE_BYTES);
  let mismatched = 0;
  let checked = 0;
  const destinationDigests: string[] = [];
  dest.forEach((d, m) => {
    const missing: number[] = [];
    const src = env.source(m);
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
    if (postcopy && missing.length) {
      for (const g of missing) d.supplyPage(g, readSourcePage(env, m, g, a) ?? a.fill(0));
      destinationDigests.push(d.digest());
      for (const g of missing) d.markNotPresent(g);
    } else destinationDigests.push(d.digest());
  });
  const digestsEqual = destinationDigests.every((x, i) => x === sourceDigests[i]);
  return { verified: mismatched === 0 && digestsEqual, mismatchedPages: mismatched, pagesChecked: checked, sourceDigests, destinationDigests };
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
