/**
 * blockingCallServer — the worker's side of a blocking call (`blockingCallProtocol.ts`): serves calls on
 * a target object, one at a time, in the order they arrive.
 *
 * Interface: `serveBlockingCalls(end, target, allowed, replyMoves?)` — `end` is what the coordinator's
 * `blockingChannel()` gave the worker; each call's method must be in `allowed` and its args an array
 * (else an error reply, never a throw here); the reply (or the target's error, as its name and message)
 * is posted with the buffers `replyMoves(method, reply)` names transferred, then the signal's reply count
 * is bumped and the coordinator woken. A worker that exits sets the signal's exit word first, so a
 * coordinator blocked on it fails at once instead of waiting out its bound.
 *
 * Rules: the reply is posted before the count moves, so the coordinator finds it with
 * `receiveMessageOnPort` as soon as it wakes.
 */
import { EXITED, REPLIES, requestProblem, type BlockingCallEnd, type CallReply, type CallRequest } from './blockingCallProtocol';

export function serveBlockingCalls(
  end: BlockingCallEnd,
  target: object,
  allowed: ReadonlySet<string>,
  replyMoves: (method: string, reply: unknown) => ArrayBuffer[] = () => [],
): void {
  const { port, signal } = end;
  const answer = (reply: CallReply, transfer: ArrayBuffer[] = []): void => {
    port.postMessage(reply, transfer);
    Atomics.add(signal, REPLIES, 1);
    Atomics.notify(signal, REPLIES);
  };
  process.on('exit', () => {
    Atomics.store(signal, EXITED, 1);
    Atomics.notify(signal, REPLIES);
  });
  port.on('message', (msg: unknown) => {
    const problem = requestProblem(msg, allowed);
    const id = typeof msg === 'object' && msg !== null && Number.isSafeInteger((msg as { id?: unknown }).id) ? (msg as { id: number }).id : -1;
    if (problem) { answer({ id, ok: false, error: { name: 'InvalidCall', message: problem } }); return; }
    const call = msg as CallRequest;
    const f = (target as Record<string, unknown>)[call.method];
    if (typeof f !== 'function') { answer({ id, ok: false, error: { name: 'InvalidCall', message: `no method ${call.method}` } }); return; }
    let reply: unknown;
    try {
      reply = (f as (...a: unknown[]) => unknown).apply(target, call.args);
    } catch (e) {
      answer({ id, ok: false, error: { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) } });
      return;
    }
    answer({ id, ok: true, reply }, reply === undefined ? [] : replyMoves(call.method, reply));
  });
}
