// Blocking calls to worker threads (src-main/node/workers/blockingCallClient.ts, blockingCallServer.ts) with
// real worker_threads and a small target (callTarget.ts): a reply; a buffer moved there and back (the
// sender's copy detached each way); the worker's error thrown here as a WorkerCallError with its name and
// message; a call that is not allowed or not well formed refused by the worker; a worker that exits gives
// 'exited' at once and one that does not answer 'timeout' after the bound, its late reply dropped; and
// `callAll` runs two workers' calls at the same time — proven without timing: each call sets its flag and
// waits (bounded) for the other's, so both meet only when they run at once; one after the other, the first
// is alone. A host owner's calls carried this way (ownerOverWorker.ts, a stand-in owner in ownerStubTarget.ts)
// reply, move a record batch's buffer there and back, throw the owner's error as OwnerCallError.
// The protocol's outcome checks and the errors both sides build (carriesError, asRemote, nestedTooDeep).
// Callbacks and nested calls: callbacks.test.ts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { blockingChannel, callAll, WorkerCallError, type BlockingCallClient } from '../../../src-main/node/workers/blockingCallClient';
import { WorkerOwnerTransport } from '../../../src-main/node/workers/ownerOverWorker';
import { answerProblem, asRemote, carriesError, nestedTooDeep, replyProblem } from '../../../src-main/node/workers/blockingCallProtocol';
import { WORKER_CALL_NEST_MAX } from '../../../src-main/node/limits';
import { ownerClient, OwnerCallError } from '../../../src-main/engine/index';

const here = dirname(fileURLToPath(import.meta.url));
const bootstrap = join(here, '../../../src-main/node/workers/tsWorkerBootstrap.mjs');
const entry = pathToFileURL(join(here, 'callTarget.ts')).href;
const flags = new Int32Array(new SharedArrayBuffer(8));
const workers: Worker[] = [];

function start(index: number): BlockingCallClient {
  const { client, workerEnd } = blockingChannel();
  const w = new Worker(bootstrap, { workerData: { __entry: entry, end: workerEnd, flags, index }, transferList: [workerEnd.port] });
  w.unref();
  w.on('error', () => { /* reported to the caller through the signal */ });
  workers.push(w);
  return client;
}

after(async () => { await Promise.all(workers.map((w) => w.terminate())); });

const failure = (kind: string, re: RegExp) => (e: unknown): boolean => e instanceof WorkerCallError && e.kind === kind && re.test(e.message);

test('a call blocks until the reply; a moved buffer is detached on the side it left and comes back filled', () => {
  const c = start(0);
  assert.deepEqual(c.call('echo', [{ a: [1, 2], m: new Map([[1, 'x']]) }]), { a: [1, 2], m: new Map([[1, 'x']]) });
  const buf = new ArrayBuffer(65536);
  const back = c.call('fill', [buf, 7], [buf]) as ArrayBuffer;
  assert.equal(buf.byteLength, 0, 'the buffer was transferred to the worker');
  assert.equal(back.byteLength, 65536);
  assert.equal(new Uint8Array(back)[65535], 7, 'filled there and moved back');
});

test('the worker\'s error is thrown here, typed, with its name and message; calls not allowed or not well formed are refused', () => {
  const c = start(0);
  assert.throws(() => c.call('fail', ['out of frames']), (e: unknown) => failure('failed', /^out of frames$/)(e) && (e as WorkerCallError).remoteName === 'RangeError');
  assert.throws(() => c.call('constructor', []), (e: unknown) => failure('failed', /no method "constructor"/)(e) && (e as WorkerCallError).remoteName === 'InvalidCall');
  assert.throws(() => c.call('echo', 'x' as never), failure('failed', /args are an array/));
  assert.equal(c.call('echo', [5]), 5, 'the worker goes on serving');
});

test('a worker that exits gives "exited" at once; one that does not answer gives "timeout" after the bound, and its late reply is dropped', () => {
  const dying = start(0);
  assert.equal(dying.call('echo', [1]), 1);
  assert.throws(() => dying.call('die', []), failure('exited', /exited before replying to die/));
  const slow = start(0);
  assert.equal(slow.call('echo', [1]), 1, 'the worker is up');
  assert.throws(() => slow.call('hang', [1000], [], 200), failure('timeout', /did not reply to hang within 200 ms/));
  assert.equal(slow.call('echo', ['after']), 'after', 'the late reply to hang was dropped, the next call gets its own');
});

test('callAll runs K workers\' calls at the same time: two rendezvous calls meet; one after the other, the first is alone', () => {
  const a = start(0);
  const b = start(1);
  assert.deepEqual(callAll([{ client: a, method: 'echo', args: ['a'] }, { client: b, method: 'echo', args: ['b'] }]), ['a', 'b'], 'both up');
  assert.deepEqual(callAll([{ client: a, method: 'echo', args: [1] }]), [1], 'K = 1');
  assert.deepEqual(callAll([{ client: a, method: 'rendezvous', args: [15_000] }, { client: b, method: 'rendezvous', args: [15_000] }]), ['met', 'met']);
  Atomics.store(flags, 0, 0);
  Atomics.store(flags, 1, 0);
  assert.equal(a.call('rendezvous', [100]), 'alone', 'without the other running, the bound passes');
  assert.equal(b.call('rendezvous', [100]), 'met', 'the first left its flag set');
  assert.throws(() => callAll([{ client: a, method: 'fail', args: ['no'] }, { client: b, method: 'echo', args: [2] }]), failure('failed', /^no$/));
  assert.equal(b.call('echo', [3]), 3, 'the other\'s reply was read before the error was thrown');
});

test('a host owner\'s calls over a worker (ownerClient + WorkerOwnerTransport + serveOwner): replies, a record batch moved there and back, the owner\'s error as OwnerCallError, a callback refused', () => {
  const { client, workerEnd } = blockingChannel();
  const w = new Worker(bootstrap, { workerData: { __entry: pathToFileURL(join(here, 'ownerStubTarget.ts')).href, end: workerEnd }, transferList: [workerEnd.port] });
  w.unref();
  workers.push(w);
  const owner = ownerClient('host-9' as never, new WorkerOwnerTransport(client));
  assert.equal(owner.freeFrames(), 1234);
  const batch = { buffer: new ArrayBuffer(4096), length: 3 };
  const back = owner.receiverApply('vm-1' as never, batch);
  assert.equal(batch.buffer.byteLength, 0, 'the batch was transferred to the worker');
  assert.equal(back.byteLength, 4096, 'and its buffer came back');
  assert.equal(owner.pendingOrders, 3, 'a getter is a call too');
  assert.throws(() => owner.start({} as never), (e: unknown) => e instanceof OwnerCallError && e.message === 'host H9 has no scheduler or memory pool');
});

test('protocol: an outcome is ok or carries a well-formed error; both sides build their errors the same way', () => {
  assert.equal(carriesError({ ok: false, error: { name: 'E', message: 'm' } }), true);
  for (const bad of [{ ok: true }, { ok: false }, { ok: false, error: { name: 'E' } }, { ok: false, error: { name: 1, message: 'm' } }, { ok: false, error: [] }]) {
    assert.equal(carriesError(bad), false, JSON.stringify(bad));
  }
  assert.equal(replyProblem({ id: 1, ok: true, reply: 2 }), undefined);
  assert.equal(replyProblem({ id: 1, ok: false, error: { name: 'E', message: 'm' } }), undefined);
  assert.equal(replyProblem({ id: 1, ok: false, error: 'm' }), 'a reply is ok or carries an error');
  assert.equal(answerProblem({ answer: 1, ok: 'yes' }), 'an answer is ok or carries an error');
  assert.deepEqual(asRemote(new RangeError('r')), { name: 'RangeError', message: 'r' });
  assert.deepEqual(asRemote('plain'), { name: 'Error', message: 'plain' });
  assert.deepEqual(nestedTooDeep(), { name: 'NestedTooDeep', message: `calls nest at most ${WORKER_CALL_NEST_MAX} deep` });
});
