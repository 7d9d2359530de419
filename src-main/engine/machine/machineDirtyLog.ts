/**
 * machineDirtyLog — a running machine's dirty-page log: one DirtyTracker (memory/dirtyTracking.ts)
 * on the machine's current guest memory, with the harvesting mechanism of its paging mode
 * (write-protect under native and shadow paging, PML or dirty bits under nested paging).
 *
 * Interface: `running`; `start(mem, nowNs)` (idempotent), `stop()`; `readAndClear(nowNs)` → DirtySet
 * (an empty set while stopped); `memoryReplaced(mem)` (after a guest reset); `save()` / `restore(mem,
 * state)`; `counters()` → flat `dirtyLog.*` counters (absent until the log first runs).
 * Why it lives in the machine: the log must survive what replaces or rebuilds guest memory — a
 * guest-requested reset (new memory: every touched page counts as written, the loader rewrote it)
 * and save/restore (the pages dirty at save time are dirty again after restore), so a lab that is
 * saved and loaded reports the same dirty pages as one that ran on, and no written page is missed.
 * Rule: call `readAndClear` between vCPU runs (the machine never runs host work inside an
 * instruction), which makes it atomic with respect to the guest.
 */
import { DirtyTracker, type DirtySet, type DirtyTrackerState, type GuestPhysicalMemory } from '../memory/index';
import { dirtyHarvesterFor } from '../mmu/index';

const EMPTY: DirtySet = { pages: [], count: 0, intervalNs: 0, ratePagesPerSecond: 0, has: () => false, bitmap: () => new Uint32Array(0) };

export class MachineDirtyLog {
  private tracker: DirtyTracker | undefined;

  get running(): boolean {
    return this.tracker?.running ?? false;
  }

  get mechanism(): string | undefined {
    return this.tracker?.counters.mechanism;
  }

  /** Starts logging on `mem` with every page clean; no-op while running. */
  start(mem: GuestPhysicalMemory, nowNs: number): void {
    if (this.running) return;
    const carried = this.tracker?.counters;
    this.tracker = new DirtyTracker(mem, { harvester: dirtyHarvesterFor(mem) });
    this.tracker.start(nowNs);
    if (carried) this.tracker.counters = { ...carried, mechanism: this.tracker.counters.mechanism };
  }

  stop(): void {
    if (this.running) this.tracker?.stop();
  }

  readAndClear(nowNs: number): DirtySet {
    return this.running && this.tracker ? this.tracker.readAndClear(nowNs) : EMPTY;
  }

  /** A guest reset replaced the memory: continue on the new one with every touched page dirty. */
  memoryReplaced(mem: GuestPhysicalMemory): void {
    if (!this.running || !this.tracker) return;
    const old = this.tracker.save();
    const pages: number[] = [];
    mem.forEachTouched((g) => pages.push(g));
    this.tracker = new DirtyTracker(mem, { harvester: dirtyHarvesterFor(mem) });
    this.tracker.resume({ ...old, pages });
  }

  save(): DirtyTrackerState | null {
    return this.running && this.tracker ? this.tracker.save() : null;
  }

  restore(mem: GuestPhysicalMemory, state: DirtyTrackerState): void {
    this.tracker = new DirtyTracker(mem, { harvester: dirtyHarvesterFor(mem) });
    this.tracker.resume(state);
  }

  counters(): Record<string, number> {
    const c = this.tracker?.counters;
    if (!c) return {};
    return {
      'dirtyLog.syncs': c.readAndClears, 'dirtyLog.pagesReported': c.pagesReported, 'dirtyLog.harvestEntries': c.harvestEntries,
      'dirtyLog.harvestCycles': c.harvestCycles,
    };
  }
}
