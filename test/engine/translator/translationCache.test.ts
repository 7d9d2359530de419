/**
 * The translation cache and the executor around it: coherence with memory (self-modifying code,
 * stores to data next to code, loader/DMA writes), bounded size with LRU eviction, chaining, case labels
 * only where control enters (host-side: what bt translates and charges is unchanged), and
 * exactness — a run through translated code stops where the interpreter stops, with the same
 * counters and cycles, however the budget is sliced.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Cpu, CostModel, IoPorts } from '../../../src-main/engine/cpu/index';
import type { Gpa } from '../../../src-main/engine/mmu/index';
import { BinaryTranslationMonitor, InterpMonitor } from '../../../src-main/engine/monitors/index';
import { boot, EXACT_COSTS, runToHalt } from '../../helpers/cpuHarness';

/** The same program under interp and bt; bt's regions are called from their first entry (no exact warm-up:
 *  these tests look at the regions' functions and variants). */
function pair(src: string, opts: { hotCycles?: number; costs?: Partial<CostModel>; limits?: { maxRegions?: number }; io?: () => IoPorts } = {}) {
  const bt = new BinaryTranslationMonitor({ hotCycles: opts.hotCycles ?? 0, limits: opts.limits, exactEnterAfterInstructions: 0 });
  const a = boot(src, { monitor: new InterpMonitor(), costs: opts.costs ?? EXACT_COSTS, io: opts.io?.() });
  const b = boot(src, { monitor: bt, costs: opts.costs ?? EXACT_COSTS, io: opts.io?.() });
  return { a, b, bt };
}

function same(a: Cpu, b: Cpu, what: string): void {
  assert.equal(b.digest(), a.digest(), `${what}: digest`);
  const sa = a.snapshot();
  const sb = b.snapshot();
  for (const k of ['instructions', 'cycles', 'tlbHits', 'tlbMisses', 'pageWalks', 'exceptions', 'interrupts'] as const) assert.equal(sb[k], sa[k], `${what}: ${k}`);
  assert.ok(isDeepStrictEqual(sb.byOpcode, sa.byOpcode), `${what}: per-opcode counts`);
}

const SMC = `
  .org 0x2000
_start:
  li r1, 200
  li r3, 0
loop:
  li r5, patch_word
  ldw r6, 0(r5)
  andi r7, r1, 15
  add r6, r6, r7          ; a new immediate each iteration
  la r8, target
  stw r6, 0(r8)           ; rewrite the instruction below: it runs next
target:
  addi r3, r3, 0
  addi r1, r1, -1
  cmpi r1, 0
  bne loop
  hlt
  .align 4
patch_word:
  addi r3, r3, 0
`;

test('self-modifying code inside a hot translated loop: same result as the interpreter, regions invalidated', () => {
  const { a, b, bt } = pair(SMC);
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  same(a.cpu, b.cpu, 'smc');
  const tc = bt.cache(b.cpu);
  assert.ok(tc.stats.invalidations > 0, 'the store into translated code invalidated it');
  assert.deepEqual(tc.verify(), [], 'the cache agrees with memory');
});

const DATA_NEXT_TO_CODE = `
  .org 0x2000
_start:
  li r1, 500
loop:
  la r2, counter
  ldw r3, 0(r2)
  addi r3, r3, 3
  stw r3, 0(r2)           ; data on the same page as the loop: watched, slow path, no invalidation
  addi r1, r1, -1
  cmpi r1, 0
  bne loop
  hlt
  .align 4
counter: .word 0
`;

test('stores to data words on a translated page do not invalidate the translation', () => {
  const { a, b, bt } = pair(DATA_NEXT_TO_CODE);
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  same(a.cpu, b.cpu, 'data next to code');
  const tc = bt.cache(b.cpu);
  assert.equal(tc.stats.invalidations, 0);
  assert.ok(bt.executor.stats.translatedExecuted > 2000, 'the loop ran translated');
});

test('a store that takes its slow path mid-block goes on in the region\'s resumable variant; the running variant has no label inside a block', () => {
  const { a, b, bt } = pair(DATA_NEXT_TO_CODE);
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  same(a.cpu, b.cpu, 'resumed after the slow path');
  const loop = bt.cache(b.cpu).list().find((r) => r.source.includes('M[T[768 + si]'));
  assert.ok(loop, 'the loop was translated');
  assert.ok(loop.resumeFn !== undefined, 'the resumable variant was made and ran');
  const tc = bt.cache(b.cpu);
  assert.equal(tc.stats.invalidations + tc.stats.evictions + tc.stats.relabels, 0);
  const running = tc.list().reduce((n, r) => n + r.source.length, 0);
  assert.ok(tc.stats.sourceChars > running, 'the resumable variant\'s source counts as generated code');
  assert.doesNotMatch(loop.source, /case \d+:\n/, 'no resume label in the variant that runs');
  assert.ok(bt.executor.stats.translatedExecuted > 2000, 'the loop ran translated');
});

test('a loader or DMA write over translated code drops the region; the next run re-translates', () => {
  const { b, bt } = pair(DATA_NEXT_TO_CODE);
  runToHalt(b.cpu);
  const tc = bt.cache(b.cpu);
  const before = tc.stats.translations;
  assert.ok(tc.find(2, true, 1) !== undefined);
  b.mem.writeWord(0x2008 as Gpa, b.mem.readWord(0x2008 as Gpa)); // same value, still a write: the code may have changed
  assert.equal(tc.find(2, true, 1), undefined, 'invalidated');
  assert.deepEqual(tc.verify(), []);
  b.cpu.reset(0x2000);
  runToHalt(b.cpu);
  assert.ok(tc.stats.translations > before);
});

const FOUR_PAGES = `
  .org 0x2000
_start:
  li r9, 300
outer:
  call p1
  call p2
  call p3
  addi r9, r9, -1
  cmpi r9, 0
  bne outer
  hlt
  .org 0x3000
p1:
  addi r1, r1, 1
  ret
  .org 0x4000
p2:
  addi r2, r2, 2
  ret
  .org 0x5000
p3:
  addi r3, r3, 3
  ret
`;

test('a bounded cache evicts the least recently used regions and stays correct', () => {
  const { a, b, bt } = pair(FOUR_PAGES, { limits: { maxRegions: 2 } });
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  same(a.cpu, b.cpu, 'eviction');
  const tc = bt.cache(b.cpu);
  assert.ok(tc.size <= 2);
  assert.ok(tc.stats.evictions > 0);
});

test('exits to another translated page are chained (no cache lookup) once linked', () => {
  const { a, b, bt } = pair(FOUR_PAGES);
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  same(a.cpu, b.cpu, 'chaining');
  const s = bt.executor.stats;
  assert.ok(s.chainedJumps > 500, `chained ${s.chainedJumps}`);
  assert.ok(s.translatedExecuted > s.interpretedInstructions);
});

const PAGED_LOOP = `
  .org 0x2000
_start:
  la r1, 0x20000
  mtcr ptbr, r1
  li r1, 1
  mtcr status, r1
  li r4, 0x10000
  li r1, 2000
loop:
  andi r2, r1, 1023
  slli r2, r2, 2
  add r3, r4, r2
  ldw r5, 0(r3)
  addi r5, r5, 1
  stw r5, 0(r3)
  in r6, 0x72(r0)
  addi r1, r1, -1
  cmpi r1, 0
  bne loop
  hlt
  .org 0x20000
  .word 0x21003
  .org 0x21000
${Array.from({ length: 32 }, (_, p) => `  .word 0x${((p << 12) | 3).toString(16)}`).join('\n')}
`;

test('budget edges: sliced into tiny runs, translated code stops where the interpreter stops (TLB hits, walks, I/O time included)', () => {
  const clockIo = (cpuRef: { cpu?: Cpu }): IoPorts => ({
    read: () => (cpuRef.cpu ? cpuRef.cpu.counters.cycles + cpuRef.cpu.cyclesInFlight() : 0) | 0,
    write: () => {},
  });
  const ra: { cpu?: Cpu } = {};
  const rb: { cpu?: Cpu } = {};
  const { a, b } = pair(PAGED_LOOP, { io: () => clockIo(ra.cpu ? rb : ra) });
  ra.cpu = a.cpu;
  rb.cpu = b.cpu;
  let n = 0;
  for (let k = 1; !a.cpu.state.halted || !b.cpu.state.halted; k = (k * 7 + 3) % 97) {
    const x = a.cpu.run(k + 1);
    const y = b.cpu.run(k + 1);
    assert.equal(y.cycles, x.cycles, `run ${n}: cycles`);
    assert.equal(y.instructions, x.instructions, `run ${n}: instructions`);
    assert.equal(b.cpu.state.pc, a.cpu.state.pc, `run ${n}: stop point`);
    n++;
    if (n > 20000) assert.fail('did not finish');
  }
  same(a.cpu, b.cpu, 'sliced');
});

test('with default costs bt costs exactly: native + translation TUs x btTranslateTu + callouts x btCallout + traps x monitorTrap', () => {
  const { a, b, bt } = pair(PAGED_LOOP, { costs: {}, hotCycles: 0 });
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  assert.equal(b.cpu.digest(), a.cpu.digest());
  const s = bt.executor.stats;
  const c = b.cpu.costs;
  const traps = b.cpu.counters.monitorTraps;
  assert.ok(s.translatedTus > 0 && s.callouts > 0);
  assert.equal(b.cpu.counters.cycles - a.cpu.counters.cycles, s.translatedTus * c.btTranslateTu + s.callouts * c.btCallout + traps * c.monitorTrap);
});

const ARRIVAL_AFTER_BRANCH = `
  .org 0x2000
_start:
  li r9, 400
loop:
  addi r1, r1, 1
  cmpi r1, 7
  bne cont
after:                    ; a block start the region reaches only by falling through from the bne
  addi r2, r2, 1
cont:
  addi r3, r3, 1
  j far
  .org 0x3000
far:
  addi r9, r9, -1
  cmpi r9, 0
  beq done
  j after                 ; ...and control arrives there from another page
done:
  hlt
`;

test('a block reached only by falling through has no case label; arrivals there label it (host-side) and results stay the interpreter\'s', () => {
  const { a, b, bt } = pair(ARRIVAL_AFTER_BRANCH);
  b.cpu.run(4); // translated at the first arrival, from _start only; control has not come back yet
  const tc = bt.cache(b.cpu);
  const region = tc.find(2, true, 0)!;
  const after = (b.image.symbols.after & 0xfff) >>> 2;
  assert.ok(region.plan.blockAt[after] >= 0, 'after the bne: a block');
  assert.equal(region.entryAt[after], -1, 'reached only by falling through: no label');
  assert.doesNotMatch(region.source, new RegExp(`case ${region.plan.blockAt[after]}:`));
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  same(a.cpu, b.cpu, 'arrivals at an unlabelled block');
  const r = tc.find(2, true, after);
  assert.ok(r !== undefined && r.entryAt[after] >= 0, 'labelled once control kept arriving there');
  assert.equal(tc.stats.relabels, 1);
  assert.equal(tc.stats.translations, 2, 'no region was translated (or charged) for it');
  const s = bt.executor.stats;
  assert.ok(s.interpretedInstructions < s.translatedExecuted / 20, `interpreted ${s.interpretedInstructions}, translated ${s.translatedExecuted}`);
});

test('the same run with translation charged: bt\'s cycles are the interpreter\'s plus its TUs, callouts and traps (labels are not charged)', () => {
  const { a, b, bt } = pair(ARRIVAL_AFTER_BRANCH, { costs: {} });
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  const s = bt.executor.stats;
  const c = b.cpu.costs;
  assert.equal(b.cpu.counters.cycles - a.cpu.counters.cycles, s.translatedTus * c.btTranslateTu + s.callouts * c.btCallout + b.cpu.counters.monitorTraps * c.monitorTrap);
  assert.equal(bt.cache(b.cpu).stats.relabels, 1);
});

/** Blocks that each end in a branch to the next instruction, on several pages, looped; the loop's jump lands mid-block. */
function manyFallThroughBlocks(blocks: number): string {
  const lines = ['  .org 0x10000', '_start:', '  li r2, 0x80000', 'outer:'];
  for (let k = 0; k < blocks; k++) lines.push(`  addi r1, r1, ${k & 127}`, '  andi r3, r1, 4092', '  add r4, r2, r3', '  ldw r5, 0(r4)', '  add r6, r6, r5', '  cmpi r1, -1', `  beq .skip${k}`, `.skip${k}:`);
  lines.push('  j outer');
  return lines.join('\n');
}

test('labels are host-side: on blocks reached only by falling through, bt translates and charges what it did with every block labelled', () => {
  // Pinned from the translator before labels were dropped (every block a `case`): the same regions,
  // TUs, cycles and guest state after 30 M cycles run in 100 k slices with default costs.
  const bt = new BinaryTranslationMonitor();
  const b = boot(manyFallThroughBlocks(600), { monitor: bt, memBytes: 4 << 20 });
  for (let k = 0; k < 300; k++) b.cpu.run(100_000);
  const s = bt.executor.stats;
  assert.deepEqual([s.translations, s.translatedTus, b.cpu.counters.cycles, b.cpu.digest()], [19, 640, 30_858_248, '953ecbc2092a7ed3']);
});
