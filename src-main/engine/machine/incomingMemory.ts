/**
 * incomingMemory — the destination side of a page stream: a guest's memory filled page by page on
 * the destination host's pool while the source still runs (pre-copy rounds resend pages; post-copy
 * marks the rest not present), then handed to the builder, which builds the machine on it from the
 * source's `saveCore()`.
 *
 * Interface: `new IncomingMemory(host, sizeBytes)` implements `IncomingGuestMemory` (every `GuestPages`
 * operation, `release()`); `take()` (the builder: the memory, once; the object is spent afterwards).
 * Rules: frames come from `host` as pages arrive (the destination's counters show them); zero pages
 * take no frame. Nothing runs on this memory before `take()`, so no cache can hold a page yet.
 * `release()` returns every frame (a cancelled or failed move). Using a spent or released object is a
 * RangeError.
 */
import { GuestPhysicalMemory, type HostMemory } from '../memory/index';
import type { GuestFrameStats, GuestPages, GuestPageState, IncomingGuestMemory } from '../vm/guestMachine';
import * as ops from './pageOps';

export class IncomingMemory implements IncomingGuestMemory {
  private mem: GuestPhysicalMemory | undefined;

  constructor(readonly host: HostMemory, readonly sizeBytes: number) {
    this.mem = new GuestPhysicalMemory(host, sizeBytes);
    ops.registerPages(this, () => this.live());
  }

  get pageCount(): number {
    return this.live().pageCount;
  }

  private live(): GuestPhysicalMemory {
    if (!this.mem) throw new RangeError('this incoming memory was already used to build a machine, or released');
    return this.mem;
  }

  readPage(gpfn: number, out?: Uint8Array): Uint8Array | undefined { return ops.readPage(this.live(), gpfn, out); }
  pageWords(gpfn: number): Int32Array | undefined { return ops.pageWords(this.live(), gpfn); }
  writePage(gpfn: number, bytes: Uint8Array): boolean { return ops.writePage(this.live(), gpfn, bytes); }
  discardPage(gpfn: number): void { ops.discardPage(this.live(), gpfn); }
  markNotPresent(gpfn: number): void { ops.markNotPresent(this.live(), gpfn); }
  supplyPage(gpfn: number, bytes: Uint8Array): boolean { return ops.supplyPage(this.live(), gpfn, bytes); }
  sharePage(gpfn: number, from: GuestPages, fromGpfn: number): boolean { return ops.sharePage(this.live(), gpfn, from, fromGpfn); }
  dropZeroPage(gpfn: number): boolean { return ops.dropZeroPage(this.live(), gpfn); }
  pageState(gpfn: number): GuestPageState { return ops.pageState(this.live(), gpfn); }
  scanPages(fn: (gpfn: number, hfn: number, refCount: number) => void): void { ops.scanPages(this.live(), fn); }
  get mappedPageCount(): number { return this.live().touchedPageCount; }
  frameStats(): GuestFrameStats { return ops.frameStats(this.live()); }

  release(): void {
    this.mem?.release();
    this.mem = undefined;
  }

  /** The filled memory, for the builder; this object is spent afterwards. */
  take(): GuestPhysicalMemory {
    const m = this.live();
    this.mem = undefined;
    return m;
  }
}
