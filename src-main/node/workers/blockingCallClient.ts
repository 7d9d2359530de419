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
 *  - `callAll(calls, failedAt?)`: posts one call to each of K clients, then waits for all (the workers run
 *    at once: a segment's hosts); the replies in the calls' order, or the first error once all are in
 *    (`failedAt(index)` told which call it came from).
 *  - Callbacks: `client.register(fn, answerMoves?)` → a callback id; a call names it in a slot
 *    (`call(method, args, transfer, boundMs, [{ index, cb }])`) and the worker's target gets, at that
 *    argument, a function that asks. `client.release(cb)` forgets it; an ask on a released id is
 *    answered with an error.
 *  - `client.close()`: the coordinator's port closed, for good (the host worker pool's `close()`, when its
 *    lab is dropped or replaced, closes each worker's client before it terminates the thread).
 *
 * Rules: a reply is matched by id; one left over from a call that timed out is dropped when it comes.
 * The wait looks up every `WORKER_CALL_POLL_MS` to see whether the worker exited. While it waits for a
 * reply, the client answers the worker's asks as they come: it calls the registered function (which may
 * call any worker, this one included: the worker serves such a nested call while it waits for the
 * answer), posts its value (the buffers `answerMoves` names transferred) or its error, and goes on
 * waiting. A callback that throws is answered with its name and message; if the worker's call lets that
 * `CallbackError` out, the call's `WorkerCallError` carries the callback's own exception as its `cause`.
 * Answers nest at most `WORKER_CALL_NEST_MAX` deep. A callback lives from `register` to `release`, so one
 * given at a call and kept by the worker's target can be asked in later calls (the owner's sender port).
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { WORKER_CALL_NEST_MAX, WORKER_CALL_POLL_MS, WORKER_CALL_TIMEOUT_MS } from '../limits';
import {
  askProblem, asRemote, EXITED, isAsk, nestedTooDeep, REPLIES, replyProblem, SIGNAL_WORDS, TO_WORKER,
  type BlockingCallEnd, type CallbackAnswer, type CallbackAsk, type CallbackSlot, type CallReply,
} from './blockingCallProtocol';

export type WorkerCallFailure = 'failed' | 'timeout' | 'exited' | 'invalid';

export class WorkerCallError extends Error {
  constructor(readonly kind: WorkerCallFailure, readonly method: string, message: string, readonly remoteName?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'WorkerCallError';
  }
}

interface Registered { fn: (arg: never) => unknown; answerMoves?: (value: never) => ArrayBuffer[] }

/** Answers being computed, over all clients: a nested call's asks count on top of the outer ones. */
let answering = 0;

export class BlockingCallClient {
  private nextId = 1;
  private nextCb = 1;
  /** Messages read so far (the signal's count the next wait starts from). */
  private seen = 0;
  private readonly callbacks = new Map<number, Registered>();
  /** The exceptions of callbacks answered during the calls now waiting (the newest is a failed call's cause). */
  private readonly callbackFailures: unknown[] = [];

  constructor(private readonly port: MessagePort, private readonly signal: Int32Array, readonly timeoutMs = WORKER_CALL_TIMEOUT_MS) {}

  /** One call; `boundMs` (the client's bound by default) is how long to wait for its reply. */
  call(method: string, args: unknown[], transfer: ArrayBuffer[] = [], boundMs = this.timeoutMs, callbacks?: CallbackSlot[]): unknown {
    const id = this.post(method, args, transfer, callbacks);
    const failures = this.callbackFailures.length;
    try {
      return this.settle(method, this.wait(method, id, performance.now() + boundMs, boundMs));
    } finally {
      this.callbackFailures.length = failures;
    }
  }

  /** Sends a call without waiting (`callAll`); its id. Callback slots carry ids from `register`. */
  post(method: string, args: unknown[], transfer: ArrayBuffer[] = [], callbacks?: CallbackSlot[]): number {
    const id = this.nextId++;
    this.port.postMessage(callbacks ? { id, method, args, callbacks } : { id, method, args }, transfer);
    this.bump();
    return id;
  }

  /** A function the worker may ask (while a call of this client waits), until `release`. */
  register(fn: (arg: never) => unknown, answerMoves?: (value: never) => ArrayBuffer[]): number {
    const cb = this.nextCb++;
    this.callbacks.set(cb, { fn, answerMoves });
    return cb;
  }

  release(cb: number): void {
    this.callbacks.delete(cb);
  }

  /** Callbacks registered and not released (a test's check that releases happen). */
  get registered(): number {
    return this.callbacks.size;
  }

  /** Wakes a worker blocked in an ask: a message is there for it. */
  private bump(): void {
    Atomics.add(this.signal, TO_WORKER, 1);
    Atomics.notify(this.signal, TO_WORKER);
  }

  /** Answers one ask: the registered function called, its value or error posted back. */
  private answer(msg: unknown): void {
    const problem = askProblem(msg);
    const ask = msg as CallbackAsk;
    const reply = (a: CallbackAnswer, transfer: ArrayBuffer[] = []): void => { this.port.postMessage(a, transfer); this.bump(); };
    const id = problem ? -1 : ask.ask;
    const r = problem ? undefined : this.callbacks.get(ask.cb);
    if (!r) { reply({ answer: id, ok: false, error: { name: 'InvalidAsk', message: problem ?? `no callback ${ask.cb} (released or never given)` } }); return; }
    if (answering >= WORKER_CALL_NEST_MAX) { reply({ answer: id, ok: false, error: nestedTooDeep() }); return; }
    let value: unknown;
    answering++;
    try {
      value = r.fn(ask.arg as never);
    } catch (e) {
      this.callbackFailures.push(e);
      reply({ answer: id, ok: false, error: asRemote(e) });
      return;
    } finally {
      answering--;
    }
    reply({ answer: id, ok: true, value }, r.answerMoves && value !== undefined ? r.answerMoves(value as never) : []);
  }

  /** Blocks until the reply to call `id`, the worker's exit, or `deadline` (performance.now() ms). */
  wait(method: string, id: number, deadline: number, boundMs = this.timeoutMs): CallReply {
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        this.seen++;
        const msg: unknown = got.message;
        if (isAsk(msg)) { this.answer(msg); continue; }
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
    const cause = reply.error.name === 'CallbackError' ? this.callbackFailures.at(-1) : undefined;
    throw new WorkerCallError('failed', method, reply.error.message, reply.error.name, cause);
  }

  /** The channel ends here: the port closed (the worker's end closes with it). */
  close(): void {
    this.port.close();
  }
}

/** A channel for blocking calls: the coordinator's client and the end the worker serves (both bounded by `timeoutMs`). */
export function blockingChannel(timeoutMs?: number): { client: BlockingCallClient; workerEnd: BlockingCallEnd } {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(SIGNAL_WORDS * Int32Array.BYTES_PER_ELEMENT));
  return { client: new BlockingCallClient(port1, signal, timeoutMs), workerEnd: { port: port2, signal, timeoutMs } };
}

export interface FanOutCall { client: BlockingCallClient; method: string; args: unknown[]; transfer?: ArrayBuffer[]; callbacks?: CallbackSlot[] }

/** One call to each client, all posted before any wait: the workers run them at the same time. The first
 *  error (in the calls' order) is thrown once all are in; `failedAt` learns which call gave it. */
export function callAll(calls: readonly FanOutCall[], failedAt?: (index: number) => void): unknown[] {
  const ids = calls.map((c) => c.client.post(c.method, c.args, c.transfer, c.callbacks));
  const deadline = performance.now() + Math.max(0, ...calls.map((c) => c.client.timeoutMs));
  const replies: unknown[] = [];
  let first: unknown;
  calls.forEach((c, i) => {
    try {
      replies.push(c.client.settle(c.method, c.client.wait(c.method, ids[i], deadline)));
    } catch (e) {
      if (first === undefined) failedAt?.(i);
      first ??= e;
      replies.push(undefined);
    }
  });
  if (first !== undefined) throw first;
  return replies;
}
