// An owner-like stand-in whose sender half keeps its port (callbacks.test.ts): `openSender(order, port)`
// files the port under the order's first member, `senderStep(key, order)` asks it with a record batch and
// reports the answer, `closeSender(key)` drops it — HostOwner's shapes, served in a worker (serveOwner) or
// called directly in one thread for the reference.
import { isMainThread, workerData } from 'node:worker_threads';
import { serveOwner } from '../../../src-main/node/workers/ownerOverWorker';
import type { BlockingCallEnd } from '../../../src-main/node/workers/blockingCallProtocol';

interface Ask { batches: { buffer: ArrayBuffer; length: number }[] }
interface Answer { bytes: Uint8Array | undefined; spare: ArrayBuffer[] }

export function ownerCallbackStub(): object {
  const ports = new Map<string, (ask: Ask) => Answer>();
  return {
    openSender: (o: { members: string[] }, port: (ask: Ask) => Answer) => { ports.set(o.members[0], port); },
    senderStep: (key: string, o: { pages: number }) => {
      const port = ports.get(key);
      if (!port) throw new Error(`no migration sender of ${key}`);
      const batch = { buffer: new ArrayBuffer(o.pages * 16), length: o.pages };
      const answer = port({ batches: [batch] });
      return { sentDetached: batch.buffer.byteLength === 0, bytes: answer.bytes ? [...answer.bytes] : undefined, spare: answer.spare.map((b) => b.byteLength) };
    },
    closeSender: (key: string) => { ports.delete(key); },
  };
}

if (!isMainThread) serveOwner((workerData as { end: BlockingCallEnd }).end, ownerCallbackStub());
