/**
 * ownerOverWorker — a host owner's calls (`engine/vm/ownerCalls.ts`) carried by blocking calls to a
 * worker thread: the coordinator's `WorkerOwnerTransport` (an engine `OwnerTransport`, for `ownerClient`)
 * and the worker's `serveOwner`.
 *
 * Interface:
 *  - `new WorkerOwnerTransport(client, hostId?)`: each call sent with the buffers `OWNER_MOVES` lists for
 *    its arguments transferred; the owner's error thrown here as the engine's `OwnerCallError` (its
 *    message). With `hostId` (a worker holding several hosts' owners) every call's arguments start with it.
 *  - `serveOwner(end, owner)`: the owner's methods and getters (`OWNER_CALL_NAMES`, the allow-list) served
 *    on `end`, each reply's moving buffers transferred back.
 *  - `serveHostOwners(end, hosts)`: the same calls for several owners, each call's first argument the
 *    host id (`hosts.owner(id)` finds it, or throws), plus `hosts`' own calls (`HOST_WORKER_CALLS`: `addHost(data)`,
 *    `runSegments(t0, t1, due)`, `runStretch(fromMs, endsMs, due)` (several quanta, each quantum's per-host
 *    barrier steps made here but the last's: `hostWorker.ts`), `callEach(calls, due)`: several owner calls in one message — `[hostId, name,
 *    args][]`, names from `FANNED_OWNER_CALLS` only — run in the order given, the replies as one array;
 *    `closeQuantums(due)`), still an allow-list. `due` (`[hostId, lengthNs][]`, may be absent): quantums the
 *    coordinator closed from the segment's reply (`hostWorkerPool.ts`), closed here first — each host's
 *    `endQuantum` runs before anything else reaches the host, as it ran on the coordinator.
 *
 * Rules: a call with a callback argument (`OWNER_CALLBACKS`: the sender half's port, post-copy's urgent
 * fault port) registers the function with the client and sends its id in the argument's place; the owner
 * on the worker gets a function that asks the coordinator (the ask's and answer's buffers transferred as
 * the entry lists). The owner keeps such a port past the call, so the registration is filed under the
 * entry's key and released after a call in its `releasedBy` with that key (`closeSender`;
 * `destinationEndPostcopy` / `closeDestination`) — or when the call that gave it fails. A second call
 * giving a port for a key still held releases the old one. The pool of host workers
 * (`hostWorkerPool.ts`) reaches each of its hosts through one such transport.
 */
import type { HostId } from '@shared/model/ids';
import {
  FANNED_OWNER_CALLS, OWNER_CALL_NAMES, OWNER_CALLBACKS, OWNER_METHODS, OWNER_MOVES, OWNER_READS, OwnerCallError, type CallbackMoves, type OwnerCallName, type OwnerMethod, type OwnerTransport,
} from '../../engine/index';
import type { BlockingCallEnd } from './blockingCallProtocol';
import { WorkerCallError, type BlockingCallClient } from './blockingCallClient';
import { serveBlockingCalls, type ServedMoves } from './blockingCallServer';

const callbackOf = (name: string): CallbackMoves | undefined => (OWNER_CALLBACKS as Record<string, CallbackMoves | undefined>)[name];

/** For each release call, the callback calls whose ports it ends. */
const RELEASES = new Map<string, OwnerMethod[]>();
for (const [giver, c] of Object.entries(OWNER_CALLBACKS) as [OwnerMethod, CallbackMoves][]) {
  for (const r of c.releasedBy) RELEASES.set(r, [...(RELEASES.get(r) ?? []), giver]);
}

export class WorkerOwnerTransport implements OwnerTransport {
  /** Kept ports' callback ids, by the call that gave them and its key. */
  private readonly kept = new Map<string, Map<unknown, number>>();

  /** Where the owner's own arguments start in a message (1 when the host id goes first). */
  private readonly shift: number;

  constructor(private readonly client: BlockingCallClient, private readonly hostId?: HostId) {
    this.shift = hostId === undefined ? 0 : 1;
  }

  call(name: OwnerCallName, args: unknown[]): unknown {
    const moves = (OWNER_MOVES as Record<string, { args?: (a: never) => ArrayBuffer[] } | undefined>)[name];
    const transfer = moves?.args ? moves.args(args as never) : [];
    const callback = callbackOf(name);
    try {
      if (!callback) {
        const reply = this.client.call(name, this.hostId === undefined ? args : [this.hostId, ...args], transfer);
        const givers = RELEASES.get(name);
        if (givers) for (const giver of givers) this.release(giver, args[0]);
        return reply;
      }
      const fn = args[callback.index];
      if (typeof fn !== 'function') throw new OwnerCallError(name, `${name}'s argument ${callback.index} is a function`);
      const key = callback.key(args as never);
      const cb = this.client.register(fn as (x: never) => unknown, callback.answer);
      const sent = this.hostId === undefined ? [...args] : [this.hostId, ...args];
      sent[callback.index + this.shift] = null;
      try {
        const reply = this.client.call(name, sent, transfer, this.client.timeoutMs, [{ index: callback.index + this.shift, cb }]);
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

/** What an owner's reply and asks move (transferred back to the coordinator). */
const OWNER_SERVED_MOVES: ServedMoves = {
  reply: (method, reply) => {
    const moves = (OWNER_MOVES as Record<string, { reply?: (r: never) => ArrayBuffer[] } | undefined>)[method];
    return moves?.reply ? moves.reply(reply as never) : [];
  },
  ask: (method, _index, arg) => callbackOf(method)?.ask?.(arg as never) ?? [],
};

type Served = Record<string, (...args: unknown[]) => unknown>;

/** Serves `owner`'s calls on `end` (in the worker that holds it). */
export function serveOwner(end: BlockingCallEnd, owner: object): void {
  const o = owner as Record<string, unknown>;
  const target: Served = {};
  for (const m of OWNER_METHODS) target[m] = (...args) => (o[m] as (...a: unknown[]) => unknown).apply(owner, args);
  for (const r of OWNER_READS) target[r] = () => o[r];
  serveBlockingCalls(end, target, OWNER_CALL_NAMES, OWNER_SERVED_MOVES);
}

/** A host worker's own calls, beside its owners' (which take the host id first). */
export const HOST_WORKER_CALLS = ['addHost', 'runSegments', 'runStretch', 'callEach', 'closeQuantums'] as const;

const FANNED: ReadonlySet<string> = new Set(FANNED_OWNER_CALLS);

/** What a worker holding several hosts' owners serves (`hostWorker.ts`). */
export interface HostOwners {
  /** Builds a host's side and owner from its plain data (`HostSideData`). */
  addHost(data: unknown): void;
  /** The owner of `hostId`; throws when the worker holds none. */
  owner(hostId: unknown): object;
  /** Every held host runs the segment [t0, t1) (the quantums due closed first); the reply is the worker's
   *  (what rides on the segment). */
  runSegments(t0: number, t1: number): unknown;
  /** Every held host runs the quanta from `fromMs` to each of `endsMs` in turn, with each quantum's per-host
   *  barrier steps but the last's (the quantums due closed first); the reply is the worker's. */
  runStretch(fromMs: number, endsMs: readonly number[]): unknown;
}

/** Serves several owners' calls on `end`, each call's first argument its host id, and the worker's own calls. */
export function serveHostOwners(end: BlockingCallEnd, hosts: HostOwners): void {
  const target: Served = {};
  for (const m of OWNER_METHODS) {
    target[m] = (hostId, ...a) => {
      const owner = hosts.owner(hostId) as Record<string, (...x: unknown[]) => unknown>;
      return owner[m].apply(owner, a);
    };
  }
  for (const r of OWNER_READS) target[r] = (hostId) => (hosts.owner(hostId) as Record<string, unknown>)[r];
  target.addHost = (data) => hosts.addHost(data);
  const closeQuantums = (due: unknown): void => {
    if (due === undefined || due === null) return;
    if (!Array.isArray(due)) throw new TypeError('the quantums due need a list of [hostId, lengthNs]');
    for (const [hostId, lengthNs] of due as [unknown, unknown][]) target.endQuantum(hostId, lengthNs);
  };
  target.closeQuantums = closeQuantums;
  target.runSegments = (t0, t1, due) => { closeQuantums(due); return hosts.runSegments(t0 as number, t1 as number); };
  target.runStretch = (fromMs, endsMs, due) => {
    closeQuantums(due);
    if (typeof fromMs !== 'number' || !Array.isArray(endsMs) || endsMs.some((t) => typeof t !== 'number')) throw new TypeError('runStretch needs a start and a list of quantum ends (ms)');
    return hosts.runStretch(fromMs, endsMs as number[]);
  };
  target.callEach = (calls, due) => {
    closeQuantums(due);
    if (!Array.isArray(calls)) throw new TypeError('callEach needs a list of [hostId, name, args]');
    return calls.map((c: unknown) => {
      const [hostId, name, args] = Array.isArray(c) ? (c as unknown[]) : [];
      if (typeof name !== 'string' || !FANNED.has(name) || !Array.isArray(args)) {
        throw new TypeError(`callEach carries only ${[...FANNED].join(', ')} with an argument list, got ${JSON.stringify(name)}`);
      }
      return target[name](hostId, ...(args as unknown[]));
    });
  };
  serveBlockingCalls(end, target, new Set([...OWNER_CALL_NAMES, ...HOST_WORKER_CALLS]), OWNER_SERVED_MOVES);
}
