/**
 * Owner-calls benchmark: what one call to a host's owner costs by each way the lab can reach it — direct
 * (the owner itself, one thread), the checked loopback (`engine/vm/ownerTransport.ts`: every value walked
 * for non-plain parts and passed through structuredClone, moving buffers transferred) and a worker thread
 * (`node/workers/ownerOverWorker.ts` over `blockingCallClient.ts`: post, `Atomics.wait`, `receiveMessageOnPort`)
 * — and what a fan-out round (`callAll`, one call to each of K workers, the segment's shape) costs.
 *
 * Run: `node --import tsx bench/owner-calls.ts [--calls 2000] [--repeats 7] [--workers 1,2]`. Prints one JSON object.
 * The owner is a stand-in with HostOwner's call shapes doing no work, so the figures are the transport's
 * own cost: `tiny` is `freeFrames()` (no argument, a number back); `buffer64k` is `receiverApply(key,
 * batch)` with a 64 KiB record batch whose buffer moves there and back (the reply's buffer is the next
 * call's). `ask` is `senderStep(key)` whose owner asks the port it was given at `openSender` once (an empty
 * ask, an empty answer): the call plus one ask round trip (on a worker: the ask posted, the coordinator
 * answering while it waits, the answer read by the blocked worker). `nestedSame` / `nestedOther` are the same
 * call whose answer first calls `freeFrames()` on the same owner / a second worker's owner (a nested call:
 * served by the worker blocked in its ask, or by the other worker). `callAll` posts `runSegment(t0, t1)` to each of K workers and waits for all. Per variant, the
 * median over `repeats` of wall µs per call; the variants of a repeat run back to back in a rotating order,
 * so load on a shared machine falls on all of them alike; quote ratios. The load average is printed.
 */
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { CheckedLoopback, type HostOwner } from '../src-main/engine/vm/index';
import { ownerClient, plainCheck, type HostOwnerCalls } from '../src-main/engine/index';
import { blockingChannel, callAll, type BlockingCallClient } from '../src-main/node/workers/blockingCallClient';
import { serveOwner, WorkerOwnerTransport } from '../src-main/node/workers/ownerOverWorker';
import type { BlockingCallEnd } from '../src-main/node/workers/blockingCallProtocol';
import { median } from './abPairs';

/** The stand-in owner: HostOwner's call shapes, no work. */
function stubOwner(): object {
  const ports = new Map<string, (ask: { batches: [] }) => unknown>();
  return {
    freeFrames: () => 1234,
    openSender: (o: { members: string[] }, port: (ask: { batches: [] }) => unknown) => { ports.set(o.members[0], port); },
    senderStep: (key: string) => { ports.get(key)!({ batches: [] }); return {}; },
    receiverApply: (_key: string, batch: { buffer: ArrayBuffer; length: number }) => batch.buffer,
    runSegment: (_t0: number, _t1: number) => undefined,
  };
}

if (!isMainThread) {
  serveOwner((workerData as { end: BlockingCallEnd }).end, stubOwner());
} else {
  const { values } = parseArgs({
    options: { calls: { type: 'string', default: '2000' }, repeats: { type: 'string', default: '7' }, workers: { type: 'string', default: '1,2' } },
  });
  const CALLS = Number(values.calls);
  const REPEATS = Number(values.repeats);
  const KS = values.workers.split(',').map(Number);
  const here = fileURLToPath(import.meta.url);
  const bootstrap = join(dirname(here), '..', 'src-main', 'node', 'workers', 'tsWorkerBootstrap.mjs');

  const workers: Worker[] = [];
  const startWorker = (): BlockingCallClient => {
    const { client, workerEnd } = blockingChannel();
    const w = new Worker(bootstrap, { workerData: { __entry: pathToFileURL(here).href, end: workerEnd }, transferList: [workerEnd.port] });
    workers.push(w);
    return client;
  };

  const clone = (v: unknown, transfer: ArrayBuffer[]): unknown => structuredClone(v, { transfer });
  const direct = stubOwner() as unknown as HostOwnerCalls;
  const loopback = ownerClient('host-1' as never, new CheckedLoopback(stubOwner() as unknown as HostOwner, plainCheck([]), clone));
  const clients = KS.length > 0 ? Array.from({ length: Math.max(...KS) }, startWorker) : [];
  const overWorker = ownerClient('host-1' as never, new WorkerOwnerTransport(clients[0]));
  overWorker.freeFrames(); // waits for the worker to be up
  for (const c of clients) c.call('freeFrames', []);

  const ways: [string, HostOwnerCalls][] = [['direct', direct], ['checkedLoopback', loopback], ['worker', overWorker]];
  const answer = () => ({ bytes: undefined, spare: [] });
  for (const [, owner] of ways) owner.openSender({ members: ['vm-ask'] } as never, answer as never);
  overWorker.openSender({ members: ['vm-same'] } as never, (() => { sink += overWorker.freeFrames(); return answer(); }) as never);
  const otherWorker = clients.length > 1 ? ownerClient('host-2' as never, new WorkerOwnerTransport(clients[1])) : undefined;
  otherWorker?.openSender({ members: ['vm-ask'] } as never, answer as never);
  overWorker.openSender({ members: ['vm-other'] } as never, (() => { sink += otherWorker!.freeFrames(); return answer(); }) as never);
  /** µs per call of `body` run CALLS times. */
  const time = (body: () => void): number => {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) body();
    return ((performance.now() - t0) * 1000) / CALLS;
  };
  let sink = 0;
  const variants: [string, () => number][] = [];
  for (const [way, owner] of ways) {
    variants.push([`tiny.${way}`, () => time(() => { sink += owner.freeFrames(); })]);
    let buffer = new ArrayBuffer(64 * 1024);
    variants.push([`buffer64k.${way}`, () => time(() => { buffer = owner.receiverApply('vm-1' as never, { buffer, length: 1 }); sink += buffer.byteLength; })]);
    variants.push([`ask.${way}`, () => time(() => { owner.senderStep('vm-ask' as never, {} as never); })]);
  }
  variants.push(['nestedSame.worker', () => time(() => { overWorker.senderStep('vm-same' as never, {} as never); })]);
  if (otherWorker) variants.push(['nestedOther.worker', () => time(() => { overWorker.senderStep('vm-other' as never, {} as never); })]);
  for (const k of KS) {
    const round = clients.slice(0, k).map((client) => ({ client, method: 'runSegment', args: [0, 10_000_000] }));
    variants.push([`callAll.k${k}`, () => time(() => { callAll(round); })]);
  }

  const loadStart = loadavg()[0];
  const samples = new Map<string, number[]>(variants.map(([n]) => [n, []]));
  for (const [, run] of variants) run(); // warm up every path once
  for (let r = 0; r < REPEATS; r++) {
    for (let j = 0; j < variants.length; j++) {
      const [name, run] = variants[(j + r) % variants.length];
      samples.get(name)!.push(run());
    }
  }
  const us: Record<string, number> = {};
  for (const [name, xs] of samples) us[name] = Math.round(median(xs) * 100) / 100;
  const ratio = (a: string, b: string): number => Math.round((us[a] / us[b]) * 10) / 10;
  console.log(JSON.stringify({
    bench: 'owner-calls', calls: CALLS, repeats: REPEATS, loadavg: { start: loadStart, end: loadavg()[0] }, cpus: cpus().length,
    medianUsPerCall: us,
    ratios: {
      tinyLoopbackOverDirect: ratio('tiny.checkedLoopback', 'tiny.direct'), tinyWorkerOverLoopback: ratio('tiny.worker', 'tiny.checkedLoopback'),
      askWorkerOverTinyWorker: ratio('ask.worker', 'tiny.worker'), askWorkerOverLoopback: ratio('ask.worker', 'ask.checkedLoopback'),
      nestedSameOverAskWorker: ratio('nestedSame.worker', 'ask.worker'),
      ...(otherWorker ? { nestedOtherOverAskWorker: ratio('nestedOther.worker', 'ask.worker') } : {}),
      bufferLoopbackOverDirect: ratio('buffer64k.checkedLoopback', 'buffer64k.direct'), bufferWorkerOverLoopback: ratio('buffer64k.worker', 'buffer64k.checkedLoopback'),
      ...(KS.includes(1) && KS.includes(2) ? { callAllK2OverK1: ratio('callAll.k2', 'callAll.k1') } : {}),
    },
    sink: sink > 0,
  }, null, 2));
  await Promise.all(workers.map((w) => w.terminate()));
}
