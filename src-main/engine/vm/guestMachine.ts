/**
 * The seam between the datacenter layer (hosts, scheduler, snapshots, migration) and the guest machine
 * (CPU + memory + devices + monitor) that actually executes a VM's guest software.
 *
 * - The host's CPU scheduler calls `runVcpu(vcpu, budgetCycles, hostNowNs)` for each vCPU it places on a
 *   physical CPU during a quantum; the machine executes real guest instructions until the budget is
 *   spent, the vCPU halts (waiting for an interrupt), or the guest crashes.
 * - Time: `hostNowNs` is the HOST's virtual time at the start of the slice. While a VM is descheduled,
 *   host time moves on without it; its timer device sees the gap and backs up ticks (delivered in a
 *   burst when it runs again, with a give-up limit) — the timekeeping behaviour the course teaches.
 * - Snapshots and migration use `save()` / the machine's restore path, and `digest()` to prove equality.
 * - Page-level operations (`GuestPages`, by guest-physical page number, 4,096 bytes a page) let the
 *   datacenter move and reclaim memory a page at a time: read and write a page, discard it, mark it
 *   "not present here" (its bytes are elsewhere: the source host of a post-copy migration, a swap
 *   file) and supply it again, share another page's frame, enumerate the frames. A guest access to a
 *   not-present page faults to the monitor, which asks the `NotPresentHandler` the datacenter installed:
 *   supply the bytes now (a swap-in, with a stall charged to the vCPU), or let the vCPU wait (a post-copy
 *   remote fault: `runVcpu` reports `waitingForPage` and makes no progress until `supplyPage`). A guest
 *   never observes anything but a delay.
 * - Moving a machine: `saveCore()` is everything but the memory; a destination is built from it plus
 *   an `IncomingGuestMemory` filled page by page (GuestFactory.incomingMemory, GuestConfig.incoming).
 * - `dispose()` returns every host frame the machine holds; call it when the machine is dropped.
 *
 * Rules: implementations are deterministic and never throw for anything a guest does — a guest fault
 * ends in `state: 'crashed'` with a reason. All counters are cumulative counts of real events. Page
 * operations run between `runVcpu` calls, never inside one.
 */
import type { DigestMemo, GuestFrameStats as MemoryFrameStats, PageAccess } from '../memory/index';

// A page's words as guest memory tests them (all zero, equal) and a page's bytes as words: for the
// datacenter's page work (page sharing, the check at a migration's switch), which reaches guest memory
// only through this seam.
export { bytesToWords, DigestMemo, isZeroWords, sameWords } from '../memory/index';

export type GuestMachineState = 'running' | 'halted' | 'crashed' | 'off';

export interface VcpuRunResult {
  /** Cycles consumed (≤ budget, except that one instruction or event may overshoot slightly). */
  cyclesUsed: number;
  /** Guest instructions retired in this slice. */
  instructions: number;
  /** The vCPU executed HLT (or equivalent) and waits for an interrupt: no CPU demand until `nextWakeNs`. */
  halted: boolean;
  /** The machine crashed during this slice (see `crash`). */
  crashed: boolean;
  /** The guest powered itself off (e.g. after a guest shutdown request). */
  poweredOff: boolean;
  /**
   * Set when the vCPU waits for a page that is not present here (then `halted` is true too: it needs
   * no CPU until the page is supplied; `nextWakeNs` says when to look again).
   */
  waitingForPage?: number;
}

export interface GuestCrash {
  reason: string;
  /** Faulting address, when there is one. */
  address?: number;
  /** Guest PC at the time of the crash. */
  pc?: number;
}

/** What met a not-present page: guest memory's own access kinds (memory/guestPhysicalMemory.ts). */
export type PageAccessKind = PageAccess;

export interface NotPresentFault {
  readonly gpfn: number;
  /** The vCPU whose access — or whose device or monitor work — met the page; -1 outside any vCPU. */
  readonly vcpu: number;
  /** fetch / read / write by the CPU, walk (its MMU reading a page table), dma (a device), host (the monitor). */
  readonly access: PageAccessKind;
  /** False when the access cannot be suspended (host code in the middle of an operation): supply, or the machine crashes. */
  readonly canWait: boolean;
}

/**
 * The handler's answer: `supply` the page's bytes now (they must be the bytes it had) — the vCPU is
 * charged `stallNs` of stalled cycles (a synchronous swap-in) — or `wait`: the vCPU stops at the faulting
 * instruction until `supplyPage` (or writePage / discardPage / sharePage) makes the page present; it is
 * looked at again at `wakeNs` (VM time) when given, else after a polling interval.
 */
export type NotPresentDecision =
  | { readonly kind: 'supply'; readonly bytes: Uint8Array; readonly stallNs?: number }
  | { readonly kind: 'wait'; readonly wakeNs?: number };

export type NotPresentHandler = (fault: NotPresentFault) => NotPresentDecision;

export type GuestPageState = 'untouched' | 'present' | 'notPresent';

// Frames behind a guest's memory (`GuestPages.frameStats`): guest memory's counts of pages and host
// frames (one definition, crossing the seam like HostMemory), plus what only the machine knows.
export type GuestFrameStats = MemoryFrameStats & {
  /** VM time its vCPUs waited for a free host frame (a first write in the host's low state), cumulative; absent = never waits. */
  frameWaitNs?: number;
};

/**
 * Page-level operations on a guest's memory, by guest-physical page number (4,096 bytes a page).
 * Content-changing operations (writePage, discardPage, sharePage of different bytes) are seen by the
 * guest like a DMA write: cached decodings and translations follow, the dirty log records the page.
 * Content-preserving ones (markNotPresent, supplyPage, sharePage of equal bytes) are invisible to the
 * guest and not dirty.
 */
export interface GuestPages {
  readonly pageCount: number;
  /** The page's bytes (into `out` when given); undefined when the page is not present here. */
  readPage(gpfn: number, out?: Uint8Array): Uint8Array | undefined;
  /**
   * The page's words without a copy (1,024 little-endian words, the shared zero page when untouched),
   * undefined when not present here: read them at once and never write them (the frame is the
   * guest's; the next operation on the page or the next guest run may change or replace it). Optional:
   * without it callers copy the page with `readPage` (a migration's checks compare pages this way).
   */
  pageWords?(gpfn: number): Int32Array | undefined;
  /** Writes the whole page (a not-present page becomes present); false when the host has no free frame. Zero bytes free the frame. */
  writePage(gpfn: number, bytes: Uint8Array): boolean;
  /** Releases the page's frame to the host; the page reads as zero. */
  discardPage(gpfn: number): void;
  /** Releases the page's frame; its bytes are elsewhere now (read them first) and any access faults until it is supplied. */
  markNotPresent(gpfn: number): void;
  /** Gives a not-present page its bytes back (the ones it had); false when the host has no free frame. */
  supplyPage(gpfn: number, bytes: Uint8Array): boolean;
  /** Maps the frame of `from`'s page `fromGpfn` (same host) copy-on-write; false when that page has no frame. */
  sharePage(gpfn: number, from: GuestPages, fromGpfn: number): boolean;
  /**
   * If the page's bytes are all zero, releases its frame (it maps the shared zero page again, its next
   * write allocates): page sharing's zero pages. Content-preserving (no hooks, not dirty). False when the
   * page has no frame or is not all zero. Optional: a memory without it never collapses zero pages.
   */
  dropZeroPage?(gpfn: number): boolean;
  /**
   * The monitor uses this page itself at any moment (the pv shared area: event mask, rings), where it
   * cannot stop to wait for it: the host's reclamation (sharing, sampling, compression, swapping,
   * balloon reclaim) must leave it in place. Optional: without it no page is pinned.
   */
  isPinned?(gpfn: number): boolean;
  pageState(gpfn: number): GuestPageState;
  /** Every page with a frame — fn(gpfn, host frame number, its reference count) — and every not-present page (hfn -1), in gpfn order. */
  scanPages(fn: (gpfn: number, hfn: number, refCount: number) => void): void;
  /**
   * Every page with a frame, in any order: for callers that need neither the order nor the frames
   * (page sharing's sparse walk). Optional: without it they use `scanPages`.
   */
  forEachFramedPage?(fn: (gpfn: number) => void): void;
  /**
   * A count that grows whenever a page gains a frame (first touch, a not-present page supplied, a page
   * shared onto): while it stays the same, a listing of the pages with a frame taken earlier still holds
   * every one of them (pages that lost theirs since may be in it). Optional: without it callers list again.
   */
  readonly framesGained?: number;
  /**
   * Pages with a frame now: `frameStats().mappedPages` without its walk over every page (the reclaimer
   * reads it per VM at each pass). Optional: without it callers read `frameStats()`.
   */
  readonly mappedPageCount?: number;
  frameStats(): GuestFrameStats;
}

/** A destination's memory being filled page by page before the machine is built on it. */
export interface IncomingGuestMemory extends GuestPages {
  /** Returns every frame it holds (a cancelled move); unusable afterwards. */
  release(): void;
}

/**
 * A guest's balloon driver as the host sees it (ESX's vmmemctl): the host sets a target in pages; the
 * driver allocates and pins that many guest pages and hands their numbers over, so the host can take
 * their frames; a lower target makes it free pages again.
 */
export interface GuestBalloon {
  /** Pages the host asks the driver to hold. */
  target: number;
  /** Pages the driver holds now. */
  readonly size: number;
  /** Guest pages the driver pinned since the last call (the host reclaims their frames). */
  takeInflated(): readonly number[];
}

export interface GuestMachine extends GuestPages {
  readonly vcpuCount: number;
  readonly state: GuestMachineState;
  readonly crash: GuestCrash | undefined;
  /** Clock rate the cost model converts cycles with (the host's). */
  readonly clockHz: number;

  runVcpu(vcpu: number, budgetCycles: number, hostNowNs: number): VcpuRunResult;
  isHalted(vcpu: number): boolean;
  /** Earliest host virtual time at which a halted vCPU becomes runnable (next timer tick), or Infinity. */
  nextWakeNs(vcpu: number): number;

  /** Cumulative event counters (instructions, traps by kind, page faults, TLB hits/misses, exits…). */
  counters(): Record<string, number>;
  /** Guest-visible memory statistics for the mem.* counters. */
  memoryStats(): { configuredBytes: number; touchedBytes: number; activeBytes: number };
  /** Guest clock as the guest OS keeps it (ticks counted × tick period), for the clock-lag counter.
   *  `atGuestNs` (the machine's time now): also count what a tickless idle guest will account for the
   *  ticks it sleeps through up to then (read only; without it, the clock as of the last run). */
  guestClockNs(atGuestNs?: number): number;

  /** Console (serial) output, from a byte offset; `consoleInput` queues keyboard/serial input and
   *  returns false (queuing nothing) when the machine's bounded input queue has no room for it. */
  consoleRead(fromOffset: number): { text: string; nextOffset: number };
  consoleInput(text: string): boolean | void;

  /** Ask the guest OS to shut down / restart (the "tools" path); false when the guest has no handler. */
  requestGuestShutdown(): boolean;
  requestGuestReboot(): boolean;

  /**
   * Dirty-page log (docs/memory-virtualization.md "Dirty-page tracking"): start it once (idempotent);
   * then each read returns the pages written since the previous one and clears them. Call between
   * slices (atomic with respect to the guest). Optional: a machine without it reports no dirty rate.
   */
  startDirtyLog?(nowNs: number): void;
  readAndClearDirty?(nowNs: number): { readonly pages: readonly number[]; readonly count: number };

  /** The guest's balloon driver, when its OS has one and has registered it with the device. */
  readonly balloon?: GuestBalloon;
  /** Installs (or removes) what decides about accesses to pages not present here; none = the vCPU waits. */
  setNotPresentHandler(handler: NotPresentHandler | undefined): void;
  /** The page vCPU `vcpu` waits for, or -1. */
  waitingForPage(vcpu: number): number;

  /** Plain, structured-clone-safe state; guest memory is shared copy-on-write, so this is cheap. */
  save(): unknown;
  /** `save()` without the memory: vCPUs, devices, monitor, dirty log, config (a move sends the pages separately). */
  saveCore(): unknown;
  /**
   * Hash of the guest-visible state (registers + memory): equal digests ⇔ equal guest-visible state.
   * `notPresentPage` (optional) gives the bytes of a page not present here whose contents the caller
   * holds (memory reclamation's pages out; `null`: it reads as zeros): it hashes as that content, so a
   * guest whose pages the host took away digests like the same guest with them all present; without it
   * (or when it returns undefined) a not-present page hashes as a mark. `memo` (optional, recording):
   * notes the hasher's state around each page, for `digestVisitingPages` on another machine to replay.
   */
  digest(notPresentPage?: (gpfn: number) => Uint8Array | null | undefined, memo?: DigestMemo): string;
  /**
   * `digest(notPresentPage)`, calling `visit` for every page whose contents it hashes (the pages that
   * are not all zero) with those words — read-only, not to be kept — and whether they came from
   * `notPresentPage`, before hashing them: the check at a migration's switch compares each page as the
   * digest reads it. With `memo` replaying (the source's digest recorded it), a page `visit` returns
   * true for (its words are the recorded page's) is not hashed again when the digest is in the state the
   * recording was before that page: the same digest, each shared page hashed once.
   * Optional: without it the check reads the pages itself.
   */
  digestVisitingPages?(visit: (gpfn: number, words: Int32Array, held: boolean) => boolean | void, notPresentPage?: (gpfn: number) => Uint8Array | null | undefined, memo?: DigestMemo): string;
  /** Returns every host frame the machine holds; the machine does nothing afterwards (saved states stay valid). */
  dispose(): void;
}
