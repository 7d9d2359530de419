// File › Open Lab… / Save As… in Electron, main's side, without Electron: the native dialogs are test
// doubles (Electron cannot run here), the lab is a real engine with a real lab library. Save As saves
// under the folder name the dialog returns and asks before replacing a saved lab; Open opens the picked
// lab folder; a closed dialog is "cancelled"; a folder outside the lab library, a bad lab name and a
// malformed request are refused in words, typed, and change nothing; no reply carries a path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../src-main/engine/index';
import { createApiClient } from '../../src-shared/api/client';
import { API_VERSION } from '../../src-shared/api/channels';
import { loadScenarioSources } from '../../src-main/node/resources';
import { createLabLibrary } from '../../src-main/node/storage/labLibrary';
import { createLabFileHandler } from '../../src-main/electron/labFileDialogs';
import type { LabFileDialogs } from '../../src-main/electron/labFileDialogs';
import { fakeGuestFactory } from '../helpers/fakeGuest';

interface Script { open?: { canceled: boolean; filePaths: string[] }; save?: { canceled: boolean; filePath?: string }; replace?: boolean }

function setup() {
  const libraryDir = mkdtempSync(join(tmpdir(), 'hvlab-native-'));
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, labLibrary: createLabLibrary(libraryDir) }, { scenario: 'lab-small', seed: 1 });
  const api = createApiClient({ apiVersion: API_VERSION, transport: 'direct', request: async (m) => engine.handle(m), onEvent: (l) => engine.onEvent(l) });
  const script: Script = {};
  const asked: { kind: string; options: unknown }[] = [];
  const dialogs: LabFileDialogs = {
    async showOpen(options) { asked.push({ kind: 'open', options }); return script.open!; },
    async showSave(options) { asked.push({ kind: 'save', options }); return script.save!; },
    async confirmReplace(name) { asked.push({ kind: 'replace', options: name }); return script.replace!; },
  };
  const handle = createLabFileHandler({ libraryDir, dialogs, api });
  return { libraryDir, engine, api, script, asked, handle };
}

test('Save As: the native dialog at the lab library, the lab saved under the folder name it returns', async () => {
  const { libraryDir, api, script, asked, handle } = setup();
  script.save = { canceled: false, filePath: join(libraryDir, 'week 3') };
  const r = await handle({ action: 'saveAs' });
  assert.deepEqual(r, { ok: true, document: { ...(await api.query('lab.document', {})), name: 'week 3', dirty: false } });
  assert.ok(existsSync(join(libraryDir, 'week 3', 'manifest.json')), 'a lab is a folder of the library');
  assert.deepEqual(asked[0], { kind: 'save', options: { title: 'Save Lab As', defaultPath: join(libraryDir, ''), buttonLabel: 'Save', properties: ['createDirectory'] } });
  assert.ok(!JSON.stringify(r).includes(libraryDir), 'no path goes back to the page');

  // Again, under the lab's own name offered: replacing a saved lab is asked; "Cancel" keeps it.
  script.save = { canceled: false, filePath: join(libraryDir, 'other') };
  await handle({ action: 'saveAs' });
  script.save = { canceled: false, filePath: join(libraryDir, 'week 3') };
  script.replace = false;
  assert.deepEqual(await handle({ action: 'saveAs' }), { ok: false, cancelled: true });
  assert.equal(asked.at(-1)!.kind, 'replace');
  assert.equal((await api.query('lab.document', {})).name, 'other', 'nothing saved');
  assert.equal((asked.at(-2)!.options as { defaultPath: string }).defaultPath, join(libraryDir, 'other'), 'the open lab\'s name is offered');
  script.replace = true;
  const replaced = await handle({ action: 'saveAs' });
  assert.ok(replaced.ok && replaced.document.name === 'week 3');
});

test('Open: the picked lab folder is opened; a closed dialog is cancelled', async () => {
  const { libraryDir, api, script, asked, handle } = setup();
  await api.command('lab.save', { name: 'saved' });
  await api.command('lab.load', { scenario: 'lab-small' });
  assert.equal((await api.query('lab.document', {})).name, null);
  script.open = { canceled: true, filePaths: [] };
  assert.deepEqual(await handle({ action: 'open' }), { ok: false, cancelled: true });
  script.open = { canceled: false, filePaths: [join(libraryDir, 'saved')] };
  const r = await handle({ action: 'open' });
  assert.ok(r.ok && r.document.name === 'saved' && !r.document.dirty, JSON.stringify(r));
  assert.deepEqual(asked[0], { kind: 'open', options: { title: 'Open Lab', defaultPath: libraryDir, buttonLabel: 'Open', properties: ['openDirectory'] } });
});

test('refused in words, typed, changing nothing: outside the library, a bad name, a missing lab, a malformed request', async () => {
  const { libraryDir, api, script, handle } = setup();
  const before = await api.query('lab.document', {});
  script.save = { canceled: false, filePath: join(tmpdir(), 'elsewhere') };
  const outside = await handle({ action: 'saveAs' });
  assert.ok(!outside.ok && !outside.cancelled);
  assert.equal(outside.error.code, 'E_INVALID_ARGUMENT');
  assert.equal(outside.error.field, 'labFile.path');
  assert.match(outside.error.message, /Labs are kept in the lab library, .*: choose a lab folder there\./);
  assert.ok(!existsSync(join(tmpdir(), 'elsewhere')));

  script.save = { canceled: false, filePath: join(libraryDir, '.hidden') };
  const bad = await handle({ action: 'saveAs' });
  assert.ok(!bad.ok && !bad.cancelled && /cannot name a lab/.test(bad.error.message));

  script.open = { canceled: false, filePaths: [join(libraryDir, 'nothing-here')] };
  const missing = await handle({ action: 'open' });
  assert.ok(!missing.ok && !missing.cancelled);
  assert.equal(missing.error.code, 'E_NOT_FOUND');
  assert.match(missing.error.message, /no saved lab named "nothing-here"/);

  for (const raw of [{ action: 'delete' }, { action: 'open', path: '/etc' }, null, 'open']) {
    const r = await handle(raw);
    assert.ok(!r.ok && !r.cancelled && r.error.code === 'E_INVALID_ARGUMENT', JSON.stringify(raw));
  }
  assert.deepEqual(await api.query('lab.document', {}), before);
});
