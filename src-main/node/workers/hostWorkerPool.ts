/**
 * hostWorkerPool — a lab's hosts on N worker threads (`hostWorker.ts`): the engine's `HostOwnerMaker`
 * (`LabOptions.hostOwners`) that sends each host's plain data to a worker, hands the lab a client to that
 * host's owner there, and runs the segment on every worker at once.
 *
 * Interface:
 *  - `new HostWorkerPool({ workers, guests, pageCodecs?, timeoutMs? })` starts the threads (unref'd: they
 *    never keep the process alive). `owner(data)` → the host's calls (`ownerClient` over a
 *    `WorkerOwnerTransport` keyed by the host id); each host goes to the worker holding the fewest (so, in
 *    the lab's order, to the workers in turn).
 *  - `runSegments(t0, t1)`: one `runSegments` call posted to each worker that holds hosts, then all waited
 *    for (`callAll`): the workers run in parallel, the coordinator blocked until the last is done. Each
 *    reply carries the guests that stopped in the segment, so the barrier's first `stoppedVms` to a host
 *    is answered here — only while no other call has reached that host since (a pure read, never stale).
 *  - `callEach(calls)`: the barrier's calls to many hosts (`FANNED_OWNER_CALLS`) as one fan-out: one
 *    `callEach` message per worker holding any of them (its hosts' calls, in the order given), all waited
 *    for (`callAll`); the replies in the calls' order. An owner's error comes back as `OwnerCallError`.
 *  - `close()`: the threads terminated (a lab dropped or replaced); later calls fail with `HostWorkerError`.
 *  - `calls`, `callMs`: the blocking calls made and the wall time blocked in them, by name (a benchmark's
 *    account of what each segment costs).
 *  - `hostWorkerCount(raw, field)`: a `--workers` / `HVLAB_WORKERS` value checked (0…`HOST_WORKERS_MAX`).
 *
 * Rules: a worker that fails (exits, is terminated, times out) gives `HostWorkerError` naming the worker
 * and its hosts, never a hang (the call's bound, `WORKER_CALL_TIMEOUT_MS`). The coordinator's lab must be
 * built with the guest factory the workers build (`guests`). Every call other than the segment and a
 * fan-out is one blocking round trip to one host, in the lab's order, as in one thread. Any call that
 * reaches a host — a fan-out's included — ends the segment's cached answer for it.
 */
import { Worker } from 'node:worker_threads';
import { OwnerCallError, ownerClient, type HostCall, type HostOwnerCalls, type HostOwnerMaker, type HostSideData } from '../../engine/index';
import { HOST_WORKERS_MAX } from '../limits';
import { blockingChannel, callAll, WorkerCallError, type BlockingCallClient } from './blockingCallClient';
import { WorkerOwnerTransport } from './ownerOverWorker';
import type { HostWorkerGuests, HostWorkerInit } from './hostWorker';
import { EXITED, REPLIES } from './blockingCallProtocol';
import { workerEntryPath } from './workerEntry';

export interface HostWorkerPoolOptions {
  workers: number;
  guests: HostWorkerGuests;
  /** Load the host's page codecs on each worker (as the coordinator's lab was given them). */
  pageCodecs?: boolean;
  /** The bound of each blocking call (`WORKER_CALL_TIMEOUT_MS` by default). */
  timeoutMs?: number;
}

/** A host worker failed: which one, and the hosts it held. */
export class HostWorkerError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HostWorkerError';
  }
}

interface HostWorker { index: number; worker: Worker; client: BlockingCallClient; hosts: string[] }

/** A worker count from the command line or the environment: an integer 0…HOST_WORKERS_MAX (0 = one thread). */
export function hostWorkerCount(raw: unknown, field: string): number {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (String(raw).trim() === '' || !Number.isInteger(n) || n < 0 || n > HOST_WORKERS_MAX) {
    throw new RangeError(`${field} needs an integer 0…${HOST_WORKERS_MAX} (0: the hosts run on the engine's thread), got "${String(raw)}"`);
  }
  return n;
}

const NONE_STOPPED: readonly unknown[] = Object.freeze([]);

export class HostWorkerPool implements HostOwnerMaker {
  private readonly workers: HostWorker[] = [];
  /** The workers holding hosts (the segment's fan-out), and their calls (reused: posted at every segment). */
  private busy: { client: BlockingCallClient; method: string; args: [number, number] }[] = [];
  /** The workers holding hosts, in the order of `busy`. */
  private holding: HostWorker[] = [];
  /** Per host, its guests that stopped in the last segment, until the next call to that host (then stale). */
  private readonly stoppedAfterSegment = new Map<string, readonly unknown[]>();
  /** Each host's worker. */
  private readonly workerOf = new Map<string, HostWorker>();
  private closed = false;
  /** Blocking calls made, by name (`runSegments` counts one per segment, whatever the workers): what the
   *  coordinator asks per segment (a benchmark's figure). */
  readonly calls = new Map<string, number>();
  /** Wall time spent in those calls, by name (ms; the coordinator blocked). */
  readonly callMs = new Map<string, number>();

  constructor(options: HostWorkerPoolOptions) {
    const count = hostWorkerCount(options.workers, 'workers');
    if (count === 0) throw new RangeError('a pool of host workers needs at least one worker');
    const where = workerEntryPath('hostWorker');
    for (let index = 0; index < count; index++) {
      const { client, workerEnd } = blockingChannel(options.timeoutMs);
      const init: HostWorkerInit = { end: workerEnd, guests: options.guests, pageCodecs: options.pageCodecs ?? false };
      const worker = new Worker(where.path, { workerData: where.entry ? { ...init, __entry: where.entry } : init, transferList: [workerEnd.port] });
      worker.unref();
      // A worker that ends without running its own exit hook (terminated before it served, or killed by
      // an error) still shows as exited to a coordinator that waits on it later.
      worker.on('exit', () => { Atomics.store(workerEnd.signal, EXITED, 1); Atomics.notify(workerEnd.signal, REPLIES); });
      // The error itself reaches the coordinator as the exit word (a call fails with 'exited'); this keeps
      // an uncaught one from taking the process down.
      worker.on('error', () => {});
      this.workers.push({ index, worker, client, hosts: [] });
    }
  }

  /** Host `data.hostId` built on the worker holding the fewest hosts; the lab's client to its owner there. */
  owner(data: HostSideData): HostOwnerCalls {
    const w = this.workers[this.workers.reduce((at, x, i) => (x.hosts.length < this.workers[at].hosts.length ? i : at), 0)];
    this.guard(w, 'addHost', () => w.client.call('addHost', [data]));
    w.hosts.push(data.hostId);
    this.workerOf.set(data.hostId, w);
    if (w.hosts.length === 1) { this.busy.push({ client: w.client, method: 'runSegments', args: [0, 0] }); this.holding.push(w); }
    const transport = new WorkerOwnerTransport(w.client, data.hostId);
    const hostId = data.hostId;
    return ownerClient(hostId, {
      call: (name, args) => {
        // The first `stoppedVms` after a segment is the segment's own reply (nothing reached the host since).
        const fresh = this.stoppedAfterSegment.get(hostId);
        if (fresh !== undefined) {
          this.stoppedAfterSegment.delete(hostId);
          if (name === 'stoppedVms') return fresh;
        }
        return this.guard(w, name, () => transport.call(name, args));
      },
    });
  }

  runSegments(t0: number, t1: number): void {
    const calls = this.busy;
    for (let i = 0; i < calls.length; i++) calls[i].args = [t0, t1];
    let failed = -1;
    this.calls.set('runSegments', (this.calls.get('runSegments') ?? 0) + 1);
    const started = performance.now();
    try {
      const replies = callAll(calls, (i) => { failed = i; });
      for (const w of this.holding) for (const h of w.hosts) this.stoppedAfterSegment.set(h, NONE_STOPPED);
      for (const r of replies) for (const [h, stopped] of (r as [string, unknown[]][] | null) ?? []) this.stoppedAfterSegment.set(h, stopped);
    } catch (e) {
      const w = this.workers.find((x) => x.client === calls[failed]?.client);
      throw w && e instanceof WorkerCallError ? this.failure(e, 'runSegments', w) : e;
    } finally {
      this.callMs.set('runSegments', (this.callMs.get('runSegments') ?? 0) + performance.now() - started);
    }
  }

  callEach(calls: readonly HostCall[]): unknown[] {
    const name = calls.length ? `${calls[0][1]} (fan-out)` : 'callEach';
    // Per worker, its hosts' calls (in the order given) and where each reply goes.
    const byWorker = new Map<HostWorker, { list: HostCall[]; at: number[] }>();
    for (let i = 0; i < calls.length; i++) {
      const hostId = calls[i][0];
      const w = this.workerOf.get(hostId);
      if (!w) throw new HostWorkerError(`no host worker holds host ${hostId}`);
      this.stoppedAfterSegment.delete(hostId);
      let mine = byWorker.get(w);
      if (!mine) byWorker.set(w, (mine = { list: [], at: [] }));
      mine.list.push(calls[i]);
      mine.at.push(i);
    }
    const workers = [...byWorker.keys()];
    const posted = workers.map((w) => ({ client: w.client, method: 'callEach', args: [byWorker.get(w)!.list] }));
    let failed = -1;
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const started = performance.now();
    try {
      if (this.closed) throw new HostWorkerError(`the host workers were closed (their lab was dropped): ${name} cannot run`);
      const replies = callAll(posted, (i) => { failed = i; });
      const out = new Array<unknown>(calls.length);
      workers.forEach((w, k) => { const at = byWorker.get(w)!.at; (replies[k] as unknown[]).forEach((r, j) => { out[at[j]] = r; }); });
      return out;
    } catch (e) {
      if (!(e instanceof WorkerCallError)) throw e;
      if (e.kind === 'failed') throw new OwnerCallError(calls[0][1], e.message);
      throw this.failure(e, name, workers[failed] ?? workers[0]);
    } finally {
      this.callMs.set(name, (this.callMs.get(name) ?? 0) + performance.now() - started);
    }
  }

  /** The threads end; the pool's clients fail from now on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers) {
      w.client.close();
      void w.worker.terminate();
    }
    this.busy = [];
    this.holding = [];
    this.stoppedAfterSegment.clear();
  }

  /** The threads (tests: a worker terminated under a running lab; each one's exit once the lab is dropped). */
  get threads(): readonly Worker[] {
    return this.workers.map((w) => w.worker);
  }

  private guard<T>(w: HostWorker, method: string, f: () => T): T {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    if (this.closed) throw new HostWorkerError(`host worker ${w.index} was closed (its lab was dropped): ${method} cannot run`);
    // An owner's own error stays the owner's (`OwnerCallError`, as in one thread through a transport); a
    // worker that exited, timed out or answered nonsense is the pool's failure.
    const t0 = performance.now();
    try {
      return f();
    } catch (e) {
      if (e instanceof WorkerCallError && e.kind !== 'failed') throw this.failure(e, method, w);
      throw e;
    } finally {
      this.callMs.set(method, (this.callMs.get(method) ?? 0) + performance.now() - t0);
    }
  }

  private failure(e: WorkerCallError, method: string, w: HostWorker): HostWorkerError {
    const hosts = w.hosts.length ? `hosts ${w.hosts.join(', ')}` : 'no hosts yet';
    return new HostWorkerError(`host worker ${w.index} (${hosts}) failed in ${method}: ${e.message}`, e);
  }
}
