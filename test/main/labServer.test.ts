// Browser-mode server: token check, origin check, framing at the boundary, engine round trip (and its
// validation) through the lab's real backend: the composite over the engine's worker thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { API_VERSION } from '../../src-shared/api/channels';
import { labServerForTests } from '../helpers/labServerForTests';

const lab = labServerForTests();

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function roundTrip(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const m = JSON.parse(data.toString());
      if (m.kind === 'event') return;
      ws.off('message', onMessage);
      resolve(m);
    };
    ws.on('message', onMessage);
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

test('serves the renderer on 127.0.0.1 with a CSP header', async () => {
  assert.match(lab.server().url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  const res = await fetch(`http://127.0.0.1:${lab.server().port}/`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Hypervisor Lab/);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
});

test('refuses path traversal: requests stay inside the renderer folder', async () => {
  for (const path of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd']) {
    const res = await fetch(`http://127.0.0.1:${lab.server().port}${path}`);
    const body = await res.text();
    assert.ok(!body.includes('root:'), `${path} leaked a file outside the renderer folder`);
    assert.ok(res.status === 403 || body.includes('Hypervisor Lab'), `${path} answered ${res.status}`);
  }
});

test('a WebSocket without the token is refused', async () => {
  await assert.rejects(connect(`ws://127.0.0.1:${lab.server().port}/api/ws`), /HTTP 401/);
  await assert.rejects(connect(`ws://127.0.0.1:${lab.server().port}/api/ws?token=${'0'.repeat(64)}`), /HTTP 401/);
});

test('a WebSocket from a foreign origin is refused even with the token', async () => {
  await assert.rejects(connect(`ws://127.0.0.1:${lab.server().port}/api/ws?token=${lab.server().token}`, { Origin: 'http://evil.example' }), /HTTP 403/);
});

test('valid queries reach the engine in its worker', async () => {
  const ws = await connect(`ws://127.0.0.1:${lab.server().port}/api/ws?token=${lab.server().token}`);
  const reply = await roundTrip(ws, { v: API_VERSION, id: 7, kind: 'query', name: 'inventory.get', params: {} });
  assert.equal(reply.id, 7);
  assert.equal(reply.ok, true);
  const inv = reply.result as { hosts: unknown[]; vms: unknown[]; clusters: unknown[] };
  assert.equal(inv.hosts.length, 2);
  assert.equal(inv.clusters.length, 1);
  assert.ok(inv.vms.length >= 3);
  ws.close();
});

test('malformed messages get typed errors naming the field', async () => {
  const ws = await connect(`ws://127.0.0.1:${lab.server().port}/api/ws?token=${lab.server().token}`);
  const notJson = await roundTrip(ws, '{nope');
  assert.deepEqual((notJson.error as { code: string }).code, 'E_BAD_MESSAGE');
  const badId = await roundTrip(ws, { v: API_VERSION, id: 3, kind: 'command', name: 'vm.powerOn', params: { vmId: 'host-1' } });
  assert.equal(badId.ok, false);
  assert.deepEqual(badId.error, { code: 'E_INVALID_ARGUMENT', message: 'expected a vm id like "vm-1", got "host-1"', field: 'params.vmId' });
  const unknown = await roundTrip(ws, { v: API_VERSION, id: 4, kind: 'command', name: 'vm.explode', params: {} });
  assert.equal((unknown.error as { code: string; field: string }).code, 'E_UNKNOWN_OPERATION');
  const extra = await roundTrip(ws, { v: API_VERSION, id: 5, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-1', force: true } });
  assert.equal((extra.error as { field: string }).field, 'params.force');
  const version = await roundTrip(ws, { v: 99, id: 6, kind: 'query', name: 'inventory.get', params: {} });
  assert.equal((version.error as { code: string }).code, 'E_VERSION');
  ws.close();
});

test('two tabs using the same request id each get their own answer', async () => {
  const a = await connect(`ws://127.0.0.1:${lab.server().port}/api/ws?token=${lab.server().token}`);
  const b = await connect(`ws://127.0.0.1:${lab.server().port}/api/ws?token=${lab.server().token}`);
  const [ra, rb] = await Promise.all([
    roundTrip(a, { v: API_VERSION, id: 1, kind: 'query', name: 'sim.status', params: {} }),
    roundTrip(b, { v: API_VERSION, id: 1, kind: 'query', name: 'engine.info', params: {} }),
  ]);
  assert.equal(ra.id, 1);
  assert.equal(rb.id, 1);
  assert.ok('virtualTimeMs' in (ra.result as object), 'a got sim.status');
  assert.ok('engineVersion' in (rb.result as object), 'b got engine.info');
  a.close();
  b.close();
});
