// The saved-lab loader as a boundary: a save whose checksums are valid but whose payload holds an own
// "__proto__" key is refused (naming where), the manifest's fields are own properties of the right
// types, and files are read only if they are regular files within a size cap — a manifest or data file
// replaced by a link to /dev/zero is refused at once instead of being read forever; the payload must be
// an object that agrees with its manifest; and `hvlab lab check` passes only what loading would load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { findPrototypeKey, loadLab, saveLab, LabStoreError } from '../../src-main/node/storage/labStore';
import { harness } from '../helpers/labHarness';
import { createEngine } from '../../src-main/engine/index';
import { defaultGuestFactory } from '../../src-main/node/guestFactories';
import { loadScenarioSources } from '../../src-main/node/resources';
import { API_VERSION } from '../../src-shared/api/channels';

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

/** Rewrites the manifest with some fields changed and a checksum that matches again (a re-saved manifest). */
function resign(dir: string, changes: Record<string, unknown>): void {
  const path = join(dir, 'manifest.json');
  const m = { ...(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>), ...changes };
  const fields = ['magic', 'formatVersion', 'generation', 'file', 'bytes', 'sha256', 'scenario', 'virtualTimeMs', 'savedAt'].map((k) => m[k]);
  m.checksum = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
  writeFileSync(path, JSON.stringify(m));
}

test('a manifest that disagrees with its payload (scenario or virtual time) is refused', () => {
  const dir = tmp();
  saveLab(dir, savedState());
  assert.ok(loadLab(dir));
  resign(dir, { scenario: 'lab-large' });
  assert.throws(() => loadLab(dir), (e: unknown) => e instanceof LabStoreError && /disagrees with its manifest/.test(e.message));
  resign(dir, { scenario: 'lab-small', virtualTimeMs: 1 });
  assert.throws(() => loadLab(dir), (e: unknown) => e instanceof LabStoreError && /disagrees with its manifest/.test(e.message));
});

test('a payload that is not an object is a LabStoreError, not a TypeError', () => {
  for (const payload of [null, 42, 'lab', [1, 2]]) {
    const dir = tmp();
    saveLab(dir, payload as never);
    assert.throws(() => loadLab(dir), (e: unknown) => e instanceof LabStoreError && /not a saved lab/.test(e.message), String(payload));
  }
});

test('hvlab lab check loads what it checks: a re-saved lab with 1e9 vCPUs or a negative clock fails, naming the field', () => {
  const root = resolve(import.meta.dirname, '../..');
  const hvlab = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  // Saved by an engine with the real guest machine, as `hvlab` saves (the CLI restores real guests).
  const choice = defaultGuestFactory();
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: choice.factory, guestCatalog: choice.catalogue }, { scenario: 'lab-small', seed: 1 });
  engine.handle({ v: API_VERSION, id: 1, kind: 'command', name: 'sim.pause', params: {} });
  engine.advance(200);
  const realState = () => structuredClone(engine.saveState());
  const good = tmp();
  saveLab(good, realState());
  const ok = hvlab('lab', 'check', good);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ok \(generation 1, lab-small/);
  const cases: [string, (s: ReturnType<typeof savedState>) => void, RegExp][] = [
    ['1e9 vCPUs', (s) => { s.registry.vms[0].vcpus = 1e9; }, /state\.registry\.vms\[0\]\.vcpus: A virtual machine has 1 to 32 virtual CPUs/],
    ['a negative clock', (s) => { s.clock.virtualTimeMs = -5_000; }, /state\.clock\.virtualTimeMs: must be ≥ 0/],
    ['power state "bogus"', (s) => { (s.registry.vms[1] as { powerState: string }).powerState = 'bogus'; }, /state\.registry\.vms\[1\]\.powerState: expected one of/],
  ];
  for (const [what, tamper, message] of cases) {
    const dir = tmp();
    const s = realState();
    tamper(s);
    saveLab(dir, s);
    const r = hvlab('lab', 'check', dir);
    assert.equal(r.status, 1, `${what}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message, what);
    assert.doesNotMatch(r.stderr, /TypeError|at .*\.ts:/, what);
  }
});
