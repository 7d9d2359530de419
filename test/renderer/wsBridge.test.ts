import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWsBridge } from '@renderer/api/wsBridge';
import type { ConnectionStatus } from '@renderer/api/wsBridge';
import { wsUrlFor } from '@renderer/api/client';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(public url: string) { FakeSocket.all.push(this); }
  send(s: string) { this.sent.push(s); }
  close() { this.readyState = 3; this.onclose?.(); }
  open() { this.readyState = 1; this.onopen?.(); }
  drop() { this.readyState = 3; this.onclose?.(); }
  reply(o: unknown) { this.onmessage?.({ data: JSON.stringify(o) }); }
}

afterEach(() => {
  FakeSocket.all = [];
  vi.useRealTimers();
});

const req = (id: number) => ({ v: 1, id, kind: 'query' as const, name: 'sim.status', params: {} });

describe('WebSocket bridge', () => {
  it('builds the URL from the page address and its token', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:5317', search: '?token=ab12' })).toBe('ws://127.0.0.1:5317/api/ws?token=ab12');
    expect(wsUrlFor({ protocol: 'http:', host: 'x', search: '' })).toBeNull();
  });

  it('queues requests until open, matches responses by id, delivers events', async () => {
    const statuses: ConnectionStatus[] = [];
    const bridge = createWsBridge({ url: 'ws://x', WebSocketImpl: FakeSocket as never, onStatus: (s) => statuses.push(s) });
    const events: unknown[] = [];
    bridge.onEvent((e) => events.push(e));
    const p = bridge.request(req(1));
    const sock = FakeSocket.all[0];
    expect(sock.sent).toEqual([]);
    sock.open();
    expect(JSON.parse(sock.sent[0])).toMatchObject({ id: 1, name: 'sim.status' });
    sock.reply({ kind: 'event', event: { type: 'metrics.sampled', timeMs: 5 } });
    sock.reply({ id: 1, ok: true, result: { running: true } });
    expect(await p).toEqual({ id: 1, ok: true, result: { running: true } });
    expect(events).toEqual([{ type: 'metrics.sampled', timeMs: 5 }]);
    expect(statuses).toEqual(['open']);
  });

  it('rejects pending requests with E_TRANSPORT on close and reconnects with backoff', async () => {
    vi.useFakeTimers();
    const statuses: ConnectionStatus[] = [];
    const bridge = createWsBridge({ url: 'ws://x', WebSocketImpl: FakeSocket as never, onStatus: (s) => statuses.push(s), minBackoffMs: 100 });
    FakeSocket.all[0].open();
    const p = bridge.request(req(2));
    FakeSocket.all[0].drop();
    const r = await p;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('E_TRANSPORT');
    expect(statuses).toEqual(['open', 'reconnecting']);
    await vi.advanceTimersByTimeAsync(99);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].drop();
    await vi.advanceTimersByTimeAsync(199);
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    FakeSocket.all[2].open();
    expect(statuses.at(-1)).toBe('open');
    bridge.close();
    expect(statuses.at(-1)).toBe('closed');
  });
});
