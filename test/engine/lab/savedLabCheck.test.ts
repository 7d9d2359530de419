// A saved lab is checked field by field before anything is built from it: each of these tampered saves
// (all of which a file's checksums would let through) is refused with E_INVALID_STATE naming the field,
// and the lab the engine held before is untouched; a copy made through JSON is refused saying why; a
// genuine save still loads and runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { harness } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import type { LabState } from '../../../src-main/engine/index';
import { createEngine } from '../../../src-main/engine/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { loadGuestCatalogue, loadScenarioSources } from '../../../src-main/node/resources';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { API_VERSION } from '../../../src-shared/api/channels';

function savedLab(): LabState {
  const h = harness('lab-small', 1);
  const vm = h.q('inventory.get', {}).vms.find((v) => !v.isTemplate && v.powerState === 'poweredOff')!;
  h.run('vm.powerOn', { vmId: vm.id });
  h.advance(1_000);
  return h.engine.saveState();
}
const copy = (s: LabState): LabState => structuredClone(s);
const digest = (h: Harness) => createHash('sha256').update(JSON.stringify(h.engine.digestInput())).digest('hex');

const TAMPERED: [string, (s: LabState) => unknown, RegExp][] = [
  ['a NaN clock', (s) => { s.clock.virtualTimeMs = NaN; return s; }, /^state\.clock\.virtualTimeMs$/],
  ['negative time', (s) => { s.clock.virtualTimeMs = -5_000; return s; }, /^state\.clock\.virtualTimeMs$/],
  ['speed -1', (s) => { s.clock.speed = -1; return s; }, /^state\.clock\.speed$/],
  ['negative memory', (s) => { s.registry.vms[0].memoryBytes = -64 * 2 ** 20; return s; }, /^state\.registry\.vms\[0\]\.memoryBytes$/],
  ['memory past the maximum', (s) => { s.registry.vms[0].memoryBytes = 999_999 * 2 ** 20; return s; }, /^state\.registry\.vms\[0\]\.memoryBytes$/],
  ['1e9 vCPUs', (s) => { s.registry.vms[0].vcpus = 1e9; return s; }, /^state\.registry\.vms\[0\]\.vcpus$/],
  ['power state "bogus"', (s) => { (s.registry.vms[0] as { powerState: string }).powerState = 'bogus'; return s; }, /^state\.registry\.vms\[0\]\.powerState$/],
  ['a VM on a host that does not exist', (s) => { s.registry.vms[0].hostId = 'host-999'; return s; }, /^state\.registry\.vms\[0\]\.hostId$/],
  ['a powered-on VM without a host', (s) => { const vm = s.registry.vms.find((v) => v.powerState === 'poweredOn')!; delete vm.hostId; return s; }, /^state\.registry\.vms\[\d+\]\.hostId$/],
  ['a VM name with a bidi override', (s) => { s.registry.vms[0].name = 'evil\u202Etxt'; return s; }, /^state\.registry\.vms\[0\]\.name$/],
  ['two VMs with one name', (s) => { s.registry.vms[1].name = s.registry.vms[0].name; return s; }, /^state\.registry\.vms\[1\]\.name$/],
  ['an unknown workload', (s) => { s.registry.vms[0].workload = 'constructor'; return s; }, /^state\.registry\.vms\[0\]\.workload$/],
  ['an injected field', (s) => { (s.registry.vms[0] as unknown as Record<string, unknown>).crashReasonX = 'INJECTED'; return s; }, /^state\.registry\.vms\[0\]\.crashReasonX$/],
  ['a VM id beyond the id counter', (s) => { s.registry.vms[0].id = 'vm-9999'; return s; }, /^state\.registry\.vms\[0\]\.id$/],
  ['a host in a cluster that does not exist', (s) => { s.registry.hosts[0].clusterId = 'cluster-77'; return s; }, /^state\.registry\.hosts\[0\]\.clusterId$/],
  ['garbage task records', (s) => { (s.services.tasks as { tasks: unknown[] }).tasks.push({ dto: { id: 'task-1', state: 'exploded', progress: 'x' } }); return s; }, /^state\.services\.tasks\.tasks\[\d+\]/],
  ['garbage event records', (s) => { (s.events.events as unknown[]).push(12); return s; }, /^state\.events\.events\[\d+\]$/],
  ['an event from the future', (s) => { s.events.events[0].timeMs = s.clock.virtualTimeMs + 1; return s; }, /^state\.events\.events\[0\]$/],
  ['a runtime for an unknown VM', (s) => { s.runtimes[0][0] = 'vm-4242'; return s; }, /^state\.runtimes\[0\]\[0\]$/],
  ['a scheduler for an unknown host', (s) => { s.schedulers[0][0] = 'host-4242'; return s; }, /^state\.schedulers\[0\]\[0\]$/],
  ['a scheduler with the wrong number of pCPUs', (s) => { s.schedulers[0][1].pcpus.pop(); return s; }, /^state\.schedulers\[0\]\[1\]\.pcpus$/],
  ['a scheduler vCPU in an unknown state', (s) => { const sv = s.schedulers.flatMap(([, x]) => x.vms)[0]; (sv.vcpus[0] as { state: string }).state = 'dancing'; return s; }, /^state\.schedulers\[\d+\]\[1\]\.vms\[\d+\]\.vcpus\[0\]\.state$/],
  ['a disk naming a missing layer', (s) => { s.runtimes[0][1].disks[0].top = 10_000; return s; }, /^state\.runtimes\[0\]\[1\]\.disks\[0\]$/],
  ['a NaN seed', (s) => { s.seed = NaN; return s; }, /^state\.seed$/],
  ['a scenario with 1,000 × 100,000 VMs', (s) => { (s.scenario as unknown as Record<string, unknown>).vmsPerHost = { count: 100_000 }; return s; }, /^state\.scenario/],
  ['a payload that is null', () => null, /^state$/],
  ['a payload that is a number', () => 42, /^state$/],
  ['a payload that is an array', (s) => [s], /^state$/],
  ['a payload that is a Map', () => new Map([['format', 'hvlab-lab']]), /^state$/],
];

test('tampered saves are refused naming the field, and the current lab is kept', () => {
  const saved = savedLab();
  // An engine that knows the guest catalogue (workloads are checked against it), holding another lab.
  const catalogue = loadGuestCatalogue().guests.map((g) => ({ name: g.name, description: g.description }));
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, guestCatalog: catalogue }, { scenario: 'lab-small', seed: 7 });
  engine.advance(500);
  const h = { engine } as Harness;
  const before = digest(h);
  for (const [what, tamper, field] of TAMPERED) {
    const err = engine.loadState(tamper(copy(saved)));
    assert.ok(err, `${what}: accepted`);
    assert.equal(err.code, 'E_INVALID_STATE', what);
    assert.match(err.field ?? '', field, `${what}: field ${err.field} (${err.message})`);
    assert.match(err.message, /^cannot load the lab: /, what);
    assert.equal(digest(h), before, `${what}: the current lab changed`);
  }
});

test('a copy of a save made through JSON is refused saying why (Infinity and Maps do not survive JSON), and the current lab is kept', () => {
  const saved = savedLab();
  const h = harness('lab-small', 9);
  const before = digest(h);
  const viaJson = JSON.parse(JSON.stringify(saved)) as LabState;
  // a VM's CPU limit of "unlimited" (Infinity) is the first value JSON lost: it became null
  let err = h.engine.loadState(viaJson);
  assert.equal(err?.field, 'state.schedulers[0][1].vms[0].limitCyclesPerPeriod', err?.message);
  assert.match(err.message, /expected a number, not null \(a saved lab is structured-clone data: a copy made through JSON loses Infinity/);
  // with the limits put back, the disk layers (Maps, now plain objects) are the next
  for (const [, sc] of viaJson.schedulers) for (const v of sc.vms) v.limitCyclesPerPeriod = Infinity;
  err = h.engine.loadState(viaJson);
  assert.equal(err?.field, 'state.layers[0]', err?.message);
  assert.match(err.message, /expected a disk layer \(a map of blocks\) \(a saved lab is structured-clone data/);
  assert.equal(digest(h), before, 'the current lab changed');
  assert.equal(h.engine.loadState(copy(saved)), undefined, 'the save itself loads');
});

test('a genuine save loads and runs on exactly as the saved lab does', () => {
  const saved = savedLab();
  const a = harness('lab-small', 9);
  assert.equal(a.engine.loadState(copy(saved)), undefined);
  const b = harness('lab-small', 9);
  assert.equal(b.engine.loadState(copy(saved)), undefined);
  a.advance(2_000);
  b.advance(2_000);
  assert.equal(digest(a), digest(b));
});

test('truncated guest memory in a save with real guests is refused, nothing half-loaded', () => {
  const choice = defaultGuestFactory();
  const make = () => createEngine({ scenarios: loadScenarioSources(), guestFactory: choice.factory, guestCatalog: choice.catalogue }, { scenario: 'lab-small', seed: 1 });
  const src = make();
  src.handle({ v: API_VERSION, id: 1, kind: 'command', name: 'sim.pause', params: {} });
  src.advance(300);
  const state = src.saveState();
  assert.ok(state.guests.length > 0, 'the scenario runs guests');
  const target = make();
  target.handle({ v: API_VERSION, id: 1, kind: 'command', name: 'sim.pause', params: {} });
  const before = JSON.stringify(target.digestInput());
  const tampered = structuredClone(state);
  const memory = (tampered.guests[0][1] as { memory: { pages: { words: Int32Array | number[] }[] } }).memory;
  memory.pages[0].words = memory.pages[0].words.slice(0, 100);
  const err = target.loadState(tampered);
  assert.ok(err, 'accepted truncated guest memory');
  assert.equal(err.code, 'E_INVALID_STATE');
  assert.equal(err.field, 'state.guests[0][1]', err.message);
  assert.match(err.message, /the saved guest machine of .* cannot be restored/);
  assert.equal(JSON.stringify(target.digestInput()), before);
  assert.equal(target.loadState(structuredClone(state)), undefined, 'the untampered save loads');
});
