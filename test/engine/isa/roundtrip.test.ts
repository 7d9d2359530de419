/** Encoder/decoder/disassembler/assembler agree: for every opcode, assemble → disassemble → assemble is byte-identical. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemble, decode, disassemble, encode, formatDiagnostics, OPCODES, predecode, type Format } from '../../../src-main/engine/isa/index';

const SAMPLES: Record<Format, string[]> = {
  none: [''],
  rrr: ['r1, r2, r3', 'r15, r0, r14'],
  rr: ['r4, r5'],
  rri: ['r1, r2, -5', 'r3, r4, 32767', 'r3, r4, -32768'],
  rru: ['r1, r2, 0xffff', 'r1, r2, 0'],
  rrs: ['r1, r2, 31', 'r1, r2, 0'],
  ru: ['r1, 0xabcd'],
  ri: ['r3, -32768', 'r3, 77'],
  mem: ['r1, -8(r2)', 'r9, 0x7ff0(r13)', 'r1, 16(r0)'],
  j24: ['back', 'fwd'],
  rs: ['r7'],
  rd: ['r8'],
  crr: ['r1, vbar', 'r2, status'],
  crw: ['epc, r2', 'asid, r3'],
};

function words(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) out.push((bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0);
  return out;
}

for (const o of OPCODES) {
  test(`round trip: ${o.mnemonic}`, () => {
    const lines = SAMPLES[o.format].map((s) => `  ${o.mnemonic} ${s}`);
    const src = `  .org 0x2000\nback: nop\n${lines.join('\n')}\nfwd: nop\n`;
    const a = assemble(src);
    if (!a.ok) assert.fail(formatDiagnostics(a.diagnostics));
    const ws = words(a.image.bytes);
    const dis = ws.map((w, k) => disassemble(w, 0x2000 + 4 * k));
    const b = assemble(`  .org 0x2000\n${dis.map((l) => '  ' + l).join('\n')}\n`);
    if (!b.ok) assert.fail(formatDiagnostics(b.diagnostics) + '\n' + dis.join('\n'));
    assert.deepEqual(words(b.image.bytes), ws);
    for (const w of ws.slice(1, -1)) {
      const d = decode(w);
      assert.ok(d, 'legal');
      assert.equal(d.info.mnemonic, o.mnemonic);
      const e = encode(d.info, { a: d.a, b: d.b, c: d.c, imm: d.imm });
      assert.ok(e.ok);
      assert.equal(e.word >>> 0, w);
      const pd = new Int32Array(2);
      predecode(w, pd, 0);
      assert.equal(pd[0] & 0xff, o.opcode);
    }
  });
}

test('undefined opcodes and reserved bits decode as illegal and disassemble as .word', () => {
  assert.equal(decode(0), undefined);
  assert.equal(decode(0xff000000), undefined);
  assert.equal(decode(0x01000001), undefined); // nop with operand bits
  assert.equal(decode(0x24120020), undefined); // slli shamt 32
  assert.equal(decode(0x6410000a), undefined); // mfcr of cr 10 (does not exist)
  assert.equal(disassemble(0, 0), '.word 0x0');
  const pd = new Int32Array(2).fill(9);
  predecode(0x01000001, pd, 0);
  assert.deepEqual(Array.from(pd), [0, 0]);
});

test('opcode table: unique numbers, opcode 0 unassigned, privileged ⊂ sensitive, at least two sensitive-unprivileged', () => {
  const nums = new Set(OPCODES.map((o) => o.opcode));
  assert.equal(nums.size, OPCODES.length);
  assert.ok(!nums.has(0));
  for (const o of OPCODES) if (o.privileged) assert.ok(o.sensitive, o.mnemonic);
  const holes = OPCODES.filter((o) => o.sensitive && !o.privileged).map((o) => o.mnemonic);
  assert.deepEqual(holes, ['getf', 'setf', 'smsw']);
});
