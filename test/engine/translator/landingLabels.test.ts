/**
 * Landings as entries when only the code that ran is translated (`hw`): the points where interpreted
 * hot code was sampled become block starts with a `case` label only while one is needed — each landing
 * is checked against the plan of the entries and the landings taken so far, so straight-line code
 * sampled at many points gets one label, not one per landing (each label is a join of every live local
 * that V8 compiles; on `large`, ~100 labels per region tripled its compile time). Once a landing is
 * left out by the size cap, the search ends (no rescan per landing). Without `ran` (`bt`, whose charged
 * TUs depend on it) every landing the entries' plan leaves uncovered is still taken, and so with `ran`
 * when no more than BT_MANY_LANDINGS landings would be taken that way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CALLOUT_HELPERS, clearSharedCode, sharedCodeStats, TranslationCache } from '../../../src-main/engine/translator/index';
import { BT_MANY_LANDINGS, PAGE_WORDS } from '../../../src-main/engine/params';
import { boot } from '../../helpers/cpuHarness';

/** `blocks` blocks of 4 instructions (a never-taken branch ends each), straight through, then hlt. */
function program(blocks: number): string {
  const lines = ['  .org 0x1000', '_start:'];
  for (let b = 0; b < blocks; b++) lines.push(`  addi r1, r1, ${b & 63}`, '  add r2, r2, r1', '  cmpi r1, -1', `  beq .s${b}`, `.s${b}:`);
  lines.push('  hlt');
  return lines.join('\n');
}

function translate(blocks: number, landings: number[], onlyRan: boolean) {
  const b = boot(program(blocks));
  const tc = TranslationCache.for(b.cpu.mem, b.cpu.opCost, CALLOUT_HELPERS);
  const ran = onlyRan ? new Uint8Array(PAGE_WORDS).fill(1) : undefined;
  const { region } = tc.translate(1, true, [], landings, ran);
  let labels = 0;
  for (let w = 0; w < PAGE_WORDS; w++) if (region.entryAt[w] >= 0) labels++;
  return { region, labels };
}

test('straight-line code sampled at many points gets a label per straight run, not per point, when only the code that ran is translated', () => {
  // every other word (block starts and the middles of blocks), hottest first: 40, 8, then the rest
  const landings = [40, 8];
  for (let w = 10; w < 220; w += 2) if (w !== 40) landings.push(w);
  assert.ok(landings.length > BT_MANY_LANDINGS); // and none is covered by the entries' plan (there are no entries)
  const hw = translate(60, landings, true);
  assert.equal(hw.labels, 2, 'word 40, then word 8 before it; every later landing falls inside their plan');
  assert.ok(hw.region.entryAt[40] >= 0 && hw.region.entryAt[8] >= 0);
  for (const w of landings) assert.equal(hw.region.plan.covered[w], 1, `landing ${w} is in the region`);
  const bt = translate(60, landings, false);
  assert.equal(bt.labels, landings.length, 'without `ran` every uncovered landing is an entry, as before');
  const few = translate(60, landings.slice(0, BT_MANY_LANDINGS), true);
  assert.equal(few.labels, BT_MANY_LANDINGS, 'few landings: every uncovered landing is an entry, as before');
});

test('once a landing is past the size cap, the rest are not scanned for', () => {
  // 600 straight instructions: a region holds 256 of them from the first landing; the others stay out
  clearSharedCode();
  const landings = [16];
  for (let w = 300; w < 600; w += 4) landings.push(w);
  assert.ok(landings.length > BT_MANY_LANDINGS);
  const hw = translate(150, landings, true);
  assert.ok(sharedCodeStats().scanMisses <= 3, `plans scanned: ${sharedCodeStats().scanMisses}`);
  assert.equal(hw.labels, 1);
  assert.equal(hw.region.plan.instructions, 256);
  assert.equal(hw.region.plan.covered[400], 0);
});
