/**
 * ownerTransport — a host owner's calls as messages: the client the lab holds instead of the owner
 * (`ownerClient`), generated from the list of the owner's calls (`ownerCalls.ts`), and the checked
 * loopback transport that carries them in one thread as a host worker would (`CheckedLoopback`).
 *
 * Interface:
 *  - `OwnerTransport.call(name, args)` → the reply (synchronous: the engine blocks on it), or throws
 *    `OwnerCallError` with the owner's message. `ownerClient(hostId, transport)` → a `HostOwnerCalls`
 *    whose every method is one `call({ method, args })`.
 *  - `OwnerTransportMaker` (`LabOptions.ownerTransport`): the transport to one host's owner, given the
 *    owner. Absent: the lab holds the owners themselves (direct: no message, no cost).
 *  - `CheckedLoopback` (made per host by `checkedLoopback(check, clone)`): every argument and reply walked
 *    (`inspectPlain`) and passed through `clone` (`MessageClone`: `structuredClone` with a transfer list,
 *    given by the Node side, as the engine has no host APIs), the buffers `OWNER_MOVES` lists transferred
 *    (the sender's copy detached). A callback argument (`OWNER_CALLBACKS`) is not plain and is not made
 *    to look so: the owner gets a function standing for the call back to the coordinator, whose ask and
 *    answer cross the same way. A part that is not plain throws `NotPlainError` — unless the check lists
 *    it as known (`PlainCheck.known`: "method path", as `inspectPlain` names paths), when that argument or
 *    reply passes by reference, as in one thread, and the entry is counted in `PlainCheck.seen`.
 *
 * Rules: the owner's errors cross as their message only (a worker could send no more); the loopback
 * keeps every call's order and the owner's results, so a lab run through it gives the direct digests.
 */
import type { HostId } from '@shared/model/ids';
import type { HostOwner } from './hostOwner';
import {
  OWNER_CALLBACKS, OWNER_METHODS, OWNER_MOVES, OWNER_READS, type CallbackMoves, type HostOwnerCalls, type OwnerCallName,
} from './ownerCalls';
import { inspectPlain } from './plainData';

export interface OwnerTransport {
  call(name: OwnerCallName, args: unknown[]): unknown;
}

/** The transport to one host's owner (`LabOptions.ownerTransport`). */
export type OwnerTransportMaker = (owner: HostOwner) => OwnerTransport;

/** An error the owner threw, as it crosses: its message. */
export class OwnerCallError extends Error {
  constructor(readonly method: string, message: string) {
    super(message);
    this.name = 'OwnerCallError';
  }
}

/** A call carried something that is not plain data (and not listed as known). */
export class NotPlainError extends Error {
  constructor(readonly parts: string[]) {
    super(`not plain data: ${parts.join('; ')}`);
    this.name = 'NotPlainError';
  }
}

/** A client with the owner's shape: every method and getter is one call through `transport`. */
export function ownerClient(hostId: HostId, transport: OwnerTransport): HostOwnerCalls {
  const client: Record<string, unknown> = { hostId };
  for (const m of OWNER_METHODS) client[m] = (...args: unknown[]) => transport.call(m, args);
  for (const r of OWNER_READS) Object.defineProperty(client, r, { get: () => transport.call(r, []), enumerable: true });
  return client as unknown as HostOwnerCalls;
}

/** What a checked loopback refuses or lets through by reference, shared by every host's transport of a lab. */
export interface PlainCheck {
  /** Known parts that are not plain yet: "method path" (e.g. "start args[0].config.hostMemory"). */
  known: ReadonlySet<string>;
  /** The known entries met so far. */
  seen: Set<string>;
  /** Calls made, by name (what the run exercised). */
  calls: Map<string, number>;
  /** Parts refused (not plain, not known): also thrown, but a task may turn a throw into its own error. */
  refused: string[];
}

export function plainCheck(known: Iterable<string>): PlainCheck {
  return { known: new Set(known), seen: new Set(), calls: new Map(), refused: [] };
}

/** A message's copy as another thread receives it: `structuredClone(value, { transfer })` (the buffers in `transfer` detached here). */
export type MessageClone = (value: unknown, transfer: ArrayBuffer[]) => unknown;

/** A maker of checked loopback transports sharing `check`, cloning with `clone`. */
export function checkedLoopback(check: PlainCheck, clone: MessageClone): OwnerTransportMaker {
  return (owner) => new CheckedLoopback(owner, check, clone);
}

/** No buffer moves (most calls): one set, never written. */
const NONE_MOVING: ReadonlySet<ArrayBufferLike> = new Set();

/** The buffers that move with a value, as `inspectPlain` looks them up (built once per value crossing, not per part). */
const movingSet = (moving: readonly ArrayBuffer[]): ReadonlySet<ArrayBufferLike> => (moving.length === 0 ? NONE_MOVING : new Set(moving));

/** One host's owner reached through structuredClone, every value checked plain. */
export class CheckedLoopback implements OwnerTransport {
  constructor(private readonly owner: HostOwner, private readonly check: PlainCheck, private readonly clone: MessageClone) {}

  call(name: OwnerCallName, args: unknown[]): unknown {
    this.check.calls.set(name, (this.check.calls.get(name) ?? 0) + 1);
    const target = this.owner as unknown as Record<string, unknown>;
    if (name === 'pendingOrders') return this.cross(name, 'reply', this.owner.pendingOrders, []);
    const callback = OWNER_CALLBACKS[name];
    const moves = OWNER_MOVES[name];
    const moving = moves?.args ? moves.args(args as never) : [];
    const sent: unknown[] = [];
    const plainArgs: unknown[] = [];
    const byReference = new Map<number, unknown>();
    const movingArgs = movingSet(moving);
    let knownNotPlain = false;
    for (let i = 0; i < args.length; i++) {
      if (callback && callback.index === i) { byReference.set(i, this.callBack(name, callback, args[i] as (x: unknown) => unknown)); continue; }
      const seen = inspectPlain(args[i], `args[${i}]`, movingArgs);
      if (seen.notPlain.length > 0) {
        this.known(name, seen.notPlain);
        byReference.set(i, args[i]);
        knownNotPlain = true;
      } else plainArgs.push(seen.value);
    }
    // A buffer in an argument passed by reference is not transferred (it stays the caller's, as in one thread).
    const cloned = this.clone(plainArgs, knownNotPlain ? [] : moving) as unknown[];
    for (let i = 0, j = 0; i < args.length; i++) sent.push(byReference.has(i) ? byReference.get(i) : cloned[j++]);
    let reply: unknown;
    try {
      reply = (target[name] as (...a: unknown[]) => unknown).apply(this.owner, sent);
    } catch (e) {
      throw new OwnerCallError(name, e instanceof Error ? e.message : String(e));
    }
    return this.cross(name, 'reply', reply, moves?.reply && reply !== undefined ? moves.reply(reply as never) : []);
  }

  /** A value checked and cloned (buffers in `moving` transferred), or passed by reference when its non-plain parts are known. */
  private cross(name: string, path: string, value: unknown, moving: ArrayBuffer[]): unknown {
    const seen = inspectPlain(value, path, movingSet(moving));
    if (seen.notPlain.length > 0) { this.known(name, seen.notPlain); return value; }
    return this.clone(seen.value, moving);
  }

  /** The function the owner gets for a callback argument: the call back to the coordinator, its ask and answer crossing as messages. */
  private callBack(name: string, moves: CallbackMoves, port: (x: unknown) => unknown): (x: unknown) => unknown {
    return (ask) => {
      const sent = this.cross(name, 'callback.ask', ask, moves.ask ? moves.ask(ask as never) : []);
      const answer = port(sent);
      return this.cross(name, 'callback.answer', answer, moves.answer ? moves.answer(answer as never) : []);
    };
  }

  /** Non-plain parts of a call: each must be a known entry (counted as seen), or the call is refused. */
  private known(name: string, parts: { path: string; what: string }[]): void {
    const unknown = parts.filter((p) => !this.check.known.has(`${name} ${p.path}`));
    if (unknown.length > 0) {
      const parts = unknown.map((p) => `${name} ${p.path}: ${p.what}`);
      this.check.refused.push(...parts);
      throw new NotPlainError(parts);
    }
    for (const p of parts) this.check.seen.add(`${name} ${p.path}`);
  }
}
