// The contract's optional `initiator`: who asked, recorded on the tasks a command starts (the vim25
// endpoint sends its logged-in user); validated like every other field.
import { API_VERSION } from '../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../helpers/labHarness';
import type { TaskDto } from '../../src-shared/model/task';

test('a command\'s initiator is recorded on its task; without one the lab\'s user is', () => {
  const engine = harness('lab-small', 1, null).engine;
  const a = engine.handle({ v: API_VERSION, id: 1, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-1' }, initiator: 'root' });
  const b = engine.handle({ v: API_VERSION, id: 2, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-4' } });
  assert.ok(a.ok && b.ok);
  const tasks = engine.handle({ v: API_VERSION, id: 3, kind: 'query', name: 'tasks.list', params: {} });
  assert.ok(tasks.ok);
  const byVm = new Map((tasks.result as TaskDto[]).map((t) => [t.targetId, t.initiator]));
  assert.equal(byVm.get('vm-1'), 'root');
  assert.equal(byVm.get('vm-4'), 'lab-user');
});

test('an initiator that is not a plain user name is refused and changes nothing', () => {
  const engine = harness('lab-small', 1, null).engine;
  for (const bad of ['', ' root', 'a'.repeat(65), 'x<y>', 42]) {
    const r = engine.handle({ v: API_VERSION, id: 1, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-1' }, initiator: bad });
    assert.ok(!r.ok && r.error.code === 'E_BAD_MESSAGE' && r.error.field === 'initiator', JSON.stringify(bad));
  }
  const tasks = engine.handle({ v: API_VERSION, id: 3, kind: 'query', name: 'tasks.list', params: {} });
  assert.ok(tasks.ok && (tasks.result as TaskDto[]).length === 0);
});

test('a browser cannot name an initiator: the browser-mode server drops it', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { WebSocket } = await import('ws');
  const { startLabServer } = await import('../../src-main/node/server/labServer');
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  const seen: Record<string, unknown>[] = [];
  const backend = {
    request: async (m: { id: number } & Record<string, unknown>) => { seen.push(m); return { id: m.id, ok: true as const, result: { taskId: 'task-1' } }; },
    onEvent: () => () => {},
  };
  const server = await startLabServer({ port: 0, backend, rendererDir: dir });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`);
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    const reply = new Promise<string>((r) => ws.once('message', (d: Buffer) => r(d.toString())));
    ws.send(JSON.stringify({ v: API_VERSION, id: 7, kind: 'command', name: 'vm.powerOn', params: { vmId: 'vm-1' }, initiator: 'root' }));
    assert.match(await reply, /"ok":true/);
    ws.close();
    assert.equal(seen.length, 1);
    assert.ok(!('initiator' in seen[0]), 'initiator not forwarded');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
