// A target whose calls take callbacks (callbacks.test.ts): served in a worker thread over blocking calls,
// or called directly in one thread for the same test's reference order. It keeps a log of what ran, asks
// once, keeps a port for later calls, sends a buffer with an ask, and recurses through asks.
import { isMainThread, workerData } from 'node:worker_threads';
import { serveBlockingCalls } from '../../../src-main/node/workers/blockingCallServer';
import type { BlockingCallEnd } from '../../../src-main/node/workers/blockingCallProtocol';

type Port = (x: unknown) => unknown;

export function callbackTarget(name: string): Record<string, (...a: never[]) => unknown> {
  const log: string[] = [];
  let kept: Port | undefined;
  return {
    echo: (x: unknown) => x,
    note: (what: string) => { log.push(`${name}:${what}`); return log.length; },
    log: () => [...log],
    die: () => process.exit(3),
    hang: (ms: number) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); return 'late'; },
    fail: (message: string) => { throw new RangeError(message); },
    askOnce: (port: Port, x: unknown) => port(x),
    askCatching: (port: Port) => { try { return port(1); } catch (e) { return `${(e as Error).name}: ${(e as Error).message}`; } },
    outer: (port: Port) => {
      log.push(`${name}:outer start`);
      const got = port('mid');
      log.push(`${name}:outer end`);
      return { got, log: [...log] };
    },
    keep: (port: Port) => { kept = port; },
    useKept: (x: unknown) => kept!(x),
    sendBatch: (port: Port, size: number) => {
      const buf = new ArrayBuffer(size);
      new Uint8Array(buf).fill(9);
      const spare = port({ buf }) as ArrayBuffer;
      return { leftDetached: buf.byteLength === 0, spareBytes: spare.byteLength };
    },
    recurse: (port: Port, n: number) => (n === 0 ? 0 : 1 + (port(n - 1) as number)),
  };
}

if (!isMainThread) {
  const { end, name } = workerData as { end: BlockingCallEnd; name: string };
  const target = callbackTarget(name);
  serveBlockingCalls(end, target, new Set(Object.keys(target)), {
    ask: (method, _index, arg) => (method === 'sendBatch' ? [(arg as { buf: ArrayBuffer }).buf] : []),
  });
}
