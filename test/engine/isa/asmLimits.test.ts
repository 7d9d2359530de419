// The assembler as hostile input: every resource a program can ask for is bounded and reported as a
// located diagnostic (file:line:col + hint) — never a hang, a runaway allocation or "Maximum call stack
// size exceeded" — and `.include` of a file outside the program's folder is never read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, type AssembleResult } from '../../../src-main/engine/isa/index';
import { loadGuestFile } from '../../../src-main/node/resources';
import { ASM_MAX_EXPR_DEPTH, ASM_MAX_LINE_CHARS } from '../../../src-main/engine/params';

/**
 * Assembles and checks that no runaway allocation happened (buffers grew by less than `maxGrowthMiB`;
 * a hang is caught by the test runner, not by a wall-clock budget: timings belong in benchmarks).
 */
function bounded(source: string, opts: Parameters<typeof assemble>[1] = {}, maxGrowthMiB = 256): AssembleResult {
  const before = process.memoryUsage().arrayBuffers;
  const r = assemble(source, { file: 't.s', ...opts });
  const grewMiB = (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
  assert.ok(grewMiB < maxGrowthMiB, `allocated ${grewMiB.toFixed(0)} MiB of buffers`);
  for (const d of r.diagnostics) assert.doesNotMatch(d.message, /internal assembler error|call stack/i, d.message);
  return r;
}

function firstError(r: AssembleResult): { line: number; col: number; message: string; hint?: string } {
  assert.equal(r.ok, false, 'expected a diagnostic');
  const d = r.diagnostics[0];
  assert.ok(d.line >= 1 && d.col >= 1, 'located');
  return d;
}

test('a self-recursive macro stops with a located error', () => {
  const r = bounded('.macro m\n m\n m\n.endm\n m\n');
  const d = firstError(r);
  assert.match(r.diagnostics.map((x) => x.message).join('\n'), /nested deeper than|more than \d+ macro expansions/);
  assert.ok(d.hint);
  assert.ok(r.diagnostics.length <= 50, 'no flood of diagnostics');
});

test('a file that includes itself twice stops with a located error', () => {
  const self = '.include "self.s"\n.include "self.s"\n';
  const r = bounded(self, { file: 'self.s', readInclude: () => self });
  firstError(r);
  assert.match(r.diagnostics.map((x) => x.message).join('\n'), /includes nested deeper than|more than \d+ macro expansions and includes/);
});

test('.space 0x7fffffff (and other huge sizes) is refused before allocating', () => {
  for (const src of ['.space 0x7fffffff\n', ' .zero 0x4000000, 1\n .zero 0x4000000\n', '.org 0\n.byte 1\n.align 0x40000000\n.byte 2\n']) {
    const d = firstError(bounded(src));
    assert.match(d.message, /larger than 64 MiB/, src);
    assert.ok(d.hint);
  }
});

test('deep expressions: nesting past the limit is a located error, long lines are refused', () => {
  const parens = `.word ${'('.repeat(ASM_MAX_EXPR_DEPTH + 1)}1${')'.repeat(ASM_MAX_EXPR_DEPTH + 1)}\n`;
  const d1 = firstError(bounded(parens));
  assert.match(d1.message, new RegExp(`nested deeper than ${ASM_MAX_EXPR_DEPTH}`));
  const minus = `.word ${'-'.repeat(ASM_MAX_EXPR_DEPTH + 1)}1\n`;
  assert.match(firstError(bounded(minus)).message, /nested deeper than/);
  const ok = bounded(`.word ${'('.repeat(100)}2${')'.repeat(100)} + ${'-'.repeat(100)}1\n`);
  assert.equal(ok.ok, true);
  // The inputs of the report: 20,000 nested parentheses, 50,000 unary minus signs, in .word and in .if.
  for (const src of [`.word ${'('.repeat(20_000)}1${')'.repeat(20_000)}\n`, `.word ${'-'.repeat(50_000)}1\n`, `.if ${'('.repeat(20_000)}1\n.endif\n`]) {
    const d = firstError(bounded(src));
    assert.match(d.message, new RegExp(`longer than ${ASM_MAX_LINE_CHARS} characters`));
    assert.equal(d.line, 1);
  }
  // Deep but short: .if goes through the same bounded parser.
  assert.match(firstError(bounded(`.if ${'!'.repeat(300)}0\n.endif\n`)).message, /nested deeper than/);
});

test('a 300,000-character include name is a located error', () => {
  const d = firstError(bounded(`.include "${'a'.repeat(300_000)}"\n`, { readInclude: () => undefined }));
  assert.match(d.message, /longer than/);
  const d2 = firstError(bounded(`.include "${'a'.repeat(1000)}"\n`, { readInclude: () => undefined }));
  assert.match(d2.message, /include file name is longer than 256/);
});

test('a chain of 20,000 constants resolves (no recursion), in either order; a cycle is an error', () => {
  const n = 20_000;
  const forward = Array.from({ length: n }, (_, i) => (i === 0 ? 'c0 = 1' : `c${i} = c${i - 1} + 1`)).join('\n');
  const r1 = bounded(`${forward}\n.word c${n - 1}\n`);
  assert.equal(r1.ok, true, r1.diagnostics[0]?.message);
  if (r1.ok) assert.equal(r1.image.bytes[0] | (r1.image.bytes[1] << 8), n & 0xffff);
  const backward = Array.from({ length: n }, (_, i) => (i === n - 1 ? `c${i} = 7` : `c${i} = c${i + 1} + 1`)).join('\n');
  const r2 = bounded(`.word c0\n${backward}\n`);
  assert.equal(r2.ok, true, r2.diagnostics[0]?.message);
  if (r2.ok) assert.equal(r2.image.bytes[0] | (r2.image.bytes[1] << 8), (7 + n - 1) & 0xffff);
  const cycle = bounded('p = q + 1\nq = p + 1\n.word p\n');
  assert.match(firstError(cycle).message, /undefined symbol/);
});

test('.include of a file outside the program folder is not read, so its lines are never echoed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-asm-'));
  mkdirSync(join(dir, 'prog'));
  writeFileSync(join(dir, 'secret.txt'), 'TOPSECRET-LINE hunter2\n');
  writeFileSync(join(dir, 'prog', 'lib.inc'), 'X = 1\n');
  writeFileSync(join(dir, 'prog', 'main.s'), '.include "lib.inc"\n.include "../secret.txt"\n.include "' + join(dir, 'secret.txt') + '"\n.word X\n');
  const g = loadGuestFile(join(dir, 'prog', 'main.s'));
  const r = assemble(g.text, { file: g.file, readInclude: g.readInclude });
  assert.equal(r.ok, false);
  const text = r.diagnostics.map((d) => `${d.message} ${d.hint ?? ''}`).join('\n');
  assert.doesNotMatch(text, /TOPSECRET|hunter2/);
  assert.equal(r.diagnostics.length, 2, text);
  for (const d of r.diagnostics) assert.match(d.message, /cannot read include file/);
  assert.equal([...g.texts.keys()].some((k) => k.includes('secret')), false);
});

test('output that would run past the 32-bit address space is a located error', () => {
  const d = firstError(bounded('.org 0xfffffffc\n.word 1, 2\n'));
  assert.equal(d.line, 2);
  assert.match(d.message, /past the end of the 32-bit address space/);
  assert.equal(bounded('.org 0xfffffffc\n.word 1\n').ok, true, 'the last word of the address space is fine');
});
