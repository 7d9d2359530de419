// The Electron IPC request path, tested without Electron: untrusted frames refused (only the main frame
// of the app's own index.html may talk), oversized payloads refused, payloads validated in main before
// the engine sees them, ids remapped and restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIpcRequestHandler } from '../../src-main/electron/ipcRequest';
import type { EngineLink } from '../../src-main/node/server/labServer';
import { makeEngine } from '../helpers/makeEngine';

const APP = 'file:///opt/hvlab/out/renderer/index.html';
const appFrame = { url: `${APP}#/vm/vm-1`, parent: null };

function link(): { engine: EngineLink; seen: unknown[] } {
  const real = makeEngine();
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
  const handle = createIpcRequestHandler(engine, APP);
  const msg = { v: 1, id: 1, kind: 'query', name: 'inventory.get', params: {} };
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

test('invalid payloads get typed errors in main and never reach the engine', async () => {
  const { engine, seen } = link();
  const handle = createIpcRequestHandler(engine, APP);
  const r = await handle(appFrame, { v: 1, id: 5, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-x' } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.field, 'params.vmId');
  assert.equal(r.id, 5);
  assert.equal(seen.length, 0);
});

test('valid requests are forwarded with a fresh internal id and answered with the client id', async () => {
  const { engine, seen } = link();
  const handle = createIpcRequestHandler(engine, APP);
  const a = await handle(appFrame, { v: 1, id: 7, kind: 'query', name: 'sim.status', params: {} });
  const b = await handle({ url: APP, parent: null }, { v: 1, id: 7, kind: 'query', name: 'sim.status', params: {} });
  assert.equal(a.id, 7);
  assert.equal(b.id, 7);
  assert.notEqual((seen[0] as { id: number }).id, (seen[1] as { id: number }).id);
  assert.equal(a.ok, true);
});

test('requests larger than a WebSocket message, or nested too deep, are refused before validation', async () => {
  const { engine, seen } = link();
  const handle = createIpcRequestHandler(engine, APP);
  const big = await handle(appFrame, { v: 1, id: 8, kind: 'command', name: 'vm.console.send', params: { vmId: 'vm-1', text: 'x'.repeat(600_000) } });
  assert.equal(big.ok, false);
  if (!big.ok) { assert.equal(big.error.code, 'E_BAD_MESSAGE'); assert.match(big.error.message, /larger than/); }
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const nested = await handle(appFrame, { v: 1, id: 9, kind: 'query', name: 'sim.status', params: { x: deep } });
  assert.equal(nested.ok, false);
  const many = await handle(appFrame, { v: 1, id: 10, kind: 'query', name: 'sim.status', params: Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i])) });
  assert.equal(many.ok, false);
  assert.equal(seen.length, 0);
});
