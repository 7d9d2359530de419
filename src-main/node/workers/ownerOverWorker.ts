/**
 * ownerOverWorker — a host owner's calls (`engine/vm/ownerCalls.ts`) carried by blocking calls to a
 * worker thread: the coordinator's `WorkerOwnerTransport` (an engine `OwnerTransport`, for `ownerClient`)
 * and the worker's `serveOwner`.
 *
 * Interface:
 *  - `new WorkerOwnerTransport(client)`: each call sent with the buffers `OWNER_MOVES` lists for its
 *    arguments transferred; the owner's error thrown here as the engine's `OwnerCallError` (its message).
 *  - `serveOwner(end, owner)`: the owner's methods and getters (`OWNER_CALL_NAMES`, the allow-list) served
 *    on `end`, each reply's moving buffers transferred back.
 *
 * Rules: a call with a callback argument (`OWNER_CALLBACKS`: the sender half's port, post-copy's urgent
 * fault port) registers the function with the client and sends its id in the argument's place; the owner
 * on the worker gets a function that asks the coordinator (the ask's and answer's buffers transferred as
 * the entry lists). The owner keeps such a port past the call, so the registration is filed under the
 * entry's key and released after a call in its `releasedBy` with that key (`closeSender`;
 * `destinationEndPostcopy` / `closeDestination`) — or when the call that gave it fails. A second call
 * giving a port for a key still held releases the old one. No lab runs its owners on workers yet
 * (`--workers N` comes with that).
 */
import {
  OWNER_CALL_NAMES, OWNER_CALLBACKS, OWNER_METHODS, OWNER_MOVES, OWNER_READS, OwnerCallError, type CallbackMoves, type OwnerCallName, type OwnerMethod, type OwnerTransport,
} from '../../engine/index';
import type { BlockingCallEnd } from './blockingCallProtocol';
import { WorkerCallError, type BlockingCallClient } from './blockingCallClient';
import { serveBlockingCalls } from './blockingCallServer';

const callbackOf = (name: string): CallbackMoves | undefined => (OWNER_CALLBACKS as Record<string, CallbackMoves | undefined>)[name];

/** For each release call, the callback calls whose ports it ends. */
const RELEASES = new Map<string, OwnerMethod[]>();
for (const [giver, c] of Object.entries(OWNER_CALLBACKS) as [OwnerMethod, CallbackMoves][]) {
  for (const r of c.releasedBy) RELEASES.set(r, [...(RELEASES.get(r) ?? []), giver]);
}

export class WorkerOwnerTransport implements OwnerTransport {
  /** Kept ports' callback ids, by the call that gave them and its key. */
  private readonly kept = new Map<string, Map<unknown, number>>();

  constructor(private readonly client: BlockingCallClient) {}

  call(name: OwnerCallName, args: unknown[]): unknown {
    const moves = (OWNER_MOVES as Record<string, { args?: (a: never) => ArrayBuffer[] } | undefined>)[name];
    const transfer = moves?.args ? moves.args(args as never) : [];
    const callback = callbackOf(name);
    try {
      if (!callback) {
        const reply = this.client.call(name, args, transfer);
        for (const giver of RELEASES.get(name) ?? []) this.release(giver, args[0]);
        return reply;
      }
      const fn = args[callback.index];
      if (typeof fn !== 'function') throw new OwnerCallError(name, `${name}'s argument ${callback.index} is a function`);
      const key = callback.key(args as never);
      const cb = this.client.register(fn as (x: never) => unknown, callback.answer);
      const sent = [...args];
      sent[callback.index] = null;
      try {
        const reply = this.client.call(name, sent, transfer, this.client.timeoutMs, [{ index: callback.index, cb }]);
        this.release(name, key);
        const byKey = this.kept.get(name) ?? new Map<unknown, number>();
        byKey.set(key, cb);
        this.kept.set(name, byKey);
        return reply;
      } catch (e) {
        this.client.release(cb);
        throw e;
      }
    } catch (e) {
      if (e instanceof WorkerCallError && e.kind === 'failed') throw new OwnerCallError(name, e.message);
      throw e;
    }
  }

  private release(giver: string, key: unknown): void {
    const cb = this.kept.get(giver)?.get(key);
    if (cb === undefined) return;
    this.client.release(cb);
    this.kept.get(giver)!.delete(key);
  }
}

/** Serves `owner`'s calls on `end` (in the worker that holds it). */
export function serveOwner(end: BlockingCallEnd, owner: object): void {
  const o = owner as Record<string, unknown>;
  const target: Record<string, (...args: unknown[]) => unknown> = {};
  for (const m of OWNER_METHODS) target[m] = (...args) => (o[m] as (...a: unknown[]) => unknown).apply(owner, args);
  for (const r of OWNER_READS) target[r] = () => o[r];
  serveBlockingCalls(end, target, OWNER_CALL_NAMES, {
    reply: (method, reply) => {
      const moves = (OWNER_MOVES as Record<string, { reply?: (r: never) => ArrayBuffer[] } | undefined>)[method];
      return moves?.reply ? moves.reply(reply as never) : [];
    },
    ask: (method, _index, arg) => callbackOf(method)?.ask?.(arg as never) ?? [],
  });
}
