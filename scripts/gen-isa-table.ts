/**
 * gen-isa-table — regenerates the instruction table of docs/isa.md from the opcode table.
 * Usage: node --import tsx scripts/gen-isa-table.ts [--check]
 * With --check it exits 1 when the doc is out of date (test/engine/isa/isaDoc.test.ts does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTRUCTION_TABLE_BEGIN, INSTRUCTION_TABLE_END, renderInstructionTable } from '../src-main/engine/isa/index';

const docPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'isa.md');
const doc = readFileSync(docPath, 'utf8');
const b = doc.indexOf(INSTRUCTION_TABLE_BEGIN);
const e = doc.indexOf(INSTRUCTION_TABLE_END);
if (b < 0 || e < b) {
  console.error(`docs/isa.md: markers not found (${INSTRUCTION_TABLE_BEGIN} … ${INSTRUCTION_TABLE_END})`);
  process.exit(1);
}
const next = doc.slice(0, b + INSTRUCTION_TABLE_BEGIN.length) + '\n' + renderInstructionTable() + '\n' + doc.slice(e);
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error('docs/isa.md instruction table is out of date: run node --import tsx scripts/gen-isa-table.ts');
    process.exit(1);
  }
  console.log('docs/isa.md instruction table is up to date');
} else {
  writeFileSync(docPath, next);
  console.log('docs/isa.md instruction table regenerated');
}
