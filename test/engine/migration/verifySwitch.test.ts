// The check at the switch on a real labos machine moved page by page, in its two halves: the source's
// side (`sourceCheck`: digest and per-page hash list) and the destination's (`verifySwitch` against that
// list, never reading the source): an exact copy verifies; a destination page that differs — a changed
// word, a page the source never touched but the destination holds, a page the source holds but the
// destination lost — is counted and fails the verdict (and the digests differ). The memory digest
// hashes words one at a time or a page at once alike (`Hasher.words` is `Hasher.word` for each word).
// Both ways of checking (in one pass with the destination's digest replaying the source's list — a page
// equal to the source's is not hashed again —, or page by page) give the same verdicts and counts: the
// destination's digest is the true one, never the source's for a page that differs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMachine, IncomingMemory, type Machine } from '../../../src-main/engine/machine/index';
import { HostMemory, Hasher } from '../../../src-main/engine/memory/index';
import { machineSource } from '../../../src-main/engine/migration/machineSource';
import { SourcePages, verifySwitch, type SwitchVerdict } from '../../../src-main/engine/migration/verify';
import type { MigrationEnv } from '../../../src-main/engine/migration/migrationEnv';
import { Rng } from '../../../src-main/engine/sim/rng';
import { runningLabos } from '../../helpers/machineHarness';

/** The source's pages streamed into another pool, `edit` applied to the incoming memory, the machine built on it. */
function moved(src: Machine, edit: (inc: IncomingMemory) => void = () => {}): Machine {
  const inc = new IncomingMemory(new HostMemory(), src.config.memoryBytes);
  const buf = new Uint8Array(4096);
  src.scanPages((g) => { inc.writePage(g, src.readPage(g, buf)!); });
  edit(inc);
  return buildMachine({ kind: 'assemble', core: structuredClone(src.saveCore()), memory: inc });
}

function envOf(src: Machine): MigrationEnv {
  return { memberCount: 1, ...machineSource(() => src) } as unknown as MigrationEnv;
}

/**
 * The check's ways, each against the source's check (its digest must be the source's): in one pass with
 * the destination's digest, replaying the source's list (a machine that shows the digest's pages), and
 * page by page then the digest (a machine that does not show them: the same machine, the method hidden).
 * Post-copy's pages still on the source are served as the source's bytes from before (the receiver's
 * held pages stand for them). Each returns the verdict and the pages the list replayed.
 */
type Way = (env: MigrationEnv, src: Machine, dest: Machine, postcopy: boolean) => { v: SwitchVerdict; taken: number };
function checked(env: MigrationEnv, src: Machine, d: Machine, postcopy: boolean): { v: SwitchVerdict; taken: number } {
  const check = env.sourceCheck(0);
  assert.equal(check.digest, src.digest());
  const held = new Map<number, Uint8Array>();
  for (let g = 0; g < src.pageCount; g++) held.set(g, src.readPage(g) ?? new Uint8Array(4096));
  const pages = new SourcePages(check);
  const v = verifySwitch([d], [pages], postcopy, (_m, g) => held.get(g));
  return { v, taken: pages.memo.taken };
}
const WAYS: [string, Way][] = [
  ['one pass, the source\'s list replayed', (env, src, d, pc) => checked(env, src, d, pc)],
  ['page by page', (env, src, d, pc) => checked(env, src, Object.assign(Object.create(d) as Machine, { digestVisitingPages: undefined }), pc)],
];

/** Pages whose contents a digest hashes (not all zero). */
function hashedPages(m: Machine): number {
  let n = 0;
  m.scanPages((g) => { if (!m.readPage(g)!.every((b) => b === 0)) n++; });
  return n;
}

test('an exact copy verifies, every page counted; each kind of difference is caught', () => {
  const src = runningLabos();
  const env = envOf(src);
  const pages = src.pageCount;
  let untouched = -1;
  let present = -1;
  for (let g = 0; g < pages && (untouched < 0 || present < 0); g++) {
    const s = src.pageState(g);
    if (s === 'untouched' && untouched < 0) untouched = g;
    if (s === 'present' && present < 0 && !src.readPage(g)!.every((b) => b === 0)) present = g;
  }
  assert.ok(untouched >= 0 && present >= 0);

  for (const [how, way] of WAYS) {
    const { v: same, taken } = way(env, src, moved(src), false);
    assert.deepEqual({ verified: same.verified, mismatched: same.mismatchedPages, checked: same.pagesChecked }, { verified: true, mismatched: 0, checked: pages }, how);
    assert.equal(same.destinationDigests[0], same.sourceDigests[0], how);
    if (how.includes('replayed')) assert.equal(taken, hashedPages(src), `${how}: every page hashed once`);
  }

  const cases: [string, (inc: IncomingMemory) => void][] = [
    ['a word changed', (inc) => { const b = inc.readPage(present)!; b[100] ^= 1; inc.writePage(present, b); }],
    ['a page the source never touched holds bytes', (inc) => { const b = new Uint8Array(4096); b[7] = 1; inc.writePage(untouched, b); }],
    ['a page the source holds was lost', (inc) => { inc.discardPage(present); }],
  ];
  for (const [what, edit] of cases) {
    const digests = new Set<string>();
    for (const [how, way] of WAYS) {
      const { v } = way(env, src, moved(src, edit), false);
      assert.equal(v.verified, false, `${what}, ${how}`);
      assert.equal(v.mismatchedPages, 1, `${what}, ${how}`);
      assert.equal(v.pagesChecked, pages, `${what}, ${how}`);
      assert.notEqual(v.destinationDigests[0], v.sourceDigests[0], `${what}, ${how}`);
      digests.add(v.destinationDigests[0]);
    }
    assert.equal(digests.size, 1, `${what}: every way gives the destination's own digest`);
  }
});

test('post-copy: pages still on the source are left out of the comparison, and the digest is the one they will give', () => {
  const src = runningLabos();
  const env = envOf(src);
  const framed: number[] = [];
  src.scanPages((g, hfn) => { if (hfn >= 0 && framed.length < 40 && !src.readPage(g)!.every((b) => b === 0)) framed.push(g); });
  const away = framed.slice(0, 30);
  const stillAway = (inc: IncomingMemory) => { for (const g of away) inc.markNotPresent(g); };
  for (const [how, way] of WAYS) {
    const d = moved(src, stillAway);
    const { v, taken } = way(env, src, d, true);
    assert.deepEqual({ verified: v.verified, mismatched: v.mismatchedPages, checked: v.pagesChecked }, { verified: true, mismatched: 0, checked: src.pageCount - away.length }, how);
    assert.equal(v.destinationDigests[0], v.sourceDigests[0], how);
    if (how.includes('replayed')) assert.equal(taken, hashedPages(src), `${how}: every page hashed once`);
    for (const g of away) assert.equal(d.pageState(g), 'notPresent', `${how}: page ${g} is still to come`);
    const { v: bad } = way(env, src, moved(src, (inc) => { stillAway(inc); const b = inc.readPage(framed[35])!; b[9] ^= 0x40; inc.writePage(framed[35], b); }), true);
    assert.deepEqual({ verified: bad.verified, mismatched: bad.mismatchedPages }, { verified: false, mismatched: 1 }, how);
    assert.notEqual(bad.destinationDigests[0], bad.sourceDigests[0], how);
  }
});

test('Hasher.words(page) equals Hasher.word for each of its words', () => {
  const rng = new Rng(7);
  for (let n = 0; n < 50; n++) {
    const a = new Int32Array(1 + rng.int(2048));
    for (let i = 0; i < a.length; i++) a[i] = rng.int(0x7fffffff) * (rng.int(2) ? -1 : 1);
    const one = new Hasher().word(n);
    for (let i = 0; i < a.length; i++) one.word(a[i]);
    assert.equal(new Hasher().word(n).words(a).hex(), one.hex());
  }
});
