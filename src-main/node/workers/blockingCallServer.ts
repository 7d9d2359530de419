/**
 * blockingCallServer — the worker's side of a blocking call (`blockingCallProtocol.ts`): serves calls on
 * a target object, one at a time, in the order they arrive, and lets a call ask the coordinator.
 *
 * Interface: `serveBlockingCalls(end, target, allowed, moves?)` — `end` is what the coordinator's
 * `blockingChannel()` gave the worker; each call's method must be in `allowed` and its args an array
 * (else an error reply, never a throw here); the reply (or the target's error, as its name and message)
 * is posted with the buffers `moves.reply(method, reply)` names transferred, then the signal's count is
 * bumped and the coordinator woken. A call's `callbacks` slots get a function in place of the argument:
 * called, it posts an ask (its argument's buffers `moves.ask(method, index, arg)` transferred) and blocks
 * until the coordinator's answer — its value returned, or a `CallbackError` thrown carrying the
 * coordinator's error. A worker that exits sets the signal's exit word first, so a coordinator blocked on
 * it fails at once instead of waiting out its bound.
 *
 * Rules (nesting): while blocked in an ask the worker serves the calls that arrive for it (the
 * coordinator, answering, may call this worker), each to its reply, then goes on waiting for its answer —
 * the same order as one thread, where the callback would call the owner directly. Calls nest at most
 * `WORKER_CALL_NEST_MAX` deep (a deeper one gets an error reply). An ask waits at most the end's bound
 * (`WORKER_CALL_TIMEOUT_MS`): a coordinator that never answers gives a `CallbackTimeout` error (its late
 * answer, if it comes, is dropped). A callback function may be kept and called in a later call: the
 * coordinator answers it while it keeps the callback registered (see `blockingCallClient.ts`); after that
 * the ask gets an error answer.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import { WORKER_CALL_NEST_MAX, WORKER_CALL_POLL_MS, WORKER_CALL_TIMEOUT_MS } from '../limits';
import {
  answerProblem, asRemote, EXITED, isAnswer, nestedTooDeep, REPLIES, requestProblem, TO_WORKER,
  type BlockingCallEnd, type CallbackAnswer, type CallbackAsk, type CallReply, type CallRequest, type RemoteError,
} from './blockingCallProtocol';

/** The buffers that move with a reply and with an ask (transferred: detached in the worker). */
export interface ServedMoves {
  reply?: (method: string, reply: unknown) => ArrayBuffer[];
  ask?: (method: string, index: number, arg: unknown) => ArrayBuffer[];
}

/** An ask the coordinator answered with an error (its callback threw, or it refused the ask). */
export class CallbackError extends Error {
  constructor(message: string, readonly remote: RemoteError) {
    super(message);
    this.name = 'CallbackError';
  }
}

export function serveBlockingCalls(end: BlockingCallEnd, target: object, allowed: ReadonlySet<string>, moves: ServedMoves = {}): void {
  const { port, signal } = end;
  const boundMs = end.timeoutMs ?? WORKER_CALL_TIMEOUT_MS;
  let nextAsk = 1;
  let depth = 0;
  const post = (msg: CallReply | CallbackAsk, transfer: ArrayBuffer[] = []): void => {
    port.postMessage(msg, transfer);
    Atomics.add(signal, REPLIES, 1);
    Atomics.notify(signal, REPLIES);
  };
  process.on('exit', () => {
    Atomics.store(signal, EXITED, 1);
    Atomics.notify(signal, REPLIES);
  });

  /** The function standing for callback `cb` of `method`'s argument `index`: asks and blocks. */
  const asker = (method: string, index: number, cb: number) => (arg: unknown): unknown => {
    const ask = nextAsk++;
    post({ ask, cb, arg }, moves.ask ? moves.ask(method, index, arg) : []);
    const deadline = performance.now() + boundMs;
    for (;;) {
      const seen = Atomics.load(signal, TO_WORKER);
      const got = receiveMessageOnPort(port);
      if (got) {
        const msg: unknown = got.message;
        if (!isAnswer(msg)) { serve(msg); continue; } // a nested call: served before this ask goes on
        const problem = answerProblem(msg);
        if (problem) throw new CallbackError(`the coordinator's answer to ${method}'s callback: ${problem}`, { name: 'InvalidAnswer', message: problem });
        const answer = msg as CallbackAnswer;
        if (answer.answer < ask) continue; // late: the answer to an ask that gave up waiting
        if (answer.answer !== ask) throw new CallbackError(`the coordinator answered ask ${answer.answer} while ask ${ask} waited`, { name: 'InvalidAnswer', message: 'out of order' });
        if (answer.ok) return answer.value;
        throw new CallbackError(`${method}'s callback failed on the coordinator: ${answer.error.name}: ${answer.error.message}`, answer.error);
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        const e = new Error(`the coordinator did not answer ${method}'s callback within ${boundMs} ms`);
        e.name = 'CallbackTimeout';
        throw e;
      }
      Atomics.wait(signal, TO_WORKER, seen, Math.min(remaining, WORKER_CALL_POLL_MS));
    }
  };

  const serve = (msg: unknown): void => {
    const problem = requestProblem(msg, allowed);
    const id = typeof msg === 'object' && msg !== null && Number.isSafeInteger((msg as { id?: unknown }).id) ? (msg as { id: number }).id : -1;
    if (problem) { post({ id, ok: false, error: { name: 'InvalidCall', message: problem } }); return; }
    const call = msg as CallRequest;
    const f = (target as Record<string, unknown>)[call.method];
    if (typeof f !== 'function') { post({ id, ok: false, error: { name: 'InvalidCall', message: `no method ${call.method}` } }); return; }
    if (depth >= WORKER_CALL_NEST_MAX) { post({ id, ok: false, error: nestedTooDeep() }); return; }
    const args = [...call.args];
    for (const { index, cb } of call.callbacks ?? []) args[index] = asker(call.method, index, cb);
    let reply: unknown;
    depth++;
    try {
      reply = (f as (...a: unknown[]) => unknown).apply(target, args);
    } catch (e) {
      post({ id, ok: false, error: asRemote(e) });
      return;
    } finally {
      depth--;
    }
    post({ id, ok: true, reply }, reply === undefined || !moves.reply ? [] : moves.reply(call.method, reply));
  };
  // Outside an ask, an answer can only be a late one (its ask gave up waiting): dropped.
  port.on('message', (msg: unknown) => { if (!isAnswer(msg)) serve(msg); });
}
