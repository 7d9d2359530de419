/**
 * pageGuest — a TEST DOUBLE for `GuestMachine` at the page level, for randomized memory-overcommit
 * runs: no CPU, no guest OS; the test plays the guest and touches pages directly. Its memory is the
 * engine's own (`GuestPhysicalMemory` on the host's `HostMemory`, through the same `pageOps` the real
 * machine uses), so frames, reference counts, copy-on-write breaks, not-present pages and the faults
 * the host's reclaimer answers are the real ones; only the instruction stream is missing.
 *
 * Interface: `new PageGuest(pool, pages)`; every `GuestPages` operation; `setNotPresentHandler`;
 * `balloon` (a `PageBalloon`: the host sets `target`, the test's driver `pin`s and `unpin`s pages);
 * guest-side accesses `read(gpfn)` → words | 'wait', `write(gpfn, words, access)` → 'ok' | 'wait' |
 * 'noFrame' (as the machine: a not-present page asks the handler, which supplies it or makes the vCPU
 * wait; a first write with no free frame waits for one); `snapshot()` / `revert(state)` (the engine's
 * shared-frame memory snapshot; a revert the host cannot hold is refused); `memory` (the memory itself, for invariant checks); `dispose()`.
 * Every other `GuestMachine` member throws: the reclaimer and the sharing scanner never call them.
 */
import { bytesToWords, GuestPhysicalMemory, type GuestMemoryState, type HostMemory } from '../../src-main/engine/memory/index';
import * as ops from '../../src-main/engine/machine/pageOps';
import { restoreMemory, saveMemoryShared } from '../../src-main/engine/machine/memorySnapshot';
import type { GuestBalloon, GuestFrameStats, GuestMachine, GuestPages, GuestPageState, NotPresentHandler } from '../../src-main/engine/vm/guestMachine';
import type { Gpfn } from '../../src-main/engine/mmu/index';

/** The balloon driver's device as the host sees it; the test's guest decides which pages to pin. */
export class PageBalloon implements GuestBalloon {
  target = 0;
  pinned: number[] = [];
  private fresh: number[] = [];
  get size(): number { return this.pinned.length; }
  pin(gpfn: number): void { this.pinned.push(gpfn); this.fresh.push(gpfn); }
  /** The page pinned last goes back to the guest (as labos's driver deflates). */
  unpin(): number | undefined {
    const g = this.pinned.pop();
    if (g !== undefined) this.fresh = this.fresh.filter((x) => x !== g);
    return g;
  }
  takeInflated(): number[] { const out = this.fresh; this.fresh = []; return out; }
  save(): { target: number; pinned: number[]; fresh: number[] } { return { target: this.target, pinned: [...this.pinned], fresh: [...this.fresh] }; }
  load(s: { target: number; pinned: number[]; fresh: number[] }): void { this.target = s.target; this.pinned = [...s.pinned]; this.fresh = [...s.fresh]; }
}

export class PageGuest implements GuestPages {
  private mem: GuestPhysicalMemory;
  private handler: NotPresentHandler | undefined;
  readonly balloon = new PageBalloon();
  /** Faults the handler answered with "wait", and first writes that found no free frame. */
  waits = 0;
  frameWaits = 0;

  constructor(readonly pool: HostMemory, pages: number, restored?: GuestMemoryState) {
    this.mem = restored ? restoreMemory(pool, restored) : new GuestPhysicalMemory(pool, pages * 4096);
    this.install();
    ops.registerPages(this, () => this.mem);
  }

  private install(): void {
    this.mem.notPresentResolver = (gpfn, access, canWait) => {
      const d = this.handler?.({ gpfn, vcpu: 0, access, canWait });
      if (!d || d.kind === 'wait') return false;
      return this.mem.supplyPage(gpfn as Gpfn, bytesToWords(d.bytes));
    };
  }

  get memory(): GuestPhysicalMemory { return this.mem; }
  get pageCount(): number { return this.mem.pageCount; }

  setNotPresentHandler(h: NotPresentHandler | undefined): void { this.handler = h; }

  read(gpfn: number): Int32Array | 'wait' {
    if (!this.mem.ensurePresent(gpfn, 'read')) { this.waits++; return 'wait'; }
    return this.mem.frameForRead(gpfn as Gpfn);
  }

  write(gpfn: number, words: Int32Array, access: 'write' | 'dma' = 'write'): 'ok' | 'wait' | 'noFrame' {
    if (!this.mem.ensurePresent(gpfn, access)) { this.waits++; return 'wait'; }
    const f = this.mem.frameForWrite(gpfn as Gpfn);
    if (!f) { this.frameWaits++; return 'noFrame'; }
    f.set(words);
    this.mem.notifyWrite(gpfn as Gpfn, 0, 4096);
    return 'ok';
  }

  /** The engine's snapshot of guest memory: frames shared copy-on-write with the saved state. */
  snapshot(): GuestMemoryState { return saveMemoryShared(this.mem); }

  /**
   * Reverts to a saved state: the saved frames are adopted, then this memory's go back to the host.
   * False, nothing changed, when the host cannot hold both (the revert is refused; the guest runs on).
   */
  revert(state: GuestMemoryState): boolean {
    let next: GuestPhysicalMemory;
    try { next = restoreMemory(this.pool, state); } catch (e) {
      if (e instanceof RangeError && /out of memory/.test(e.message)) return false;
      throw e;
    }
    this.mem.release();
    this.mem.notPresentResolver = undefined;
    this.mem = next;
    this.install();
    return true;
  }

  dispose(): void { this.mem.release(); }

  readPage(gpfn: number, out?: Uint8Array): Uint8Array | undefined { return ops.readPage(this.mem, gpfn, out); }
  writePage(gpfn: number, bytes: Uint8Array): boolean { return ops.writePage(this.mem, gpfn, bytes); }
  discardPage(gpfn: number): void { ops.discardPage(this.mem, gpfn); }
  markNotPresent(gpfn: number): void { ops.markNotPresent(this.mem, gpfn); }
  supplyPage(gpfn: number, bytes: Uint8Array): boolean { return ops.supplyPage(this.mem, gpfn, bytes); }
  sharePage(gpfn: number, from: GuestPages, fromGpfn: number): boolean { return ops.sharePage(this.mem, gpfn, from, fromGpfn); }
  dropZeroPage(gpfn: number): boolean { return ops.dropZeroPage(this.mem, gpfn); }
  pageState(gpfn: number): GuestPageState { return ops.pageState(this.mem, gpfn); }
  scanPages(fn: (gpfn: number, hfn: number, refCount: number) => void): void { ops.scanPages(this.mem, fn); }
  get mappedPageCount(): number { return this.mem.touchedPageCount; }
  frameStats(): GuestFrameStats { return ops.frameStats(this.mem); }
}

/** The PageGuest as the `GuestMachine` the reclaimer expects (members it never calls are absent). */
export function asMachine(g: PageGuest): GuestMachine {
  return g as unknown as GuestMachine;
}
