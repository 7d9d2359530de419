// A stand-in for a host's owner served in a worker thread (serveOwner): a few of HostOwner's calls with
// plain data, one that applies a record batch and gives its buffer back, one that fails, and the getter.
import { workerData } from 'node:worker_threads';
import { serveOwner } from '../../../src-main/node/workers/ownerOverWorker';
import type { BlockingCallEnd } from '../../../src-main/node/workers/blockingCallProtocol';

let applied = 0;
serveOwner((workerData as { end: BlockingCallEnd }).end, {
  freeFrames: () => 1234,
  receiverApply: (_key: string, batch: { buffer: ArrayBuffer; length: number }) => { applied += batch.length; return batch.buffer; },
  start: () => { throw new Error('host H9 has no scheduler or memory pool'); },
  get pendingOrders() { return applied; },
});
