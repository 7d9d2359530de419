// The contract is closed, serializable and versioned: every operation has a handler, every reply survives
// structuredClone, and a change to any schema without an API_VERSION bump fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { COMMAND_SCHEMAS, QUERY_SCHEMAS, API_VERSION, validateRequest } from '../../src-shared/api/index';
import { COMMAND_HANDLERS } from '../../src-main/engine/api/handlers/commandHandlers';
import { QUERY_HANDLERS } from '../../src-main/engine/api/handlers/queryHandlers';
import { harness } from '../helpers/labHarness';

test('every command and query has a handler, and no handler lacks a schema', () => {
  assert.deepEqual(Object.keys(COMMAND_HANDLERS).sort(), Object.keys(COMMAND_SCHEMAS).sort());
  assert.deepEqual(Object.keys(QUERY_HANDLERS).sort(), Object.keys(QUERY_SCHEMAS).sort());
});

/**
 * Fingerprint of every schema. When this test fails you changed the contract: if the change is
 * incompatible for existing clients bump API_VERSION; either way update PINNED below.
 */
const PINNED = { version: 2, fingerprint: '5f1fd0b3a235e3aa' };

test('contract fingerprint is pinned to the API version', () => {
  const text = JSON.stringify({
    commands: Object.entries(COMMAND_SCHEMAS).map(([k, v]) => [k, v.describe]),
    queries: Object.entries(QUERY_SCHEMAS).map(([k, v]) => [k, v.describe]),
  });
  const fingerprint = createHash('sha256').update(text).digest('hex').slice(0, 16);
  assert.equal(API_VERSION, PINNED.version);
  assert.equal(fingerprint, PINNED.fingerprint, `contract changed: fingerprint is now ${fingerprint}`);
});

test('every query reply survives structuredClone unchanged', () => {
  const engine = harness('lab-small', 1, null).engine;
  const vmId = 'vm-1';
  const calls: [string, unknown][] = [
    ['engine.info', {}], ['inventory.get', {}], ['inventory.outline', {}], ['vm.get', { vmId }], ['host.get', { hostId: 'host-1' }],
    ['vm.snapshot.tree', { vmId }], ['vm.console.read', { vmId }], ['tasks.list', {}], ['events.list', {}],
    ['metrics.catalog', {}], ['sim.status', {}], ['lab.scenarios', {}], ['guests.list', {}], ['lab.document', {}], ['lab.library', {}], ['backends.list', {}], ['lab.recovery', {}],
    ['inventory.changesSince', { version: 1 }], ['events.since', {}], ['placement.solve', { algo: 'ffd' }],
  ];
  const started = engine.handle({ v: API_VERSION, id: 1, kind: 'command', name: 'vm.powerOn', params: { vmId } });
  assert.equal(started.ok, true);
  engine.advance(60_000);
  calls.push(['metrics.query', { entityId: vmId, counters: ['sys.uptime.latest'], interval: 'realtime' }]);
  calls.push(['task.get', { taskId: (started as { result: { taskId: string } }).result.taskId }]);
  let id = 10;
  for (const [name, params] of calls) {
    const reply = engine.handle({ v: API_VERSION, id: id++, kind: 'query', name, params });
    assert.equal(reply.ok, true, `${name}: ${JSON.stringify(reply)}`);
    assert.deepEqual(structuredClone(reply), reply, name);
  }
});

test('validation names the offending field and the engine changes nothing', () => {
  const engine = harness('lab-small', 1, null).engine;
  const before = JSON.stringify(engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} }));
  const bad: [unknown, string, string | undefined][] = [
    [null, 'E_BAD_MESSAGE', undefined],
    [{ v: API_VERSION, id: 2, kind: 'command', name: 'vm.powerOn', params: {} }, 'E_INVALID_ARGUMENT', 'params.vmId'],
    [{ v: API_VERSION, id: 3, kind: 'command', name: 'vm.powerOn', params: { vmId: 42 } }, 'E_INVALID_ARGUMENT', 'params.vmId'],
    [{ v: API_VERSION, id: 4, kind: 'command', name: 'vm.rename', params: { vmId: 'vm-1', name: '' } }, 'E_INVALID_ARGUMENT', 'params.name'],
    [{ v: API_VERSION, id: 5, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-999' } }, 'E_NOT_FOUND', 'params.vmId'],
    [{ v: API_VERSION, id: 6, kind: 'command', name: 'vm.suspend', params: { vmId: 'vm-1' } }, 'E_INVALID_STATE', 'params.vmId'],
    [{ v: API_VERSION, id: 7, kind: 'command', name: 'sim.setSpeed', params: { speed: 'fast' } }, 'E_INVALID_ARGUMENT', 'params.speed'],
    [{ v: API_VERSION, id: 8, kind: 'query', name: 'metrics.query', params: { entityId: 'vm-1', counters: [], interval: 'realtime' } }, 'E_INVALID_ARGUMENT', 'params.counters'],
    [{ v: API_VERSION + 1, id: 9, kind: 'query', name: 'inventory.get', params: {} }, 'E_VERSION', 'v'],
  ];
  for (const [msg, code, field] of bad) {
    const reply = engine.handle(msg);
    assert.equal(reply.ok, false, JSON.stringify(msg));
    if (!reply.ok) {
      assert.equal(reply.error.code, code, JSON.stringify(msg));
      assert.equal(reply.error.field, field, JSON.stringify(msg));
    }
  }
  const after = JSON.stringify(engine.handle({ v: API_VERSION, id: 99, kind: 'query', name: 'inventory.get', params: {} }));
  assert.equal(after.replace('"id":99', '"id":1'), before);
});

test('validateRequest accepts a well-formed request unchanged', () => {
  const v = validateRequest({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} });
  assert.equal(v.ok, true);
});
