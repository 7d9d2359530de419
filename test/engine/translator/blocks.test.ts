/**
 * blocks (the translator's front end): what a region contains — code reachable from the entries,
 * cut into basic blocks at branch targets, after calls and callouts; data words left out; TUs of
 * at most 12 instructions; the size cap and other regions' block starts respected; the code
 * generator covers every opcode the (table-derived) classifier runs inline.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_COSTS, opcodeCostTable } from '../../../src-main/engine/cpu/index';
import { assemble, decode, encode, formatDiagnostics, OPCODE_BY_MNEMONIC, OPCODES, type Fields, type Format } from '../../../src-main/engine/isa/index';
import { classify, generateRegionSource, OpKind, scanPage, TU_MAX_INSTRUCTIONS } from '../../../src-main/engine/translator/index';

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

test('the code generator translates inline every opcode the table marks as inline; the rest call out', () => {
  // One instruction at word 0 followed by `nop`s: the fields its format uses (r1..r3, small immediates).
  const FIELDS: Record<Format, Fields> = {
    none: {}, rrr: { a: 1, b: 2, c: 3 }, rr: { b: 2, c: 3 }, rri: { a: 1, b: 2, imm: 8 }, rru: { a: 1, b: 2, imm: 8 }, rrs: { a: 1, b: 2, imm: 8 },
    ru: { a: 1, imm: 8 }, ri: { b: 2, imm: 8 }, mem: { a: 1, b: 2, imm: 8 }, j24: { imm: 4 }, rs: { b: 2 }, rd: { a: 1 }, crr: { a: 1, imm: 0 }, crw: { b: 2, imm: 0 },
  };
  for (const o of OPCODES) {
    const e = encode(o, FIELDS[o.format]);
    assert.ok(e.ok && decode(e.word)?.info === o, o.mnemonic);
    const nop = encode(OPCODE_BY_MNEMONIC.get('nop')!, {});
    const words = new Int32Array(1024).fill(nop.ok ? nop.word : 0);
    words[0] = e.word;
    const plan = scanPage(words, [0], COST);
    const { source, slow } = generateRegionSource(plan, { gpfn: 3, kernel: true, entries: [0] });
    const here = slow.filter((s) => s.w === 0);
    const kind = classify(o.opcode);
    if (kind === OpKind.Callout) {
      assert.deepEqual(here.map((s) => s.kind), [2], `${o.mnemonic}: runs the reference slow path`);
    } else if (kind === OpKind.Div) {
      assert.deepEqual(here.map((s) => s.kind), [2], `${o.mnemonic}: only a zero divisor calls out`);
      assert.match(source, /if \(t === 0\)/, `${o.mnemonic}: divides inline`);
    } else if (kind === OpKind.Mem) {
      assert.deepEqual(here.map((s) => s.kind), [o.costClass === 'store' ? 1 : 0], `${o.mnemonic}: a software-TLB miss is its only slow path`);
    } else {
      assert.deepEqual(here, [], `${o.mnemonic}: translated inline (no callout)`);
    }
  }
});
