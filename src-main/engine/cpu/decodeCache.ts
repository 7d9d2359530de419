/**
 * decodeCache — pre-decoded instructions per guest-physical page, kept coherent with memory.
 *
 * Interface: `DecodeCache.for(mem)` (one per GuestPhysicalMemory); `page(gpfn)` → Int32Array of
 * 2050 ints (predecode() pairs for the page's 1024 words + a PAGE_END sentinel pair); `clear()`; `stats`.
 * Rules: a decoded page watches its guest-physical page; any write to it (CPU slow path, DMA,
 * loader) re-decodes exactly the written words, so self-modifying code is seen at the next
 * instruction and data stored next to code costs only a slow-path store. The binary translator
 * can use the same watch mechanism to invalidate translations per page.
 */
import { predecode } from '../isa/index';
import type { GuestPhysicalMemory } from '../memory/index';
import type { Gpfn } from '../mmu/index';
import { PAGE_WORDS } from '../params';

/**
 * Sentinel pair stored after a page's last instruction: op 0 (illegal) with immediate 1, which
 * predecode never produces (illegal words predecode to 0, 0). The interpreter leaves the page on it.
 */
export const PAGE_END_IMM = 1;

const caches = new WeakMap<GuestPhysicalMemory, DecodeCache>();

export class DecodeCache {
  private pages = new Map<number, Int32Array>();
  private readonly bit: number;
  stats = { pagesDecoded: 0, wordsRedecoded: 0 };

  static for(mem: GuestPhysicalMemory): DecodeCache {
    let c = caches.get(mem);
    if (!c) {
      c = new DecodeCache(mem);
      caches.set(mem, c);
    }
    return c;
  }

  private constructor(private readonly mem: GuestPhysicalMemory) {
    this.bit = mem.addWatcher((gpfn, offsetBytes, sizeBytes) => this.onWrite(gpfn, offsetBytes, sizeBytes));
  }

  page(gpfn: number): Int32Array {
    let p = this.pages.get(gpfn);
    if (p) return p;
    p = new Int32Array(PAGE_WORDS * 2 + 2);
    p[PAGE_WORDS * 2 + 1] = PAGE_END_IMM;
    const words = this.mem.frameForRead(gpfn as Gpfn);
    for (let i = 0; i < PAGE_WORDS; i++) predecode(words[i], p, i * 2);
    this.pages.set(gpfn, p);
    this.mem.watch(gpfn as Gpfn, this.bit);
    this.stats.pagesDecoded++;
    return p;
  }

  private onWrite(gpfn: Gpfn, offsetBytes: number, sizeBytes: number): void {
    const p = this.pages.get(gpfn);
    if (!p) return;
    const words = this.mem.frameForRead(gpfn);
    const first = offsetBytes >>> 2;
    const last = Math.min(PAGE_WORDS - 1, (offsetBytes + sizeBytes - 1) >>> 2);
    for (let i = first; i <= last; i++) predecode(words[i], p, i * 2);
    this.stats.wordsRedecoded += last - first + 1;
  }

  clear(): void {
    for (const g of this.pages.keys()) this.mem.unwatch(g as Gpfn, this.bit);
    this.pages.clear();
  }
}
