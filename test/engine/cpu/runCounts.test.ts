/**
 * The interpreter's counting (interpreter.ts): each dispatched instruction goes straight into the
 * CPU's long-lived per-opcode totals (cpu.counters.opCounts) and into the run's instruction count;
 * the page-end sentinel is uncounted from both; a stretch's software-TLB hits are its memory
 * instructions (a difference of the totals across the stretch) minus the one that went slow.
 * Checked on a paged loop that leaves its code page twice per iteration (a fall-through past a page
 * end, so the sentinel runs, and a register jump back), against counts derived from the program,
 * for one long run and for runs cut into short budgets, and on totals that start far above 2^31.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPCODE_BY_MNEMONIC, PTE_W } from '../../../src-main/engine/isa/index';
import type { Cpu } from '../../../src-main/engine/cpu/index';
import { boot, ENTER_PAGING, HALT_VECTORS } from '../../helpers/cpuHarness';
import { PtBuilder } from '../mmu/ptBuilder';

const op = (m: string): number => OPCODE_BY_MNEMONIC.get(m)!.opcode;

/** Data page (virtual) and its frame. */
const DATA_VA = 0x40000000;
const DATA_PA = 0x200000;

/**
 * Per iteration: 4 memory instructions (ldw, stw, ldb on the way out, ldw behind the page end),
 * 2 code-page entries (the fall-through to 0x3000 and the jump back), 12 instructions.
 */
function program(iterations: number): string {
  return `${HALT_VECTORS}
  .org 0x2000
_start:${ENTER_PAGING}
  li r2, ${DATA_VA}
  li r7, ${iterations}
loop:
  ldw r3, 0(r2)
  addi r3, r3, 1
  stw r3, 0(r2)
  ldb r4, 1(r2)
  jal edge
  addi r7, r7, -1
  cmpi r7, 0
  bne loop
  hlt
  .org 0x2ff8
edge:
  addi r5, r5, 1
  addi r5, r5, 2
  ldw r6, 4(r2)
  jr r15
`;
}
const PER_ITERATION = { instructions: 12, memOps: 4, pageEntries: 2 };

interface Outcome { instructions: number; results: number; cycles: number; opCounts: number[]; tlbHits: number; r3: number }

/** Runs the program to its halt in runs of `chunk` cycles (cycling through the list), from totals `preload`. */
function run(iterations: number, chunks: readonly number[], preload?: (c: Cpu) => void): Outcome {
  const b = boot(program(iterations), { levels: 2, memBytes: 8 << 20 });
  const pt = new PtBuilder(b.mem, 2, 0x100000);
  pt.identity(0, 0x4000, PTE_W);
  pt.map(DATA_VA, DATA_PA, PTE_W);
  preload?.(b.cpu);
  let results = 0;
  for (let k = 0; ; k++) {
    const r = b.cpu.run(chunks[k % chunks.length]);
    results += r.instructions;
    if (r.reason === 'halted') break;
    assert.equal(r.reason, 'budget');
    assert.ok(k < 1_000_000, 'the program halts');
  }
  const c = b.cpu.counters;
  return { instructions: c.instructions, results, cycles: c.cycles, opCounts: Array.from(c.opCounts), tlbHits: b.cpu.snapshot().tlbHits, r3: b.mem.readWord(DATA_PA as never) };
}

const sum = (a: readonly number[]): number => a.reduce((s, x) => s + x, 0);

test('instructions, per-opcode counts and TLB hits follow the program (sentinel uncounted)', () => {
  const a = run(10, [10_000_000]);
  const b = run(20, [10_000_000]);
  assert.equal(b.r3, 20);
  for (const o of [a, b]) {
    assert.equal(o.opCounts[0], 0, 'the page-end sentinel is not an instruction');
    assert.equal(sum(o.opCounts), o.instructions, 'per-opcode counts add up to the instruction count');
    assert.equal(o.results, o.instructions, 'run results add up to the instruction count');
  }
  const more = (m: string): number => b.opCounts[op(m)] - a.opCounts[op(m)];
  assert.equal(more('ldw'), 10 * 2, 'ldw: twice per iteration');
  assert.equal(more('addi'), 10 * 4, 'addi: four times per iteration');
  assert.equal(more('jr'), 10, 'jr: once per iteration');
  assert.equal(b.instructions - a.instructions, 10 * PER_ITERATION.instructions);
  // every extra memory instruction hits the software TLB; every extra code-page entry is a modelled TLB hit
  assert.equal(b.tlbHits - a.tlbHits, 10 * (PER_ITERATION.memOps + PER_ITERATION.pageEntries));
});

test('runs cut into short budgets count exactly what one run counts', () => {
  const whole = run(15, [10_000_000]);
  for (const chunks of [[1], [3], [2, 7, 5], [13, 1, 40]]) {
    const cut = run(15, chunks);
    assert.deepEqual(cut, whole, `chunks ${chunks.join(',')}`);
  }
});

test('the counts add onto long-lived totals exactly, far above 2^31', () => {
  const plain = run(12, [5, 11]);
  const big = [2 ** 31 - 1, 2 ** 32 + 5, 2 ** 40];
  const at = [op('ldw'), op('addi'), op('stw')];
  const pre = run(12, [5, 11], (c) => { at.forEach((k, j) => { c.counters.opCounts[k] = big[j]; }); c.counters.instructions = 1; });
  at.forEach((k, j) => assert.equal(pre.opCounts[k], plain.opCounts[k] + big[j], `opcode ${k}`));
  for (let k = 0; k < 256; k++) if (!at.includes(k)) assert.equal(pre.opCounts[k], plain.opCounts[k], `opcode ${k}`);
  assert.equal(pre.instructions, plain.instructions + 1);
  assert.equal(pre.results, plain.results);
  assert.equal(pre.tlbHits, plain.tlbHits, 'TLB hits are a difference across each stretch, not a total');
  assert.equal(pre.cycles, plain.cycles);
});
