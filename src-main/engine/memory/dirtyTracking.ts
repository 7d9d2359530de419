/**
 * dirtyTracking — dirty-page tracking for a running VM (what pre-copy live migration needs): a
 * dirty bitmap read-and-cleared atomically with respect to the guest, the dirty rate, and the cost
 * of the mechanism that produced it.
 *
 * Interface: `new DirtyTracker(mem, { harvester?, harvestEntryCycles? })`; `start(nowNs)`,
 * `stop()`, `running`; `save()` → DirtyTrackerState and `resume(state)` (a restored machine); `readAndClear(nowNs)` → DirtySet {pages (sorted gpfns), count, intervalNs,
 * ratePagesPerSecond, has(gpfn), bitmap()}; `counters` (readAndClears, pagesReported, lastPages,
 * ratePagesPerSecond, peakRatePagesPerSecond, harvestEntries, harvestCycles, mechanism).
 * `DirtyHarvester` is what the paging layer plugs in (mmu/pagingContext.ts `dirtyHarvesterFor`):
 *  - 'write-protect' (shadow paging, and bare hardware): clearing re-write-protects every page
 *    reported; the next store to each takes a write-protection fault (`dirtyWpFaults`, charged to
 *    the vCPU as a hidden fault);
 *  - 'dirty-bits' (nested): clearing scans the whole nested table and clears its D bits;
 *  - 'pml' (nested, Intel PML-like): the hardware logs each clean → dirty transition; clearing
 *    drains every vCPU's log (a full log exits on its own).
 * Rules:
 *  - The ground truth is guest memory's write-protect log (GuestPhysicalMemory dirty log): a page
 *    is fast-writable only once it is marked dirty, so every store to a clean page — CPU slow path,
 *    monitor, DMA, loader — goes through the hook that marks it; none can be missed.
 *  - Atomic w.r.t. the guest: call readAndClear between CPU runs (the machine's run loop never
 *    interleaves host work with an instruction). Reading and clearing is one step (the list is
 *    swapped out) and bumps the memory epoch, so every vCPU drops its fast write entries before
 *    its next instruction: a store right after the clear marks its page again, exactly that page.
 *  - Harvest work is host-side (the monitor's thread, not guest cycles): counted, and estimated in
 *    `harvestCycles` = entries × harvestEntryCycles.
 */
import type { Gpfn } from '../mmu/index';
import type { GuestPhysicalMemory } from './guestPhysicalMemory';

export type DirtyMechanism = 'write-protect' | 'dirty-bits' | 'pml';

export interface DirtyHarvester {
  readonly mechanism: DirtyMechanism;
  /** Clears the monitor/hardware dirty state after `pages` were read; returns the entries examined. */
  harvest(pages: readonly number[]): number;
}

export interface DirtySet {
  readonly pages: readonly Gpfn[];
  readonly count: number;
  readonly intervalNs: number;
  readonly ratePagesPerSecond: number;
  has(gpfn: number): boolean;
  /** One bit per guest page (bit g & 31 of word g >>> 5). */
  bitmap(): Uint32Array;
}

export interface DirtyTrackerCounters {
  mechanism: DirtyMechanism;
  readAndClears: number;
  pagesReported: number;
  lastPages: number;
  ratePagesPerSecond: number;
  peakRatePagesPerSecond: number;
  harvestEntries: number;
  harvestCycles: number;
}

/** A log in plain form (machine save files). */
export interface DirtyTrackerState {
  pages: number[];
  lastNs: number;
  counters: DirtyTrackerCounters;
}

const WRITE_PROTECT: DirtyHarvester = { mechanism: 'write-protect', harvest: (pages) => pages.length };

export class DirtyTracker {
  private readonly harvester: DirtyHarvester;
  private readonly entryCycles: number;
  private lastNs = 0;
  counters: DirtyTrackerCounters;

  constructor(readonly mem: GuestPhysicalMemory, opts: { harvester?: DirtyHarvester; harvestEntryCycles?: number } = {}) {
    this.harvester = opts.harvester ?? WRITE_PROTECT;
    this.entryCycles = opts.harvestEntryCycles ?? 2;
    this.counters = { mechanism: this.harvester.mechanism, readAndClears: 0, pagesReported: 0, lastPages: 0, ratePagesPerSecond: 0, peakRatePagesPerSecond: 0, harvestEntries: 0, harvestCycles: 0 };
  }

  get running(): boolean {
    return this.mem.dirtyLogEnabled;
  }

  /** Starts logging: every page is clean from now on. */
  start(nowNs = 0): void {
    this.mem.enableDirtyLog();
    this.harvester.harvest([]);
    this.lastNs = nowNs;
  }

  stop(): void {
    this.mem.disableDirtyLog();
  }

  /** What `resume` needs to continue this log on a restored machine (pages dirty now, time, counters). */
  save(): DirtyTrackerState {
    return { pages: this.mem.dirtyPages(), lastNs: this.lastNs, counters: { ...this.counters } };
  }

  /**
   * Continues a saved log (restored machine, or the fresh memory of a guest reset): logging starts
   * with exactly `pages` dirty, so the next read reports them plus whatever the guest writes.
   */
  resume(state: DirtyTrackerState): void {
    this.start(state.lastNs);
    for (const g of state.pages) this.mem.markDirty(g as Gpfn);
    this.counters = { ...state.counters, mechanism: this.harvester.mechanism };
  }

  /** Pages written since start or the previous call, and clears them (see the header for atomicity). */
  readAndClear(nowNs = this.lastNs): DirtySet {
    const pages = this.mem.readAndClearDirty();
    const examined = this.harvester.harvest(pages);
    const intervalNs = Math.max(0, nowNs - this.lastNs);
    this.lastNs = nowNs;
    const rate = intervalNs > 0 ? (pages.length * 1e9) / intervalNs : 0;
    const c = this.counters;
    c.readAndClears++;
    c.pagesReported += pages.length;
    c.lastPages = pages.length;
    c.ratePagesPerSecond = rate;
    c.peakRatePagesPerSecond = Math.max(c.peakRatePagesPerSecond, rate);
    c.harvestEntries += examined;
    c.harvestCycles += examined * this.entryCycles;
    const mem = this.mem;
    let set: Set<number> | undefined;
    return {
      pages, count: pages.length, intervalNs, ratePagesPerSecond: rate,
      has: (g) => (set ??= new Set(pages)).has(g),
      bitmap: () => {
        const b = new Uint32Array(Math.ceil(mem.pageCount / 32));
        for (const g of pages) b[g >>> 5] |= 1 << (g & 31);
        return b;
      },
    };
  }
}
