/**
 * Warming a freshly compiled region for V8 (translator/warmRegion.ts): every block runs once per
 * pass on the scratch CPU, the region's block counters are left at zero, and the guest's own CPU
 * and memory are untouched — so a run through warmed regions matches the interpreter exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Gpfn } from '../../../src-main/engine/mmu/index';
import { BinaryTranslationMonitor, InterpMonitor } from '../../../src-main/engine/monitors/index';
import { CALLOUT_HELPERS, compileRegion, warmRegion } from '../../../src-main/engine/translator/index';
import { boot, EXACT_COSTS, runToHalt } from '../../helpers/cpuHarness';

// Loads and stores (hits and misses), a division, branches both ways, a call through a register,
// a privileged instruction (callout) and a loop.
const PROGRAM = `
  .org 0x2000
_start:
  li r1, 50
  li r2, 0x8000
  li r3, 0
  li r9, 7
loop:
  andi r4, r1, 63
  slli r4, r4, 2
  add r5, r2, r4
  ldw r6, 0(r5)
  add r6, r6, r1
  stw r6, 0(r5)
  divu r7, r6, r9
  add r3, r3, r7
  la r10, fn
  jalr r10
  cli
  sti
  addi r1, r1, -1
  cmpi r1, 0
  bgt loop
  hlt
fn:
  ldb r8, 1(r5)
  add r3, r3, r8
  ret
`;

test('a compiled region has run each of its blocks on the scratch CPU, and its counters are zero', () => {
  const { cpu, mem, image } = boot(PROGRAM, { monitor: new InterpMonitor() });
  const before = cpu.digest();
  const gpfn = image.entry >>> 12;
  const words = mem.frameForRead(gpfn as Gpfn);
  const region = compileRegion(gpfn, true, words, [(image.entry & 4095) >>> 2], cpu.opCost, CALLOUT_HELPERS);
  assert.ok(region.plan.blocks.length >= 5, `blocks: ${region.plan.blocks.length}`);
  assert.ok(region.bc.every((n) => n === 0), 'compileRegion left no block count behind');
  assert.equal(warmRegion(region), 4 * region.plan.blocks.length, 'four passes, each entering every block once');
  assert.ok(region.bc.every((n) => n === 0), 'counters reset after warming');
  assert.equal(cpu.digest(), before, 'the guest CPU and memory are untouched');
});

test('a run through warmed regions matches the interpreter, counters and cycles included', () => {
  const a = boot(PROGRAM, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const b = boot(PROGRAM, { monitor: bt, costs: EXACT_COSTS });
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  assert.ok(bt.executor.stats.translations > 0, 'the program was translated');
  assert.equal(b.cpu.digest(), a.cpu.digest());
  const sa = a.cpu.snapshot();
  const sb = b.cpu.snapshot();
  for (const k of ['instructions', 'cycles', 'tlbHits', 'tlbMisses', 'exceptions', 'interrupts'] as const) assert.equal(sb[k], sa[k], k);
  assert.deepEqual(sb.byOpcode, sa.byOpcode);
});
