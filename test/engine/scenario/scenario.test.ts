// Scenario files: validation that names the path of the bad field (shape and references), inventory by
// counts and by explicit lists with templates, timed actions, and deterministic runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { validateScenario } from '../../../src-main/engine/index';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { harness, vmByName } from '../../helpers/labHarness';

const base = () => ({
  version: 1, name: 'v', title: 'v',
  datacenters: [{
    name: 'DC',
    clusters: [{ name: 'C', hosts: [{ name: 'esx-1' }, { name: 'esx-2', cpuMhz: 200 }], vmsPerHost: [{ count: 1, workload: 'idle' }] }],
    templates: [{ name: 'tmpl', host: 'esx-1', vcpus: 2, memoryMiB: 96, workload: 'cpu' }],
    vms: [{ name: 'explicit', host: 'esx-2', fromTemplate: 'tmpl', memoryMiB: 128, powerOn: true }],
  }],
  actions: [{ at: '1s', do: 'snapshot', vm: 'explicit', snapshot: 'early' }],
} as Record<string, any>);

function problem(content: unknown): { field?: string; message: string } | undefined {
  const v = validateScenario({ file: 'test.yaml', content });
  return 'error' in v ? { field: v.error.field, message: v.error.message } : undefined;
}

test('every built-in scenario is valid', () => {
  const all = loadScenarioSources();
  for (const name of ['lab-small', 'lab-overcommit', 'lab-cluster', 'lab-scale-2000', 'lab-memory-overcommit', 'lab-pools']) {
    assert.ok(all[name], `${name} exists`);
    assert.equal(problem(all[name].content), undefined, name);
  }
});

test('validation errors name the path of the bad field', () => {
  assert.equal(problem(base()), undefined);
  const cases: [(s: Record<string, any>) => void, string][] = [
    [(s) => { s.datacenters[0].clusters[0].hosts[1].cpuMhz = 'fast'; }, 'scenario.datacenters[0].clusters[0].hosts[1].cpuMhz'],
    [(s) => { s.datacenters[0].clusters[0].vmsPerHost[0].count = -1; }, 'scenario.datacenters[0].clusters[0].vmsPerHost[0].count'],
    [(s) => { s.datacenters[0].vms[0].memoryMiB = 5000; }, 'scenario.datacenters[0].vms[0].memoryMiB'],
    [(s) => { s.datacenters[0].vms[0].host = 'nowhere'; }, 'scenario.datacenters[0].vms[0].host'],
    [(s) => { s.datacenters[0].vms[0].fromTemplate = 'nope'; }, 'scenario.datacenters[0].vms[0].fromTemplate'],
    [(s) => { s.datacenters[0].vms[0].name = 'tmpl'; }, 'scenario.datacenters[0].vms[0].name'],
    [(s) => { s.datacenters[0].clusters[0].hosts[1].name = 'esx-1'; }, 'scenario.datacenters[0].clusters[0].hosts[1].name'],
    [(s) => { s.datacenters[0].clusters[0].hosts[1].memoryReclamation = { idleTaxPercent: 150 }; }, 'scenario.datacenters[0].clusters[0].hosts[1].memoryReclamation.idleTaxPercent'],
    [(s) => { s.datacenters[0].clusters[0].hosts[1].memoryReclamation = { salting: true }; }, 'scenario.datacenters[0].clusters[0].hosts[1].memoryReclamation.salting'],
    [(s) => { s.actions[0].at = 'soon'; }, 'scenario.actions[0].at'],
    [(s) => { s.actions[0].do = 'explode'; }, 'scenario.actions[0].do'],
    [(s) => { s.actions[0].vm = 'ghost'; }, 'scenario.actions[0].vm'],
    [(s) => { delete s.actions[0].snapshot; }, 'scenario.actions[0].snapshot'],
    [(s) => { s.actions.push({ at: 5, do: 'enterMaintenance' }); }, 'scenario.actions[1].host'],
    [(s) => { s.datacenters[0].typo = 1; }, 'scenario.datacenters[0].typo'],
  ];
  for (const [mutate, field] of cases) {
    const s = base();
    mutate(s);
    const p = problem(s);
    assert.ok(p, `expected an error at ${field}`);
    assert.equal(p!.field, field, p!.message);
    assert.match(p!.message, /^test\.yaml: /);
  }
});

test('a VM\'s monitor and paging must make a valid pair (nested needs hw), reported at the entry\'s paging', () => {
  const hwNested = (s: Record<string, any>) => { Object.assign(s.datacenters[0].templates[0], { monitor: 'hw', paging: 'nested' }); };
  const valid: [string, (s: Record<string, any>) => void][] = [
    ['hw + nested', (s) => { Object.assign(s.datacenters[0].vms[0], { monitor: 'hw', paging: 'nested' }); }],
    ['interp + shadow (runs native)', (s) => { Object.assign(s.datacenters[0].vms[0], { monitor: 'interp', paging: 'shadow' }); }],
    ['nested inherited from an hw template', (s) => { hwNested(s); }],
    ['a VM overriding its hw + nested template to bt + shadow', (s) => { hwNested(s); Object.assign(s.datacenters[0].vms[0], { monitor: 'bt', paging: 'shadow' }); }],
    ['an action changing to hw + nested', (s) => { s.actions.push({ at: 2, do: 'reconfigure', vm: 'explicit', changes: { monitor: 'hw', paging: 'nested' } }); }],
  ];
  for (const [label, mutate] of valid) {
    const s = base();
    mutate(s);
    assert.equal(problem(s), undefined, label);
  }
  const invalid: [(s: Record<string, any>) => void, string][] = [
    [(s) => { Object.assign(s.datacenters[0].vms[0], { monitor: 'bt', paging: 'nested' }); }, 'scenario.datacenters[0].vms[0].paging'],
    [(s) => { s.datacenters[0].clusters[0].vmsPerHost[0].paging = 'nested'; }, 'scenario.datacenters[0].clusters[0].vmsPerHost[0].paging'],
    [(s) => { s.datacenters[0].clusters[0].vmsPerHost = { count: 1, monitor: 'pv', paging: 'nested' }; }, 'scenario.datacenters[0].clusters[0].vmsPerHost.paging'],
    [(s) => { s.datacenters[0].templates[0].paging = 'nested'; }, 'scenario.datacenters[0].templates[0].paging'],
    [(s) => { hwNested(s); s.datacenters[0].vms[0].monitor = 'te'; }, 'scenario.datacenters[0].vms[0].paging'],
    [(s) => { s.datacenters[0].templates[0].monitor = 'hw'; s.datacenters[0].vms[0].paging = 'nested'; s.datacenters[0].vms[0].monitor = 'bt'; }, 'scenario.datacenters[0].vms[0].paging'],
    [(s) => { s.actions.push({ at: 2, do: 'reconfigure', vm: 'explicit', changes: { monitor: 'bt', paging: 'nested' } }); }, 'scenario.actions[1].changes.paging'],
  ];
  for (const [mutate, field] of invalid) {
    const s = base();
    mutate(s);
    const p = problem(s);
    assert.ok(p, `expected an error at ${field}`);
    assert.equal(p!.field, field, p!.message);
    assert.match(p!.message, /^test\.yaml: scenario\..*\.paging: nested paging is hardware two-dimensional paging: it needs the hw monitor/);
  }
});

test('explicit inventory: named hosts, templates, VMs deployed from templates with overrides', () => {
  const h = harness(base());
  const inv = h.q('inventory.get', {});
  assert.deepEqual(inv.hosts.map((x) => x.name), ['esx-1', 'esx-2']);
  assert.equal(inv.hosts[1].cpuMhz, 200);
  assert.equal(inv.hosts[1].cpuModel, 'HVL Teaching CPU @ 200MHz');
  const t = vmByName(h, 'tmpl');
  assert.equal(t.isTemplate, true);
  const e = vmByName(h, 'explicit');
  assert.deepEqual([e.vcpus, e.memoryBytes / 2 ** 20, e.workload, e.powerState], [2, 128, 'cpu', 'poweredOn']);
  assert.deepEqual(inv.vms.filter((v) => !v.isTemplate).map((v) => v.name).sort(), ['esx-1_VM0', 'esx-2_VM0', 'explicit']);
  h.advance(3_000);
  assert.equal(vmByName(h, 'explicit').snapshotCount, 1, 'the timed snapshot ran');
  const task = h.q('tasks.list', {}).find((x) => x.operation === 'vm.snapshot.create')!;
  assert.equal(task.initiator, 'scenario');
});

test('a timed action the engine refuses is logged as a warning and the run goes on', () => {
  const s = base();
  s.actions = [{ at: '1s', do: 'powerOn', vm: 'explicit' }, { at: '2s', do: 'powerOff', vm: 'explicit' }];
  const h = harness(s);
  h.advance(5_000);
  const warn = h.q('events.list', {}).find((e) => e.type === 'ScenarioActionFailedEvent');
  assert.ok(warn && warn.severity === 'warning', 'powering on a powered-on VM was refused and logged');
  assert.equal(vmByName(h, 'explicit').powerState, 'poweredOff', 'the next action still ran');
});

test('same scenario + same seed ⇒ same digest; another seed ⇒ another digest', () => {
  const digest = (name: string, seed: number) => {
    const h = harness(name, seed);
    h.advance(200_000);
    return createHash('sha256').update(JSON.stringify(h.engine.digestInput())).digest('hex');
  };
  for (const name of ['lab-overcommit', 'lab-cluster']) {
    assert.equal(digest(name, 5), digest(name, 5), name);
  }
  assert.notEqual(digest('lab-overcommit', 5), digest('lab-overcommit', 6));
});
