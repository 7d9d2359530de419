/**
 * hostOwner — the one object per host through which operations reach the host's machinery (its CPU
 * scheduler, its memory pool and the guest machines running there): the seam host worker threads
 * will cut along (docs/ARCHITECTURE.md, "Spreading hosts over worker threads"). Arguments and replies
 * are plain data keyed by VM id; no scheduler or pool crosses it.
 *
 * Interface (`HostOwner`), in two groups:
 *  - answer needed now (synchronous): `start(order)` → `GuestStartReply` (overhead charge, factory,
 *    dirty log, reclaimer attach, scheduler add; an error or the guest's facts and counter baseline);
 *    `capture(vmId, nowNs)` → the machine's part of a capture; `requestShutdown` / `requestReboot` →
 *    accepted or not; `chargeOverhead(vmId, frames)` → fits or not; `freeFrames()`; `stop(vmId, nowNs)`;
 *    `markCrashed(vmId, nowNs)` → the guest's facts; `readConsole(vmId, offset)` (reads the machine only:
 *    no drain); `consoleInput(vmId, text)` → accepted, queue full or no guest; `pause(vmId, nowNs)` →
 *    the vCPUs' timing; `resume(order)`; `releaseOverhead(vmId)`; `drop(vmId, nowNs)` (a VM lost in a
 *    migration: off the scheduler, machine and overhead released, no reclaimer step).
 *  - fire and forget (queued): `setPolicy(vmId, policy)`, `setThrottle(vmId, pct)`. Kept per host in
 *    issue order and applied by `drain()`, which runs before the host's next segment (`runSegment`),
 *    before every synchronous call above (so their order with a start or stop stays the issue order),
 *    and when the lab saves or digests its state. `pendingOrders` counts what is queued.
 *  - the loop's side: `runSegment(t0, t1)` drains, then runs the host's scheduler for the segment.
 *  - sampling (reads: no drain, as they read nothing a queued order changes): `endQuantum(lengthNs)` →
 *    the host's cycles in the quantum being closed (the collector's per-quantum usage range);
 *    `sample(order)` → the collector's 20 s sample of the host (`HostSample`, plain data: hostSample.ts);
 *    `guestRunState(vmId)` / `guestFacts(vmId)` → the guest's run state / facts now (undefined: no
 *    machine), for the inventory DTO and the migration compatibility check.
 *
 * Rules: in one thread every call is synchronous and goes straight to the host's objects through
 * `HostOwnerEnv` (looked up at each call: a lab restore replaces the scheduler); nothing outside the
 * scheduler reads policy or throttle before the next segment, which is why queuing them keeps results.
 * The coordinator's side (inventory facts, console buffer, collector baselines, events) stays with the
 * caller (`guestLifecycle.ts`, `guestMove.ts`).
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { GuestRunState } from '@shared/model/inventory';
import type { CaptureTiming, HostScheduler, VmCpuPolicy } from '../scheduler/index';
import type { CapturedPages } from '../overcommit/index';
import type { GuestConfig, GuestFactory, HostMemory } from './guestFactory';
import type { GuestMachine } from './guestMachine';
import type { DirtyLogShare } from './dirtyLogShare';
import { takeHostSample, type HostSample, type HostSampleOrder } from './hostSample';

/** What a host's owner works on (in one thread: the lab's own objects). */
export interface HostOwnerEnv {
  scheduler(): HostScheduler | undefined;
  memory(): HostMemory | undefined;
  guestFactory(): GuestFactory | undefined;
  /** The VM's guest machine on this host, and setting it (the runtime's `guest` in one thread). */
  guest(vmId: VmId): GuestMachine | undefined;
  setGuest(vmId: VmId, guest: GuestMachine | undefined): void;
  /** The host's memory reclamation: a guest joins it, leaves it, its pages out copied for a capture. */
  reclaimStarted(vmId: VmId, guest: GuestMachine, captured: CapturedPages | undefined): void;
  reclaimStopped(vmId: VmId): void;
  reclaimCapture(vmId: VmId): CapturedPages | undefined;
  /** The VM's dirty log as its readers share it (the counters read it once per sample). */
  dirtyLog(vmId: VmId): DirtyLogShare | undefined;
}

/** The guest's facts the inventory shows (`setGuestFacts`). */
export interface GuestFacts {
  state: GuestRunState;
  crashReason?: string;
}

/** A power-on (or a resume from a capture) on this host. */
export interface GuestStartOrder {
  vmId: VmId;
  /** The VM's place in the scheduler's order (its number). */
  order: number;
  /** The VM's whole overhead, in frames (charged or topped up first). */
  overheadFrames: number;
  policy: VmCpuPolicy;
  nowNs: number;
  offsetNs: number;
  /** The machine to build (without the pool: the owner adds its own); absent → the VM runs no guest. */
  config?: Omit<GuestConfig, 'hostMemory'>;
  hostClockHz: number;
  seed: number;
  timing?: CaptureTiming;
  reclaimed?: CapturedPages;
}

export type GuestStartReply =
  | { ok: true; facts: GuestFacts; counters: Record<string, number> }
  | { ok: false; reason: 'noRoom'; freeFrames: number }
  | { ok: false; reason: 'guestFailed'; message: string };

/** The machine's part of a capture (the coordinator adds time base and console offset). */
export interface GuestCaptureReply {
  guestState: unknown;
  timing: CaptureTiming | undefined;
  touchedBytes: number;
  reclaimed: CapturedPages | undefined;
}

/** Scheduling a VM's machine again as it was paused (it is already this host's). */
export interface GuestResumeOrder {
  vmId: VmId;
  order: number;
  policy: VmCpuPolicy;
  nowNs: number;
  offsetNs: number;
  timing: CaptureTiming | undefined;
}

type QueuedOrder =
  | { kind: 'policy'; vmId: VmId; policy: VmCpuPolicy }
  | { kind: 'throttle'; vmId: VmId; pct: number };

export function factsOf(guest: GuestMachine | undefined): GuestFacts {
  if (!guest) return { state: 'notRunning' };
  const state: GuestRunState = guest.state === 'off' ? 'notRunning' : guest.state;
  return state === 'crashed' ? { state, crashReason: guest.crash?.reason ?? 'guest crashed' } : { state };
}

export class HostOwner {
  private queue: QueuedOrder[] = [];

  constructor(readonly hostId: HostId, private readonly env: HostOwnerEnv) {}

  get pendingOrders(): number {
    return this.queue.length;
  }

  // ---- fire and forget ------------------------------------------------------------------------

  setPolicy(vmId: VmId, policy: VmCpuPolicy): void {
    this.queue.push({ kind: 'policy', vmId, policy });
  }

  setThrottle(vmId: VmId, pct: number): void {
    this.queue.push({ kind: 'throttle', vmId, pct });
  }

  /** Applies the queued orders in issue order. */
  drain(): void {
    if (this.queue.length === 0) return;
    const orders = this.queue;
    this.queue = [];
    const sched = this.env.scheduler();
    if (!sched) return;
    for (const o of orders) {
      if (o.kind === 'policy') sched.setPolicy(o.vmId, o.policy);
      else sched.setThrottle(o.vmId, o.pct);
    }
  }

  /** The host's segment [t0, t1): the queued orders first. */
  runSegment(t0: number, t1: number): void {
    if (this.queue.length > 0) this.drain();
    this.env.scheduler()?.runSegment(t0, t1);
  }

  // ---- answer needed now ------------------------------------------------------------------------

  freeFrames(): number {
    this.drain();
    const pool = this.env.memory();
    return pool ? pool.capacityFrames - pool.framesAllocated - pool.stats().overheadFrames : 0;
  }

  /** Would topping the VM's overhead up to `frames` fit (charging nothing)? */
  overheadFits(vmId: VmId, frames: number): boolean {
    this.drain();
    const pool = this.env.memory();
    if (!pool) return true;
    const extra = frames - pool.overheadFramesOf(vmId);
    return extra <= 0 || pool.framesAllocated + pool.stats().overheadFrames + extra <= pool.capacityFrames;
  }

  /** Charges (or tops up to) `frames` of the VM's overhead; false, charging nothing, when it does not fit. */
  chargeOverhead(vmId: VmId, frames: number): boolean {
    this.drain();
    const pool = this.env.memory();
    if (!pool) return false;
    const extra = frames - pool.overheadFramesOf(vmId);
    return extra <= 0 || pool.chargeOverhead(vmId, extra);
  }

  releaseOverhead(vmId: VmId): void {
    this.drain();
    this.env.memory()?.releaseOverhead(vmId);
  }

  start(o: GuestStartOrder): GuestStartReply {
    this.drain();
    const sched = this.env.scheduler();
    const pool = this.env.memory();
    if (!sched || !pool) throw new Error(`host ${this.hostId} has no scheduler or memory pool`);
    if (!this.chargeOverhead(o.vmId, o.overheadFrames)) return { ok: false, reason: 'noRoom', freeFrames: this.freeFrames() };
    const factory = this.env.guestFactory();
    if (!o.config || !factory) {
      this.env.setGuest(o.vmId, undefined);
      return { ok: true, facts: factsOf(undefined), counters: {} };
    }
    let guest: GuestMachine;
    try {
      guest = factory({ ...o.config, hostMemory: pool }, o.hostClockHz, o.seed);
    } catch (e) {
      pool.releaseOverhead(o.vmId);
      return { ok: false, reason: 'guestFailed', message: e instanceof Error ? e.message : String(e) };
    }
    this.env.setGuest(o.vmId, guest);
    // Dirty logging runs for the VM's whole powered-on life: the collector reads the dirty rate from
    // it, and live migration needs it. A restored machine continues its saved log.
    guest.startDirtyLog?.(o.nowNs - o.offsetNs);
    // Memory reclamation takes over the guest's pages out (a capture's swapped and compressed pages).
    this.env.reclaimStarted(o.vmId, guest, o.reclaimed);
    const counters = guest.counters();
    sched.addVm(o.vmId, o.order, guest, o.policy, o.nowNs, o.offsetNs, o.timing);
    return { ok: true, facts: factsOf(guest), counters };
  }

  /** Off the scheduler, out of reclamation, machine disposed (its frames back), overhead released. */
  stop(vmId: VmId, nowNs: number): void {
    this.takeOff(vmId, nowNs, true);
  }

  /** A VM lost in a migration: off the scheduler, machine disposed, overhead released (no reclaimer step). */
  drop(vmId: VmId, nowNs: number): void {
    this.takeOff(vmId, nowNs, false);
  }

  private takeOff(vmId: VmId, nowNs: number, leaveReclamation: boolean): void {
    this.drain();
    this.env.scheduler()?.removeVm(vmId, nowNs);
    if (leaveReclamation) this.env.reclaimStopped(vmId);
    // A capture taken before (suspend, snapshot) keeps its own copy-on-write references to the page
    // contents, which the pool no longer counts.
    this.env.guest(vmId)?.dispose();
    this.env.setGuest(vmId, undefined);
    this.env.memory()?.releaseOverhead(vmId);
  }

  /** The guest crashed: it stays (for its console and state) but gets no more CPU. */
  markCrashed(vmId: VmId, nowNs: number): GuestFacts {
    this.drain();
    this.env.scheduler()?.removeVm(vmId, nowNs);
    return factsOf(this.env.guest(vmId));
  }

  capture(vmId: VmId, nowNs: number): GuestCaptureReply {
    this.drain();
    const guest = this.env.guest(vmId);
    return {
      guestState: guest ? guest.save() : null,
      timing: guest ? this.env.scheduler()?.capture(vmId, nowNs) : undefined,
      touchedBytes: guest ? guest.memoryStats().touchedBytes : 0,
      reclaimed: guest ? this.env.reclaimCapture(vmId) : undefined,
    };
  }

  requestShutdown(vmId: VmId): boolean {
    this.drain();
    return this.env.guest(vmId)?.requestGuestShutdown() ?? false;
  }

  requestReboot(vmId: VmId): boolean {
    this.drain();
    return this.env.guest(vmId)?.requestGuestReboot() ?? false;
  }

  /** Console output from `offset` on (undefined: no guest). */
  readConsole(vmId: VmId, offset: number): { text: string; nextOffset: number } | undefined {
    return this.env.guest(vmId)?.consoleRead(offset);
  }

  /** Typed console input: true accepted, false the guest's input queue is full, undefined no guest. */
  consoleInput(vmId: VmId, text: string): boolean | undefined {
    this.drain();
    const guest = this.env.guest(vmId);
    return guest ? guest.consoleInput(text) !== false : undefined;
  }

  /** Takes the VM's vCPUs off the scheduler, keeping their timing (undefined: not scheduled here). */
  pause(vmId: VmId, nowNs: number): CaptureTiming | undefined {
    this.drain();
    const sched = this.env.scheduler();
    if (!sched) return undefined;
    const timing = sched.capture(vmId, nowNs);
    sched.removeVm(vmId, nowNs);
    return timing;
  }

  /** Schedules the VM's machine (already this host's) as it was paused; the guest's facts. */
  resume(o: GuestResumeOrder): GuestFacts {
    this.drain();
    const sched = this.env.scheduler();
    const guest = this.env.guest(o.vmId);
    if (!sched || !guest) throw new Error(`${o.vmId} has no machine on host ${this.hostId} to resume`);
    if (!sched.has(o.vmId)) sched.addVm(o.vmId, o.order, guest, o.policy, o.nowNs, o.offsetNs, o.timing);
    return factsOf(guest);
  }

  // --- sampling (collector) ---------------------------------------------------------------------

  /** Closes one lockstep quantum on the host's scheduler: the host's cycles in it. */
  endQuantum(lengthNs: number): number {
    return this.env.scheduler()?.endGridQuantum(lengthNs) ?? 0;
  }

  /** The collector's sample of this host (clears the scheduler's accounting, reads the VMs' dirty logs). */
  sample(order: HostSampleOrder): HostSample {
    return takeHostSample(this.env, order);
  }

  /** The guest's run state now (undefined: the VM runs no machine here): the inventory DTO's, per VM, allocating nothing. */
  guestRunState(vmId: VmId): GuestRunState | undefined {
    const guest = this.env.guest(vmId);
    if (!guest) return undefined;
    const state = guest.state;
    return state === 'off' ? 'notRunning' : state;
  }

  /** The guest's facts now (undefined: the VM runs no machine here). */
  guestFacts(vmId: VmId): GuestFacts | undefined {
    const guest = this.env.guest(vmId);
    return guest ? factsOf(guest) : undefined;
  }
}
