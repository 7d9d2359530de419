// Calls back and nested calls on the blocking worker transport (src-main/node/workers/blockingCallClient.ts,
// blockingCallServer.ts) with real worker_threads and the target in callbackTarget.ts: an ask answered; an
// ask whose answer calls the same worker and another one (nested), in the order one thread gives (the same
// target called directly); a callback kept and asked in a later call, refused once released; an ask's
// buffer and an answer's buffer detached on the side they left; the coordinator's callback error thrown in
// the worker as a typed CallbackError and, let out, as the call's error with both messages and the
// callback's exception as cause; nesting past the bound refused; a worker that dies mid-ask gives 'exited';
// an ask left unanswered (in `callAll` the coordinator waits for the workers in order) fails after the bound.
// And a host owner's sender port over a worker (ownerOverWorker.ts, ownerCallbackStub.ts): given at
// `openSender`, asked in `senderStep`, released at `closeSender` — the same answers as the direct call.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { blockingChannel, callAll, WorkerCallError, type BlockingCallClient } from '../../../src-main/node/workers/blockingCallClient';
import { WorkerOwnerTransport } from '../../../src-main/node/workers/ownerOverWorker';
import { ownerClient, OwnerCallError } from '../../../src-main/engine/index';
import { callbackTarget } from './callbackTarget';
import { ownerCallbackStub } from './ownerCallbackStub';

const here = dirname(fileURLToPath(import.meta.url));
const bootstrap = join(here, '../../../src-main/node/workers/tsWorkerBootstrap.mjs');
const workers: Worker[] = [];

function start(file: string, name = 'w', timeoutMs?: number): BlockingCallClient {
  const { client, workerEnd } = blockingChannel(timeoutMs);
  const w = new Worker(bootstrap, { workerData: { __entry: pathToFileURL(join(here, file)).href, end: workerEnd, name }, transferList: [workerEnd.port] });
  w.unref();
  w.on('error', () => { /* reported to the caller through the signal */ });
  workers.push(w);
  return client;
}
after(async () => { await Promise.all(workers.map((w) => w.terminate())); });

/** One call with `fn` as argument 0's callback, released after. */
function callWith(c: BlockingCallClient, method: string, fn: (x: never) => unknown, rest: unknown[] = [], answerMoves?: (v: never) => ArrayBuffer[]): unknown {
  const cb = c.register(fn, answerMoves);
  try {
    return c.call(method, [null, ...rest], [], c.timeoutMs, [{ index: 0, cb }]);
  } finally {
    c.release(cb);
  }
}

test('an ask is answered by the coordinator\'s function while the call waits', () => {
  const a = start('callbackTarget.ts');
  assert.equal(callWith(a, 'askOnce', (x: number) => x * 2, [21]), 42);
  assert.equal(a.registered, 0);
});

test('nested: the answer calls the same worker and another; the order is the one thread\'s', () => {
  const a = start('callbackTarget.ts', 'a');
  const b = start('callbackTarget.ts', 'b');
  const onWorkers = callWith(a, 'outer', (x: string) => [a.call('note', [`nested ${x}`]), b.call('note', [`nested ${x}`]), a.call('echo', ['same'])]);
  const da = callbackTarget('a');
  const db = callbackTarget('b');
  const direct = da.outer(((x: string) => [da.note(`nested ${x}` as never), db.note(`nested ${x}` as never), da.echo('same' as never)]) as never);
  assert.deepEqual(onWorkers, direct);
  assert.deepEqual((onWorkers as { log: string[] }).log, ['a:outer start', 'a:nested mid', 'a:outer end']);
  assert.deepEqual(b.call('log', []), ['b:nested mid']);
  // a nested call that itself asks: the inner ask is answered before the outer ask's answer
  const cb = a.register((n: number): number => (a.call('recurse', [null, n], [], a.timeoutMs, [{ index: 0, cb }]) as number));
  assert.equal(a.call('recurse', [null, 3], [], a.timeoutMs, [{ index: 0, cb }]), 3);
  assert.throws(() => a.call('recurse', [null, 50], [], a.timeoutMs, [{ index: 0, cb }]), (e: unknown) => e instanceof WorkerCallError && /nest at most 8 deep/.test(e.message));
  a.release(cb);
  assert.equal(a.call('echo', ['still serving']), 'still serving');
});

test('a callback kept by the target is asked in a later call until it is released', () => {
  const a = start('callbackTarget.ts');
  let asked = 0;
  const cb = a.register((x: number) => { asked++; return x + 100; });
  a.call('keep', [null], [], a.timeoutMs, [{ index: 0, cb }]);
  assert.equal(a.call('useKept', [1]), 101);
  assert.equal(a.call('useKept', [2]), 102);
  a.release(cb);
  assert.throws(() => a.call('useKept', [3]), (e: unknown) => e instanceof WorkerCallError && e.remoteName === 'CallbackError' && /no callback \d+ \(released/.test(e.message));
  assert.equal(asked, 2);
});

test('an ask\'s buffer and the answer\'s buffer are detached on the side they left', () => {
  const a = start('callbackTarget.ts');
  const spare = new ArrayBuffer(4096);
  let got = 0;
  const r = callWith(a, 'sendBatch', (x: { buf: ArrayBuffer }) => { got = new Uint8Array(x.buf)[100]; return spare; }, [8192], (s: ArrayBuffer) => [s]) as { leftDetached: boolean; spareBytes: number };
  assert.deepEqual(r, { leftDetached: true, spareBytes: 4096 });
  assert.equal(got, 9, 'the batch arrived with its bytes');
  assert.equal(spare.byteLength, 0, 'the spare buffer moved to the worker');
});

test('errors both ways: the callback\'s exception is a typed CallbackError in the worker and the call\'s error here, with its cause', () => {
  const a = start('callbackTarget.ts');
  const boom = new RangeError('no place 7');
  assert.equal(callWith(a, 'askCatching', () => { throw boom; }), 'CallbackError: askCatching\'s callback failed on the coordinator: RangeError: no place 7');
  assert.throws(() => callWith(a, 'askOnce', () => { throw boom; }, [1]), (e: unknown) =>
    e instanceof WorkerCallError && e.kind === 'failed' && e.remoteName === 'CallbackError'
    && e.message === 'askOnce\'s callback failed on the coordinator: RangeError: no place 7' && e.cause === boom);
  // the worker's error inside a nested call reaches the callback as a WorkerCallError, and goes back typed
  assert.throws(() => callWith(a, 'askOnce', () => a.call('fail', ['out of frames']), [1]), (e: unknown) =>
    e instanceof WorkerCallError && /WorkerCallError: out of frames$/.test(e.message) && (e.cause as WorkerCallError).remoteName === 'RangeError');
  assert.equal(a.call('echo', [5]), 5, 'the worker goes on serving');
});

test('a worker that dies mid-ask: the nested call and the call that asked both give "exited"', () => {
  const a = start('callbackTarget.ts');
  let nested: unknown;
  assert.throws(() => callWith(a, 'askOnce', () => { try { return a.call('die', []); } catch (e) { nested = e; throw e; } }, [1]),
    (e: unknown) => e instanceof WorkerCallError && e.kind === 'exited' && e.method === 'askOnce');
  assert.ok(nested instanceof WorkerCallError && nested.kind === 'exited' && nested.method === 'die');
});

test('an ask is bounded: in callAll a later worker\'s ask waits for the earlier replies, and fails after its bound', () => {
  const a = start('callbackTarget.ts', 'a');
  const b = start('callbackTarget.ts', 'b', 300);
  assert.equal(b.call('echo', [1], [], 30_000), 1, 'b is up');
  const cb = b.register((x: number) => x + 1);
  assert.throws(() => callAll([
    { client: a, method: 'hang', args: [1500] },
    { client: b, method: 'askOnce', args: [null, 1], callbacks: [{ index: 0, cb }] },
  ]), (e: unknown) => e instanceof WorkerCallError && e.remoteName === 'CallbackTimeout' && /did not answer askOnce's callback within 300 ms/.test(e.message));
  assert.deepEqual(callAll([{ client: a, method: 'echo', args: [2] }, { client: b, method: 'askOnce', args: [null, 2], callbacks: [{ index: 0, cb }] }]), [2, 3],
    'asked while nothing earlier holds the coordinator, it is answered (the late answer before was dropped)');
  b.release(cb);
});

test('a host owner\'s sender port over a worker: given at openSender, asked in senderStep, released at closeSender — as the direct call', () => {
  const client = start('ownerCallbackStub.ts');
  const owner = ownerClient('host-3' as never, new WorkerOwnerTransport(client));
  const direct = ownerCallbackStub() as Record<string, (...a: unknown[]) => unknown>;
  const receiver = (ask: { batches: { buffer: ArrayBuffer; length: number }[] }) =>
    ({ bytes: new Uint8Array([ask.batches[0].length, ask.batches[0].buffer.byteLength & 0xff]), spare: [new ArrayBuffer(256)] });
  const spares: ArrayBuffer[] = [];
  const port = (ask: never) => { const a = receiver(ask); spares.push(...a.spare); return a; };
  owner.openSender({ members: ['vm-1'] } as never, port as never);
  direct.openSender({ members: ['vm-1'] }, receiver);
  for (const pages of [3, 5]) {
    const w = owner.senderStep('vm-1' as never, { pages } as never) as unknown as { sentDetached: boolean };
    const d = direct.senderStep('vm-1', { pages }) as { sentDetached: boolean };
    assert.deepEqual({ ...w, sentDetached: undefined }, { ...d, sentDetached: undefined });
    assert.equal(w.sentDetached, true, 'the ask\'s batch moved to the coordinator');
  }
  assert.ok(spares.every((b) => b.byteLength === 0), 'the answers\' spare buffers moved to the worker');
  assert.equal(client.registered, 1, 'the port is kept between calls');
  owner.closeSender('vm-1' as never);
  assert.equal(client.registered, 0, 'closeSender released it');
  assert.throws(() => owner.senderStep('vm-1' as never, { pages: 1 } as never), (e: unknown) => e instanceof OwnerCallError && /no migration sender of vm-1/.test(e.message));
});
