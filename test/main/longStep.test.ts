// A long sim.step never holds the engine: with a day-long step in progress on one connection, another
// connection's queries are answered within a second each, see the clock move (progress), and a pause
// cancels the rest of the step. Browser-mode server + the lab's real backend (the engine's worker thread).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { SimStatus } from '../../src-shared/api/commands';
import { API_VERSION } from '../../src-shared/api/channels';
import { labServerForTests } from '../helpers/labServerForTests';

const lab = labServerForTests();

interface Client { ws: WebSocket; events: { type: string; status?: SimStatus }[]; ask(kind: string, name: string, params: unknown, timeoutMs: number): Promise<Record<string, unknown>> }

function connect(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${lab.server().port}/api/ws?token=${lab.server().token}`);
    const waiting = new Map<number, (m: Record<string, unknown>) => void>();
    const events: Client['events'] = [];
    let nextId = 1;
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString());
      if (m.kind === 'event') { events.push(m.event); return; }
      waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    });
    const ask: Client['ask'] = (kind, name, params, timeoutMs) => new Promise((res, rej) => {
      const id = nextId++;
      const timer = setTimeout(() => rej(new Error(`${name} unanswered after ${timeoutMs} ms`)), timeoutMs);
      waiting.set(id, (m) => { clearTimeout(timer); res(m); });
      ws.send(JSON.stringify({ v: API_VERSION, id, kind, name, params }));
    });
    ws.once('open', () => resolve({ ws, events, ask }));
    ws.once('error', reject);
  });
}

test('a day-long step leaves no query of another client unanswered for more than a second', async () => {
  const stepper = await connect();
  const watcher = await connect();
  try {
    // Busy guests make each quantum cost real work.
    const inv = (await watcher.ask('query', 'inventory.get', {}, 5000)).result as { vms: { id: string; powerState: string }[] };
    for (const vm of inv.vms.slice(0, 2)) {
      if (vm.powerState !== 'poweredOn') await stepper.ask('command', 'vm.powerOn', { vmId: vm.id }, 5000);
    }
    // A short step first: powering a guest on (building its machine) is one quantum's work, not the step's.
    assert.equal((await stepper.ask('command', 'sim.step', { seconds: 0.5 }, 30_000)).ok, true);
    for (let i = 0; i < 200 && ((await watcher.ask('query', 'sim.status', {}, 10_000)).result as SimStatus).stepToMs !== undefined; i++) {
      await new Promise((res) => setTimeout(res, 50));
    }
    const start = ((await watcher.ask('query', 'sim.status', {}, 5000)).result as SimStatus).virtualTimeMs;
    assert.equal(start, 500);

    const step = await stepper.ask('command', 'sim.step', { seconds: 86_400 }, 1000);
    assert.equal(step.ok, true);
    assert.equal((step.result as SimStatus).stepToMs, start + 86_400_000);

    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t0 = performance.now();
      const r = await watcher.ask('query', 'sim.status', {}, 1000);
      assert.ok(performance.now() - t0 < 1000);
      const status = r.result as SimStatus;
      assert.equal(status.stepToMs, start + 86_400_000, 'the step is still in progress');
      seen.push(status.virtualTimeMs);
      await new Promise((res) => setTimeout(res, 150));
    }
    assert.ok(seen[seen.length - 1] > seen[0], `the step makes progress between queries (${seen.join(', ')})`);
    assert.ok(watcher.events.some((e) => e.type === 'sim.ticked' && e.status?.stepToMs === start + 86_400_000), 'progress is published to every client');

    const again = await watcher.ask('command', 'sim.step', { seconds: 1 }, 1000);
    assert.equal(again.ok, false);
    assert.equal((again.error as { code: string }).code, 'E_BUSY');

    const paused = await watcher.ask('command', 'sim.pause', {}, 1000);
    assert.equal((paused.result as SimStatus).stepToMs, undefined, 'pause cancels the step');
    const at = (paused.result as SimStatus).virtualTimeMs;
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(((await watcher.ask('query', 'sim.status', {}, 1000)).result as SimStatus).virtualTimeMs, at, 'the clock stays where the pause left it');
  } finally {
    stepper.ws.close();
    watcher.ws.close();
  }
});

test('running at a speed the lab cannot keep up with leaves no query unanswered for more than a second', async () => {
  const client = await connect();
  try {
    const start = ((await client.ask('query', 'sim.status', {}, 5000)).result as SimStatus).virtualTimeMs;
    assert.equal((await client.ask('command', 'sim.run', { speed: 10_000 }, 1000)).ok, true);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await client.ask('query', 'sim.status', {}, 1000);
      seen.push((r.result as SimStatus).virtualTimeMs);
      await new Promise((res) => setTimeout(res, 150));
    }
    assert.ok(seen[seen.length - 1] > start, `the lab runs (${seen.join(', ')})`);
    assert.equal((await client.ask('command', 'sim.pause', {}, 1000)).ok, true);
  } finally {
    client.ws.close();
  }
});
