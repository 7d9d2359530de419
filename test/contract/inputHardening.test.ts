// Input that becomes objects: prototype keys never pass a "closed" schema or reach an object through
// `obj[k] = v`; names refuse control and bidirectional characters; workload and scenario names are looked
// up in the catalogue (Maps), so "constructor" or "__proto__" are unknown names with a typed error.
// Requests are built with JSON.parse, as every transport does, so "__proto__" is an OWN key.
import { API_VERSION } from '../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { s, nameProblem } from '../../src-shared/api/schema';
import { vmChangesSchema, vmSpecSchema } from '../../src-shared/api/commands';
import { createEngine } from '../../src-main/engine/index';
import type { Engine } from '../../src-main/engine/index';
import { loadGuestCatalogue, loadScenarioSources } from '../../src-main/node/resources';
import type { ResponseMessage } from '../../src-shared/api/protocol';
import { fakeGuestFactory } from '../helpers/fakeGuest';

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

function engineWithCatalogue(): Engine {
  const catalogue = loadGuestCatalogue().guests.map((g) => ({ name: g.name, description: g.description }));
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, guestCatalog: catalogue }, { scenario: 'lab-small', seed: 1 });
  engine.handle({ v: API_VERSION, id: 0, kind: 'command', name: 'sim.pause', params: {} });
  return engine;
}

let nextId = 1;
/** Sends a request whose JSON text is given, exactly as a transport would parse it. */
function send(engine: Engine, kind: 'command' | 'query', name: string, paramsJson: string): ResponseMessage {
  return engine.handle(JSON.parse(`{"v":${API_VERSION},"id":${nextId++},"kind":"${kind}","name":"${name}","params":${paramsJson}}`));
}

function finishTasks(engine: Engine): void {
  for (let i = 0; i < 300; i++) engine.advance(10);
}

test('closed object schemas: only own, declared keys are fields', () => {
  const schema = s.object({ a: s.optional(s.int()) });
  for (const k of PROTOTYPE_KEYS) {
    const p = schema.check(JSON.parse(`{"${k}": {"a": 1}}`), 'params');
    assert.ok(p, `"${k}" passed a closed schema`);
    assert.equal(p.field, `params.${k}`);
    assert.equal(p.message, 'is not a known field');
  }
  // A declared key that the value does not own is missing, even where Object.prototype has it.
  const req = s.object({ toString: s.string() });
  assert.deepEqual(req.check({}, 'p'), { field: 'p.toString', message: 'is required' });
  assert.equal(req.check({ toString: 'own' }, 'p'), null);
});

test('records refuse keys that are names of Object.prototype', () => {
  const rec = s.record(s.number());
  for (const k of PROTOTYPE_KEYS) {
    const p = rec.check(JSON.parse(`{"${k}": 1}`), 'params.workloadParams');
    assert.equal(p?.field, `params.workloadParams.${k}`, k);
  }
  assert.equal(rec.check({ wss_kib: 1, 'a.b-c': 2 }, 'x'), null);
});

test('vm.reconfigure with changes.__proto__ is refused and the VM is unchanged', () => {
  const engine = engineWithCatalogue();
  const before = JSON.stringify(send(engine, 'query', 'vm.get', '{"vmId":"vm-1"}'));
  const r = send(engine, 'command', 'vm.reconfigure', '{"vmId":"vm-1","changes":{"__proto__":{"crashReason":"INJECTED","ipAddress":"6.6.6.6"}}}');
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual([r.error.code, r.error.field], ['E_INVALID_ARGUMENT', 'params.changes.__proto__']);
  finishTasks(engine);
  const vm = send(engine, 'query', 'vm.get', '{"vmId":"vm-1"}');
  assert.ok(vm.ok);
  if (vm.ok) {
    const dto = vm.result as Record<string, unknown>;
    assert.notEqual(dto.crashReason, 'INJECTED');
    assert.notEqual(dto.ipAddress, '6.6.6.6');
  }
  assert.equal(JSON.stringify(send(engine, 'query', 'vm.get', '{"vmId":"vm-1"}')).replace(/"id":\d+/, ''), before.replace(/"id":\d+/, ''));
});

test('prototype keys are refused in every params object and in workloadParams', () => {
  const engine = engineWithCatalogue();
  for (const k of PROTOTYPE_KEYS) {
    const q = send(engine, 'query', 'inventory.get', `{"${k}":1}`);
    assert.equal(q.ok, false, `query accepted "${k}"`);
    if (!q.ok) assert.equal(q.error.field, `params.${k}`);
    const wp = send(engine, 'command', 'vm.reconfigure', `{"vmId":"vm-1","changes":{"workloadParams":{"${k}":1}}}`);
    assert.equal(wp.ok, false, `workloadParams accepted "${k}"`);
    if (!wp.ok) assert.equal(wp.error.field, `params.changes.workloadParams.${k}`);
    const spec = send(engine, 'command', 'vm.create', `{"spec":{"name":"x-${k}","vcpus":1,"memoryMiB":64,"${k}":{"memoryMiB":999999}}}`);
    assert.equal(spec.ok, false, `vm.create accepted "${k}"`);
  }
  // The schemas used by the UI refuse them too.
  assert.ok(vmSpecSchema.check(JSON.parse('{"name":"a","vcpus":1,"memoryMiB":64,"__proto__":{}}'), 'spec'));
  assert.ok(vmChangesSchema.check(JSON.parse('{"constructor":{}}'), 'changes'));
});

test('workload names are checked against the catalogue when they enter', () => {
  const engine = engineWithCatalogue();
  for (const w of ['constructor', '__proto__', 'toString', 'nope']) {
    const c = send(engine, 'command', 'vm.create', `{"spec":{"name":"w-${w}","vcpus":1,"memoryMiB":64,"workload":"${w}"}}`);
    assert.equal(c.ok, false, `vm.create accepted workload "${w}"`);
    if (!c.ok) {
      assert.equal(c.error.code, 'E_INVALID_ARGUMENT');
      assert.equal(c.error.field, 'params.spec.workload');
      assert.match(c.error.message, /no guest program named|must be the name of a guest program/);
    }
    const r = send(engine, 'command', 'vm.reconfigure', `{"vmId":"vm-1","changes":{"workload":"${w}"}}`);
    assert.equal(r.ok, false, `vm.reconfigure accepted workload "${w}"`);
    if (!r.ok) assert.equal(r.error.field, 'params.changes.workload');
  }
  const path = send(engine, 'command', 'vm.create', '{"spec":{"name":"p","vcpus":1,"memoryMiB":64,"workload":"../../../etc/passwd"}}');
  assert.equal(path.ok, false);
  if (!path.ok) assert.equal(path.error.field, 'params.spec.workload');
  const good = send(engine, 'command', 'vm.create', '{"spec":{"name":"fine","vcpus":1,"memoryMiB":64,"workload":"cpu"}}');
  assert.equal(good.ok, true, JSON.stringify(good));
});

test('lab.load of a prototype name answers "no such scenario"', () => {
  const engine = engineWithCatalogue();
  for (const name of ['constructor', 'tostring', 'hasownproperty', 'nope']) {
    const r = send(engine, 'command', 'lab.load', `{"scenario":"${name}"}`);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'E_NOT_FOUND');
      assert.equal(r.error.field, 'params.scenario');
      assert.match(r.error.message, new RegExp(`no such scenario "${name}"`));
    }
  }
});

test('names refuse control, bidirectional and zero-width characters; printable Unicode is fine', () => {
  const bad = ['a\u0000b', 'evil\u202Etxt.exe', 'a\u200Bb', 'tab\there', 'new\nline', 'a\u2066b', 'x\u00ADy', 'a\u2028b', '\uE000', ' lead', 'trail '];
  for (const n of bad) assert.ok(nameProblem(n), JSON.stringify(n));
  for (const n of ['web-01', 'Übung 3', '数据库', 'VM (copy)', '<b>markup</b> is shown as text', 'emoji 🚀']) assert.equal(nameProblem(n), null, n);
  const engine = engineWithCatalogue();
  for (const n of ['vm\u0000x', 'gpj.exe\u202Ecod', 'a\u200Db']) {
    const r = engine.handle({ v: API_VERSION, id: nextId++, kind: 'command', name: 'vm.rename', params: { vmId: 'vm-1', name: n } });
    assert.equal(r.ok, false, JSON.stringify(n));
    if (!r.ok) {
      assert.equal(r.error.field, 'params.name');
      assert.match(r.error.message, /control or formatting characters \(found U\+/);
    }
  }
  const snap = engine.handle({ v: API_VERSION, id: nextId++, kind: 'command', name: 'vm.snapshot.create', params: { vmId: 'vm-2', name: 's\u202E1' } });
  assert.equal(snap.ok, false);
  const create = engine.handle({ v: API_VERSION, id: nextId++, kind: 'command', name: 'vm.create', params: { spec: { name: 'x\u0007', vcpus: 1, memoryMiB: 64 } } });
  assert.equal(create.ok, false);
  if (!create.ok) assert.equal(create.error.field, 'params.spec.name');
  // Descriptions may have line breaks, not bidirectional overrides.
  const desc = engine.handle({ v: API_VERSION, id: nextId++, kind: 'command', name: 'vm.snapshot.create', params: { vmId: 'vm-2', name: 'ok', description: 'line 1\nline 2 \u202E' } });
  assert.equal(desc.ok, false);
  if (!desc.ok) assert.equal(desc.error.field, 'params.description');
  const ok = engine.handle({ v: API_VERSION, id: nextId++, kind: 'command', name: 'vm.rename', params: { vmId: 'vm-1', name: 'Übung-1 数据库' } });
  assert.equal(ok.ok, true);
});
