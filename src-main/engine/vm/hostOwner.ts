/**
 * hostOwner — the one object per host through which operations reach the host's machinery (its CPU
 * scheduler, its memory pool and the guest machines running there): the seam host worker threads
 * will cut along (docs/ARCHITECTURE.md, "Spreading hosts over worker threads"). Arguments and replies
 * are plain data keyed by VM id; no scheduler or pool crosses it.
 *
 * Interface (`HostOwner`), in two groups:
 *  - answer needed now (synchronous): `start(order)` → `GuestStartReply` (overhead charge, factory,
 *    dirty log (carried in when the order brings it), reclaimer attach, scheduler add; the machine built with
 *    this host's pool and the VM's disk (`HostOwnerEnv.disk`: orders carry neither); an error or the guest's facts and counter baseline; from a
 *    capture held here when the order names one); `requestShutdown` / `requestReboot` →
 *    accepted or not; `chargeOverhead(vmId, frames)` → fits or not; `freeFrames()`; `stop(vmId, nowNs)`;
 *    `markCrashed(vmId, nowNs)` → the guest's facts; `readConsole(vmId, offset)` (reads the machine only:
 *    no drain); `consoleInput(vmId, text)` → accepted, queue full or no guest; `pause(vmId, nowNs)` →
 *    the vCPUs' timing; `resume(order)`; `releaseOverhead(vmId)`; `drop(vmId, nowNs)` (a VM lost in a
 *    migration: off the scheduler, machine and overhead released, no reclaimer step).
 *  - captures (synchronous, orders and replies in `captureOrders.ts`): `capture(vmId, nowNs)` stores the
 *    machine's image here (its save and the pages reclamation held away) and replies the handle, timing and
 *    memory touched; `exportCapture(id)` → the image (for another host's owner), `importCapture(image)` →
 *    its handle here, `releaseCapture(id)`, `captureCount()`. The coordinator holds only handles.
 *  - fire and forget (queued): `setPolicy(vmId, policy)`, `setThrottle(vmId, pct)`. Kept per host in
 *    issue order and applied by `drain()`, which runs before the host's next segment (`runSegment`),
 *    before every synchronous call above (so their order with a start or stop stays the issue order),
 *    and when the lab saves or digests its state. `pendingOrders` counts what is queued.
 *  - the loop's side: `runSegment(t0, t1)` drains, then runs the host's scheduler for the segment.
 *  - migration (synchronous, orders in `moveOrders.ts`): the source's owner holds the leaving machines
 *    (`beginOutgoing` … `finishOutgoing` / `cancelOutgoing`), the destination's makes and holds the
 *    incoming memories and starts the machine at the switch (`receiveIncoming`, `startIncoming`); a
 *    post-copy finished at load is read and supplied by the two owners (`readSavedSource`,
 *    `missingPages`, `supplyPages`).
 *  - migration sender (synchronous, replies in `outgoingReads.ts`): the mechanism reads the leaving
 *    machine here with plain values, never by reference: its page count, its dirty log, its device state
 *    at the switch, the switch's check (digest and per-page hash list) and, after a move that failed,
 *    whether it is whole.
 *  - migration sender, source side (synchronous, orders and replies in `senderOrders.ts`): the sender
 *    half's work done here beside the leaving machines: post-copy's held pages written at the switch
 *    (`outgoingHeldPages`: the bitmaps' words in, the record batches and the zero-page maps out, every
 *    buffer transferable).
 *  - migration sender half (synchronous, `SenderOrder` in `senderOrders.ts`, the calls' plain data in
 *    `migration/senderCalls.ts`): the source's owner makes and holds the sender half itself (`openSender`
 *    … `closeSender`: the `PageSender`, reading the leaving machines' pages here) and runs pre-copy's steps,
 *    the packet's flushes, the stop's last pages and post-copy's pushes (`senderStep`, `senderFlush`,
 *    `senderIndex`, `senderPostcopy`, `senderPush`): the link's state, the counters and the bitmaps in and
 *    out, the record batches out (transferable); dedup's compare, and full batches past the few a call
 *    keeps, go back through the port given at open.
 *  - migration halves (synchronous, orders in `halfOrders.ts`): the destination's owner makes and holds
 *    the receiver half (`openReceiver` … `closeReceiver`); batches are applied or held, pages discarded,
 *    held pages read and dropped, and dedup's confirming compare read (`receiverReadPlace`) by plain-data
 *    calls keyed by the first member's id.
 *  - migration after the switch (synchronous, plain data in `migration/destinationCalls.ts`): the
 *    destination's owner holds the machines it started at the switch as a migration's destination side
 *    (`openDestination` … `closeDestination`): the switch's verification against the source's checks
 *    (`destinationVerify`), post-copy's not-present handlers (`destinationStartPostcopy`: a fault that
 *    cannot wait is served here from the receiver half's held copy, the mechanism told through the port;
 *    one that waits kept for `destinationRequests`), arrivals (`destinationArrive` → the check counts) and
 *    the wait counters (`destinationWaits`), keyed by the first member's id.
 *  - memory reclamation (synchronous, plain data in `overcommit/reclaimOrders.ts`: `ReclaimCalls`): the
 *    host's reclaimer and its view copy are made (through `HostOwnerEnv.reclamation`) and held here
 *    (`overcommit/hostReclamation.ts`); the guest hooks are this owner's own (`start` attaches with the
 *    order's `reclaimSeed` and replies `reclaimOpened` when that made the reclaimer; `joinReclamation`
 *    likewise; `stop` / `leaveReclamation` detach; `capture` copies the pages out). The `memory.reclaim`
 *    service calls `reclaimVmIds()` (the view covers them), `reclaimStep({ nowMs, view? })` → the state
 *    changes, `reclaimPart()` / `restoreReclaimPart(order)` for a saved lab; `reclaimAwayBytes`,
 *    `reclaimer()` and `reclaimViewCopy()` are for tests in one thread.
 *  - dirty logs (`dirtyLogShares.ts`): each VM's share is held here beside its machine; a `start` or
 *    `startIncoming` order carries it from the host that held it (`dirtyLog`, plain state), `takeDirtyLog`
 *    gives it up, a migration's reader is attached and detached here (`attachDirtyReader`,
 *    `detachDirtyReader`); `hasMachine(vmId)` says whether the VM runs a machine here.
 *  - disks (`diskStore.ts`): the live disks of the VMs whose machine last started here, lent by the
 *    coordinator (`diskPlace.ts`): a `start`, `startIncoming` or saved guest's order carries them (`disks`,
 *    plain `DiskChainsState`) from wherever they were; `takeDisks(vmId)` gives them up (their writable
 *    tops), `diskTops(vmId)` copies the tops for a read, `sealDisks(vmId)` seals them (Take Snapshot). A
 *    machine that runs is built only on disks held here (refused otherwise, never on an empty disk).
 *  - save, digest and restore parts (`hostParts.ts`, plain data, one message each on a worker):
 *    `digestPart()` → what the state digest reads of each guest machine here (hashed with the pages this
 *    host's reclaimer holds, here); `savePart()` → each machine's `save()`, the scheduler's and the capture images
 *    held here; `restorePart(part)` → the part's capture images held, overheads charged, saved machines rebuilt on the pool, the scheduler restored
 *    with them; `ok` or the first failure. The lab assembles them in its own order (`lab/labPersist.ts`).
 *  - sampling (reads: no drain, as they read nothing a queued order changes): `endQuantum(lengthNs)` →
 *    the host's cycles in the quantum being closed (the collector's per-quantum usage range), and
 *    `quantumCycles()` the same figure read without closing the quantum;
 *    `sample(order)` → the collector's 20 s sample of the host (`HostSample`, plain data: hostSample.ts,
 *    memory reclamation's figures included: the host's reclaimer is read here, not by the collector);
 *    `guestRunState(vmId)` / `guestFacts(vmId)` → the guest's run state / facts now (undefined: no
 *    machine), for the inventory DTO and the migration compatibility check.
 *
 * Rules: in one thread every call is synchronous and goes straight to the host's objects through
 * `HostOwnerEnv`, the host's side (`host/hostSide.ts`: it holds the scheduler, pool and guest machines;
 * the lab holds none); at a migration's switch the source lets go of the machine (`leaveReclamation`),
 * holding it only as leaving. `stoppedVms()` is the `guests.stopped` service's per-host report;
 * `inspectScheduler()` / `inspectMemory()` / `inspectGuest(vmId)` are tests' reads in one thread. Nothing outside the
 * scheduler reads policy or throttle before the next segment, which is why queuing them keeps results.
 * The coordinator's side (inventory facts, console buffer, collector baselines, events) stays with the
 * caller (`guestLifecycle.ts`, `guestMove.ts`). Every public member is listed in `ownerCalls.ts` (typecheck
 * fails otherwise), from which the client that sends the calls as messages is made (`ownerTransport.ts`).
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { GuestRunState } from '@shared/model/inventory';
import type { CaptureTiming, HostCpuShape, VmCpuPolicy } from '../scheduler/index';
import { HostScheduler } from '../scheduler/index';
import type {
  HostReclaimer, HostReclaimerState, HostReclamation, ReclaimCalls, ReclaimRestoreOrder, ReclaimRestoreReply, ReclaimStepOrder, ReclaimStepReply,
  ReclaimViewCopy,
} from '../overcommit/index';
import type { CaptureHandle, CaptureImage, GuestCaptureReply } from './captureOrders';
import { CaptureStore } from './captureStore';
import { PAGE_SIZE_BYTES } from '../params';
import type { GuestConfig, GuestFactory, GuestOrderConfig, HostMemory } from './guestFactory';
import type { GuestMachine, GuestPages, IncomingGuestMemory } from './guestMachine';
import type { IncomingOrder, IncomingStartOrder, OutgoingSaved, SavedSourceRead } from './moveOrders';
import type { ReceiverOrder } from './halfOrders';
import type { HeldPagesOrder, HeldPagesReply, SenderOrder } from './senderOrders';
import type { MigrationOptions } from '@shared/model/migration';
import { checkOutgoing, outgoingWhole, readOutgoingPage, type SourceCheck, type SourceWhole } from './outgoingReads';
import type { DedupPlace, MigrationReceiver, RecordBatch } from '../migration/index';
import type { ArrivalCounts, DestinationWaits, MigrationDestination, SwitchVerdict, UrgentFaultPort } from '../migration/index';
import type {
  ReceiverPort, MigrationSender, SenderFlushOrder, SenderIndexOrder, SenderIndexReply, SenderPushOrder, SenderPushReply, SenderReply,
  SenderStepOrder, SenderStepReply, SourcePageRead,
} from '../migration/index';
import type { PageCodecName } from '../ports';
import type { GuestDigestPart, HostDigestPart, HostRestorePart, HostRestoreReply, HostSavePart } from './hostParts';
import type { DirtyLogShareState } from './dirtyLogShare';
import type { DirtyLogShares } from './dirtyLogShares';
import type { DiskStore } from './diskStore';
import type { DiskChainsState, DiskLayer } from '../snapshot/index';
import { takeHostSample, type HostSample, type HostSampleOrder, type HostSampleSource } from './hostSample';

/** What a host's owner works on: the host's side (`host/hostSide.ts`), which holds it all. */
export interface HostOwnerEnv {
  scheduler(): HostScheduler | undefined;
  memory(): HostMemory | undefined;
  guestFactory(): GuestFactory | undefined;
  /** The VM's guest machine on this host, and setting it (the runtime's `guest` in one thread). */
  guest(vmId: VmId): GuestMachine | undefined;
  setGuest(vmId: VmId, guest: GuestMachine | undefined): void;
  /** The host's memory reclamation, made once with the owner (its reclaimer is made there, on first need). */
  reclamation(): HostReclamation;
  // --- save, digest and restore parts (persist) ---
  /** The VMs whose guest machine is on this host. */
  guestIds(): readonly VmId[];
  /** The live disks lent to this host (`diskStore.ts`): a machine built here reads and writes the VM's first. */
  disks(): DiskStore;
  /** The host's CPU shape (a restored scheduler is built on it), and installing a restored scheduler. */
  cpuShape(): HostCpuShape | undefined;
  setScheduler(scheduler: HostScheduler): void;
  /** The dirty-log shares of the VMs whose logs this host holds (the counters read them once per sample). */
  dirtyLogs(): DirtyLogShares;
  // --- migration halves ---
  /** A migration's receiver half over these memories (`migration/pageReceiver.ts`, with the host's page codecs). */
  receiverHalf(incoming: IncomingGuestMemory[], destinationVms: GuestPages[], compression: PageCodecName | undefined): MigrationReceiver;
  // --- migration after the switch ---
  /** A migration's destination side over the machines started here at the switch and the receiver half's held pages (`migration/destinationMachines.ts`). */
  destinationSide(machines: GuestMachine[], held: MigrationReceiver): MigrationDestination;
  // --- migration sender (source side) ---
  /** Post-copy's held pages written from the source's reads (`migration/postcopyHold.ts`). */
  writeHeldPages(pages: readonly ArrayBuffer[], read: SourcePageRead): HeldPagesReply;
  // --- migration sender half ---
  /** A migration's sender half over the source's reads (`migration/senderSide.ts`, with the host's page codecs). */
  senderHalf(read: SourcePageRead, pageCounts: readonly number[], options: MigrationOptions, port: ReceiverPort): MigrationSender;
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
  /** The machine to build (without the pool and the disk: the owner adds its own); absent → the VM runs no guest. */
  config?: GuestOrderConfig;
  hostClockHz: number;
  seed: number;
  timing?: CaptureTiming;
  /** A capture held here to start from (`captureOrders.ts`): the machine is restored from its image
   *  (with `config`) and the pages it held away go back to this host's reclamation. */
  capture?: number;
  /** The seed the guest's memory reclamation starts with (`vmReclaimSeed`: per boot). */
  reclaimSeed: number;
  /** The VM's dirty log, carried from the host that held it (absent: this host holds it already). */
  dirtyLog?: DirtyLogShareState;
  /** The VM's live disks, lent from the runtime or the host that held them (absent: this host holds them already, or no machine is built). */
  disks?: DiskChainsState;
}

export type GuestStartReply =
  | { ok: true; facts: GuestFacts; counters: Record<string, number>; reclaimOpened?: true }
  | { ok: false; reason: 'noRoom'; freeFrames: number }
  | { ok: false; reason: 'guestFailed'; message: string };

/** Scheduling a VM's machine again as it was paused (it is already this host's). */
export interface GuestResumeOrder {
  vmId: VmId;
  order: number;
  policy: VmCpuPolicy;
  nowNs: number;
  offsetNs: number;
  timing: CaptureTiming | undefined;
}

const NO_STOPPED: readonly { id: VmId; crashed: boolean; poweredOff: boolean }[] = Object.freeze([]);

type QueuedOrder =
  | { kind: 'policy'; vmId: VmId; policy: VmCpuPolicy }
  | { kind: 'throttle'; vmId: VmId; pct: number };

export function factsOf(guest: GuestMachine | undefined): GuestFacts {
  if (!guest) return { state: 'notRunning' };
  const state: GuestRunState = guest.state === 'off' ? 'notRunning' : guest.state;
  return state === 'crashed' ? { state, crashReason: guest.crash?.reason ?? 'guest crashed' } : { state };
}

export class HostOwner implements ReclaimCalls {
  private queue: QueuedOrder[] = [];
  /** The host's memory reclamation (its reclaimer lives here, beside the guests whose faults it serves). */
  private readonly reclamation: HostReclamation;

  constructor(readonly hostId: HostId, private readonly env: HostOwnerEnv) {
    this.reclamation = env.reclamation();
  }

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
    if (o.dirtyLog) this.env.dirtyLogs().put(o.vmId, o.dirtyLog);
    if (o.disks) this.env.disks().put(o.vmId, o.disks);
    if (!this.chargeOverhead(o.vmId, o.overheadFrames)) return { ok: false, reason: 'noRoom', freeFrames: this.freeFrames() };
    const factory = this.env.guestFactory();
    if (!o.config || !factory) {
      this.env.setGuest(o.vmId, undefined);
      return { ok: true, facts: factsOf(undefined), counters: {} };
    }
    const image = o.capture !== undefined ? this.captures.get(o.capture) : undefined;
    let guest: GuestMachine;
    try {
      guest = factory({ ...this.onThisHost(o.config, pool, true), ...(image ? { restoreState: image.guestState } : {}) }, o.hostClockHz, o.seed);
    } catch (e) {
      pool.releaseOverhead(o.vmId);
      return { ok: false, reason: 'guestFailed', message: e instanceof Error ? e.message : String(e) };
    }
    this.env.setGuest(o.vmId, guest);
    // Dirty logging runs for the VM's whole powered-on life: the collector reads the dirty rate from
    // it, and live migration needs it. A restored machine continues its saved log.
    guest.startDirtyLog?.(o.nowNs - o.offsetNs);
    // Memory reclamation takes over the guest's pages out (a capture's swapped and compressed pages).
    const opened = this.reclamation.started(o.vmId, guest, o.reclaimSeed, image?.reclaimed);
    const counters = guest.counters();
    sched.addVm(o.vmId, o.order, guest, o.policy, o.nowNs, o.offsetNs, o.timing);
    return opened ? { ok: true, facts: factsOf(guest), counters, reclaimOpened: true } : { ok: true, facts: factsOf(guest), counters };
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
    if (leaveReclamation) this.reclamation.stopped(vmId);
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

  // --- captures (orders and replies in `captureOrders.ts`) -----------------------------------------
  // A capture's memory image stays here, where its frames are shared copy-on-write with the pool; the
  // coordinator holds a handle. It leaves only as a copy: to start on another host, in a saved lab.

  /** The capture images held here (memory snapshots and suspended VMs taken on this host, or imported). */
  private readonly captures = new CaptureStore();

  /** Captures the VM's machine: its image held here (the handle in the reply), its timing and memory touched. */
  capture(vmId: VmId, nowNs: number): GuestCaptureReply {
    this.drain();
    const guest = this.env.guest(vmId);
    if (!guest) return { image: null, timing: undefined, touchedBytes: 0 };
    const guestState = guest.save();
    const timing = this.env.scheduler()?.capture(vmId, nowNs);
    const touchedBytes = guest.memoryStats().touchedBytes;
    const captureId = this.captures.put({ guestState, reclaimed: this.reclamation.capture(vmId) });
    return { image: { hostId: this.hostId, captureId }, timing, touchedBytes };
  }

  /**
   * A held image, for another host's owner to start from (`importCapture` there). In one thread the image
   * itself (immutable: every start copies from it); on a worker the reply is a structured clone, so the
   * image stays held here and the copy's buffers may be transferred on.
   */
  exportCapture(captureId: number): CaptureImage {
    return this.captures.get(captureId);
  }

  /** An image exported by another host's owner, held here from now on: its handle on this host. */
  importCapture(image: CaptureImage): CaptureHandle {
    return { hostId: this.hostId, captureId: this.captures.put(image) };
  }

  /** The coordinator no longer holds the handle (snapshot deleted, suspend ended, VM destroyed): the image goes. */
  releaseCapture(captureId: number): void {
    this.captures.release(captureId);
  }

  /** How many capture images are held here. */
  captureCount(): number {
    return this.captures.size;
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

  // --- migration (source and destination sides) ------------------------------------------------
  // Source side: `beginOutgoing` keeps the VM's machine here for the whole move; `pause` / `resume`
  // above stop and restart it; `leaveReclamation` takes it out of the host's reclamation at the switch
  // keeping the bytes of its pages held outside the machine; `finishOutgoing` drops it (frames back).
  // Destination side: `receiveIncoming` makes the VM's empty memory on this host's pool; `startIncoming`
  // builds the machine from the core and that memory and schedules it (the VM is this host's from now
  // on); `releaseIncoming` gives the memory back (a move that failed before the switch). The sender half
  // reads the leaving machine through plain-data calls ("migration sender" below); the receiver half is
  // held here beside the incoming memories ("migration halves" below). Every reply is plain data.

  /** Migration, source side: the machines of VMs leaving this host, kept until the move ends. */
  private readonly outgoing = new Map<VmId, { guest: GuestMachine; away?: Map<number, Uint8Array> }>();
  /** Migration, destination side: the memories of VMs coming to this host, filled until the switch. */
  private readonly incoming = new Map<VmId, IncomingGuestMemory>();

  /** The VM's machine here leaves with a migration: kept by this owner until `finishOutgoing`. */
  beginOutgoing(vmId: VmId): void {
    const guest = this.env.guest(vmId);
    if (!guest) throw new Error(`${vmId} has no machine on host ${this.hostId} to migrate`);
    this.outgoing.set(vmId, { guest });
  }

  /**
   * The bytes of the leaving VM's page that this host holds outside the machine: from reclamation before
   * the switch, from what was kept at the switch after it (undefined: none).
   */
  outgoingAway(vmId: VmId, gpfn: number): Uint8Array | undefined {
    const o = this.outgoing.get(vmId);
    if (o?.away) return o.away.get(gpfn);
    return this.reclamation.awayBytes(vmId, gpfn);
  }

  /** At the switch: the leaving VM leaves this host's reclamation; the bytes of its pages held outside it are kept here. */
  leaveReclamation(vmId: VmId): void {
    this.drain();
    const o = this.outgoing.get(vmId);
    if (!o) return;
    const held = new Map<number, Uint8Array>();
    o.guest.scanPages((g, hfn) => {
      const bytes = hfn < 0 ? this.reclamation.awayBytes(vmId, g) : undefined;
      if (bytes) held.set(g, bytes);
    });
    this.reclamation.stopped(vmId);
    o.away = held;
    // From the switch the VM's running machine is the destination's: this host holds it only as leaving.
    this.env.setGuest(vmId, undefined);
  }

  /** The leaving machine's saved state and kept bytes (a save in post-copy): plain data. */
  saveOutgoing(vmId: VmId): OutgoingSaved {
    const o = this.outgoing.get(vmId);
    if (!o) throw new Error(`${vmId} is not leaving host ${this.hostId}`);
    return { state: o.guest.save(), away: [...(o.away ?? [])].map(([g, bytes]): [number, Uint8Array] => [g, bytes.slice()]) };
  }

  /** The move ended before the switch: the machine runs here as before, no longer held as leaving. */
  cancelOutgoing(vmId: VmId): void {
    this.outgoing.delete(vmId);
  }

  /** The move is over: the leaving machine is disposed (its frames back to this host), nothing kept. */
  finishOutgoing(vmId: VmId): void {
    this.drain();
    const o = this.outgoing.get(vmId);
    if (!o) return;
    this.outgoing.delete(vmId);
    o.guest.dispose();
  }

  /** A VM coming to this host: its empty memory on this host's pool, kept here until `startIncoming`. */
  receiveIncoming(o: IncomingOrder): void {
    this.drain();
    const pool = this.env.memory();
    const factory = this.env.guestFactory();
    if (!pool || !factory?.incomingMemory) throw new Error('this engine cannot build a machine from a page stream');
    this.incoming.set(o.vmId, factory.incomingMemory(this.onThisHost(o.config, pool, false)));
  }

  /** Frames the incoming memory holds so far (0 once released or started). */
  incomingFrames(vmId: VmId): number {
    const inc = this.incoming.get(vmId);
    if (!inc) return 0;
    try { return inc.mappedPageCount ?? inc.frameStats().mappedPages; } catch { return 0; }
  }

  /** A move that ended before the switch: the incoming memory's frames go back to this host. */
  releaseIncoming(vmId: VmId): void {
    const inc = this.incoming.get(vmId);
    if (!inc) return;
    this.incoming.delete(vmId);
    try { inc.release(); } catch { /* already released by the mechanism */ }
  }

  /** The switch on this side: the machine built from `core` and the incoming memory, made this host's and scheduled. */
  startIncoming(o: IncomingStartOrder): GuestFacts {
    this.drain();
    const inc = this.incoming.get(o.vmId);
    const cannot = `host ${this.hostId} cannot take ${o.vmId}`;
    if (!inc) throw new Error(cannot);
    if (o.dirtyLog) this.env.dirtyLogs().put(o.vmId, o.dirtyLog);
    if (o.disks) this.env.disks().put(o.vmId, o.disks);
    const guest = this.buildOnPool({ ...o.config, restoreState: o.core, incoming: inc }, true, o.hostClockHz, cannot);
    this.incoming.delete(o.vmId);
    this.env.setGuest(o.vmId, guest);
    return this.resume(o);
  }


  /**
   * An order's machine config completed here: this host's pool and the VM's disk held here. A machine that
   * runs (`runs`) needs the VM's disks here: without them its block device would silently be an empty one.
   */
  private onThisHost<C extends GuestOrderConfig>(config: C, pool: HostMemory, runs: boolean): C & Pick<GuestConfig, 'disk' | 'hostMemory'> {
    const vmId = config.vmId as VmId;
    if (runs && !this.env.disks().has(vmId)) throw new Error(`host ${this.hostId} holds no disks of ${vmId}: its order carried none`);
    return { ...config, disk: this.env.disks().disk(vmId), hostMemory: pool };
  }
  /**
   * A machine built on this host's pool from a saved or received state (the switch, a post-copy source
   * read at load, a saved lab's guest): the factory's seed is 0, as no fresh guest boots here.
   */
  private buildOnPool(config: GuestOrderConfig & Pick<GuestConfig, 'restoreState' | 'incoming'>, runs: boolean, hostClockHz: number, noPool: string, noFactory = noPool): GuestMachine {
    const pool = this.env.memory();
    const factory = this.env.guestFactory();
    if (!pool) throw new Error(noPool);
    if (!factory) throw new Error(noFactory);
    return factory(this.onThisHost(config, pool, runs), hostClockHz, 0);
  }

  /** Whether the VM runs a machine on this host (a post-copy finished at load, a rollback's resume). */
  hasMachine(vmId: VmId): boolean {
    return this.env.guest(vmId) !== undefined;
  }

  // --- dirty logs ----------------------------------------------------------------------------------
  // The VM's dirty-log share is held here beside its machine (`dirtyLogShares.ts`); it comes with a
  // start or a migration's switch (the orders' `dirtyLog`) and leaves as plain state (`takeDirtyLog`).

  /** The VM's dirty log leaves this host (to the host it starts on, or gone with the VM): its whole state. */
  takeDirtyLog(vmId: VmId): DirtyLogShareState | undefined {
    return this.env.dirtyLogs().take(vmId);
  }

  // --- disks ---------------------------------------------------------------------------------------
  // The live disks lent here (`diskStore.ts`) arrive inside the orders that build the VM's machine; the
  // coordinator keeps their sealed layers, so only the writable tops leave, as copies (`diskPlace.ts`).

  /** The VM's disks leave this host: each disk's writable top (undefined: this host holds none of the VM's). */
  takeDisks(vmId: VmId): DiskLayer[] | undefined {
    return this.env.disks().take(vmId);
  }

  /** Each of the VM's disks' writable top, copied (a save, a digest or a clone reads the disks as they are). */
  diskTops(vmId: VmId): DiskLayer[] {
    return this.env.disks().tops(vmId);
  }

  /** Take Snapshot: each of the VM's disks' writable layer sealed here; the sealed layers (they never change again). */
  sealDisks(vmId: VmId): DiskLayer[] {
    return this.env.disks().seal(vmId);
  }

  /** A reader (a live migration) starts keeping what the VM's other readers take from the log. */
  attachDirtyReader(vmId: VmId, reader: string): void {
    this.env.dirtyLogs().of(vmId).attach(reader);
  }

  detachDirtyReader(vmId: VmId, reader: string): void {
    this.env.dirtyLogs().of(vmId).detach(reader);
  }

  /** The VM's machine here is whole (the move's last page arrived): it joins this host's reclamation with
   *  `reclaimSeed`; true when that made the host's reclaimer. */
  joinReclamation(vmId: VmId, reclaimSeed: number): boolean {
    const guest = this.env.guest(vmId);
    return guest ? this.reclamation.started(vmId, guest, reclaimSeed) : false;
  }

  /** Which of `pages` of the VM's machine here are not present (post-copy's pages still to come). */
  missingPages(vmId: VmId, pages: readonly number[]): number[] {
    const guest = this.env.guest(vmId);
    return guest ? pages.filter((g) => guest.pageState(g) === 'notPresent') : [];
  }

  /** Supplies the VM's missing pages (post-copy finished from a saved copy). */
  supplyPages(vmId: VmId, pages: readonly [number, Uint8Array][]): void {
    this.drain();
    const guest = this.env.guest(vmId);
    if (!guest) return;
    for (const [g, bytes] of pages) guest.supplyPage(g, bytes);
  }

  /**
   * A saved paused source rebuilt for a moment on this host's pool to read `pages` from (post-copy
   * finished at load), then disposed: the pages' bytes (a page held outside the machine from `away`,
   * zeros where nobody holds it).
   */
  readSavedSource(o: SavedSourceRead): [number, Uint8Array][] {
    this.drain();
    const source = this.buildOnPool({ ...o.config, restoreState: o.state }, false, o.hostClockHz, `host ${this.hostId} cannot rebuild ${o.vmId}`);
    const away = new Map(o.away);
    const out: [number, Uint8Array][] = [];
    for (const g of o.pages) {
      const bytes = source.pageState(g) === 'notPresent' ? away.get(g) : source.readPage(g);
      out.push([g, bytes ?? new Uint8Array(PAGE_SIZE_BYTES)]);
    }
    source.dispose();
    return out;
  }

  // --- save, digest and restore parts (persist) ---

  /** This host's part of the state digest: for each of its guest machines, what the digest hashes of it. */
  digestPart(): HostDigestPart {
    this.drain();
    const guests: [VmId, GuestDigestPart][] = [];
    for (const vmId of this.env.guestIds()) {
      const guest = this.env.guest(vmId);
      if (!guest) continue;
      // guest-visible memory: pages this host took away (swapped, compressed, sampled) hash as their contents
      const digest = guest.digest((gpfn) => this.reclamation.awayBytes(vmId, gpfn));
      guests.push([vmId, { state: guest.state, digest, clockNs: guest.guestClockNs() }]);
    }
    return { hostId: this.hostId, guests };
  }

  /** This host's part of a saved lab: each guest machine's `save()` and the scheduler's. */
  savePart(): HostSavePart {
    this.drain();
    const guests: [VmId, unknown][] = [];
    for (const vmId of this.env.guestIds()) {
      const guest = this.env.guest(vmId);
      if (guest) guests.push([vmId, guest.save()]);
    }
    return { hostId: this.hostId, guests, scheduler: this.env.scheduler()?.save(), captures: this.captures.entries(), dirtyLogs: this.env.dirtyLogs().saved() };
  }

  /**
   * A saved lab's host: the powered-on VMs' overheads charged, the saved machines rebuilt on this host's
   * pool (in the part's order), then the saved scheduler restored with them. Stops at the first failure.
   */
  restorePart(part: HostRestorePart): HostRestoreReply {
    this.drain();
    this.captures.restore(part.captures);
    for (const [vmId, state] of part.dirtyLogs) this.env.dirtyLogs().put(vmId, state);
    for (const [vmId, frames] of part.overheads) {
      if (!this.chargeOverhead(vmId, frames)) return { ok: false, failed: 'overhead', vmId, message: `host ${this.hostId} cannot hold the overhead` };
    }
    const built = new Map<VmId, GuestMachine>();
    for (const o of part.guests) {
      try {
        if (o.disks) this.env.disks().put(o.vmId, o.disks);
        const guest = this.buildOnPool(o.config, true, o.hostClockHz, `host ${this.hostId} has no memory pool`,
          'this lab was saved with executing guests, but this engine build has no guest machine to restore them into');
        this.env.setGuest(o.vmId, guest);
        built.set(o.vmId, guest);
      } catch (e) {
        return { ok: false, failed: 'guest', vmId: o.vmId, message: e instanceof Error ? e.message : String(e) };
      }
    }
    if (part.scheduler) {
      try {
        const shape = this.env.cpuShape();
        if (!shape) throw new Error(`host ${this.hostId} has no CPU shape`);
        this.env.setScheduler(HostScheduler.restore(shape, part.scheduler, built));
      } catch (e) {
        return { ok: false, failed: 'scheduler', message: e instanceof Error ? e.message : String(e) };
      }
    }
    return { ok: true };
  }

  // --- sampling (collector) ---------------------------------------------------------------------

  /** Closes one lockstep quantum on the host's scheduler: the host's cycles in it. */
  endQuantum(lengthNs: number): number {
    return this.env.scheduler()?.endGridQuantum(lengthNs) ?? 0;
  }

  /** What `endQuantum` would return now, closing nothing (a host worker sends it with the segment's reply). */
  quantumCycles(): number {
    return this.env.scheduler()?.gridCycles() ?? 0;
  }

  /** The guests that crashed or powered themselves off during the segment (usually none: a shared empty list). */
  stoppedVms(): readonly { id: VmId; crashed: boolean; poweredOff: boolean }[] {
    return this.env.scheduler()?.stoppedVms() ?? NO_STOPPED;
  }

  /** The collector's sample of this host (clears the scheduler's accounting, reads the VMs' dirty logs). */
  sample(order: HostSampleOrder): HostSample {
    return takeHostSample(this.sampleSource, order);
  }

  /** What a sample reads here: the host's objects, and its reclamation's figures. */
  private readonly sampleSource: HostSampleSource = {
    scheduler: () => this.env.scheduler(),
    memory: () => this.env.memory(),
    guest: (vmId) => this.env.guest(vmId),
    dirtyLog: (vmId) => this.env.dirtyLogs().of(vmId),
    reclaimVmSample: (vmId) => this.reclamation.vmSample(vmId),
    reclaimHostSample: () => this.reclamation.hostSample(),
  };

  // --- memory reclamation -------------------------------------------------------------------------
  // The host's reclaimer is made and held here (`overcommit/hostReclamation.ts`): its not-present handler
  // runs inside the host's segment. The coordinator's `memory.reclaim` service reaches it only through
  // these calls, with plain data (`overcommit/reclaimOrders.ts`): on a host worker, one message each.
  // They read nothing a queued CPU order changes, so they do not drain (as the reclaimer never did).

  /** The VMs the host's reclaimer holds, in its order (the view sent with the next step covers them). */
  reclaimVmIds(): VmId[] {
    return this.reclamation.vmIds();
  }

  /** The barrier's pass on this host (the view first, when it changed): the free-memory state changes. */
  reclaimStep(o: ReclaimStepOrder): ReclaimStepReply {
    return this.reclamation.step(o);
  }

  /** This host's reclaimer as a saved lab holds it (undefined: the host never reclaimed). */
  reclaimPart(): HostReclaimerState | undefined {
    return this.reclamation.part();
  }

  /** A saved lab's reclaimer, after its guests were rebuilt here; guests it did not know join fresh. */
  restoreReclaimPart(o: ReclaimRestoreOrder): ReclaimRestoreReply {
    return this.reclamation.restore(o);
  }

  /** The bytes of a page the host's reclamation took from the VM (swapped, compressed, out for sampling). */
  reclaimAwayBytes(vmId: VmId, gpfn: number): Uint8Array | undefined {
    return this.reclamation.awayBytes(vmId, gpfn);
  }

  /** The host's reclaimer and its view copy (one thread only: tests look inside). */
  reclaimer(): HostReclaimer | undefined {
    return this.reclamation.reclaimer;
  }

  reclaimViewCopy(): ReclaimViewCopy | undefined {
    return this.reclamation.viewCopy;
  }

  /** The host's scheduler and memory pool themselves (one thread only: tests look inside; never sent; no drain). */
  inspectScheduler(): HostScheduler | undefined {
    return this.env.scheduler();
  }

  inspectMemory(): HostMemory | undefined {
    return this.env.memory();
  }

  /** The VM's guest machine here (one thread only: tests look inside; never sent). */
  inspectGuest(vmId: VmId): GuestMachine | undefined {
    return this.env.guest(vmId);
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

  // --- migration halves ---------------------------------------------------------------------------
  // The receiver half of a migration coming to this host is made and held here, beside the incoming
  // memories it fills and the machines it may deduplicate against; the mechanism reaches it only through
  // these calls, keyed by the first member's id, with plain data (a record batch's buffer goes there and
  // comes back: transferable). Dedup's confirming compare (`receiverReadPlace`) is a synchronous read.

  /** Receiver halves of migrations coming here, by their first member's id. */
  private readonly receivers = new Map<VmId, MigrationReceiver>();

  private receiver(key: VmId): MigrationReceiver {
    const r = this.receivers.get(key);
    if (!r) throw new Error(`no migration of ${key} is being received by host ${this.hostId}`);
    return r;
  }

  /** Makes the receiver half over the members' incoming memories (`receiveIncoming` made them). */
  openReceiver(o: ReceiverOrder): void {
    const incoming = o.members.map((id) => {
      const inc = this.incoming.get(id);
      if (!inc) throw new Error(`${id} is not coming to host ${this.hostId}`);
      return inc;
    });
    const neighbours = o.destinationVms.map((id) => {
      const guest = this.env.guest(id);
      if (!guest) throw new Error(`${id} runs no machine on host ${this.hostId}`);
      return guest;
    });
    this.receivers.set(o.members[0], this.env.receiverHalf(incoming, neighbours, o.compression));
  }

  /** Dedup's setup: the hashes of the neighbours' pages (`[place member, gpfn, hash]` triples). */
  receiverAnnounce(key: VmId): Float64Array {
    return this.receiver(key).announce();
  }

  /** Applies a batch of records to the incoming memories; the batch's buffer goes back to the sender. */
  receiverApply(key: VmId, batch: RecordBatch): ArrayBuffer {
    return this.receiver(key).apply(batch);
  }

  /** Post-copy's switch: the half keeps a batch of the paused source's pages still to send. */
  receiverHold(key: VmId, batch: RecordBatch): void {
    this.receiver(key).holdPostcopy(batch);
  }

  /** Post-copy's discard: the member's pages still dirty become not present here. */
  receiverDiscard(key: VmId, member: number, pages: readonly number[]): void {
    this.receiver(key).markNotPresent(member, pages);
  }

  /** A failed or cancelled move: every incoming memory's frames back to this host. */
  receiverRelease(key: VmId): void {
    this.receiver(key).release();
  }

  /** A held post-copy page's bytes (read at once: a view in one thread), undefined if not held. */
  receiverHeldPage(key: VmId, member: number, gpfn: number): Uint8Array | undefined {
    return this.receiver(key).heldPage(member, gpfn);
  }

  /** A held page is on the destination now (or never will be): its copy goes. */
  receiverDropHeld(key: VmId, member: number, gpfn: number): void {
    this.receiver(key).dropHeld(member, gpfn);
  }

  /** Post-copy is over (or lost): every held page goes. */
  receiverDropAllHeld(key: VmId): void {
    this.receiver(key).dropAllHeld();
  }

  /** Dedup's confirming compare: the bytes a place holds here now (read at once), or undefined. */
  receiverReadPlace(key: VmId, place: DedupPlace): Uint8Array | undefined {
    return this.receiver(key).readPlace(place, this.placeBytes);
  }

  /** Where `receiverReadPlace` reads a place into (one page, reused). */
  private readonly placeBytes = new Uint8Array(PAGE_SIZE_BYTES);

  /** The move is over here (finished, lost or rolled back): the half is dropped. */
  closeReceiver(key: VmId): void {
    this.receivers.delete(key);
  }

  // --- migration sender ---------------------------------------------------------------------------
  // The mechanism reads the leaving machine (held here from `beginOutgoing`) only through these calls,
  // with plain values: on a host worker each is a synchronous message to the source's owner at the
  // barrier. Its pages are read here by the sender half ("migration sender half" below), never one by
  // one across this seam.

  private leaving(vmId: VmId): GuestMachine {
    const o = this.outgoing.get(vmId);
    if (!o) throw new Error(`${vmId} is not leaving host ${this.hostId}`);
    return o.guest;
  }

  /** Where a leaving machine's page is copied when the machine does not show it in place (one page, reused: read at once). */
  private readonly outgoingBytes = new Uint8Array(PAGE_SIZE_BYTES);

  /** The leaving machine's guest pages. */
  outgoingPageCount(vmId: VmId): number {
    return this.leaving(vmId).pageCount;
  }

  /** The pages the leaving machine wrote since `reader` last read its dirty log (`vmNowNs`: the VM's time). */
  outgoingDirty(vmId: VmId, vmNowNs: number, reader: string): readonly number[] {
    return this.env.dirtyLogs().of(vmId).read(this.leaving(vmId), vmNowNs, reader) ?? [];
  }

  /** The paused leaving machine's device state (`saveCore()`: plain). */
  outgoingCore(vmId: VmId): unknown {
    return this.leaving(vmId).saveCore();
  }

  /** The switch's check of the paused leaving machine: digest and per-page hash list (`hashes` transferable). */
  outgoingCheck(vmId: VmId): SourceCheck {
    return checkOutgoing(this.leaving(vmId), (g) => this.outgoingAway(vmId, g));
  }

  /** After a move that failed or was cancelled: whether the machine is whole here, and its digest. */
  outgoingWhole(vmId: VmId): SourceWhole {
    return outgoingWhole(this.leaving(vmId), (g) => this.outgoingAway(vmId, g));
  }

  // --- migration after the switch ---------------------------------------------------------------
  // The machines of a migration that switched to this host stay here: the mechanism reaches them as a
  // destination side (`DestinationMachines`, beside the receiver half whose held pages post-copy reads)
  // through these calls, keyed by the first member's id, with plain data. The urgent-fault port is the
  // mechanism's function in one thread; on a worker a fault that cannot wait is answered here, during the
  // segment, and its accounting reaches the mechanism at the barrier.

  /** Destination sides of migrations that switched to this host, by their first member's id. */
  private readonly switchedHere = new Map<VmId, MigrationDestination>();

  private destinationOf(key: VmId): MigrationDestination {
    const d = this.switchedHere.get(key);
    if (!d) throw new Error(`no migration of ${key} has switched to host ${this.hostId}`);
    return d;
  }

  /** The switch happened (`startIncoming` for every member): the members' machines become the migration's destination side. */
  openDestination(members: VmId[]): void {
    const machines = members.map((id) => {
      const guest = this.env.guest(id);
      if (!guest) throw new Error(`${id} did not start on host ${this.hostId}`);
      return guest;
    });
    this.switchedHere.set(members[0], this.env.destinationSide(machines, this.receiver(members[0])));
  }

  /** The switch's verification here, against the source's checks (post-copy: kept for the arrivals). */
  destinationVerify(key: VmId, checks: SourceCheck[], postcopy: boolean): SwitchVerdict {
    return this.destinationOf(key).verify(checks, postcopy);
  }

  /** Post-copy begins: the not-present handlers installed; each member's wait counter now. */
  destinationStartPostcopy(key: VmId, urgent: UrgentFaultPort): number[] {
    return this.destinationOf(key).startPostcopy(urgent);
  }

  /** The pages vCPUs wait for since the last call: (member, gpfn) pairs in fault order. */
  destinationRequests(key: VmId): number[] {
    return this.destinationOf(key).takeRequests();
  }

  /** Arrived pages ((member, gpfn) pairs) made present from the held copies and checked: the counts. */
  destinationArrive(key: VmId, pages: number[]): ArrivalCounts {
    return this.destinationOf(key).arrive(pages);
  }

  /** The machines' not-present wait counters now. */
  destinationWaits(key: VmId): DestinationWaits {
    return this.destinationOf(key).waits();
  }

  /** Post-copy is over (finished or lost): the handlers go. */
  destinationEndPostcopy(key: VmId): void {
    this.destinationOf(key).endPostcopy();
  }

  /** The migration is done with the machines (they stay this host's). */
  closeDestination(key: VmId): void {
    this.switchedHere.get(key)?.close();
    this.switchedHere.delete(key);
  }

  // --- migration sender (source side) -----------------------------------------------------------
  // Work of the sender half done here, where the leaving machines are, with plain data in and out (on a
  // host worker, one synchronous message to the source's owner at the barrier): post-copy's held pages
  // are written here at the switch, every page read here; the batches and the zero-page map go back.

  /** Post-copy's switch: the paused members' pages still to send written as held batches, and which are zero pages. */
  outgoingHeldPages(o: HeldPagesOrder): HeldPagesReply {
    return this.env.writeHeldPages(o.pages, this.leavingRead(o.members));
  }

  /** Member m's page of these leaving machines as the guest reads it now (into one scratch page: read at once). */
  private leavingRead(members: readonly VmId[]): SourcePageRead {
    const machines = members.map((id) => this.leaving(id));
    const away = members.map((id) => (g: number) => this.outgoingAway(id, g));
    return (m, g) => readOutgoingPage(machines[m], g, away[m], this.outgoingBytes);
  }

  // --- migration sender half ---------------------------------------------------------------------
  // The sender half of a migration leaving this host is made and held here, beside the leaving machines
  // it reads (a page read at once, never crossing): the mechanism sends the link's state, the counters
  // and the bitmaps with each call and takes them back moved on, with the record batches written
  // (transferable). Dedup's confirming compare, and full batches past the few a call keeps, go back
  // through the port given at `openSender` (on a host worker: a synchronous call, through the mechanism,
  // to the destination's owner).

  /** Sender halves of migrations leaving this host, by their first member's id. */
  private readonly senders = new Map<VmId, MigrationSender>();

  private senderOf(key: VmId): MigrationSender {
    const s = this.senders.get(key);
    if (!s) throw new Error(`no migration sender of ${key} on host ${this.hostId}`);
    return s;
  }

  /** Makes the sender half over the members' leaving machines (`beginOutgoing` holds them). */
  openSender(o: SenderOrder, port: ReceiverPort): void {
    const pageCounts = o.members.map((id) => this.leaving(id).pageCount);
    this.senders.set(o.members[0], this.env.senderHalf(this.leavingRead(o.members), pageCounts, o.options, port));
  }

  /** Dedup's setup: the destination's announced hashes indexed; the setup time it takes. */
  senderIndex(key: VmId, o: SenderIndexOrder): SenderIndexReply {
    return this.senderOf(key).index(o);
  }

  /** Pre-copy's pages until the mechanism must decide again, or every page at the stop. */
  senderStep(key: VmId, o: SenderStepOrder): SenderStepReply {
    return this.senderOf(key).step(o);
  }

  /** The multifd packet being filled, sent. */
  senderFlush(key: VmId, o: SenderFlushOrder): SenderReply {
    return this.senderOf(key).flush(o);
  }

  /** Post-copy's switch: which held pages are zero pages (each member's bitmap words). */
  senderPostcopy(key: VmId, zero: ArrayBuffer[]): void {
    this.senderOf(key).postcopy(zero);
  }

  /** Post-copy's requested and background pages at a barrier. */
  senderPush(key: VmId, o: SenderPushOrder): SenderPushReply {
    return this.senderOf(key).push(o);
  }

  /** The migration is over: its sender half dropped (safe when it never opened or is gone). */
  closeSender(key: VmId): void {
    this.senders.get(key)?.close();
    this.senders.delete(key);
  }
}
