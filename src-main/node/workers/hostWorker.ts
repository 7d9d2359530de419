/**
 * hostWorker — entry point of a host worker thread: it holds the owners of several hosts of one lab and
 * serves their calls (`serveHostOwners`), so that hosts run their segments in parallel, one worker per core.
 *
 * Interface: `workerData: HostWorkerInit` — its end of the blocking channel, which guest machine to build
 * (`HostWorkerGuests`: the HV32 machine of resources/guests, none, or a module's factory for tests and
 * benchmarks) and whether to load the host's page codecs. Calls: `addHost(HostSideData)` builds the host's
 * `HostSide` and `HostOwner` here from the plain data and this worker's own ports; every owner call takes
 * the host id first; `runSegments(t0, t1)` runs each held host's segment in the order they were added
 * and replies with what the barrier first asks each host (`SegmentReply`: the guests that stopped, the
 * quantum's cycles, the reclaimer's VMs — all reads, taken before anything else reaches the host);
 * `runStretch(fromMs, endsMs)` runs the held hosts through several quanta, after each but the last making
 * its per-host barrier steps in the lockstep barrier's order (`endQuantum`, `reclaimVmIds`, `reclaimStep`
 * with no new view: `QuantumSteps`), stopping after a quantum in which a guest stopped (`StretchReply`).
 *
 * Rules: the worker builds the same ports the coordinator gives a lab in one thread (the same guest
 * factory and codecs), so a host's results do not depend on where it runs. Nothing of the coordinator's
 * is reached from here: a VM's live disks come lent in the orders that build its machine
 * (`engine/vm/diskPlace.ts`).
 */
import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { readlinkSync } from 'node:fs';
import type { HostId } from '@shared/model/ids';
import { HostOwner, HostSide, type GuestFactory, type HostSideData, type HostSidePorts, type PageCodecPort, type ReclaimStepReply } from '../../engine/index';
import { defaultGuestFactory } from '../guestFactories';
import { loadPageCodecs } from '../codecs/pageCodecs';
import { EXITED, REPLIES, type BlockingCallEnd } from './blockingCallProtocol';
import { serveHostOwners } from './ownerOverWorker';
import { applyEngineTiering } from '../v8Tuning';

/** The guest machine a host worker builds (the coordinator's lab must be made with the same). */
export type HostWorkerGuests =
  | { kind: 'machine' }
  | { kind: 'none' }
  /** A module's exported `GuestFactory` (tests and benchmarks: the fakeGuest double). */
  | { kind: 'module'; url: string; name: string };

export interface HostWorkerInit {
  end: BlockingCallEnd;
  guests: HostWorkerGuests;
  pageCodecs: boolean;
}

/** What rides on a segment's reply, per held host in the order they were added (the pool caches it). */
export interface SegmentReply {
  /** The hosts whose guests stopped in the segment, with those guests (`stoppedVms()`); null: none. */
  stopped: [HostId, readonly unknown[]][] | null;
  /** Each host's `quantumCycles()`: what `endQuantum` would return now. */
  quantum: number[];
  /** Each host's `reclaimVmIds()`. */
  vmIds: string[][];
  /** Wall ms this worker spent on the segment and these reads (a benchmark's account: busy against waiting). */
  busyMs: number;
  /** This thread's id in the operating system (Linux: `/proc/thread-self`; null elsewhere): a benchmark
   *  reads each thread's CPU time by it, the worker's own apart from V8's helper threads. */
  thread: number | null;
}

/** One quantum's per-host barrier steps inside a stretch, per held host in the order they were added. */
export interface QuantumSteps {
  /** Each host's `endQuantum(length)` (the quantum closed here). */
  cycles: number[];
  /** Each host's `reclaimVmIds()`. */
  vmIds: string[][];
  /** Each host's `reclaimStep({ nowMs })`: its reclaimer's pass with no new view. */
  reclaim: ReclaimStepReply[];
}

/** A stretch's reply: the steps of every quantum run but the last, then the last one's segment reply.
 *  Fewer steps than quanta asked: a guest stopped in the quantum after the last step (the worker stopped
 *  there, the quantum's barrier left to the coordinator). */
export interface StretchReply {
  steps: QuantumSteps[];
  last: SegmentReply;
}

/** The calling thread's OS id, or null where `/proc/thread-self` does not exist (read once per worker). */
function osThreadId(): number | null {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) ? id : null;
  } catch {
    return null;
  }
}

async function guestFactoryOf(guests: HostWorkerGuests): Promise<GuestFactory | undefined> {
  if (guests.kind === 'none') return undefined;
  if (guests.kind === 'machine') return defaultGuestFactory().factory;
  const mod = (await import(guests.url.startsWith('file:') ? guests.url : pathToFileURL(guests.url).href)) as Record<string, unknown>;
  const f = mod[guests.name];
  if (typeof f !== 'function') throw new Error(`${guests.url} exports no guest factory "${guests.name}"`);
  return f as GuestFactory;
}

async function main(): Promise<void> {
  applyEngineTiering();
  const init = workerData as HostWorkerInit;
  const guestFactory = await guestFactoryOf(init.guests);
  const pageCodecs: PageCodecPort | undefined = init.pageCodecs ? await loadPageCodecs() : undefined;
  const ports: HostSidePorts = { guestFactory, pageCodecs };
  const owners = new Map<HostId, HostOwner>();
  const thread = osThreadId();
  const anyStopped = (): boolean => {
    let stopped = false;
    owners.forEach((owner) => { if (owner.stoppedVms().length > 0) stopped = true; });
    return stopped;
  };
  // What the barrier asks every host first rides on a segment's reply, read now (no call of its own): the
  // guests that stopped (almost always none: null), the quantum's cycles, the reclaimer's VMs.
  const segmentReply = (started: number): SegmentReply => {
    let stopped: [HostId, readonly unknown[]][] | null = null;
    const quantum: number[] = [];
    const vmIds: string[][] = [];
    owners.forEach((owner, hostId) => {
      const s = owner.stoppedVms();
      if (s.length > 0) (stopped ??= []).push([hostId, s]);
      quantum.push(owner.quantumCycles());
      vmIds.push(owner.reclaimVmIds());
    });
    return { stopped, quantum, vmIds, busyMs: performance.now() - started, thread };
  };
  serveHostOwners(init.end, {
    addHost(raw) {
      const data = raw as HostSideData;
      if (owners.has(data.hostId)) throw new Error(`this host worker already holds host ${data.hostId}`);
      owners.set(data.hostId, new HostOwner(data.hostId, new HostSide(data, ports)));
    },
    owner(hostId) {
      const owner = owners.get(hostId as HostId);
      if (!owner) throw new Error(`this host worker holds no host ${String(hostId)}`);
      return owner;
    },
    runSegments(t0, t1) {
      const started = performance.now();
      owners.forEach((owner) => owner.runSegment(t0, t1));
      return segmentReply(started);
    },
    runStretch(fromMs, endsMs) {
      const started = performance.now();
      const steps: QuantumSteps[] = [];
      let at = fromMs;
      for (let i = 0; i < endsMs.length; i++) {
        const t0 = at * 1e6;
        const t1 = endsMs[i] * 1e6;
        owners.forEach((owner) => owner.runSegment(t0, t1));
        at = endsMs[i];
        if (i === endsMs.length - 1 || anyStopped()) break;
        // The quantum's per-host barrier steps, in the order the lockstep barrier makes them on a host
        // (collector.quantum's endQuantum, then memory.reclaim's VM ids and its step with no new view).
        const q: QuantumSteps = { cycles: [], vmIds: [], reclaim: [] };
        owners.forEach((owner) => {
          q.cycles.push(owner.endQuantum(t1 - t0));
          q.vmIds.push(owner.reclaimVmIds());
          q.reclaim.push(owner.reclaimStep({ nowMs: at }));
        });
        steps.push(q);
      }
      const reply: StretchReply = { steps, last: segmentReply(started) };
      return reply;
    },
  });
}

// A worker that cannot start (a factory module missing, codecs failing to load) says so at once: the
// coordinator blocked on its first call sees the exit word instead of waiting out its bound.
await main().catch((e: unknown) => {
  const { signal } = (workerData as HostWorkerInit).end;
  Atomics.store(signal, EXITED, 1);
  Atomics.notify(signal, REPLIES);
  throw e;
});
