/**
 * Calls to a short leaf function on another page, inlined into the caller's region (host-side only):
 * the run stays identical to the interpreter's, the call and its return stop going through the
 * dispatcher, and a write to the callee's page — not the caller's — stops the inlined copy from running.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Cpu } from '../../../src-main/engine/cpu/index';
import { BinaryTranslationMonitor, InterpMonitor } from '../../../src-main/engine/monitors/index';
import { BT_INLINE_CALL_AFTER } from '../../../src-main/engine/params';
import { boot, EXACT_COSTS, runToHalt } from '../../helpers/cpuHarness';

function pair(src: string) {
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const a = boot(src, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  const b = boot(src, { monitor: bt, costs: EXACT_COSTS });
  return { a, b, bt };
}

function same(a: Cpu, b: Cpu, what: string): void {
  assert.equal(b.digest(), a.digest(), `${what}: digest`);
  const sa = a.snapshot();
  const sb = b.snapshot();
  for (const k of ['instructions', 'cycles', 'tlbHits', 'tlbMisses', 'pageWalks', 'exceptions', 'interrupts'] as const) assert.equal(sb[k], sa[k], `${what}: ${k}`);
  assert.ok(isDeepStrictEqual(sb.byOpcode, sa.byOpcode), `${what}: per-opcode counts`);
}

const ITERATIONS = BT_INLINE_CALL_AFTER * 8;

/** A loop on one page calling `mix` (a leaf on the next page); half-way it rewrites one of mix's instructions. */
const CALL_LEAF = `
  .org 0x2000
_start:
  li r9, ${ITERATIONS}
  li r1, 7
loop:
  mov r2, r9
  call mix
  cmpi r9, ${ITERATIONS / 2}
  bne .keep
  la r5, patched
  la r6, mix_xor
  ldw r7, 0(r5)
  stw r7, 0(r6)           ; the callee's page changes: mix now adds where it xored
.keep:
  addi r9, r9, -1
  cmpi r9, 0
  bne loop
  hlt
patched:
  add r1, r1, r2
  .org 0x3000
mix:
mix_xor:
  xor r1, r1, r2
  li r3, 16777619
  mul r1, r1, r3
  srli r3, r1, 15
  xor r1, r1, r3
  ret
`;

test('a leaf call on another page is inlined: same run as the interpreter, fewer dispatcher entries', () => {
  const { a, b, bt } = pair(CALL_LEAF.replace('stw r7, 0(r6)', 'nop'));
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  same(a.cpu, b.cpu, 'inlined leaf');
  const tc = bt.cache(b.cpu);
  assert.ok(tc.stats.inlinedCalls >= 1, 'the call was inlined');
  assert.ok(tc.list().some((r) => r.inlines.length > 0 && r.source.includes('h.call(x, 0)')), 'the caller\'s code calls across inline');
  assert.ok(bt.executor.inlinedCrossings > ITERATIONS, `calls and returns ran inline (${bt.executor.inlinedCrossings} crossings)`);
  // without inlining every iteration would enter a region twice (callee, return)
  assert.ok(bt.executor.stats.regionEntries >= 2 * ITERATIONS, 'region entries are counted as the dispatcher would');
});

test('a write to the callee\'s page (not the caller\'s) stops the inlined copy: same run as the interpreter', () => {
  const { a, b, bt } = pair(CALL_LEAF);
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  assert.notEqual(a.cpu.state.regs[1], 0);
  same(a.cpu, b.cpu, 'callee rewritten between calls');
  const tc = bt.cache(b.cpu);
  assert.ok(tc.stats.inlinedCalls >= 1, 'the call was inlined before the write');
  assert.ok(tc.stats.invalidations >= 1, 'the write dropped the callee\'s region');
  assert.ok(bt.executor.inlinedCrossings > ITERATIONS / 2, 'calls ran inline before the write');
  assert.deepEqual(tc.verify(), []);
});
