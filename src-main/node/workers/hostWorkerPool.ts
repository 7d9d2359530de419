/**
 * hostWorkerPool — a lab's hosts on N worker threads (`hostWorker.ts`): the engine's `HostOwnerMaker`
 * (`LabOptions.hostOwners`) that sends each host's plain data to a worker, hands the lab a client to that
 * host's owner there, and runs the segment on every worker at once.
 *
 * Interface:
 *  - `new HostWorkerPool({ workers, guests, pageCodecs?, timeoutMs? })`: at most `workers` threads, each
 *    started when the first host it holds is added (unref'd: they never keep the process alive), so a lab
 *    of fewer hosts starts no idle thread. `owner(data)` → the host's calls (`ownerClient` over a
 *    `WorkerOwnerTransport` keyed by the host id); each host goes to the worker whose hosts have the least
 *    CPU capacity in all (`hostCapacity`: logical CPUs × MHz), a thread not started counting as none (so a
 *    lab of equal hosts goes to the workers in turn; ties to the lower index). A host stays on its worker
 *    for the lab's life, so the weight is what is known when it is added — its capacity, not its VMs, which
 *    are placed after it and move (power, migration); a host added later (a lab grows) goes the same way,
 *    onto the least loaded worker then. `placement` lists each worker's hosts. `owner` posts
 *    the host's `addHost` and returns: its reply is waited for before the next call to that worker, so
 *    the threads a lab's hosts start load (tsx, the engine, the guest factory: seconds each) at the same
 *    time rather than one after another; a failed `addHost` fails that next call (`HostWorkerError`).
 *  - `runSegments(t0, t1)`: one `runSegments` call posted to each worker that holds hosts, then all waited
 *    for (`callAll`): the workers run in parallel, the coordinator blocked until the last is done. Each
 *    reply carries, per host, what the barrier first asks it (`SegmentReply`): its guests that stopped, its
 *    quantum's cycles, its reclaimer's VMs. So the barrier's `stoppedVms`, `endQuantum` and `reclaimVmIds`
 *    to a host are answered here — each once, and only while no other call has reached that host since
 *    (never stale). `stoppedVms` and `reclaimVmIds` are reads; `endQuantum` closes the quantum, so an
 *    answer from the reply leaves the closing due on the host's worker: sent with the next message to
 *    that worker (the next segment or fan-out, or a `closeQuantums` call before any other call), which
 *    closes it before anything else — so it runs on the host exactly where it ran in one thread.
 *  - `runStretch(fromMs, endsMs)`: every worker runs several quanta in one call (`simLoop.ts`, stretches),
 *    making each quantum's per-host barrier steps itself but the last's (`QuantumSteps`); a worker whose
 *    guests stopped in a quantum stops there. `stretchBarrier(i)` sets what answers the hosts at the
 *    stretch's barrier i: the quantum's steps for a worker that ran past it (an `endQuantum` answered from
 *    them leaves nothing due: the worker closed it), its last segment reply for one at it; a call they do
 *    not answer to a host past the barrier fails with `HostWorkerError` (never sent: the host is later).
 *    `afterStretchBarrier(i, endsMs, quiet)` runs a worker stopped at i on to the stretch's end (one quantum
 *    when the services are no longer quiet); at the last barrier the stretch is over.
 *  - `callEach(calls)`: the barrier's calls to many hosts (`FANNED_OWNER_CALLS`) as one fan-out: one
 *    `callEach` message per worker holding any of them (its hosts' calls, in the order given), all waited
 *    for (`callAll`); the replies in the calls' order. An owner's error comes back as `OwnerCallError`.
 *  - `close()`: the threads terminated (a lab dropped or replaced); later calls fail with `HostWorkerError`.
 *  - `calls`, `callMs`: the blocking calls made and the wall time blocked in them, by name (a benchmark's
 *    account of what each segment costs). `segmentWork`: over all segments, each worker's busy ms (its
 *    reply's `busyMs`, by worker index), the sum of each segment's slowest worker's, and of its slowest
 *    less its quickest (the imbalance: what the quicker worker waited); `threads`, each worker's OS thread
 *    id (null off Linux: a benchmark's per-thread CPU account).
 *  - `hostWorkerCount(raw, field)`: a `--workers` / `HVLAB_WORKERS` value checked (0…`HOST_WORKERS_MAX`).
 *
 * Rules: a worker that fails (exits, is terminated, times out) gives `HostWorkerError` naming the worker
 * and its hosts, never a hang (the call's bound, `WORKER_CALL_TIMEOUT_MS`). The coordinator's lab must be
 * built with the guest factory the workers build (`guests`). Every call other than the segment and a
 * fan-out is one blocking round trip to one host, in the lab's order, as in one thread. Any call that
 * reaches a host — a fan-out's included — ends the segment's cached answers for it; an `endQuantum`
 * answered from the reply (which changes only the scheduler's quantum accounting) ends all but the
 * reclaimer's VMs (the reclaimer reads no such accounting).
 */
import { Worker } from 'node:worker_threads';
import { OwnerCallError, ownerClient, type HostCall, type HostOwnerCalls, type HostOwnerMaker, type HostSideData, type ReclaimStepReply } from '../../engine/index';
import { HOST_WORKERS_MAX } from '../limits';
import { blockingChannel, callAll, WorkerCallError, type BlockingCallClient } from './blockingCallClient';
import { WorkerOwnerTransport } from './ownerOverWorker';
import type { HostWorkerGuests, HostWorkerInit, QuantumSteps, SegmentReply, StretchReply } from './hostWorker';
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

interface HostWorker {
  index: number; worker: Worker; client: BlockingCallClient; hosts: string[];
  /** Its hosts' capacity in all (`hostCapacity`): where the next host goes. */
  capacity: number;
  /** Quantums answered from a segment's reply and not yet closed there: `[hostId, lengthNs]`, in the order answered. */
  due: [string, number][];
  /** The ids of `addHost` calls posted and not yet waited for, in the order posted. */
  adding: number[];
  /** The stretch it is running (`runStretch`), or null between stretches. */
  stretch: WorkerStretch | null;
  /** Its hosts have run past the barrier the coordinator is at (inside a stretch): a call the quantum's
   *  steps do not answer cannot reach them. */
  ahead: boolean;
}

/** A worker's part of a stretch: its quanta's steps, by index in the stretch, and where it stopped. */
interface WorkerStretch {
  /** Per quantum index < `at`: its hosts' steps (made on the worker). */
  steps: QuantumSteps[];
  /** The index of the quantum its hosts have run to (its barrier the coordinator's, from `last`). */
  at: number;
  last: SegmentReply;
}

/** What a segment's reply answers for one host, each until used or until another call reaches the host. */
interface AfterSegment {
  stopped?: readonly unknown[]; quantum?: number; vmIds?: string[];
  /** Inside a stretch: the quantum was closed on the worker (an `endQuantum` answered leaves nothing due). */
  closed?: boolean;
  /** Inside a stretch: the reclaimer's pass with no new view, made on the worker. */
  reclaim?: ReclaimStepReply;
}

/** A worker count from the command line or the environment: an integer 0…HOST_WORKERS_MAX (0 = one thread). */
export function hostWorkerCount(raw: unknown, field: string): number {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (String(raw).trim() === '' || !Number.isInteger(n) || n < 0 || n > HOST_WORKERS_MAX) {
    throw new RangeError(`${field} needs an integer 0…${HOST_WORKERS_MAX} (0: the hosts run on the engine's thread), got "${String(raw)}"`);
  }
  return n;
}

/** A host's weight in placing it on a worker: the cycles per second its CPUs can run (logical CPUs × MHz),
 *  the most guest work it can carry in a segment. */
export function hostCapacity(data: HostSideData): number {
  const { sockets, coresPerSocket, threadsPerCore, cpuMhz } = data.cpu;
  return sockets * coresPerSocket * threadsPerCore * cpuMhz;
}

const NONE_STOPPED: readonly unknown[] = Object.freeze([]);
const NO_DUE: [string, number][] = [];
/** `fromSegment`'s answer when the segment's reply does not answer the call. */
const NOT_CACHED: unique symbol = Symbol('not cached');
/** The benchmark's names of the answers a segment's reply gives (counted, made once). */
const SEGMENT_REPLY_KEYS = {
  stoppedVms: 'stoppedVms (segment reply)', reclaimVmIds: 'reclaimVmIds (segment reply)', endQuantum: 'endQuantum (segment reply)',
  reclaimStep: 'reclaimStep (stretch reply)',
} as const;

export class HostWorkerPool implements HostOwnerMaker {
  private readonly workers: HostWorker[] = [];
  /** The workers holding hosts (the segment's fan-out), and their calls (reused: posted at every segment). */
  private busy: { client: BlockingCallClient; method: string; args: [number, number, [string, number][]] }[] = [];
  /** The workers holding hosts, in the order of `busy`. */
  private holding: HostWorker[] = [];
  /** Per host, what the last segment's reply answers (`AfterSegment`), until the next call to that host. */
  private readonly afterSegment = new Map<string, AfterSegment>();
  /** Each host's worker. */
  private readonly workerOf = new Map<string, HostWorker>();
  private closed = false;
  /** Blocking calls made, by name (`runSegments` counts one per segment, whatever the workers): what the
   *  coordinator asks per segment (a benchmark's figure). */
  readonly calls = new Map<string, number>();
  /** Wall time spent in those calls, by name (ms; the coordinator blocked). */
  readonly callMs = new Map<string, number>();
  /** The workers' own time in the segments (see the header). */
  readonly segmentWork = { busyMs: [] as number[], slowestMs: 0, imbalanceMs: 0, threads: [] as (number | null)[] };

  /** Most threads this pool starts (`options.workers`). */
  private readonly count: number;

  constructor(private readonly options: HostWorkerPoolOptions) {
    this.count = hostWorkerCount(options.workers, 'workers');
    if (this.count === 0) throw new RangeError('a pool of host workers needs at least one worker');
  }

  /** The next thread, started when a host needs it: a lab of fewer hosts than `workers` starts no idle one. */
  private startWorker(): HostWorker {
    const where = workerEntryPath('hostWorker');
    const index = this.workers.length;
    const { client, workerEnd } = blockingChannel(this.options.timeoutMs);
    const init: HostWorkerInit = { end: workerEnd, guests: this.options.guests, pageCodecs: this.options.pageCodecs ?? false };
    const worker = new Worker(where.path, { workerData: where.entry ? { ...init, __entry: where.entry } : init, transferList: [workerEnd.port] });
    worker.unref();
    // A worker that ends without running its own exit hook (terminated before it served, or killed by
    // an error) still shows as exited to a coordinator that waits on it later.
    worker.on('exit', () => { Atomics.store(workerEnd.signal, EXITED, 1); Atomics.notify(workerEnd.signal, REPLIES); });
    // The error itself reaches the coordinator as the exit word (a call fails with 'exited'); this keeps
    // an uncaught one from taking the process down.
    worker.on('error', () => {});
    const w: HostWorker = { index, worker, client, hosts: [], capacity: 0, due: [], adding: [], stretch: null, ahead: false };
    this.workers.push(w);
    return w;
  }

  /** Host `data.hostId` built on the worker whose hosts have the least capacity; the lab's client to its owner there. */
  owner(data: HostSideData): HostOwnerCalls {
    if (this.closed) throw new HostWorkerError(`the host workers were closed (their lab was dropped): host ${data.hostId} cannot be added`);
    const least = this.workers.reduce<HostWorker | undefined>((at, x) => (at === undefined || x.capacity < at.capacity ? x : at), undefined);
    // A thread not yet started holds no host: it is the least loaded while every started one holds some.
    const w = least && (least.hosts.length === 0 || this.workers.length === this.count) ? least : this.startWorker();
    w.adding.push(this.guard(w, 'addHost (posted)', () => w.client.post('addHost', [data])));
    w.hosts.push(data.hostId);
    w.capacity += hostCapacity(data);
    this.workerOf.set(data.hostId, w);
    if (w.hosts.length === 1) { this.busy.push({ client: w.client, method: 'runSegments', args: [0, 0, NO_DUE] }); this.holding.push(w); }
    const transport = new WorkerOwnerTransport(w.client, data.hostId);
    const hostId = data.hostId;
    return ownerClient(hostId, {
      call: (name, args) => {
        const cached = this.fromSegment(w, hostId, name, args);
        if (cached !== NOT_CACHED) return cached;
        if (w.ahead) throw this.pastStretch(w, hostId, name);
        this.afterSegment.delete(hostId);
        if (w.adding.length > 0) this.added(w);
        if (w.due.length > 0) this.closeDue(w);
        return this.guard(w, name, () => transport.call(name, args));
      },
    });
  }

  runSegments(t0: number, t1: number): void {
    const calls = this.busy;
    for (const w of this.holding) if (w.adding.length > 0) this.added(w);
    for (let i = 0; i < calls.length; i++) calls[i].args = [t0, t1, this.takeDue(this.holding[i])];
    let failed = -1;
    const started = performance.now();
    try {
      const replies = callAll(calls, (i) => { failed = i; });
      this.afterSegment.clear();
      let slowest = 0;
      let quickest = Infinity;
      for (let i = 0; i < replies.length; i++) {
        const r = replies[i] as SegmentReply;
        const index = this.holding[i].index;
        this.segmentWork.busyMs[index] = (this.segmentWork.busyMs[index] ?? 0) + r.busyMs;
        this.segmentWork.threads[index] = r.thread;
        slowest = Math.max(slowest, r.busyMs);
        quickest = Math.min(quickest, r.busyMs);
        const hosts = this.holding[i].hosts;
        for (let k = 0; k < hosts.length; k++) this.afterSegment.set(hosts[k], { stopped: NONE_STOPPED, quantum: r.quantum[k], vmIds: r.vmIds[k] });
        if (r.stopped) for (const [h, stopped] of r.stopped) this.afterSegment.get(h)!.stopped = stopped;
      }
      this.segmentWork.slowestMs += slowest;
      this.segmentWork.imbalanceMs += replies.length > 0 ? slowest - quickest : 0;
    } catch (e) {
      const w = this.workers.find((x) => x.client === calls[failed]?.client);
      throw w && e instanceof WorkerCallError ? this.failure(e, 'runSegments', w) : e;
    } finally {
      this.tally('runSegments', started);
    }
  }

  /**
   * Every worker runs the quanta ending at `endsMs` (from `fromMs`), with each quantum's per-host barrier
   * steps but the last's; a worker whose guests stopped in a quantum stops there. The coordinator then
   * takes the barriers in, in order, each after `stretchBarrier(i)`.
   */
  runStretch(fromMs: number, endsMs: readonly number[]): void {
    this.stretchOn(this.holding, fromMs, endsMs, 0);
  }

  /** The workers `on` run the stretch's quanta `from` (index) onwards, from `fromMs`. */
  private stretchOn(on: readonly HostWorker[], fromMs: number, endsMs: readonly number[], from: number): void {
    for (const w of on) if (w.adding.length > 0) this.added(w);
    const ends = from === 0 ? endsMs : endsMs.slice(from);
    const posted = on.map((w) => ({ client: w.client, method: 'runStretch', args: [fromMs, ends, this.takeDue(w)] }));
    let failed = -1;
    const started = performance.now();
    try {
      const replies = callAll(posted, (i) => { failed = i; }) as StretchReply[];
      let slowest = 0;
      let quickest = Infinity;
      for (let i = 0; i < replies.length; i++) {
        const r = replies[i];
        const w = on[i];
        // quanta before `from` keep their steps (the one at `from - 1` has none: its barrier reached the hosts)
        const steps = from === 0 ? r.steps : (w.stretch?.steps.slice(0, from) ?? []);
        if (from > 0) for (let j = 0; j < r.steps.length; j++) steps[from + j] = r.steps[j];
        w.stretch = { steps, at: from + r.steps.length, last: r.last };
        this.segmentWork.busyMs[w.index] = (this.segmentWork.busyMs[w.index] ?? 0) + r.last.busyMs;
        this.segmentWork.threads[w.index] = r.last.thread;
        slowest = Math.max(slowest, r.last.busyMs);
        quickest = Math.min(quickest, r.last.busyMs);
      }
      this.segmentWork.slowestMs += slowest;
      this.segmentWork.imbalanceMs += replies.length > 0 ? slowest - quickest : 0;
    } catch (e) {
      const w = on[failed];
      throw w && e instanceof WorkerCallError ? this.failure(e, 'runStretch', w) : e;
    } finally {
      this.tally(from === 0 ? 'runStretch' : 'runStretch (on after a stop)', started);
    }
  }

  /** The coordinator is at the stretch's barrier `i`: each host's answers are its quantum's steps (its
   *  worker ran past it) or its worker's last segment reply (its hosts are at this barrier). */
  stretchBarrier(i: number): void {
    this.afterSegment.clear();
    for (const w of this.holding) {
      const s = w.stretch;
      if (!s || s.at < i) throw new HostWorkerError(`host worker ${w.index} is behind the stretch's barrier ${i}`);
      w.ahead = s.at > i;
      const hosts = w.hosts;
      if (w.ahead) {
        const q = s.steps[i];
        for (let k = 0; k < hosts.length; k++) {
          this.afterSegment.set(hosts[k], { stopped: NONE_STOPPED, quantum: q.cycles[k], vmIds: q.vmIds[k], closed: true, reclaim: q.reclaim[k] });
        }
      } else {
        const r = s.last;
        for (let k = 0; k < hosts.length; k++) this.afterSegment.set(hosts[k], { stopped: NONE_STOPPED, quantum: r.quantum[k], vmIds: r.vmIds[k] });
        if (r.stopped) for (const [h, stopped] of r.stopped) this.afterSegment.get(h)!.stopped = stopped;
      }
    }
  }

  /**
   * After the stretch's barrier `i`: the workers that stopped there (a guest stopped) run on to the
   * stretch's end — `quiet` (every service still quiet up to it): with the quanta's steps, else one
   * quantum, its barrier the coordinator's. True when some did.
   */
  afterStretchBarrier(i: number, endsMs: readonly number[], quiet: boolean): boolean {
    const behind = this.holding.filter((w) => w.stretch !== null && w.stretch.at === i);
    if (i === endsMs.length - 1) {
      for (const w of this.holding) { w.stretch = null; w.ahead = false; }
      return false;
    }
    if (behind.length === 0) return false;
    this.stretchOn(behind, endsMs[i], quiet ? endsMs : endsMs.slice(0, i + 2), i + 1);
    return true;
  }

  /** A call the quantum's steps do not answer, to a host whose worker ran past the barrier: the services
   *  said they were quiet and are not (a stretch cannot give the lockstep loop's result). */
  private pastStretch(w: HostWorker, hostId: string, name: string): Error {
    return new HostWorkerError(`${name} reached host ${hostId} on host worker ${w.index}, which ran past this barrier in a stretch: a barrier service that said it was quiet was not`);
  }

  callEach(calls: readonly HostCall[]): unknown[] {
    const name = calls.length ? `${calls[0][1]} (fan-out)` : 'callEach';
    const out = new Array<unknown>(calls.length);
    // Per worker, its hosts' calls (in the order given) and where each reply goes; what the segment's
    // reply answers is not sent.
    const byWorker = new Map<HostWorker, { list: HostCall[]; at: number[] }>();
    for (let i = 0; i < calls.length; i++) {
      const [hostId, method, args] = calls[i];
      const w = this.workerOf.get(hostId);
      if (!w) throw new HostWorkerError(`no host worker holds host ${hostId}`);
      const cached = this.fromSegment(w, hostId, method, args);
      if (cached !== NOT_CACHED) { out[i] = cached; continue; }
      if (w.ahead) throw this.pastStretch(w, hostId, method);
      this.afterSegment.delete(hostId);
      let mine = byWorker.get(w);
      if (!mine) byWorker.set(w, (mine = { list: [], at: [] }));
      mine.list.push(calls[i]);
      mine.at.push(i);
    }
    const workers = [...byWorker.keys()];
    if (workers.length === 0) return out;
    for (const w of workers) if (w.adding.length > 0) this.added(w);
    const posted = workers.map((w) => ({ client: w.client, method: 'callEach', args: [byWorker.get(w)!.list, this.takeDue(w)] }));
    let failed = -1;
    const started = performance.now();
    try {
      if (this.closed) throw new HostWorkerError(`the host workers were closed (their lab was dropped): ${name} cannot run`);
      const replies = callAll(posted, (i) => { failed = i; });
      workers.forEach((w, k) => { const at = byWorker.get(w)!.at; (replies[k] as unknown[]).forEach((r, j) => { out[at[j]] = r; }); });
      return out;
    } catch (e) {
      if (!(e instanceof WorkerCallError)) throw e;
      if (e.kind === 'failed') throw new OwnerCallError(calls[0][1], e.message);
      throw this.failure(e, name, workers[failed] ?? workers[0]);
    } finally {
      this.tally(name, started);
    }
  }

  /** A call the last segment's reply answers for the host (used up: each answer once), or NOT_CACHED. */
  private fromSegment(w: HostWorker, hostId: string, name: string, args: readonly unknown[]): unknown {
    const c = this.afterSegment.get(hostId);
    if (c === undefined) return NOT_CACHED;
    let answer: unknown = NOT_CACHED;
    if (name === 'stoppedVms' && c.stopped !== undefined) { answer = c.stopped; c.stopped = undefined; }
    else if (name === 'reclaimVmIds' && c.vmIds !== undefined) { answer = c.vmIds; c.vmIds = undefined; }
    else if (name === 'endQuantum' && c.quantum !== undefined && typeof args[0] === 'number') {
      // the quantum is closed on the worker before anything else reaches the host (inside a stretch it
      // was, there); closing changes only the scheduler's quantum accounting, which the guests' list does
      // not read (so it stays)
      answer = c.quantum;
      if (!c.closed) w.due.push([hostId, args[0]]);
      c.quantum = undefined;
      c.stopped = undefined;
    } else if (name === 'reclaimStep' && c.reclaim !== undefined && c.vmIds === undefined && (args[0] as { view?: unknown }).view === undefined) {
      // the pass the worker made with no new view (a view would have been news to it: not answered)
      answer = c.reclaim;
      c.reclaim = undefined;
    }
    if (answer === NOT_CACHED) return NOT_CACHED;
    this.tally(SEGMENT_REPLY_KEYS[name as keyof typeof SEGMENT_REPLY_KEYS]);
    return answer;
  }

  /** The worker's posted `addHost` calls waited for, in order (a reply left unwaited would be dropped as
   *  stale by the next call's wait). */
  private added(w: HostWorker): void {
    const ids = w.adding;
    w.adding = [];
    for (const id of ids) this.guard(w, 'addHost', () => w.client.settle('addHost', w.client.wait('addHost', id, performance.now() + w.client.timeoutMs)));
  }

  /** The worker's due quantums, handed to the message that carries them (the list starts afresh). */
  private takeDue(w: HostWorker): [string, number][] {
    if (w.due.length === 0) return NO_DUE;
    const due = w.due;
    w.due = [];
    return due;
  }

  /** A call other than a segment or fan-out is about to reach the worker: its due quantums closed first. */
  private closeDue(w: HostWorker): void {
    const due = this.takeDue(w);
    this.guard(w, 'closeQuantums', () => w.client.call('closeQuantums', [due]));
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
    this.afterSegment.clear();
  }

  /** Each started worker's hosts, in the order added (by worker index). */
  get placement(): string[][] {
    return this.workers.map((w) => [...w.hosts]);
  }

  /** The threads (tests: a worker terminated under a running lab; each one's exit once the lab is dropped). */
  get threads(): readonly Worker[] {
    return this.workers.map((w) => w.worker);
  }

  private guard<T>(w: HostWorker, method: string, f: () => T): T {
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
      this.tally(method, t0);
    }
  }

  /** One call counted under `key` (`calls`) and, when it blocked from `startedMs`, its wall time (`callMs`). */
  private tally(key: string, startedMs?: number): void {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    if (startedMs !== undefined) this.callMs.set(key, (this.callMs.get(key) ?? 0) + performance.now() - startedMs);
  }

  private failure(e: WorkerCallError, method: string, w: HostWorker): HostWorkerError {
    const hosts = w.hosts.length ? `hosts ${w.hosts.join(', ')}` : 'no hosts yet';
    return new HostWorkerError(`host worker ${w.index} (${hosts}) failed in ${method}: ${e.message}`, e);
  }
}

/**
 * `createEngine`'s `hostOwners` for the node side's labs, whose guests are the default machine (`machine`:
 * `defaultGuestFactory`) or none: each lab built (a scenario, a lab opened or restored) gets its own pool
 * of at most `workers` threads, closed with the lab. 0 → undefined: the hosts stay on the engine's thread.
 */
export function hostWorkerPools(workers: number, opts: { machine: boolean; pageCodecs: boolean }): (() => HostOwnerMaker) | undefined {
  if (workers === 0) return undefined;
  const guests: HostWorkerGuests = opts.machine ? { kind: 'machine' } : { kind: 'none' };
  return () => new HostWorkerPool({ workers, guests, pageCodecs: opts.pageCodecs });
}
