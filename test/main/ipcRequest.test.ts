// The Electron IPC request path, tested without Electron: untrusted frames refused (only the main frame
// of the app's own index.html may talk), oversized payloads refused, framing checked in main, everything
// else forwarded as it is — the engine's door validates it, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIpcRequestHandler } from '../../src-main/electron/ipcRequest';
import type { Backend } from '../../src-main/node/backends/index';
import { harness } from '../helpers/labHarness';
import { engineBackend } from '../helpers/engineBackend';
import { API_VERSION } from '../../src-shared/api/channels';

const APP = 'file:///opt/hvlab/out/renderer/index.html';
const appFrame = { url: `${APP}#/vm/vm-1`, parent: null };

function link(): { backend: Backend; seen: unknown[] } {
  const inner = engineBackend(harness('lab-small', 1, null).engine);
  const seen: unknown[] = [];
  return { seen, backend: { ...inner, request: async (m) => { seen.push(m); return inner.request(m); } } };
}

test('requests from a non-app frame are refused before reaching the backend', async () => {
  const { backend, seen } = link();
  const handle = createIpcRequestHandler(backend, APP);
  const msg = { v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} };
  const untrusted = [
    { url: 'https://evil.example/', parent: null },
    { url: 'file:///tmp/other.html', parent: null },
    { url: 'file:///opt/hvlab/out/renderer/index.html.evil', parent: null },
    { url: APP, parent: {} }, // an iframe showing the app's page
    null,
  ];
  for (const frame of untrusted) {
    const r = await handle(frame, msg);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'E_UNAUTHORIZED');
  }
  assert.equal(seen.length, 0);
});

test('unframed payloads are refused in main and never reach the backend', async () => {
  const { backend, seen } = link();
  const handle = createIpcRequestHandler(backend, APP);
  for (const raw of [null, 'inventory.get', [1], { id: -3, v: API_VERSION }, { v: API_VERSION, kind: 'query' }]) {
    const r = await handle(appFrame, raw);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'E_BAD_MESSAGE');
  }
  assert.equal(seen.length, 0);
});

test('parameters are validated once, by the engine\'s door, and the error names the field', async () => {
  const { backend, seen } = link();
  const handle = createIpcRequestHandler(backend, APP);
  const r = await handle(appFrame, { v: API_VERSION, id: 5, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-x' } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual([r.error.code, r.error.field], ['E_INVALID_ARGUMENT', 'params.vmId']);
  assert.equal(r.id, 5);
  assert.equal(seen.length, 1, 'forwarded as it came');
});

test('valid requests are forwarded and answered with the caller\'s id; a renderer cannot name an initiator', async () => {
  const { backend, seen } = link();
  const handle = createIpcRequestHandler(backend, APP);
  const a = await handle(appFrame, { v: API_VERSION, id: 7, kind: 'query', name: 'sim.status', params: {}, initiator: 'root' });
  assert.equal(a.id, 7);
  assert.equal(a.ok, true);
  assert.ok(!('initiator' in (seen[0] as object)), 'initiator not forwarded');
});

test('requests larger than a WebSocket message, or nested too deep, are refused before anything else', async () => {
  const { backend, seen } = link();
  const handle = createIpcRequestHandler(backend, APP);
  const big = await handle(appFrame, { v: API_VERSION, id: 8, kind: 'command', name: 'vm.console.send', params: { vmId: 'vm-1', text: 'x'.repeat(600_000) } });
  assert.equal(big.ok, false);
  if (!big.ok) { assert.equal(big.error.code, 'E_BAD_MESSAGE'); assert.match(big.error.message, /larger than/); }
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const nested = await handle(appFrame, { v: API_VERSION, id: 9, kind: 'query', name: 'sim.status', params: { x: deep } });
  assert.equal(nested.ok, false);
  const many = await handle(appFrame, { v: API_VERSION, id: 10, kind: 'query', name: 'sim.status', params: Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i])) });
  assert.equal(many.ok, false);
  assert.equal(seen.length, 0);
});
