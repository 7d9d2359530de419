/**
 * Folding a region's block counts (region.ts `foldRegion`, `uncountTail`, the `FoldSink`): a fold adds
 * each executed block's opcodes straight into the sink's `opCounts` (the executor binds it to
 * cpu.counters.opCounts) and walks only the region's blocks; a block tail given back after a callout
 * goes to `tailOpCounts` and raises `tails`, never touching `opCounts` before the next fold — a reader
 * between folds sees the counters as they were at the last fold.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPCODE_BY_MNEMONIC } from '../../../src-main/engine/isa/index';
import { CALLOUT_HELPERS, foldRegion, TranslationCache, uncountTail, type FoldSink } from '../../../src-main/engine/translator/index';
import { boot } from '../../helpers/cpuHarness';

/** Three blocks of 4 instructions (addi, add, cmpi, a never-taken beq), then hlt. */
const PROGRAM = ['  .org 0x1000', '_start:', ...[0, 1, 2].flatMap((b) => [`  addi r1, r1, ${b}`, '  add r2, r2, r1', '  cmpi r1, -1', `  beq .s${b}`, `.s${b}:`]), '  hlt'].join('\n');
const op = (m: string): number => OPCODE_BY_MNEMONIC.get(m)!.opcode;

function region() {
  const b = boot(PROGRAM);
  const tc = TranslationCache.for(b.cpu.mem, b.cpu.opCost, CALLOUT_HELPERS);
  return tc.translate(1, true, [0]).region;
}

function sink(): FoldSink {
  return { opCounts: new Float64Array(256).fill(5), tailOpCounts: new Float64Array(256), tails: false, instructions: 0, memOps: 0 };
}

test('a fold adds the executed blocks\' opcodes into opCounts and clears the block counters', () => {
  const r = region();
  assert.ok(r.plan.blocks.length >= 3, `blocks: ${r.plan.blocks.length}`);
  const s = sink();
  r.dirty = true;
  r.bc[0] = 2;
  r.bc[1] = 1;
  foldRegion(r, s);
  for (const m of ['addi', 'add', 'cmpi', 'beq']) assert.equal(s.opCounts[op(m)], 5 + 3, m);
  assert.equal(s.opCounts[op('hlt')], 5, 'a block that did not run adds nothing');
  assert.equal(s.instructions, 12);
  assert.deepEqual([...r.bc].slice(0, 3), [0, 0, 0]);
  assert.equal(r.dirty, false);
  assert.equal(s.tails, false);
  assert.ok(s.tailOpCounts.every((v) => v === 0));
});

test('a tail given back goes to tailOpCounts (flagged), not to opCounts, until the next fold', () => {
  const r = region();
  const s = sink();
  r.bc[0] = 1;
  foldRegion(r, s);
  const before = Float64Array.from(s.opCounts);
  uncountTail(r, 1, s); // block 0 from its add on: add, cmpi, beq
  assert.deepEqual(s.opCounts, before, 'opCounts untouched by the give-back');
  assert.equal(s.tails, true);
  for (const m of ['add', 'cmpi', 'beq']) assert.equal(s.tailOpCounts[op(m)], -1, m);
  assert.equal(s.tailOpCounts[op('addi')], 0);
  assert.equal(s.instructions, 4 - 3);
});
