/**
 * The interpreter's switch uses numeric literal case labels (V8 builds a jump table only for literal
 * labels); each is annotated with its mnemonic. These checks hold the labels to the opcode table
 * (isa/opcodes.ts), so the table stays the single source of truth: a label whose number or name
 * drifts from its row fails, and so does an opcode the translator runs inline (the table says it is
 * plain arithmetic, a load/store or control flow) that the interpreter's fast path does not handle.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { OPCODE_BY_MNEMONIC, OPCODES } from '../../../src-main/engine/isa/index';
import { classify, OpKind } from '../../../src-main/engine/translator/index';

const src = readFileSync(new URL('../../../src-main/engine/cpu/interpreter.ts', import.meta.url), 'utf8');
const labels = [...src.matchAll(/case (0x[0-9a-f]+): \/\* (\w+) \*\//g)].map(([, value, name]) => ({ value: Number(value), name }));

test('every literal case label of interpreter.ts is the opcode its comment names, in the opcode table', () => {
  assert.ok(labels.length >= 40, 'the interpreter dispatches on literal labels');
  for (const { value, name } of labels) {
    const row = OPCODE_BY_MNEMONIC.get(name.toLowerCase());
    assert.ok(row, `case 0x${value.toString(16)} names ${name}, which is not in the opcode table`);
    assert.equal(value, row.opcode, `case 0x${value.toString(16)} is labelled ${name}, whose opcode is 0x${row.opcode.toString(16)}`);
  }
  assert.equal(new Set(labels.map((l) => l.value)).size, labels.length, 'no opcode has two labels');
  assert.doesNotMatch(src, /^\s*case Op\./m, 'no symbolic case labels (they compile to compare chains)');
  assert.equal(src.match(/^\s*case /gm)?.length, labels.length, 'every label is a hex literal annotated with its mnemonic');
});

test("the interpreter's fast path handles exactly the opcodes the table marks as inline (not callouts)", () => {
  const fast = new Set(labels.map((l) => l.value));
  for (const o of OPCODES) {
    const inline = classify(o.opcode) !== OpKind.Callout;
    assert.equal(fast.has(o.opcode), inline, `${o.mnemonic}: ${inline ? 'inline in the translator but missing from the interpreter fast path' : 'a callout (privileged, sensitive, trap, I/O or atomic) must go to the slow path, not the fast switch'}`);
  }
});
