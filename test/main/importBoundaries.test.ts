// The layer import table is enforced by lint: these cases pin what each layer may and may not import,
// inside the engine too (the engine's door, the datacenter / guest-machine seam, subsystem doors), that
// each report says what to import instead, and that docs/ARCHITECTURE.md shows the rule's own table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
// @ts-expect-error plain JS module without types
import { checkImport, ENGINE_AREAS, IMPORT_TABLES_BEGIN, IMPORT_TABLES_END, renderImportTables } from '../../scripts/eslint/importBoundaries.js';

const root = resolve(import.meta.dirname, '../..');
const at = (p: string) => resolve(root, p);
const check = checkImport as (from: string, spec: string) => string | undefined;

test('the engine is pure: no Node, electron, node/ or renderer imports', () => {
  assert.match(check(at('src-main/engine/lab/lab.ts'), 'node:fs') ?? '', /Node builtins/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), 'fs') ?? '', /Node builtins/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), 'electron') ?? '', /electron/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), '../../node/resources') ?? '', /engine may not import node/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), 'yaml') ?? '', /package "yaml"/);
  assert.equal(check(at('src-main/engine/lab/lab.ts'), '../cluster/index'), undefined);
  assert.equal(check(at('src-main/engine/lab/lab.ts'), '@shared/api/errors'), undefined);
});

test('src-shared imports nothing but itself', () => {
  assert.match(check(at('src-shared/api/commands.ts'), 'vue') ?? '', /package "vue"/);
  assert.match(check(at('src-shared/api/commands.ts'), '../../src-main/engine/index') ?? '', /shared may not import engine/);
  assert.equal(check(at('src-shared/api/commands.ts'), '../model/ids'), undefined);
});

test('the renderer never imports src-main or electron', () => {
  assert.match(check(at('src-renderer/src/main.ts'), '../../src-main/engine/index') ?? '', /renderer may not import engine/);
  assert.match(check(at('src-renderer/src/main.ts'), 'electron') ?? '', /electron/);
  assert.match(check(at('src-renderer/src/main.ts'), 'node:path') ?? '', /Node builtins/);
  assert.equal(check(at('src-renderer/src/main.ts'), 'vue'), undefined);
  assert.equal(check(at('src-renderer/src/main.ts'), '@shared/api/index'), undefined);
});

test('node/ may not import electron; the preload only shared and electron', () => {
  assert.match(check(at('src-main/node/cli.ts'), 'electron') ?? '', /electron/);
  assert.equal(check(at('src-main/node/cli.ts'), 'node:fs'), undefined);
  assert.match(check(at('src-main/preload/index.ts'), '../engine/index') ?? '', /preload may not import engine/);
  assert.match(check(at('src-main/preload/index.ts'), 'node:fs') ?? '', /Node builtins/);
  assert.equal(check(at('src-main/preload/index.ts'), 'electron'), undefined);
});

test('node and electron code uses the engine only through its door', () => {
  assert.match(check(at('src-main/node/cli/runCommand.ts'), '../../engine/mmu/index') ?? '', /node code uses the engine only through its door: import from "\.\.\/\.\.\/engine\/index" instead of "\.\.\/\.\.\/engine\/mmu\/index"/);
  assert.match(check(at('src-main/node/cli/runCommand.ts'), '../../engine/params') ?? '', /only through its door/);
  assert.match(check(at('src-main/electron/ipcRequest.ts'), '../engine/lab/lab') ?? '', /electron code uses the engine only through its door: import from "\.\.\/engine\/index"/);
  assert.equal(check(at('src-main/node/cli/runCommand.ts'), '../../engine/index'), undefined);
  assert.equal(check(at('src-main/node/engineHost.ts'), '../engine/index'), undefined);
});

test('the datacenter reaches the guest machine only through the seam, and the machine the datacenter likewise', () => {
  const toSeam = /only through the seam: import from "\.\.\/vm\/guestMachine" or "\.\.\/vm\/guestFactory" instead of/;
  assert.match(check(at('src-main/engine/lab/lab.ts'), '../machine/index') ?? '', toSeam);
  assert.match(check(at('src-main/engine/cluster/hostOps.ts'), '../memory/index') ?? '', /the datacenter reaches the guest machine only through the seam/);
  assert.match(check(at('src-main/engine/migration/precopy.ts'), '../mmu/index') ?? '', toSeam, 'a planned datacenter folder too');
  assert.match(check(at('src-main/engine/devices/disk/device.ts'), '../../snapshot/index') ?? '', /the guest machine knows the datacenter only through the seam: import from "\.\.\/\.\.\/vm\/guestMachine" or "\.\.\/\.\.\/vm\/guestFactory"/);
  assert.match(check(at('src-main/engine/machine/machine.ts'), '../vm/index') ?? '', /knows the datacenter only through the seam/);
  assert.equal(check(at('src-main/engine/lab/lab.ts'), '../vm/guestFactory'), undefined, 'the datacenter imports the seam');
  assert.equal(check(at('src-main/engine/machine/machine.ts'), '../vm/guestMachine'), undefined, 'the machine imports the seam');
  assert.equal(check(at('src-main/engine/vm/guestFactory.ts'), '../memory/index'), undefined, 'the seam imports the machine');
  assert.match(check(at('src-main/engine/vm/guestFactory.ts'), '../memory/hostMemory') ?? '', /through its door: "\.\.\/memory\/index"/, 'the seam too goes through doors');
});

test('a subsystem is imported through its index.ts from outside its folder', () => {
  assert.match(check(at('src-main/engine/lab/lab.ts'), '../cluster/registry') ?? '', /import the cluster\/ subsystem through its door: "\.\.\/cluster\/index" instead of "\.\.\/cluster\/registry"/);
  assert.match(check(at('src-main/engine/api/handlers/commandHandlers.ts'), '../../snapshot/snapshotOps') ?? '', /"\.\.\/\.\.\/snapshot\/index"/);
  assert.match(check(at('src-main/engine/translator/codegen.ts'), '../isa/opcodes') ?? '', /"\.\.\/isa\/index"/);
  assert.match(check(at('src-main/engine/index.ts'), './lab/lab') ?? '', /"\.\/lab\/index"/, 'the engine door too');
  assert.equal(check(at('src-main/engine/lab/lab.ts'), '../cluster/index'), undefined);
  assert.equal(check(at('src-main/engine/lab/lab.ts'), '../cluster'), undefined, 'the folder itself is its index');
  assert.equal(check(at('src-main/engine/lab/lab.ts'), './simLoop'), undefined, 'inside a folder, files import each other');
  assert.equal(check(at('src-main/engine/api/handlers/commandHandlers.ts'), '../dispatcher'), undefined, 'subfolders belong to their subsystem');
  assert.equal(check(at('src-main/engine/cpu/interpreter.ts'), '../params'), undefined, 'params.ts from anywhere');
  assert.equal(check(at('src-main/engine/lab/lab.ts'), '../ports'), undefined, 'ports.ts from anywhere');
  assert.match(check(at('src-main/engine/lab/lab.ts'), '../index') ?? '', /does not import the engine's door/);
});

test('an engine folder in no area of the table is reported until it is added', () => {
  assert.match(check(at('src-main/engine/drs/balancer.ts'), '../lab/index') ?? '', /engine folder "drs\/" is in no area of the import table: add it to ENGINE_AREAS/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), '../drs/index') ?? '', /engine folder "drs\/" is in no area/);
});

test('every engine folder on disk is in the table, and docs/ARCHITECTURE.md shows the table as the rule has it', () => {
  const areas = new Set(Object.values(ENGINE_AREAS as Record<string, { folders: string[] }>).flatMap((a) => a.folders));
  for (const e of readdirSync(at('src-main/engine'), { withFileTypes: true })) {
    if (e.isDirectory()) assert.ok(areas.has(e.name), `src-main/engine/${e.name}/ is in an area`);
  }
  const doc = readFileSync(at('docs/ARCHITECTURE.md'), 'utf8');
  const b = doc.indexOf(IMPORT_TABLES_BEGIN);
  const e = doc.indexOf(IMPORT_TABLES_END);
  assert.ok(b >= 0 && e > b, 'the doc has the table markers');
  assert.equal(doc.slice(b + IMPORT_TABLES_BEGIN.length, e).trim(), (renderImportTables as () => string)().trim(), 'regenerate with: node scripts/gen-import-table.mjs');
});
