// The Electron IPC request path, tested without Electron: untrusted frames refused, framing checked in
// main, everything else forwarded as it is — the engine's door validates it, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIpcRequestHandler } from '../../src-main/electron/ipcRequest';
import type { Backend } from '../../src-main/node/backends/index';
import { harness } from '../helpers/labHarness';
import { engineBackend } from '../helpers/engineBackend';
import { API_VERSION } from '../../src-shared/api/channels';

function link(): { backend: Backend; seen: unknown[] } {
  const inner = engineBackend(harness('lab-small', 1, null).engine);
  const seen: unknown[] = [];
  return { seen, backend: { ...inner, request: async (m) => { seen.push(m); return inner.request(m); } } };
}

test('requests from a non-app frame are refused before reaching the backend', async () => {
  const { backend, seen } = link();
  const handle = createIpcRequestHandler(backend);
  const r = await handle('https://evil.example/', { v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'E_UNAUTHORIZED');
  assert.equal(seen.length, 0);
});

test('unframed payloads are refused in main and never reach the backend', async () => {
  const { backend, seen } = link();
  const handle = createIpcRequestHandler(backend);
  for (const raw of [null, 'inventory.get', [1], { id: -3, v: API_VERSION }, { v: API_VERSION, kind: 'query' }]) {
    const r = await handle('file:///app/index.html', raw);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'E_BAD_MESSAGE');
  }
  assert.equal(seen.length, 0);
});

test('parameters are validated once, by the engine\'s door, and the error names the field', async () => {
  const { backend, seen } = link();
  const handle = createIpcRequestHandler(backend);
  const r = await handle('file:///app/index.html', { v: API_VERSION, id: 5, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-x' } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual([r.error.code, r.error.field], ['E_INVALID_ARGUMENT', 'params.vmId']);
  assert.equal(r.id, 5);
  assert.equal(seen.length, 1, 'forwarded as it came');
});

test('valid requests are forwarded and answered with the caller\'s id', async () => {
  const { backend } = link();
  const handle = createIpcRequestHandler(backend);
  const a = await handle('file:///app/index.html', { v: API_VERSION, id: 7, kind: 'query', name: 'sim.status', params: {} });
  assert.equal(a.id, 7);
  assert.equal(a.ok, true);
});
