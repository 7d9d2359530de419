// The check at the switch (`verifySwitch`) on a real labos machine moved page by page: an exact copy
// verifies; a destination page that differs — a changed word, a page the source never touched but the
// destination holds, a page the source holds but the destination lost — is counted and fails the
// verdict (and the digests differ). The memory digest hashes words one at a time or a page at once
// alike (`Hasher.words` is `Hasher.word` for each word).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMachine, IncomingMemory, runMachine, type Machine } from '../../../src-main/engine/machine/index';
import { HostMemory, Hasher } from '../../../src-main/engine/memory/index';
import { verifySwitch } from '../../../src-main/engine/migration/verify';
import type { MigrationEnv } from '../../../src-main/engine/migration/migrationEnv';
import { Rng } from '../../../src-main/engine/sim/rng';
import { labosImage, WORKLOADS } from '../../helpers/machineHarness';

function source(): Machine {
  const m = buildMachine({
    kind: 'boot', config: { vcpus: 1, memoryBytes: 16 << 20, levels: 2, monitor: 'interp', cmdline: WORKLOADS.mixed, bootNs: 0 }, image: labosImage({}, 'labos.s'),
  }, { hostMemory: new HostMemory() });
  runMachine(m, { untilNs: 4e6 });
  return m;
}

/** The source's pages streamed into another pool, `edit` applied to the incoming memory, the machine built on it. */
function moved(src: Machine, edit: (inc: IncomingMemory) => void = () => {}): Machine {
  const inc = new IncomingMemory(new HostMemory(), src.config.memoryBytes);
  const buf = new Uint8Array(4096);
  src.scanPages((g) => { inc.writePage(g, src.readPage(g, buf)!); });
  edit(inc);
  return buildMachine({ kind: 'assemble', core: structuredClone(src.saveCore()), memory: inc });
}

function envOf(src: Machine): MigrationEnv {
  return { memberCount: 1, source: () => src, sourceAway: () => undefined } as unknown as MigrationEnv;
}

test('an exact copy verifies, every page counted; each kind of difference is caught', () => {
  const src = source();
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

  const same = verifySwitch(env, [moved(src)], [src.digest()], false);
  assert.deepEqual({ verified: same.verified, mismatched: same.mismatchedPages, checked: same.pagesChecked }, { verified: true, mismatched: 0, checked: pages });
  assert.equal(same.destinationDigests[0], same.sourceDigests[0]);

  const cases: [string, (inc: IncomingMemory) => void][] = [
    ['a word changed', (inc) => { const b = inc.readPage(present)!; b[100] ^= 1; inc.writePage(present, b); }],
    ['a page the source never touched holds bytes', (inc) => { const b = new Uint8Array(4096); b[7] = 1; inc.writePage(untouched, b); }],
    ['a page the source holds was lost', (inc) => { inc.discardPage(present); }],
  ];
  for (const [what, edit] of cases) {
    const v = verifySwitch(env, [moved(src, edit)], [src.digest()], false);
    assert.equal(v.verified, false, what);
    assert.equal(v.mismatchedPages, 1, what);
    assert.equal(v.pagesChecked, pages, what);
    assert.notEqual(v.destinationDigests[0], v.sourceDigests[0], what);
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
