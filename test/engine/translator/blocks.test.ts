/**
 * blocks (the translator's front end): what a region contains — code reachable from the entries,
 * cut into basic blocks at branch targets, after calls and callouts; data words left out; TUs of
 * at most 12 instructions; the size cap and other regions' block starts respected.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_COSTS, opcodeCostTable } from '../../../src-main/engine/cpu/index';
import { assemble, formatDiagnostics } from '../../../src-main/engine/isa/index';
import { scanPage, TU_MAX_INSTRUCTIONS } from '../../../src-main/engine/translator/index';

const COST = opcodeCostTable(DEFAULT_COSTS);

function page(src: string): { words: Int32Array; sym: Record<string, number> } {
  const r = assemble(`  .org 0x3000\n${src}`, { file: 'blocks.s' });
  if (!r.ok) assert.fail(formatDiagnostics(r.diagnostics));
  const words = new Int32Array(1024);
  const b = r.image.bytes;
  for (let i = 0; i + 3 < b.length && i < 4096; i += 4) words[i >> 2] = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
  const sym: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.image.symbols)) sym[k] = ((v - 0x3000) >>> 2);
  return { words, sym };
}

test('blocks start at entries, branch targets and after branches; a loop is one block', () => {
  const { words, sym } = page(`
start:
  li r1, 10
loop:
  addi r2, r2, 1
  addi r1, r1, -1
  cmpi r1, 0
  bne loop
  hlt
`);
  const plan = scanPage(words, [sym.start], COST);
  const starts = plan.blocks.map((b) => b.start);
  // the word after hlt is an entry (a guest resumes there after an interrupt), but a zero word is
  // illegal — likely data — and left to the interpreter
  assert.deepEqual(starts, [sym.start, sym.loop, sym.loop + 4]);
  const loop = plan.blocks[plan.blockAt[sym.loop]];
  assert.equal(loop.instrs.length, 4);
  assert.equal(loop.cost, 4);
  assert.equal(plan.instructions, 6);
});

test('data after an unconditional jump is not translated; calls make the return address an entry', () => {
  const { words, sym } = page(`
start:
  call fn
  j start
table:
  .word 0x12345678, 0
fn:
  ldw r1, 0(r2)
  ret
`);
  const plan = scanPage(words, [sym.start], COST);
  assert.equal(plan.covered[sym.table], 0, 'data word');
  assert.equal(plan.covered[sym.table + 1], 0);
  assert.ok(plan.blockAt[sym.start + 1] >= 0, 'after jal: a block entry');
  assert.ok(plan.blockAt[sym.fn] >= 0);
  assert.equal(plan.blocks[plan.blockAt[sym.fn]].memOps, 1);
});

test('privileged, sensitive and trapping instructions end a block (callouts), and the next word is an entry', () => {
  const { words, sym } = page(`
start:
  addi r1, r1, 1
  mfcr r2, epc
  addi r1, r1, 1
  sys
  getf r3
  hlt
  iret
after:
  nop
`);
  const plan = scanPage(words, [sym.start], COST);
  const lens = plan.blocks.map((b) => b.instrs.length);
  assert.deepEqual(lens, [2, 2, 1, 1, 1]);
  assert.equal(plan.covered[sym.after], 0, 'nothing continues after iret');
});

test('TUs are basic blocks split every 12 instructions (VMware’s translation unit)', () => {
  const body = Array.from({ length: 30 }, (_, i) => `  addi r1, r1, ${i}`).join('\n');
  const { words, sym } = page(`start:\n${body}\n  hlt\n`);
  const plan = scanPage(words, [sym.start], COST);
  assert.equal(plan.blocks.length, 1);
  assert.equal(plan.tus, Math.ceil(31 / TU_MAX_INSTRUCTIONS));
});

test('the size cap and another region’s block starts bound a region', () => {
  const body = Array.from({ length: 40 }, (_, i) => `  addi r1, r1, ${i}`).join('\n');
  const { words, sym } = page(`start:\n${body}\nmid:\n${body}\n  hlt\n`);
  const capped = scanPage(words, [sym.start], COST, { maxInstructions: 20 });
  assert.equal(capped.instructions, 20);
  const foreign = new Uint8Array(1024);
  foreign[sym.mid] = 1;
  const cut = scanPage(words, [sym.start], COST, { foreign });
  assert.equal(cut.instructions, 40);
  assert.equal(cut.covered[sym.mid], 0);
});
