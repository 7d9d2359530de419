/** Assembler features (labels, locals, constants, expressions, data, .org/.align, include, macros, .if) and errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemble, formatDiagnostic, sourceAt } from '../../../src-main/engine/isa/index';

test('labels, local labels, constants, expressions, data directives and the image', () => {
  const r = assemble(`
N = 4 * (3 + 2)          ; 20
  .equ BASE, 0x1000 | 0x20
  .org 0x2000
_start:
  li r1, N
  li r2, far
  la r3, msg
  b .skip
.skip:
  call f
  hlt
f: nop
.skip: ret
msg: .asciz "A\\n"
  .byte 1, -1, 'z'
  .align 4
tbl: .word tbl, N << 2, -1, BASE
  .space 3, 0xee
  .zero 1
far = 0x12345678
`, { file: 'x.s' });
  assert.ok(r.ok, r.ok ? '' : r.diagnostics.map(formatDiagnostic).join('\n'));
  const im = r.image;
  assert.equal(im.loadAddress, 0x2000);
  assert.equal(im.entry, 0x2000);
  assert.equal(im.symbols.N, 20);
  assert.equal(im.symbols.BASE, 0x1020);
  assert.ok('_start.skip' in im.symbols && 'f.skip' in im.symbols);
  // li N is one word (known, small); li far is two (forward); la msg two (forward label)
  assert.equal(im.symbols['_start.skip'], 0x2000 + 4 + 8 + 8 + 4);
  const msg = im.symbols.msg - 0x2000;
  assert.deepEqual(Array.from(im.bytes.slice(msg, msg + 6)), [65, 10, 0, 1, 255, 122]);
  const t = im.symbols.tbl - 0x2000;
  const dv = new DataView(im.bytes.buffer, im.bytes.byteOffset);
  assert.equal(dv.getUint32(t, true), im.symbols.tbl);
  assert.equal(dv.getUint32(t + 4, true), 80);
  assert.equal(dv.getInt32(t + 8, true), -1);
  assert.equal(dv.getUint32(t + 12, true), 0x1020);
  assert.deepEqual(Array.from(im.bytes.slice(t + 16, t + 20)), [0xee, 0xee, 0xee, 0]);
  assert.equal(sourceAt(im, 0x2000), 'x.s:6');
  assert.equal(im.bytes.length, t + 20);
});

test('.include through readInclude, macros with \\@, .if/.ifdef with defines, .entry', () => {
  const files: Record<string, string> = {
    'defs.inc': 'SYS_WRITE = 1\n.macro syscall n\n  li r1, \\n\n  sys\n.endm\n',
  };
  const src = `
  .include "defs.inc"
.macro spin
.l\\@: j .l\\@
.endm
  .org 0x3000
main:
  syscall SYS_WRITE
  .ifdef PV
  hcall
  .else
  nop
  .endif
  .if SYS_WRITE == 2
  .word 0xdead
  .endif
  spin
  spin
  .entry main
`;
  const pv = assemble(src, { readInclude: (p) => files[p], defines: { PV: 1 } });
  const hw = assemble(src, { readInclude: (p) => files[p] });
  assert.ok(pv.ok && hw.ok);
  if (!pv.ok || !hw.ok) return;
  assert.equal(pv.image.entry, 0x3000);
  assert.equal(pv.image.bytes.length, 4 * 5);
  assert.equal(pv.image.bytes[11], 0x04, 'hcall under PV');
  assert.equal(hw.image.bytes[11], 0x01, 'nop otherwise');
});

test('errors: several per run, file:line:col, a hint, never a throw', () => {
  const src = [
    '  .org 0x2000',
    '  foo r1',                 // 2: unknown instruction
    '  addi r1, r2',            // 3: operand count
    '  addi r1, r2, 100000',    // 4: range
    '  ldw r1, 4(r99)',         // 5: bad register
    '  j nowhere',              // 6: undefined symbol
    'dup: nop',
    'dup: nop',                 // 8: duplicate
    '  .word "x"',              // 9: string as number
    '  li r1, 1 +',             // 10: expression
    '  .include "missing.s"',   // 11: include
    '  .bogus 3',               // 12: directive
    '  .byte 300',              // 13: byte range
    '  mov r1',                 // 14
    '  "unterminated',          // 15
  ].join('\n');
  const r = assemble(src, { file: 'bad.s', readInclude: () => undefined });
  assert.equal(r.ok, false);
  const lines = r.diagnostics.map((d) => d.line);
  for (const l of [2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15]) assert.ok(lines.includes(l), `an error on line ${l}: ${lines}`);
  for (const d of r.diagnostics) {
    assert.equal(d.file, 'bad.s');
    assert.ok(d.col >= 1);
    assert.match(formatDiagnostic(d), /^bad\.s:\d+:\d+: error: /);
  }
  const d4 = r.diagnostics.find((d) => d.line === 4)!;
  assert.equal(d4.col, 16);
  assert.match(formatDiagnostic(d4), /\n {2}hint: /);
});

test('malformed inputs never throw', () => {
  const junk = ['', '\u0000\u0001', ':::', '.macro', '.endm', '.if', '.else', 'a: a: a:', '.org', '.org x', '((((', 'li r1, 1/0', '.align 3', '.space -1', 'x = x', 'j 0x2001', '.macro m a\n m 1\n.endm\n m 2'];
  for (const s of junk) {
    const r = assemble(s, { file: 'j.s' });
    assert.ok(typeof r.ok === 'boolean');
    if (!r.ok) for (const d of r.diagnostics) assert.ok(!d.message.startsWith('internal'), `${JSON.stringify(s)}: ${d.message}`);
  }
  // fuzz: random printable lines
  let seed = 12345;
  const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const alphabet = 'abcdrlisxj0123456789,()+-*/:.;"\' \t\\@=#%&|^~<>';
  for (let k = 0; k < 300; k++) {
    let s = '';
    for (let n = rnd(80); n > 0; n--) s += alphabet[rnd(alphabet.length)];
    const r = assemble(s, { file: 'f.s' });
    if (!r.ok) for (const d of r.diagnostics) assert.ok(!d.message.startsWith('internal'), `${JSON.stringify(s)}: ${d.message}`);
  }
});
