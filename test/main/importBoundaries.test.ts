// The layer import table is enforced by lint: these cases pin what each layer may and may not import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
// @ts-expect-error plain JS module without types
import { checkImport } from '../../scripts/eslint/importBoundaries.js';

const root = resolve(import.meta.dirname, '../..');
const at = (p: string) => resolve(root, p);
const check = checkImport as (from: string, spec: string) => string | undefined;

test('the engine is pure: no Node, electron, node/ or renderer imports', () => {
  assert.match(check(at('src-main/engine/lab/lab.ts'), 'node:fs') ?? '', /Node builtins/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), 'fs') ?? '', /Node builtins/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), 'electron') ?? '', /electron/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), '../../node/resources') ?? '', /engine may not import node/);
  assert.match(check(at('src-main/engine/lab/lab.ts'), 'yaml') ?? '', /package "yaml"/);
  assert.equal(check(at('src-main/engine/lab/lab.ts'), '../cluster/registry'), undefined);
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
