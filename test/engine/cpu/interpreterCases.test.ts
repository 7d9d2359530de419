/**
 * The interpreter's switch uses numeric literal case labels (V8 builds a jump table only for literal
 * labels); each is annotated with its mnemonic. This test keeps them equal to the opcode table, so
 * isa/opcodes.ts stays the single source of truth.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Op } from '../../../src-main/engine/isa/index';

test('every literal case label of interpreter.ts is the opcode its comment names', () => {
  const src = readFileSync(new URL('../../../src-main/engine/cpu/interpreter.ts', import.meta.url), 'utf8');
  const labels = [...src.matchAll(/case (0x[0-9a-f]+): \/\* (\w+) \*\//g)];
  assert.ok(labels.length >= 40, 'the interpreter dispatches on literal labels');
  for (const [, value, name] of labels) {
    assert.equal(Number(value), (Op as Record<string, number>)[name], `case ${value} is labelled ${name}`);
  }
  assert.doesNotMatch(src, /^\s*case Op\./m, 'no symbolic case labels (they compile to compare chains)');
});
