// A small target served over blocking calls in a worker thread (blockingCalls.test.ts): echo, a buffer
// filled and moved back, an error, an exit, a call that hangs for a while, and a rendezvous — each of two
// workers sets its flag and waits (bounded) for the other's, so only two calls running at once both meet.
import { workerData } from 'node:worker_threads';
import { serveBlockingCalls } from '../../../src-main/node/workers/blockingCallServer';
import type { BlockingCallEnd } from '../../../src-main/node/workers/blockingCallProtocol';

const { end, flags, index } = workerData as { end: BlockingCallEnd; flags: Int32Array; index: number };

const target = {
  echo: (x: unknown) => x,
  fill: (buf: ArrayBuffer, value: number) => { new Uint8Array(buf).fill(value); return buf; },
  fail: (message: string) => { throw new RangeError(message); },
  die: () => process.exit(3),
  hang: (ms: number) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); return 'late'; },
  rendezvous: (boundMs: number) => {
    Atomics.store(flags, index, 1);
    Atomics.notify(flags, index);
    const other = 1 - index;
    Atomics.wait(flags, other, 0, boundMs);
    return Atomics.load(flags, other) === 1 ? 'met' : 'alone';
  },
};

serveBlockingCalls(end, target, new Set(Object.keys(target)), { reply: (method, reply) => (method === 'fill' ? [reply as ArrayBuffer] : []) });
