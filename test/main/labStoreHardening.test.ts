// The saved-lab loader as a boundary: a save whose checksums are valid but whose payload holds an own
// "__proto__" key is refused (naming where), the manifest's fields are own properties of the right
// types, and files are read only if they are regular files within a size cap — a manifest or data file
// replaced by a link to /dev/zero is refused at once instead of being read forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrototypeKey, loadLab, saveLab, LabStoreError } from '../../src-main/node/storage/labStore';
import { harness } from '../helpers/labHarness';

const tmp = () => mkdtempSync(join(tmpdir(), 'hvlab-save-h-'));

function savedState(): ReturnType<ReturnType<typeof harness>['engine']['saveState']> {
  const h = harness('lab-small');
  h.advance(1_000);
  return h.engine.saveState();
}

test('a payload with an own "__proto__" key is refused even with valid checksums', () => {
  const state = savedState();
  // What a tampered save deserializes to: an own data property named __proto__ on a VM record.
  Object.defineProperty(state.registry.vms[0], '__proto__', { value: { crashReason: 'INJECTED', memoryBytes: 2 ** 40 }, enumerable: true, writable: true, configurable: true });
  const dir = tmp();
  saveLab(dir, state);
  assert.throws(() => loadLab(dir), (e: unknown) => e instanceof LabStoreError && /"__proto__" key at state\.registry\.vms\[0\]\.__proto__/.test(e.message));
});

test('findPrototypeKey walks objects, arrays, maps and sets, each once (cycles are fine)', () => {
  const cyc: Record<string, unknown> = { a: [1, 2, { b: new Map([['k', new Set([JSON.parse('{"__proto__":1}')])]]) }] };
  cyc.self = cyc;
  assert.match(findPrototypeKey(cyc) ?? '', /__proto__$/);
  assert.equal(findPrototypeKey({ ok: new Uint8Array(8), n: null, s: 'x', m: new Map([[1, { constructor: 'a name is fine' }]]) }), undefined);
});

test('the manifest: own fields of the right types only', () => {
  const dir = tmp();
  saveLab(dir, savedState());
  const path = join(dir, 'manifest.json');
  const good = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const rewrite = (m: Record<string, unknown>, raw?: string) => writeFileSync(path, raw ?? JSON.stringify(m));
  const cases: [string, () => void, RegExp][] = [
    ['an own __proto__ key', () => rewrite(good, JSON.stringify(good).replace('{', '{"__proto__":{"formatVersion":1},')), /unknown field "__proto__"/],
    ['a missing field', () => { const { generation: _g, ...rest } = good; rewrite(rest); }, /field "generation" is missing/],
    ['a field of the wrong type', () => rewrite({ ...good, bytes: '12' }), /field "bytes"/],
    ['not an object', () => rewrite(good, '[1,2]'), /not a JSON object/],
  ];
  for (const [what, mutate, message] of cases) {
    mutate();
    assert.throws(() => loadLab(dir), (e: unknown) => e instanceof LabStoreError && message.test(e.message), what);
  }
  rewrite(good);
  assert.equal(loadLab(dir).manifest.generation, good.generation);
});

test('a manifest or data file that is a link to /dev/zero (or any non-regular file) is refused at once', { skip: process.platform === 'win32' }, () => {
  const dir = tmp();
  saveLab(dir, savedState());
  const data = readdirSync(dir).find((f) => f.endsWith('.hvlab'))!;
  const manifest = readFileSync(join(dir, 'manifest.json'));
  rmSync(join(dir, 'manifest.json'));
  symlinkSync('/dev/zero', join(dir, 'manifest.json'));
  const t0 = Date.now();
  assert.throws(() => loadLab(dir), /not a regular file/);
  rmSync(join(dir, 'manifest.json'));
  writeFileSync(join(dir, 'manifest.json'), manifest);
  rmSync(join(dir, data));
  symlinkSync('/dev/zero', join(dir, data));
  assert.throws(() => loadLab(dir), /not a regular file/);
  assert.ok(Date.now() - t0 < 2000);
});
