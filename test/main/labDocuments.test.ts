// Labs as documents: New (a built-in scenario, untitled and clean), Save as / Save into the lab library,
// unsaved changes from commands and virtual time, Open (the saved lab back, exactly), Recent labs
// (newest first), and refusals that change nothing: untitled Save, a taken name, a path for a name,
// no library, a corrupt save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../src-main/engine/index';
import type { Engine } from '../../src-main/engine/index';
import type { EngineEvent } from '../../src-shared/api/events';
import { API_VERSION } from '../../src-shared/api/channels';
import { loadScenarioSources } from '../../src-main/node/resources';
import { createLabLibrary } from '../../src-main/node/storage/labLibrary';
import { fakeGuestFactory } from '../helpers/fakeGuest';

const tmp = () => mkdtempSync(join(tmpdir(), 'hvlab-library-'));

function lab(libraryDir: string | undefined): { engine: Engine; events: EngineEvent[]; call: (kind: 'command' | 'query', name: string, params?: unknown) => { ok: boolean; result?: any; error?: any } } {
  const engine = createEngine({
    scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, labLibrary: libraryDir ? createLabLibrary(libraryDir) : undefined,
  }, { scenario: 'lab-small', seed: 1 });
  const events: EngineEvent[] = [];
  engine.onEvent((e) => { if (e.type === 'lab.document') events.push(e); });
  let id = 1;
  const call = (kind: 'command' | 'query', name: string, params: unknown = {}) => engine.handle({ v: API_VERSION, id: id++, kind, name, params }) as never;
  return { engine, events, call };
}

test('a new lab is untitled and clean; the first change makes it dirty, once', () => {
  const { engine, events, call } = lab(tmp());
  const doc = call('query', 'lab.document').result;
  assert.deepEqual({ ...doc, title: undefined }, { name: null, scenario: 'lab-small', title: undefined, dirty: false });
  assert.ok(doc.title.length > 0, 'the scenario title');
  call('command', 'sim.pause');
  call('command', 'sim.setSpeed', { speed: 10 });
  assert.equal(call('query', 'lab.document').result.dirty, false, 'clock controls change nothing saved');
  assert.equal(call('command', 'vm.powerOn', { vmId: 'vm-999' }).ok, false);
  assert.equal(call('query', 'lab.document').result.dirty, false, 'a refused command changes nothing');
  assert.equal(call('command', 'vm.rename', { vmId: 'vm-1', name: 'renamed' }).ok, true);
  assert.equal(call('query', 'lab.document').result.dirty, true);
  call('command', 'vm.rename', { vmId: 'vm-1', name: 'renamed-again' });
  engine.advance(1000);
  assert.deepEqual(events.map((e) => e.type === 'lab.document' && e.document.dirty), [true], 'one event when it becomes dirty');
});

test('Save as, Save, Open and Recent labs go through the lab library and bring the lab back exactly', () => {
  const dir = tmp();
  const { engine, call } = lab(dir);
  const untitled = call('command', 'lab.save');
  assert.equal(untitled.ok, false);
  assert.equal(untitled.error.code, 'E_INVALID_ARGUMENT');
  assert.equal(untitled.error.field, 'params.name');

  call('command', 'vm.rename', { vmId: 'vm-1', name: 'first-name' });
  engine.advance(30_000);
  const saved = call('command', 'lab.save', { name: 'My lab 1' });
  assert.equal(saved.ok, true, JSON.stringify(saved.error));
  assert.deepEqual({ name: saved.result.name, dirty: saved.result.dirty }, { name: 'My lab 1', dirty: false });
  const savedTimeMs = engine.simStatus().virtualTimeMs;

  engine.advance(10_000);
  call('command', 'vm.rename', { vmId: 'vm-1', name: 'second-name' });
  assert.equal(call('query', 'lab.document').result.dirty, true);
  assert.equal(call('command', 'lab.save').ok, true, 'Save reuses the name');
  assert.equal(call('query', 'lab.document').result.dirty, false);

  assert.equal(call('command', 'lab.save', { name: 'Other' }).ok, true);
  const library = call('query', 'lab.library').result as { name: string; virtualTimeMs: number; scenario: string }[];
  assert.deepEqual(library.map((l) => l.name).sort(), ['My lab 1', 'Other']);
  assert.equal(library.find((l) => l.name === 'My lab 1')!.scenario, 'lab-small');

  // New lab from a scenario: untitled again, a fresh inventory.
  assert.equal(call('command', 'lab.load', { scenario: 'lab-small', seed: 1 }).ok, true);
  assert.deepEqual(call('query', 'lab.document').result.name, null);
  assert.equal(engine.simStatus().virtualTimeMs, 0);

  // A name another save holds is not replaced silently.
  const clash = call('command', 'lab.save', { name: 'Other' });
  assert.equal(clash.error?.code, 'E_DUPLICATE_NAME');
  assert.equal(call('command', 'lab.save', { name: 'Other', overwrite: true }).ok, true);

  const opened = call('command', 'lab.open', { name: 'My lab 1' });
  assert.equal(opened.ok, true, JSON.stringify(opened.error));
  assert.deepEqual({ name: opened.result.name, dirty: opened.result.dirty }, { name: 'My lab 1', dirty: false });
  assert.equal(engine.simStatus().virtualTimeMs, savedTimeMs + 10_000, 'the second Save of "My lab 1" is what opens');
  assert.equal(call('query', 'vm.get', { vmId: 'vm-1' }).result.name, 'second-name');
});

test('names are checked at the contract and in the library: no path reaches outside the folder', () => {
  const dir = tmp();
  const { call } = lab(dir);
  for (const name of ['../escape', 'a/b', '.hidden', 'trailing.', 'x'.repeat(65), 'C:\\x']) {
    const r = call('command', 'lab.save', { name });
    assert.equal(r.ok, false, name);
    assert.equal(r.error.code, 'E_INVALID_ARGUMENT', name);
    assert.equal(r.error.field, 'params.name', name);
  }
  assert.deepEqual(readdirSync(dir), []);
  assert.throws(() => createLabLibrary(dir).load('../escape'), /not a lab name/);
});

test('without a library, and with a corrupt save, Save and Open are refused and the lab is unchanged', () => {
  const none = lab(undefined);
  assert.equal(none.call('command', 'lab.save', { name: 'x' }).error.code, 'E_INVALID_STATE');
  assert.deepEqual(none.call('query', 'lab.library').result, []);

  const dir = tmp();
  const { engine, call } = lab(dir);
  assert.equal(call('command', 'lab.save', { name: 'broken' }).ok, true);
  const manifest = join(dir, 'broken', 'manifest.json');
  writeFileSync(manifest, '{ not json');
  assert.deepEqual(call('query', 'lab.library').result, [], 'an unreadable save is not offered');
  call('command', 'vm.rename', { vmId: 'vm-1', name: 'kept' });
  const r = call('command', 'lab.open', { name: 'broken' });
  assert.equal(r.ok, false);
  assert.equal(r.error.code, 'E_STORAGE');
  assert.match(r.error.message, /corrupt/);
  assert.equal(call('query', 'vm.get', { vmId: 'vm-1' }).result.name, 'kept');
  assert.equal(call('query', 'lab.document').result.dirty, true);
  assert.equal(engine.scenarioName(), 'lab-small');
  assert.equal(call('command', 'lab.open', { name: 'missing' }).error.code, 'E_NOT_FOUND');
});

test('New lab and a restored autosave replace the document: untitled; the restored one has unsaved changes', () => {
  let autosaved: unknown;
  const recovery = {
    info: () => ({ autosave: { scenario: 'lab-small', virtualTimeMs: 0, savedAt: '2026-01-01T00:00:00.000Z' }, offered: true, engineCrash: null }),
    restore: () => autosaved,
    restored: () => {},
    discard: () => {},
  };
  const engine = createEngine({
    scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, labLibrary: createLabLibrary(tmp()), recovery,
  }, { scenario: 'lab-small', seed: 1 });
  let id = 1;
  const call = (kind: 'command' | 'query', name: string, params: unknown = {}) => engine.handle({ v: API_VERSION, id: id++, kind, name, params }) as { ok: boolean; result?: any };
  assert.equal(call('command', 'vm.rename', { vmId: 'vm-1', name: 'renamed' }).ok, true);
  autosaved = engine.saveState();
  assert.equal(call('command', 'lab.save', { name: 'first' }).result.name, 'first');

  assert.equal(call('command', 'lab.load', { scenario: 'lab-small' }).ok, true);
  assert.deepEqual([call('query', 'lab.document').result.name, call('query', 'lab.document').result.dirty], [null, false], 'New lab: untitled, clean');

  assert.equal(call('command', 'lab.recovery.restore').ok, true);
  const doc = call('query', 'lab.document').result;
  assert.deepEqual([doc.name, doc.dirty], [null, true], 'a restored autosave is work nobody saved');
  assert.equal((call('query', 'inventory.get').result.vms as { name: string }[]).some((v) => v.name === 'renamed'), true, 'the autosaved lab is back');
});
