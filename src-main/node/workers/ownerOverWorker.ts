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
 * fault port) is refused here — on a worker it must cross as a call back to the coordinator inside the
 * call, which is not built yet; no lab runs its owners on workers yet (`--workers N` comes with that).
 */
import {
  OWNER_CALL_NAMES, OWNER_CALLBACKS, OWNER_METHODS, OWNER_MOVES, OWNER_READS, OwnerCallError, type OwnerCallName, type OwnerTransport,
} from '../../engine/index';
import type { BlockingCallEnd } from './blockingCallProtocol';
import { WorkerCallError, type BlockingCallClient } from './blockingCallClient';
import { serveBlockingCalls } from './blockingCallServer';

export class WorkerOwnerTransport implements OwnerTransport {
  constructor(private readonly client: BlockingCallClient) {}

  call(name: OwnerCallName, args: unknown[]): unknown {
    if (name in OWNER_CALLBACKS) throw new OwnerCallError(name, `${name} takes a callback, which cannot cross to a worker yet`);
    const moves = (OWNER_MOVES as Record<string, { args?: (a: never) => ArrayBuffer[] } | undefined>)[name];
    try {
      return this.client.call(name, args, moves?.args ? moves.args(args as never) : []);
    } catch (e) {
      if (e instanceof WorkerCallError && e.kind === 'failed') throw new OwnerCallError(name, e.message);
      throw e;
    }
  }
}

/** Serves `owner`'s calls on `end` (in the worker that holds it). */
export function serveOwner(end: BlockingCallEnd, owner: object): void {
  const o = owner as Record<string, unknown>;
  const target: Record<string, (...args: unknown[]) => unknown> = {};
  for (const m of OWNER_METHODS) target[m] = (...args) => (o[m] as (...a: unknown[]) => unknown).apply(owner, args);
  for (const r of OWNER_READS) target[r] = () => o[r];
  serveBlockingCalls(end, target, OWNER_CALL_NAMES, (method, reply) => {
    const moves = (OWNER_MOVES as Record<string, { reply?: (r: never) => ArrayBuffer[] } | undefined>)[method];
    return moves?.reply ? moves.reply(reply as never) : [];
  });
}
