#!/usr/bin/env node
/**
 * gen-import-table — regenerates the import tables of docs/ARCHITECTURE.md ("Layers and import rules")
 * from the data of the lint rule (scripts/eslint/importBoundaries.js), so the doc and the rule agree.
 * Usage: node scripts/gen-import-table.mjs [--check]
 * With --check it exits 1 when the doc is out of date (test/main/importBoundaries.test.ts does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { IMPORT_TABLES_BEGIN, IMPORT_TABLES_END, renderImportTables } from './eslint/importBoundaries.js';

const docPath = new URL('../docs/ARCHITECTURE.md', import.meta.url);
const doc = readFileSync(docPath, 'utf8');
const b = doc.indexOf(IMPORT_TABLES_BEGIN);
const e = doc.indexOf(IMPORT_TABLES_END);
if (b < 0 || e < b) {
  console.error(`docs/ARCHITECTURE.md: markers not found (${IMPORT_TABLES_BEGIN} … ${IMPORT_TABLES_END})`);
  process.exit(1);
}
const next = `${doc.slice(0, b + IMPORT_TABLES_BEGIN.length)}\n${renderImportTables()}\n${doc.slice(e)}`;
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error('docs/ARCHITECTURE.md import tables are out of date: run node scripts/gen-import-table.mjs');
    process.exit(1);
  }
  console.log('docs/ARCHITECTURE.md import tables are up to date');
} else {
  writeFileSync(docPath, next);
  console.log('docs/ARCHITECTURE.md import tables regenerated');
}
