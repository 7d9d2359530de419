/**
 * xbzrle — XOR-Based Zero Run-Length Encoding of a page against the copy sent before (QEMU's
 * `docs/xbzrle.txt`, `migration/xbzrle.c`; after Svärd et al., VEE 2011), and the source-side cache of
 * previously sent pages it needs.
 *
 * Format (QEMU's): the XOR of old and new page read as a stream of `zrun nzrun` pairs — `zrun` = the
 * length of a run of unchanged bytes (ULEB128), `nzrun` = the length of a run of changed bytes (ULEB128)
 * followed by those new bytes; a trailing run of unchanged bytes is left out. Example (QEMU's doc): a
 * 4 KiB page with 1,001 unchanged bytes, a 21-byte region of 3 changed runs, 3,074 unchanged bytes
 * encodes to 24 bytes. QEMU's encoder compares a machine word at a time; the runs it finds are the
 * byte-exact runs this one finds.
 *
 * - `xbzrleEncode(old, cur, out)` → encoded length; 0 = the page is unchanged (QEMU then sends nothing);
 *   -1 = overflow: the encoding would not fit in a page (QEMU sends the page normally, `overflow++`).
 * - `xbzrleDecode(enc, len, page)`: applies an encoding to the destination's copy in place; throws on a
 *   malformed encoding (a bug, never a guest's doing).
 * - `XbzrleCache`: previously sent pages keyed by (VM, page), least recently used out, its size in
 *   bytes (QEMU's default 64 MiB). QEMU's own cache is direct-mapped (slot = page number mod slots; a
 *   page younger than 2 sync generations is not evicted by a colliding one); the lab uses LRU as asked
 *   for teaching: hits depend only on how recently a page was sent, not on which pages collide — see
 *   docs/migration.md for what differs. Memory held: at most `capacityPages` page copies.
 */
import { PAGE_SIZE_BYTES } from '../params';

function ulebSize(v: number): number {
  let n = 1;
  while (v >= 0x80) { v >>>= 7; n++; }
  return n;
}

function ulebPut(out: Uint8Array, d: number, v: number): number {
  while (v >= 0x80) { out[d++] = (v & 0x7f) | 0x80; v >>>= 7; }
  out[d++] = v;
  return d;
}

/** Encodes `cur` against `old` (both one page) into `out` (≥ one page); see the header for the result. */
export function xbzrleEncode(old: Uint8Array, cur: Uint8Array, out: Uint8Array): number {
  const n = cur.length;
  const dlen = PAGE_SIZE_BYTES;
  let i = 0;
  let d = 0;
  // Word-at-a-time scanning of equal stretches (as QEMU's encoder), byte-exact at the edges.
  const o32 = new Int32Array(old.buffer, old.byteOffset, n >>> 2);
  const c32 = new Int32Array(cur.buffer, cur.byteOffset, n >>> 2);
  const aligned = (old.byteOffset & 3) === 0 && (cur.byteOffset & 3) === 0;
  while (i < n) {
    const zStart = i;
    if (aligned) {
      while (i < n && (i & 3) !== 0 && old[i] === cur[i]) i++;
      if ((i & 3) === 0) {
        let w = i >>> 2;
        const wn = n >>> 2;
        while (w < wn && o32[w] === c32[w]) w++;
        i = w << 2;
      }
    }
    while (i < n && old[i] === cur[i]) i++;
    const zrun = i - zStart;
    if (zrun === n) return 0;
    if (i === n) return d;
    if (d + 2 > dlen) return -1;
    d = ulebPut(out, d, zrun);
    const nzStart = i;
    while (i < n && old[i] !== cur[i]) i++;
    const nzrun = i - nzStart;
    if (d + ulebSize(nzrun) + nzrun > dlen) return -1;
    d = ulebPut(out, d, nzrun);
    out.set(cur.subarray(nzStart, i), d);
    d += nzrun;
  }
  return d;
}

function ulebGet(src: Uint8Array, pos: { i: number }, end: number): number {
  let v = 0;
  let shift = 0;
  for (;;) {
    if (pos.i >= end) throw new Error('xbzrle: truncated length');
    const b = src[pos.i++];
    v |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return v >>> 0;
    shift += 7;
    if (shift > 28) throw new Error('xbzrle: length too long');
  }
}

/** Applies `enc[0..len)` to `page` (the destination's current copy) in place. */
export function xbzrleDecode(enc: Uint8Array, len: number, page: Uint8Array): void {
  const pos = { i: 0 };
  let d = 0;
  while (pos.i < len) {
    const zrun = ulebGet(enc, pos, len);
    d += zrun;
    const nzrun = ulebGet(enc, pos, len);
    if (d + nzrun > page.length || pos.i + nzrun > len) throw new Error('xbzrle: run beyond the page');
    page.set(enc.subarray(pos.i, pos.i + nzrun), d);
    pos.i += nzrun;
    d += nzrun;
  }
}

export interface XbzrleCacheCounters {
  hits: number;
  misses: number;
  inserts: number;
  evictions: number;
}

/** Previously sent pages, least recently used out; key = member index × 2^32 + page number. */
export class XbzrleCache {
  readonly capacityPages: number;
  private readonly pages = new Map<number, Uint8Array>();
  private readonly spare: Uint8Array[] = [];
  readonly counters: XbzrleCacheCounters = { hits: 0, misses: 0, inserts: 0, evictions: 0 };

  constructor(readonly capacityBytes: number) {
    this.capacityPages = Math.max(1, Math.floor(capacityBytes / PAGE_SIZE_BYTES));
  }

  get size(): number {
    return this.pages.size;
  }

  static key(member: number, gpfn: number): number {
    return member * 0x1_0000_0000 + gpfn;
  }

  /** The cached copy (a hit makes it the most recently used), or undefined (a miss). */
  lookup(key: number): Uint8Array | undefined {
    const p = this.pages.get(key);
    if (!p) { this.counters.misses++; return undefined; }
    this.counters.hits++;
    this.pages.delete(key);
    this.pages.set(key, p);
    return p;
  }

  has(key: number): boolean {
    return this.pages.has(key);
  }

  /** Stores a copy of `bytes` as the page's last sent content (evicting the least recently used). */
  put(key: number, bytes: Uint8Array): void {
    const cur = this.pages.get(key);
    if (cur) {
      cur.set(bytes);
      this.pages.delete(key);
      this.pages.set(key, cur);
      return;
    }
    let buf: Uint8Array | undefined;
    if (this.pages.size >= this.capacityPages) {
      const oldest = this.pages.keys().next().value as number;
      buf = this.pages.get(oldest);
      this.pages.delete(oldest);
      this.counters.evictions++;
    }
    buf ??= this.spare.pop() ?? new Uint8Array(PAGE_SIZE_BYTES);
    buf.set(bytes);
    this.pages.set(key, buf);
    this.counters.inserts++;
  }

  /** Updates a cached page in place (a zero page sent: QEMU's xbzrle_cache_zero_page), without counting a lookup. */
  refresh(key: number, bytes: Uint8Array): void {
    const cur = this.pages.get(key);
    if (cur) cur.set(bytes);
  }

  clear(): void {
    for (const p of this.pages.values()) this.spare.push(p);
    this.pages.clear();
  }
}
