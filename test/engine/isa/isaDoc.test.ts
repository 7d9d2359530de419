/** docs/isa.md's instruction table matches the opcode table (regenerate with scripts/gen-isa-table.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { INSTRUCTION_TABLE_BEGIN, INSTRUCTION_TABLE_END, OPCODES, renderInstructionTable } from '../../../src-main/engine/isa/index';

test('docs/isa.md instruction table is generated from opcodes.ts', () => {
  const doc = readFileSync(new URL('../../../docs/isa.md', import.meta.url), 'utf8');
  const b = doc.indexOf(INSTRUCTION_TABLE_BEGIN);
  const e = doc.indexOf(INSTRUCTION_TABLE_END);
  assert.ok(b >= 0 && e > b, 'markers present');
  const table = doc.slice(b + INSTRUCTION_TABLE_BEGIN.length, e).trim();
  assert.equal(table, renderInstructionTable(), 'run: node --import tsx scripts/gen-isa-table.ts');
  for (const o of OPCODES) assert.ok(table.includes(`\`${o.mnemonic}\``));
});
