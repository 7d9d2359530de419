// The lab save format across versions: a lab saved by the previous format (a real version-1 save in
// test/main/fixtures/lab-saved-v1) loads — its task in flight ends as interrupted, as that format always
// did, and everything else carries on — while a save from a newer or unknown format is refused with a
// message saying so; the current format carries a task in flight through the file store and resumes it.
import { API_VERSION } from '../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadLab, saveLab } from '../../src-main/node/storage/labStore';
import { createEngine } from '../../src-main/engine/index';
import type { Engine, LabState } from '../../src-main/engine/index';
import { loadScenarioSources } from '../../src-main/node/resources';
import { fakeGuestFactory } from '../helpers/fakeGuest';
import { harness, vmByName } from '../helpers/labHarness';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/lab-saved-v1');
const fresh = () => createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 1 });
function q<T>(engine: Engine, name: string, params: object = {}): T {
  const r = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name, params });
  if (!r.ok) throw new Error(r.error.message);
  return r.result as T;
}
function cmd(engine: Engine, name: string, params: object) {
  return engine.handle({ v: API_VERSION, id: 1, kind: 'command', name, params });
}

test('a lab saved by format 1 loads: its task in flight ends interrupted, the rest carries on', () => {
  const { state } = loadLab(FIXTURE);
  assert.equal((state as { version: number }).version, 1, 'the fixture really is a version-1 save');
  const engine = fresh();
  const err = engine.loadState(state);
  assert.equal(err, undefined, err?.message);
  assert.equal(engine.scenarioName(), 'saved-v1');
  assert.equal(engine.simStatus().virtualTimeMs, 40_800);
  const tasks = q<{ id: string; state: string; error?: { message: string } }[]>(engine, 'tasks.list');
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0].state, 'error');
  assert.match(tasks[0].error!.message, /interrupted: the lab was saved while it was in progress/);
  const vms = q<{ vms: { id: string; name: string; powerState: string }[] }>(engine, 'inventory.get').vms;
  const off = vms.find((v) => v.name === 'off-1')!;
  const on = vms.find((v) => v.name === 'on-1')!;
  assert.deepEqual([on.powerState, off.powerState], ['poweredOn', 'poweredOff'], 'objects as they were before the interrupted task');
  // The counter history came across, and sampling continues on the 20 s grid.
  const series = () => q<{ timestampsMs: number[] }>(engine, 'metrics.query', { entityId: on.id, counters: ['sys.uptime.latest'], interval: 'realtime' }).timestampsMs;
  assert.deepEqual(series(), [20_000, 40_000]);
  // The VM is no longer held by the interrupted task: a new power-on runs to completion.
  const r = cmd(engine, 'vm.powerOn', { vmId: off.id });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  engine.advance(20_000);
  assert.deepEqual(series(), [20_000, 40_000, 60_000]);
  assert.equal(q<{ vms: { id: string; powerState: string }[] }>(engine, 'inventory.get').vms.find((v) => v.id === off.id)!.powerState, 'poweredOn');
  assert.equal(engine.saveState().version, 2, 'saved again in the current format');
});

test('a save from a newer or unknown lab format is refused with a message that says so; nothing changes', () => {
  const h = harness('lab-small');
  h.advance(1_000);
  const state = h.engine.saveState();
  const engine = fresh();
  const before = JSON.stringify(engine.digestInput());
  const newer = engine.loadState({ ...state, version: 3 });
  assert.equal(newer?.code, 'E_INVALID_STATE');
  assert.match(newer!.message, /saved by a newer format \(lab state version 3\)/);
  const older = engine.loadState({ ...state, version: 0 });
  assert.match(older!.message, /saved by an older format \(lab state version 0\)/);
  assert.match(engine.loadState({ ...state, format: 'other' })!.message, /not a Hypervisor Lab state/);
  assert.equal(JSON.stringify(engine.digestInput()), before, 'the running lab was kept');
});

test('the current format carries a task in flight through the file store and the loaded lab resumes it', () => {
  const h = harness('lab-small', 6);
  const vm = vmByName(h, 'DC0_C0_H1_VM0');
  const taskId = h.cmd('vm.powerOn', { vmId: vm.id }).taskId;
  h.advance(500);
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-format-'));
  saveLab(dir, h.engine.saveState());
  const engine = fresh();
  assert.equal(engine.loadState(loadLab(dir).state as LabState), undefined);
  engine.advance(2_000);
  const t = q<{ id: string; state: string; initiator: string }[]>(engine, 'tasks.list').find((x) => x.id === taskId)!;
  assert.deepEqual([t.state, t.initiator], ['success', 'lab-user']);
});
