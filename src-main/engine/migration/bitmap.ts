/**
 * bitmap — the migration bitmap of one VM: one bit per guest page still to send, a count, and a scan
 * cursor that walks the pages in order and wraps around (QEMU's `find_dirty_block`: a "complete round"
 * is one wrap). Plain state (the words are a Uint32Array): made full, empty, or over words received as
 * plain data (`ofWords`).
 */

export interface BitmapState { words: Uint32Array; count: number; cursor: number; wraps: number; pages: number }

export class PageBitmap {
  constructor(private s: BitmapState) {}

  static full(pages: number): PageBitmap {
    const words = new Uint32Array(Math.ceil(pages / 32));
    words.fill(0xffffffff);
    if (pages % 32) words[words.length - 1] = (2 ** (pages % 32) - 1) >>> 0;
    return new PageBitmap({ words, count: pages, cursor: 0, wraps: 0, pages });
  }

  static empty(pages: number): PageBitmap {
    return new PageBitmap({ words: new Uint32Array(Math.ceil(pages / 32)), count: 0, cursor: 0, wraps: 0, pages });
  }

  /** Over words received as plain data (e.g. a bitmap's words sent to another host's owner): `pages` defaults to every bit of them. */
  static ofWords(words: Uint32Array, pages = words.length * 32): PageBitmap {
    let count = 0;
    for (let i = 0; i < words.length; i++) for (let w = words[i]; w !== 0; w &= w - 1) count++;
    return new PageBitmap({ words, count, cursor: 0, wraps: 0, pages });
  }

  get state(): BitmapState { return this.s; }
  get count(): number { return this.s.count; }
  get pages(): number { return this.s.pages; }
  /** Times the scan wrapped around (QEMU's complete rounds). */
  get wraps(): number { return this.s.wraps; }

  has(g: number): boolean {
    return (this.s.words[g >>> 5] & (1 << (g & 31))) !== 0;
  }

  /** Sets the bit; true when it was clear. */
  set(g: number): boolean {
    const i = g >>> 5;
    const b = 1 << (g & 31);
    if (this.s.words[i] & b) return false;
    this.s.words[i] |= b;
    this.s.count++;
    return true;
  }

  clear(g: number): boolean {
    const i = g >>> 5;
    const b = 1 << (g & 31);
    if (!(this.s.words[i] & b)) return false;
    this.s.words[i] &= ~b;
    this.s.count--;
    return true;
  }

  /** Moves the scan to `g` (post-copy: the source restarts its scan at the requested page). */
  seek(g: number): void {
    this.s.cursor = g % this.s.pages;
  }

  /** The next set page at or after the cursor, wrapping around (counting the wrap), or -1 when empty. Does not clear it. */
  next(): number {
    if (this.s.count === 0) return -1;
    const words = this.s.words;
    const n = words.length;
    let g = this.s.cursor;
    for (let pass = 0; pass < 2; pass++) {
      let i = g >>> 5;
      let w = words[i] & (~0 << (g & 31));
      while (i < n) {
        if (w !== 0) {
          const found = (i << 5) + (31 - Math.clz32(w & -w));
          if (found < this.s.pages) { this.s.cursor = found; return found; }
          break;
        }
        i++;
        if (i < n) w = words[i];
      }
      this.s.wraps++;
      g = 0;
    }
    return -1;
  }

  /** Every set page, in order. */
  forEach(fn: (g: number) => void): void {
    const words = this.s.words;
    for (let i = 0; i < words.length; i++) {
      let w = words[i];
      while (w !== 0) {
        const b = w & -w;
        fn((i << 5) + (31 - Math.clz32(b)));
        w ^= b;
      }
    }
  }
}
