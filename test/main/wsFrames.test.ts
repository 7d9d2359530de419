// Browser-mode server against malformed WebSocket frames, sent raw over TCP after a real upgrade:
// each bad frame closes only that connection, with the close code RFC 6455 gives it, and afterwards a
// query on a new connection is answered and the lab is exactly as it was. Then back-pressure: a client
// that stops reading is paused and, past the limit, disconnected, while other clients are served.
import { API_VERSION } from '../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { EngineWorkerClient } from '../../src-main/node/workers/engineWorkerClient';
import { frame, rawConnect, textFrame } from '../helpers/rawWebSocket';
import { labServerForTests } from '../helpers/labServerForTests';

const lab = labServerForTests({
  backend: () => EngineWorkerClient.spawn({ scenario: 'lab-small', seed: 1, paused: true }),
  // The drop limit is lowered so the test needs tens, not thousands, of megabytes; the mechanism is the same.
  limits: { dropBytes: 12 << 20 },
});

/** The lab as every client sees it (a fresh, well-behaved connection): inventory, clock, tasks, events. */
async function labState(): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${lab.server().port}${lab.wsPath()}`);
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  const ask = (id: number, name: string, params: object = {}) => new Promise<unknown>((resolve) => {
    const on = (d: Buffer) => {
      const m = JSON.parse(d.toString());
      if (m.kind === 'event' || m.id !== id) return;
      ws.off('message', on);
      assert.equal(m.ok, true, JSON.stringify(m));
      resolve(m.result);
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ v: API_VERSION, id, kind: 'query', name, params }));
  });
  const state = JSON.stringify([await ask(1, 'inventory.get'), await ask(2, 'sim.status'), await ask(3, 'tasks.list'), await ask(4, 'events.list')]);
  ws.close();
  return state;
}

const big = (n: number) => Buffer.alloc(n, 0x61);
const closePayload = (code: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(code); return b; };

const BAD_FRAMES: [string, () => Buffer[], number][] = [
  ['a message over 1 MiB', () => [frame({ opcode: 1, payload: big((1 << 20) + 1) })], 1009],
  ['a header announcing 50 MB', () => [frame({ opcode: 1, payload: big(10), length: 50_000_000 })], 1009],
  ['invalid UTF-8 in a text message', () => [frame({ opcode: 1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]) })], 1007],
  ['an unmasked client frame', () => [frame({ opcode: 1, payload: '{}', mask: false })], 1002],
  ['RSV1 set without an extension', () => [frame({ opcode: 1, payload: '{}', rsv: 4 })], 1002],
  ['reserved opcode 3', () => [frame({ opcode: 3, payload: 'x' })], 1002],
  ['close code 999', () => [frame({ opcode: 8, payload: closePayload(999) })], 1002],
  ['a ping with a 126-byte payload', () => [frame({ opcode: 9, payload: big(126) })], 1002],
  ['40 continuation fragments of 64 KiB', () => [
    frame({ opcode: 1, payload: big(65536), fin: false }),
    ...Array.from({ length: 39 }, (_, i) => frame({ opcode: 0, payload: big(65536), fin: i === 38 })),
  ], 1009],
  ['a fragmented ping', () => [frame({ opcode: 9, payload: 'x', fin: false })], 1002],
  ['a continuation with nothing to continue', () => [frame({ opcode: 0, payload: 'x' })], 1002],
];

test('each malformed frame closes only its connection, with the right code; the server and the lab go on', async () => {
  const before = await labState();
  const bystander = await rawConnect(lab.server().port, lab.wsPath());
  for (const [what, frames, code] of BAD_FRAMES) {
    const conn = await rawConnect(lab.server().port, lab.wsPath());
    for (const f of frames()) conn.write(f);
    const got = await conn.closed;
    assert.equal(got, code, `${what}: closed with ${got}, expected ${code}`);
    // A query on a NEW connection is answered, and the lab is unchanged.
    assert.equal(await labState(), before, `${what}: the lab changed`);
  }
  // The connection that behaved was never touched.
  bystander.write(textFrame(JSON.stringify({ v: API_VERSION, id: 9, kind: 'query', name: 'sim.status', params: {} })));
  const reply = JSON.parse(await bystander.nextReply());
  assert.equal(reply.id, 9);
  assert.equal(reply.ok, true);
  bystander.destroy();
  assert.ok(lab.server().stats().protocolErrors >= BAD_FRAMES.length);
});

test('a client that stops reading is paused, then disconnected once what it holds passes the limit; others are served', async () => {
  const slow = await rawConnect(lab.server().port, lab.wsPath(), { read: false });
  const request = textFrame(JSON.stringify({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} }));
  // 20,000 requests whose replies are a few KiB each (~100 MB if every reply were queued).
  const batch = Buffer.concat(Array.from({ length: 1000 }, () => request));
  const before = lab.server().stats();
  for (let i = 0; i < 20 && slow.socket.writable; i++) {
    slow.socket.write(batch);
    await new Promise((r) => setTimeout(r, 10));
  }
  for (let i = 0; i < 100 && lab.server().stats().pauses === before.pauses; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(lab.server().stats().pauses > before.pauses, 'reading from the slow client was paused');
  // Paused, it sends no more requests in, but events keep coming for it: past the limit it is dropped.
  const t0 = Date.now();
  await labState();
  assert.ok(Date.now() - t0 < 5000, 'a well-behaved client waited on a slow one');
  const text = 'x'.repeat(60_000);
  for (let i = 0; i < 2000 && lab.server().stats().dropped === before.dropped; i++) {
    lab.server().broadcast({ type: 'console.output', vmId: 'vm-1', offset: i * text.length, text });
    if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(lab.server().stats().dropped > before.dropped, 'the slow client was not disconnected');
  // Once it reads again it finds the connection gone, without a close handshake (it was not reading).
  slow.socket.resume();
  assert.equal(await slow.closed, null);
  await labState();
});
