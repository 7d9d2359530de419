// Persistence: a lab saves to a folder and loads back exactly (continuing as if never saved); corruption
// is detected and reported, not loaded; killing the saving process at any point — at every step of the
// save protocol and at random moments — always leaves the last good save loadable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { saveLab, loadLab, LabStoreError } from '../../src-main/node/storage/labStore';
import { createEngine } from '../../src-main/engine/index';
import { loadScenarioSources } from '../../src-main/node/resources';
import { harness } from '../helpers/labHarness';
import { fakeGuestFactory } from '../helpers/fakeGuest';

const root = resolve(import.meta.dirname, '../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'hvlab-save-'));
const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

function loadDigest(dir: string): { generation: number; digest: string } {
  const { state, manifest } = loadLab(dir);
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 1 });
  const err = engine.loadState(state);
  assert.equal(err, undefined, err?.message);
  return { generation: manifest.generation, digest: hash(engine.digestInput()) };
}

test('a saved lab loads back and continues exactly as the uninterrupted lab', () => {
  const direct = harness('lab-cluster', 9);
  direct.advance(200_000);
  const saved = harness('lab-cluster', 9);
  saved.advance(45_000);
  const dir = tmp();
  saveLab(dir, saved.engine.saveState());
  const { state } = loadLab(dir);
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 1 });
  assert.equal(engine.loadState(state), undefined);
  assert.equal(hash(engine.digestInput()), hash(saved.engine.digestInput()), 'identical right after loading');
  engine.advance(155_000);
  assert.equal(hash(engine.digestInput()), hash(direct.engine.digestInput()), 'identical after running on');
});

test('a lab with executing guests cannot be loaded into an engine without a guest machine (typed error)', () => {
  const h = harness('lab-small');
  h.advance(1_000);
  const engine = createEngine({ scenarios: loadScenarioSources() }, { scenario: 'lab-small', seed: 1 });
  const err = engine.loadState(h.engine.saveState());
  assert.equal(err?.code, 'E_INVALID_STATE');
  assert.match(err!.message, /guest/);
});

test('corruption is detected and reported, never loaded', () => {
  const h = harness('lab-small');
  h.advance(5_000);
  const dir = tmp();
  saveLab(dir, h.engine.saveState());
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.hvlab'))!);
  const good = readFileSync(file);
  const flip = Buffer.from(good);
  flip[flip.length - 10] ^= 0xff;
  writeFileSync(file, flip);
  assert.throws(() => loadLab(dir), (e: unknown) => e instanceof LabStoreError && /corrupt/.test((e as Error).message));
  writeFileSync(file, good.subarray(0, good.length - 100));
  assert.throws(() => loadLab(dir), LabStoreError, 'truncated');
  writeFileSync(file, good);
  assert.doesNotThrow(() => loadLab(dir));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, virtualTimeMs: 1 }));
  assert.throws(() => loadLab(dir), /checksum/);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 99 }));
  assert.throws(() => loadLab(dir), /format 99/);
  assert.throws(() => loadLab(tmp()), /no saved lab/);
});

function child(dir: string, crashAt?: string): { proc: ReturnType<typeof spawn>; lines: string[]; exited: Promise<void> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/main/helpers/saveLoop.ts'), dir, ...(crashAt ? [crashAt] : [])], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => { buf += d; const parts = buf.split('\n'); buf = parts.pop()!; lines.push(...parts); });
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  return { proc, lines, exited };
}

const until = async (cond: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!cond()) { if (Date.now() > end) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 5)); }
};

function saving(lines: string[]): Map<number, string> {
  const m = new Map<number, string>();
  for (const l of lines) { const x = /^saving (\d+) (\w+)$/.exec(l); if (x) m.set(Number(x[1]), x[2]); }
  return m;
}

test('a process killed at each step of a save leaves the previous (or the just-committed) save loadable', async () => {
  const steps = ['data-written', 'data-renamed', 'manifest-written', 'manifest-renamed', 'cleaned'];
  const start = harness('lab-cluster', 3);
  start.advance(10_000);
  for (const step of steps) {
    const dir = tmp();
    saveLab(dir, start.engine.saveState());
    const before = loadDigest(dir);
    const c = child(dir, step);
    await c.exited;
    const after = loadDigest(dir);
    const committed = step === 'manifest-renamed' || step === 'cleaned';
    assert.equal(after.generation, committed ? before.generation + 1 : before.generation, step);
    if (committed) assert.equal(after.digest, saving(c.lines).get(after.generation), `${step}: the committed save is the one being written`);
    else assert.equal(after.digest, before.digest, `${step}: the previous save is intact`);
  }
});

test('killing a saving process at random moments never leaves an unloadable lab', async () => {
  let seed = 12345;
  const rand = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
  const dir = tmp();
  const kills: string[] = [];
  for (let i = 0; i < 8; i++) {
    const c = child(dir);
    await until(() => c.lines.some((l) => l.startsWith('saved ')));
    await new Promise((r) => setTimeout(r, Math.floor(rand() * 300)));
    c.proc.kill('SIGKILL');
    await c.exited;
    const got = loadDigest(dir);
    const digests = saving(c.lines);
    const lastSaved = Math.max(...c.lines.filter((l) => l.startsWith('saved ')).map((l) => Number(l.split(' ')[1])));
    assert.ok(got.generation === lastSaved || got.generation === lastSaved + 1, `iteration ${i}: generation ${got.generation} vs last completed ${lastSaved}`);
    assert.equal(got.digest, digests.get(got.generation), `iteration ${i}: the loaded lab is exactly the one saved as generation ${got.generation}`);
    kills.push(`${got.generation - lastSaved}`);
  }
  assert.equal(kills.length, 8);
});
