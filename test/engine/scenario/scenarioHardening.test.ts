// Scenario files as hostile input: prototype keys (YAML makes "__proto__" an own key), totals that would
// build millions of objects (refused from the numbers, before anything is built), action times past the
// one-year bound in either form, and workloads that are not in the guest catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateScenario } from '../../../src-main/engine/index';
import { parseScenarioText, loadGuestCatalogue } from '../../../src-main/node/resources';
import { LAB_MAX_HOSTS, LAB_MAX_VMS, LAB_MAX_VMS_PER_HOST, SCENARIO_MAX_ACTION_TARGETS } from '../../../src-main/engine/params';

const workloads = new Set(loadGuestCatalogue().guests.map((g) => g.name));

function check(yaml: string, withCatalogue = true): { field?: string; message: string } | undefined {
  const content = parseScenarioText('t.yaml', yaml);
  const v = validateScenario({ file: 't.yaml', content }, withCatalogue ? workloads : undefined);
  return 'error' in v ? { field: v.error.field, message: v.error.message } : undefined;
}

const head = 'version: 1\nname: t\ntitle: T\n';
const small = `${head}datacenters:\n  - name: DC\n    clusters:\n      - name: C\n        hosts: [ { name: esx-1 } ]\n`;

test('a small scenario is valid (the baseline for the cases below)', () => {
  assert.equal(check(small), undefined);
});

test('prototype keys in a scenario file are unknown fields, at any depth', () => {
  for (const k of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
    const top = check(`${small}${k}: { title: x }\n`);
    assert.equal(top?.field, `scenario.${k}`, k);
    assert.match(top!.message, /is not a known field/);
  }
  const vm = check(`${small}    vms:\n      - name: big\n        host: esx-1\n        __proto__: { memoryMiB: 999999, vcpus: 64 }\n`);
  assert.equal(vm?.field, 'scenario.datacenters[0].vms[0].__proto__');
  const params = check(`${small}    vms:\n      - { name: p, host: esx-1, workloadParams: { constructor: 1 } }\n`);
  assert.equal(params?.field, 'scenario.datacenters[0].vms[0].workloadParams.constructor');
  const tmpl = check(`${small}    templates:\n      - { name: t1, __proto__: { diskGiB: 65536 } }\n`);
  assert.equal(tmpl?.field, 'scenario.datacenters[0].templates[0].__proto__');
});

test('totals are bounded before anything is built: hosts, VMs per host, VMs per lab, action targets', () => {
  const t0 = performance.now();
  const explode = check(`${head}datacenters:\n  - clusters:\n      - hosts: { count: 1000 }\n        vmsPerHost: { count: 100000 }\n`);
  assert.ok(performance.now() - t0 < 2000, 'the refusal must not build the inventory');
  assert.equal(explode?.field, 'scenario.datacenters[0].clusters[0].vmsPerHost.count');
  assert.match(explode!.message, new RegExp(`at most ${LAB_MAX_VMS_PER_HOST.toLocaleString('en-US')}`));

  const perLab = check(`${head}datacenters:\n  - clusters:\n      - hosts: { count: 20 }\n        vmsPerHost: { count: 1000 }\n`);
  assert.equal(perLab?.field, 'scenario.datacenters[0].clusters[0].vmsPerHost.count');
  assert.match(perLab!.message, new RegExp(`at most ${LAB_MAX_VMS.toLocaleString('en-US')}`));

  const clusters = Array.from({ length: 3 }, () => '      - hosts: { count: 400 }\n').join('');
  const hosts = check(`${head}datacenters:\n  - clusters:\n${clusters}`);
  assert.equal(hosts?.field, 'scenario.datacenters[0].clusters[2].hosts.count');
  assert.match(hosts!.message, new RegExp(`at most ${LAB_MAX_HOSTS.toLocaleString('en-US')}`));

  const groups = check(`${small}        vmsPerHost:\n          - { count: 600 }\n          - { count: 600 }\n`);
  assert.equal(groups?.field, 'scenario.datacenters[0].clusters[0].vmsPerHost');

  const vms = Array.from({ length: LAB_MAX_VMS_PER_HOST + 1 }, (_, i) => `      - { name: v${i}, host: esx-1 }\n`).join('');
  const explicit = check(`${small}    vms:\n${vms}`);
  assert.equal(explicit?.field, `scenario.datacenters[0].vms[${LAB_MAX_VMS_PER_HOST}].host`);

  const names = Array.from({ length: 10_000 }, (_, i) => `v${i}`);
  const actions = Array.from({ length: Math.ceil(SCENARIO_MAX_ACTION_TARGETS / names.length) + 1 }, () => `  - { at: 1, do: powerOn, vms: [${names.join(', ')}] }\n`).join('');
  const targets = check(`${small}actions:\n${actions}`);
  assert.match(targets?.field ?? '', /^scenario\.actions\[\d+\]\.vms$/);
});

test('action times: strings and numbers share the one-year bound', () => {
  const at = (v: string) => check(`${small}    vms: [ { name: a, host: esx-1 } ]\nactions:\n  - { at: ${v}, do: powerOn, vm: a }\n`);
  for (const ok of ['30s', '365d', '31536000', '8760h', '0']) assert.equal(at(ok), undefined, ok);
  for (const bad of ['99999999999d', '366d', '31536001', '527041m', '1e400', '9'.repeat(400) + 's']) {
    const p = at(bad);
    assert.equal(p?.field, 'scenario.actions[0].at', bad);
  }
});

test('workloads must name a guest program of the catalogue (VMs, groups, templates, reconfigure actions)', () => {
  const cases: [string, string][] = [
    [`${small}    vms: [ { name: a, host: esx-1, workload: constructor } ]\n`, 'scenario.datacenters[0].vms[0].workload'],
    [`${small}        vmsPerHost: { count: 1, workload: toString }\n`, 'scenario.datacenters[0].clusters[0].vmsPerHost.workload'],
    [`${small}    templates: [ { name: t1, workload: nope } ]\n`, 'scenario.datacenters[0].templates[0].workload'],
    [`${small}    vms: [ { name: a, host: esx-1 } ]\nactions:\n  - { at: 1, do: reconfigure, vm: a, changes: { workload: hasOwnProperty } }\n`, 'scenario.actions[0].changes.workload'],
  ];
  for (const [yaml, field] of cases) {
    const p = check(yaml);
    assert.equal(p?.field, field);
    assert.match(p!.message, /no guest program named/);
  }
  // Without a catalogue (inventory-only engines) names are not checked, but still looked up safely.
  assert.equal(check(`${small}    vms: [ { name: a, host: esx-1, workload: constructor } ]\n`, false), undefined);
});
