/**
 * blockingCallClient — the coordinator's side of a blocking call to a worker thread: the engine is
 * synchronous, so a call to a host's owner on a worker must block until the reply (the HiGHS port's
 * pattern: `Atomics.wait` on a shared counter, the reply read with `receiveMessageOnPort`).
 *
 * Interface:
 *  - `blockingChannel()` → `{ client, workerEnd }`: `workerEnd` goes to the worker (in `workerData`, its
 *    port in the transfer list), which serves it with `serveBlockingCalls`.
 *  - `client.call(method, args, transfer?, boundMs?)` → the reply; the buffers in `transfer` move (detached here).
 *    Throws `WorkerCallError`: `kind` 'failed' (the worker's error: its name in `remoteName`, its message
 *    as the message), 'timeout' (no reply within the bound, `WORKER_CALL_TIMEOUT_MS` by default), 'exited'
 *    (the worker exited before replying), 'invalid' (a reply that is not one).
 *  - `callAll(calls)`: posts one call to each of K clients, then waits for all (the workers run at
 *    once: a segment's hosts); the replies in the calls' order, or the first error once all are in.
 *
 * Rules: a reply is matched by id; one left over from a call that timed out is dropped when it comes.
 * The wait looks up every `WORKER_CALL_POLL_MS` to see whether the worker exited.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { WORKER_CALL_POLL_MS, WORKER_CALL_TIMEOUT_MS } from '../limits';
import { EXITED, REPLIES, replyProblem, SIGNAL_WORDS, type BlockingCallEnd, type CallReply } from './blockingCallProtocol';

export type WorkerCallFailure = 'failed' | 'timeout' | 'exited' | 'invalid';

export class WorkerCallError extends Error {
  constructor(readonly kind: WorkerCallFailure, readonly method: string, message: string, readonly remoteName?: string) {
    super(message);
    this.name = 'WorkerCallError';
  }
}

export class BlockingCallClient {
  private nextId = 1;
  /** Replies read so far (the signal's count the next wait starts from). */
  private seen = 0;

  constructor(private readonly port: MessagePort, private readonly signal: Int32Array, readonly timeoutMs = WORKER_CALL_TIMEOUT_MS) {}

  /** One call; `boundMs` (the client's bound by default) is how long to wait for its reply. */
  call(method: string, args: unknown[], transfer: ArrayBuffer[] = [], boundMs = this.timeoutMs): unknown {
    const id = this.post(method, args, transfer);
    return this.settle(method, this.wait(method, id, performance.now() + boundMs, boundMs));
  }

  /** Sends a call without waiting (`callAll`); its id. */
  post(method: string, args: unknown[], transfer: ArrayBuffer[] = []): number {
    const id = this.nextId++;
    this.port.postMessage({ id, method, args }, transfer);
    return id;
  }

  /** Blocks until the reply to call `id`, the worker's exit, or `deadline` (performance.now() ms). */
  wait(method: string, id: number, deadline: number, boundMs = this.timeoutMs): CallReply {
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        this.seen++;
        const msg: unknown = got.message;
        const problem = replyProblem(msg);
        if (problem) throw new WorkerCallError('invalid', method, `the worker's reply to ${method}: ${problem}`);
        const reply = msg as CallReply;
        if (reply.id === id) return reply;
        if (reply.id === -1 && !reply.ok) throw new WorkerCallError('invalid', method, `the worker refused a call: ${reply.error.message}`);
        continue; // a reply to a call that timed out before
      }
      if (Atomics.load(this.signal, EXITED) !== 0) throw new WorkerCallError('exited', method, `the worker exited before replying to ${method}`);
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new WorkerCallError('timeout', method, `the worker did not reply to ${method} within ${boundMs} ms`);
      Atomics.wait(this.signal, REPLIES, this.seen, Math.min(remaining, WORKER_CALL_POLL_MS));
    }
  }

  /** The reply's value, or its error thrown here. */
  settle(method: string, reply: CallReply): unknown {
    if (reply.ok) return reply.reply;
    throw new WorkerCallError('failed', method, reply.error.message, reply.error.name);
  }

  close(): void {
    this.port.close();
  }
}

/** A channel for blocking calls: the coordinator's client and the end the worker serves. */
export function blockingChannel(timeoutMs?: number): { client: BlockingCallClient; workerEnd: BlockingCallEnd } {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(SIGNAL_WORDS * Int32Array.BYTES_PER_ELEMENT));
  return { client: new BlockingCallClient(port1, signal, timeoutMs), workerEnd: { port: port2, signal } };
}

export interface FanOutCall { client: BlockingCallClient; method: string; args: unknown[]; transfer?: ArrayBuffer[] }

/** One call to each client, all posted before any wait: the workers run them at the same time. */
export function callAll(calls: readonly FanOutCall[]): unknown[] {
  const ids = calls.map((c) => c.client.post(c.method, c.args, c.transfer));
  const deadline = performance.now() + Math.max(0, ...calls.map((c) => c.client.timeoutMs));
  const replies: unknown[] = [];
  let first: unknown;
  calls.forEach((c, i) => {
    try {
      replies.push(c.client.settle(c.method, c.client.wait(c.method, ids[i], deadline)));
    } catch (e) {
      first ??= e;
      replies.push(undefined);
    }
  });
  if (first !== undefined) throw first;
  return replies;
}
