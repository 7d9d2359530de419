// Post-copy's check of each page as it arrives: the mechanism (`LiveMigration`) over bare labos
// machines moves a paused machine by post-copy; every page that arrives on the destination is compared
// with the source's hash list sent at the switch (in place, as words, where the machine shows them),
// never with the source itself. An exact move verifies with every page counted; a held page changed on
// the destination's side before it arrives — so what arrives is not what the source held at the switch —
// is caught as a mismatch and fails the verdict, whether the check reads words in place or copies of the
// pages (machines that do not show their words); a change of the paused source after the switch (which
// nothing may make) is not what the destination is checked against.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMemory, type Machine } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { LiveMigration, PageCodecs, type RecordTransport } from '../../../src-main/engine/migration/index';
import { readRecords } from '../../../src-main/engine/migration/recordBuffer';
import { MIGRATION_DEFAULTS } from '../../../src-shared/model/migration';
import type { GuestMachine } from '../../../src-main/engine/vm/guestMachine';
import { runningLabos } from '../../helpers/machineHarness';
import { oneVmMigrationEnv } from '../../helpers/oneVmMigrationEnv';

/** A machine that does not show its pages' words: the check copies them. */
function withoutWords<T extends object>(m: T): T {
  return Object.assign(Object.create(m) as T, { pageWords: undefined });
}

/**
 * Moves `src` by post-copy to a fresh pool (no vCPU runs on either side: pages arrive by the background
 * push); `betweenSteps` runs after each step of the mechanism (it may edit the paused source).
 * `showWords`: whether the machines offer `pageWords`.
 */
function postcopy(src: Machine, showWords: boolean, betweenSteps: (mig: LiveMigration, dest: GuestMachine | undefined) => void = () => {}, transport?: RecordTransport) {
  const inc = new IncomingMemory(new HostMemory(), src.config.memoryBytes);
  const shown = showWords ? src : withoutWords(src);
  const { env, destination } = oneVmMigrationEnv<GuestMachine>({ source: shown, incoming: inc, assembled: (d) => (showWords ? d : withoutWords(d)) });
  const mig = new LiveMigration(env, new PageCodecs(), { ...MIGRATION_DEFAULTS, mode: 'postcopy', bandwidthBytesPerS: 1e9, linkBytesPerS: 1e9 }, 0, transport);
  let now = 0;
  for (let i = 0; i < 10_000; i++) {
    const o = mig.step(now);
    if (o.done) break;
    betweenSteps(mig, destination());
    now = Math.max(now + 1e6, o.wakeNs ?? 0);
  }
  assert.equal(mig.status, 'completed');
  return { stats: mig.stats(now), dest: destination()! };
}

test('post-copy: an exact move verifies every page as it arrives; a page that differs from the source\'s at the switch on arrival is caught', () => {
  const src = runningLabos();
  let framed = -1;
  for (let g = 0; g < src.pageCount && framed < 0; g++) if (src.pageState(g) === 'present' && !src.readPage(g)!.every((b) => b === 0)) framed = g;
  assert.ok(framed >= 0);
  for (const showWords of [true, false]) {
    const how = showWords ? 'words in place' : 'copies';
    const same = postcopy(src, showWords);
    assert.equal(same.stats.verified, true, how);
    assert.equal(same.stats.mismatchedPages, 0, how);
    assert.equal(same.stats.pagesVerified, src.pageCount, how);
    assert.equal(same.dest.digest(), src.digest(), how);

    // The held copy of one page changes on the destination's side before the page arrives: what arrives
    // is not the source's page at the switch — the arrival check says so.
    let corrupted = -1;
    const corrupting: RecordTransport = (batch, deliver) => {
      const back = deliver(batch);
      // An empty buffer back: the receiver keeps the batch (held pages), a view of this very buffer.
      if (back.byteLength > 0 || corrupted >= 0) return back;
      let at = -1;
      readRecords(batch, {
        zero: () => {}, xbzrle: () => {}, dedup: () => {}, packet: () => {},
        normal: (_m, g, bytes) => { if (at < 0) { at = bytes.byteOffset; corrupted = g; } },
      });
      if (at >= 0) new Uint8Array(batch.buffer)[at + 17] ^= 0x5a;
      return back;
    };
    const bad = postcopy(runningLabos(), showWords, undefined, corrupting);
    assert.ok(corrupted >= 0, how);
    assert.equal(bad.stats.mismatchedPages, 1, how);
    assert.equal(bad.stats.verified, false, how);
    assert.notEqual(bad.dest.digest(), src.digest(), how);

    // The paused source changes once the page has left and before it arrives (nothing may change it):
    // the destination is checked against the source's list from the switch, which the page still matches.
    const moved = runningLabos();
    let edits = 0;
    const edited = postcopy(moved, showWords, (mig, dest) => {
      if (edits > 0 || !dest || mig.bitmaps[0].has(framed) || dest.pageState(framed) !== 'notPresent') return;
      const b = moved.readPage(framed)!;
      b[17] ^= 0x5a;
      moved.writePage(framed, b);
      edits++;
    });
    assert.equal(edits, 1, how);
    assert.equal(edited.stats.mismatchedPages, 0, how);
    assert.equal(edited.stats.verified, true, how);
    assert.equal(edited.dest.digest(), src.digest(), how);
  }
});
