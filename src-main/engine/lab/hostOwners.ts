/**
 * hostOwners — the seam through which a lab gets each host's owner: a `HostOwnerMaker` is given the
 * host's plain data (`HostSideData`: what a worker thread is sent) and returns the calls the lab holds for
 * that host (`HostOwnerCalls`); it may also run every host's segment at once.
 *
 * Interface:
 *  - `owner(data, ports)` → the host's calls. `ports` are the coordinator's (guest factory, page codecs):
 *    a maker that builds the side in this thread uses them; one that builds it on a worker thread builds
 *    its own (the same factory and codecs).
 *  - `runSegments(t0, t1)` (optional): every host it made runs the segment [t0, t1) — on workers, all
 *    workers at once, returning when all are done. Absent: the loop calls each owner's `runSegment`.
 *  - `runStretch(fromMs, endsMs)`, `stretchBarrier(i)`, `afterStretchBarrier(i, endsMs, quiet)` (optional,
 *    together): several quanta per call where the barrier services are quiet (`simLoop.ts`); the quantum's
 *    per-host steps (`endQuantum`, `reclaimVmIds`, `reclaimStep` with no view) made with the hosts'
 *    segments and answered from there, in the lockstep order, when the coordinator takes the barrier in.
 *  - `callEach(calls)` (optional): a fan-out of the barrier's calls (`FANNED_OWNER_CALLS`, one call per host
 *    or several) — on workers one message per worker carrying all its hosts' calls, every worker at once.
 *    Absent (one thread): `callEachInTurn`, each owner called in turn in the calls' order — the services
 *    have one path whatever the maker.
 *  - `close()` (optional): the owners are no longer used (a pool of workers terminates its threads).
 *  - `localOwners(transport?)`: the maker of one thread — the side and its owner built here, the lab
 *    holding the owner itself (no cost) or, with an `OwnerTransportMaker`, a client through it (tests:
 *    the checked loopback).
 *
 * Rules: hosts share nothing inside a segment (`simLoop.ts`), so `runSegments` may run them in any order
 * or in parallel; `callEach` keeps each host's calls in the order given (hosts share nothing, so only that
order matters); every other call stays one call to one host, in the lab's order.
 */
import { HostSide, type HostSideData, type HostSidePorts } from '../host/index';
import type { HostId } from '@shared/model/ids';
import { HostOwner, ownerClient, type HostCall, type HostFanOut, type HostOwnerCalls, type OwnerTransportMaker } from '../vm/index';

export interface HostOwnerMaker {
  owner(data: HostSideData, ports: HostSidePorts): HostOwnerCalls;
  runSegments?(t0: number, t1: number): void;
  /** Stretches (`simLoop.ts`): every host runs the quanta ending at `endsMs` in one call, each quantum's
   *  per-host barrier steps made beside it; `stretchBarrier(i)` before the coordinator's barrier `i` (the
   *  quantum's steps answer its calls), `afterStretchBarrier(i, endsMs, quiet)` after it (hosts stopped
   *  there by a guest that stopped run on: true when some did). Absent: no stretches (one quantum each). */
  runStretch?(fromMs: number, endsMs: readonly number[]): void;
  stretchBarrier?(i: number): void;
  afterStretchBarrier?(i: number, endsMs: readonly number[], quiet: boolean): boolean;
  callEach?: HostFanOut;
  close?(): void;
}

/** Sides built in this thread: the owner itself, or a client through `transport`'s messages. */
export function localOwners(transport?: OwnerTransportMaker): HostOwnerMaker {
  return {
    owner(data, ports) {
      const owner = new HostOwner(data.hostId, new HostSide(data, ports));
      return transport ? ownerClient(data.hostId, transport(owner)) : owner;
    },
  };
}

/** A fan-out in one thread: each call made on its host's owner in turn, in the calls' order. */
export function callEachInTurn(owners: ReadonlyMap<HostId, HostOwnerCalls>, calls: readonly HostCall[]): unknown[] {
  return calls.map(([hostId, name, args]) => {
    const owner = owners.get(hostId);
    if (!owner) throw new Error(`no host ${hostId}`);
    return (owner[name] as (...a: unknown[]) => unknown)(...args);
  });
}
