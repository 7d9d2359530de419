// The Electron IPC request path, tested without Electron: untrusted frames refused, payloads validated
// in main before the engine sees them, ids remapped and restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIpcRequestHandler } from '../../src-main/electron/ipcRequest';
import type { EngineLink } from '../../src-main/node/server/labServer';
import { harness } from '../helpers/labHarness';

function link(): { engine: EngineLink; seen: unknown[] } {
  const real = harness('lab-small', 1, null).engine;
  const seen: unknown[] = [];
  return {
    seen,
    engine: {
      request: async (m) => { seen.push(m); return real.handle(m); },
      onEvent: (l) => real.onEvent(l),
    },
  };
}

test('requests from a non-app frame are refused before reaching the engine', async () => {
  const { engine, seen } = link();
  const handle = createIpcRequestHandler(engine);
  const r = await handle('https://evil.example/', { v: 1, id: 1, kind: 'query', name: 'inventory.get', params: {} });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'E_UNAUTHORIZED');
  assert.equal(seen.length, 0);
});

test('invalid payloads get typed errors in main and never reach the engine', async () => {
  const { engine, seen } = link();
  const handle = createIpcRequestHandler(engine);
  const r = await handle('file:///app/index.html', { v: 1, id: 5, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-x' } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.field, 'params.vmId');
  assert.equal(r.id, 5);
  assert.equal(seen.length, 0);
});

test('valid requests are forwarded with a fresh internal id and answered with the client id', async () => {
  const { engine, seen } = link();
  const handle = createIpcRequestHandler(engine);
  const a = await handle('file:///app/index.html', { v: 1, id: 7, kind: 'query', name: 'sim.status', params: {} });
  const b = await handle('file:///app/index.html', { v: 1, id: 7, kind: 'query', name: 'sim.status', params: {} });
  assert.equal(a.id, 7);
  assert.equal(b.id, 7);
  assert.notEqual((seen[0] as { id: number }).id, (seen[1] as { id: number }).id);
  assert.equal(a.ok, true);
});
