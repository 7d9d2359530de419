/**
 * pageOps — the page-level operations of the `GuestPages` seam (vm/guestMachine.ts) over one
 * GuestPhysicalMemory: bytes in and out, gpfns checked, for a running Machine and for an
 * IncomingMemory alike.
 *
 * Interface: `readPage`, `pageWords`, `writePage`, `discardPage`, `markNotPresent`, `supplyPage`, `sharePage`, `dropZeroPage`,
 * `isPinned`, `pageState`, `scanPages`, `forEachFramedPage`, `frameStats` — each `(mem, gpfn, …)`; `registerPages(pages, memoryOf)` /
 * `memoryBehind(pages)`: which guest memory an object of the seam stands for (sharePage needs the
 * other side's frames; only objects of this engine can take part).
 * Rules: a gpfn outside guest memory or a page of the wrong size is a RangeError naming it (a bug
 * in the caller, never guest behaviour). What each operation does to hooks, the dirty log and frames
 * is GuestPhysicalMemory's (memory/guestPhysicalMemory.ts).
 */
import type { GuestFrameStats, GuestPages, GuestPageState } from '../vm/guestMachine';
import { bytesToWords, GuestPhysicalMemory, PAGE_BYTES, wordsToBytes } from '../memory/index';
import type { Gpfn } from '../mmu/index';

function page(mem: GuestPhysicalMemory, gpfn: number): Gpfn {
  if (!Number.isInteger(gpfn) || gpfn < 0 || gpfn >= mem.pageCount) throw new RangeError(`guest page ${gpfn} is outside guest memory (${mem.pageCount} pages)`);
  return gpfn as Gpfn;
}

function words(bytes: Uint8Array): Int32Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== PAGE_BYTES) throw new RangeError(`a page is ${PAGE_BYTES} bytes (Uint8Array)`);
  return bytesToWords(bytes);
}

export function readPage(mem: GuestPhysicalMemory, gpfn: number, out?: Uint8Array): Uint8Array | undefined {
  const w = mem.pageWords(page(mem, gpfn));
  return w === undefined ? undefined : wordsToBytes(w, out);
}

/** The page's words without a copy (read only, at once): see `GuestPages.pageWords`. */
export function pageWords(mem: GuestPhysicalMemory, gpfn: number): Int32Array | undefined {
  return mem.pageWords(page(mem, gpfn));
}

export function writePage(mem: GuestPhysicalMemory, gpfn: number, bytes: Uint8Array): boolean {
  return mem.writePage(page(mem, gpfn), words(bytes));
}

export function discardPage(mem: GuestPhysicalMemory, gpfn: number): void {
  mem.discardPage(page(mem, gpfn));
}

export function markNotPresent(mem: GuestPhysicalMemory, gpfn: number): void {
  mem.markNotPresent(page(mem, gpfn));
}

export function supplyPage(mem: GuestPhysicalMemory, gpfn: number, bytes: Uint8Array): boolean {
  return mem.supplyPage(page(mem, gpfn), words(bytes));
}

export function sharePage(mem: GuestPhysicalMemory, gpfn: number, from: GuestPages, fromGpfn: number): boolean {
  const other = memoryBehind(from);
  if (!other) throw new RangeError('sharePage: the other page belongs to no guest memory of this engine');
  return mem.sharePage(page(mem, gpfn), other, page(other, fromGpfn));
}

export function dropZeroPage(mem: GuestPhysicalMemory, gpfn: number): boolean {
  return mem.dropZeroPage(page(mem, gpfn));
}

export function isPinned(mem: GuestPhysicalMemory, gpfn: number): boolean {
  return mem.isPinned(page(mem, gpfn));
}

export function pageState(mem: GuestPhysicalMemory, gpfn: number): GuestPageState {
  const g = page(mem, gpfn);
  if (mem.isNotPresent(g)) return 'notPresent';
  return mem.isTouched(g) ? 'present' : 'untouched';
}

export function scanPages(mem: GuestPhysicalMemory, fn: (gpfn: number, hfn: number, refCount: number) => void): void {
  mem.scanPages(fn);
}

export function forEachFramedPage(mem: GuestPhysicalMemory, fn: (gpfn: number) => void): void {
  mem.forEachFramedPage(fn);
}

export function frameStats(mem: GuestPhysicalMemory): GuestFrameStats {
  return mem.frameStats();
}

const behind = new WeakMap<object, () => GuestPhysicalMemory>();

/** Records which guest memory `pages` stands for (looked up at each call: a machine's memory changes at a guest reset). */
export function registerPages(pages: GuestPages, memoryOf: () => GuestPhysicalMemory): void {
  behind.set(pages, memoryOf);
}

export function memoryBehind(pages: GuestPages): GuestPhysicalMemory | undefined {
  return behind.get(pages)?.();
}

export { PAGE_BYTES };
