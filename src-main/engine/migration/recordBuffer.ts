/**
 * recordBuffer — the migration stream's page records as bytes: the sender half writes each record into
 * an `ArrayBuffer` (transferable: a later host worker can hand it to the destination's worker without a
 * copy), the receiver half reads them back. The layout is the one `wireFormat.ts` counts, byte for byte,
 * so a batch's length is exactly the page-record bytes the link carried for it:
 *  - page record: 8-byte big-endian `offset | flags` (offset = gpfn × 4,096; flags QEMU's RAM_SAVE_FLAG_*
 *    values, plus this lab's DEDUP), then — when the member changed since the last record (no CONTINUE
 *    flag) — the RAM block name: 1 length byte + 6 bytes ("ram" + the member index, 24-bit big-endian:
 *    the lab's stand-in for QEMU's block id, the same size as "pc.ram"), then the payload:
 *    zero → 1 fill byte; normal → the 4,096 page bytes; XBZRLE → 1 encoding flag + be16 length + the
 *    encoded bytes; DEDUP → the 8-byte hash (float64) + 4-byte place member (signed: < 0 is a VM already on
 *    the destination) + 4-byte place page;
 *  - multifd packet: the 320-byte header (QEMU's `MultiFDPacket_t`: magic 0x11223344, version, flags,
 *    pages, normal pages, payload size, packet number, zero pages, the rest reserved), then 8 bytes per page
 *    (be32 member × 2 + zero flag, be32 gpfn: the pages in the order they joined the packet), then the
 *    compressed payload of its normal pages.
 * A packet is told from a page record by its first word (the magic; a page record's first word is the
 * offset's high half, 0 for any guest below 2^52 bytes).
 *
 * `RecordWriter`: `zero/normal/xbzrle/dedup/packet(...)` append a record and return its bytes (after a
 * packet the next page record names its block again, as the byte model counts); `take()` → the filled batch
 * `{ buffer, length }` (the writer then owns nothing until `recycle(buffer)` gives a buffer back, or it
 * makes a new one). `readRecords(batch, visitor, member)` walks a batch in order.
 */
import { PAGE_SIZE_BYTES } from '../params';
import {
  MULTIFD_OFFSET_BYTES, MULTIFD_PACKET_HEADER_BYTES, PAGE_HEADER_BYTES, RAM_BLOCK_ID, RAM_BLOCK_NAME_BYTES,
} from './wireFormat';

/** QEMU's RAM_SAVE_FLAG_* values (migration/ram.h), and this lab's dedup reference (QEMU has none). */
export const RECORD_FLAG = { zero: 0x02, page: 0x08, continue: 0x20, xbzrle: 0x40, dedup: 0x200 } as const;
export const MULTIFD_MAGIC = 0x11223344;
const MULTIFD_VERSION = 1;
const ENCODING_FLAG_XBZRLE = 0x1;
const INITIAL_BYTES = 1 << 20;

/** A filled buffer of records: what crosses from the sender half to the receiver half. */
export interface RecordBatch { buffer: ArrayBuffer; length: number }

/** What a batch's records ask the receiver to do, in order. `bytes` views are valid only during the call. */
export interface RecordVisitor {
  zero(member: number, gpfn: number): void;
  normal(member: number, gpfn: number, bytes: Uint8Array): void;
  xbzrle(member: number, gpfn: number, encoded: Uint8Array): void;
  dedup(member: number, gpfn: number, hash: number, placeMember: number, placeGpfn: number): void;
  /** A multifd packet: `pages` as [member, gpfn, zero (1/0)] triples, `payload` the compressed normal pages. */
  packet(pages: Int32Array, normalPages: number, payload: Uint8Array): void;
}

export class RecordWriter {
  private buffer: ArrayBuffer | undefined;
  private bytes = new Uint8Array(0);
  private view = new DataView(new ArrayBuffer(0));
  private length = 0;
  private lastMember = -1;
  private packets = 0;

  /** Bytes written since the last `take()`. */
  get size(): number {
    return this.length;
  }

  // Each record method returns the record's bytes (what the link carries for it).

  zero(member: number, gpfn: number): number {
    const start = this.header(member, gpfn, RECORD_FLAG.zero, 1);
    this.bytes[this.length++] = 0;
    return this.length - start;
  }

  normal(member: number, gpfn: number, page: Uint8Array): number {
    const start = this.header(member, gpfn, RECORD_FLAG.page, PAGE_SIZE_BYTES);
    this.bytes.set(page, this.length);
    this.length += PAGE_SIZE_BYTES;
    return this.length - start;
  }

  xbzrle(member: number, gpfn: number, encoded: Uint8Array, len: number): number {
    const start = this.header(member, gpfn, RECORD_FLAG.xbzrle, 3 + len);
    this.bytes[this.length] = ENCODING_FLAG_XBZRLE;
    this.view.setUint16(this.length + 1, len);
    this.bytes.set(encoded.subarray(0, len), this.length + 3);
    this.length += 3 + len;
    return this.length - start;
  }

  dedup(member: number, gpfn: number, hash: number, placeMember: number, placeGpfn: number): number {
    const start = this.header(member, gpfn, RECORD_FLAG.dedup, 16);
    this.view.setFloat64(this.length, hash);
    this.view.setInt32(this.length + 8, placeMember);
    this.view.setUint32(this.length + 12, placeGpfn);
    this.length += 16;
    return this.length - start;
  }

  /** A multifd packet of `pages` ([member, gpfn, slot] with slot −1 for a zero page) and its compressed payload. */
  packet(pages: readonly { member: number; gpfn: number; slot: number }[], normalPages: number, payload: Uint8Array): number {
    this.reserve(MULTIFD_PACKET_HEADER_BYTES + MULTIFD_OFFSET_BYTES * pages.length + payload.length);
    const v = this.view;
    const at = this.length;
    this.bytes.fill(0, at, at + MULTIFD_PACKET_HEADER_BYTES);
    v.setUint32(at, MULTIFD_MAGIC);
    v.setUint32(at + 4, MULTIFD_VERSION);
    v.setUint32(at + 12, pages.length);
    v.setUint32(at + 16, normalPages);
    v.setUint32(at + 20, payload.length);
    v.setUint32(at + 24, this.packets++);
    v.setUint32(at + 32, pages.length - normalPages);
    let o = at + MULTIFD_PACKET_HEADER_BYTES;
    for (const p of pages) {
      v.setUint32(o, p.member * 2 + (p.slot < 0 ? 1 : 0));
      v.setUint32(o + 4, p.gpfn);
      o += MULTIFD_OFFSET_BYTES;
    }
    this.bytes.set(payload, o);
    this.length = o + payload.length;
    this.lastMember = -1;
    return this.length - at;
  }

  /** The records written so far, handed over (the writer keeps no view of them). */
  take(): RecordBatch {
    const batch = { buffer: this.buffer ?? new ArrayBuffer(0), length: this.length };
    this.buffer = undefined;
    this.bytes = new Uint8Array(0);
    this.view = new DataView(this.bytes.buffer);
    this.length = 0;
    return batch;
  }

  /** A buffer the receiver is done with, reused for the next batch; false when not taken (the writer has one). */
  recycle(buffer: ArrayBuffer): boolean {
    if (this.buffer || buffer.byteLength === 0) return false;
    this.adopt(buffer);
    return true;
  }

  /** Writes a page record's header (and block name); returns where the record starts. */
  private header(member: number, gpfn: number, flags: number, payload: number): number {
    const named = member !== this.lastMember;
    this.reserve(PAGE_HEADER_BYTES + (named ? RAM_BLOCK_NAME_BYTES : 0) + payload);
    const start = this.length;
    // offset | flags as a big-endian 64-bit word, in two halves (gpfn × 4,096 may pass 2^32).
    this.view.setUint32(this.length, Math.floor(gpfn / 0x100000));
    this.view.setUint32(this.length + 4, ((gpfn % 0x100000) * PAGE_SIZE_BYTES + flags + (named ? 0 : RECORD_FLAG.continue)) >>> 0);
    this.length += PAGE_HEADER_BYTES;
    if (named) {
      this.bytes[this.length] = RAM_BLOCK_ID.length;
      this.bytes[this.length + 1] = 0x72; // r
      this.bytes[this.length + 2] = 0x61; // a
      this.bytes[this.length + 3] = 0x6d; // m
      this.bytes[this.length + 4] = (member >>> 16) & 0xff;
      this.bytes[this.length + 5] = (member >>> 8) & 0xff;
      this.bytes[this.length + 6] = member & 0xff;
      this.length += RAM_BLOCK_NAME_BYTES;
      this.lastMember = member;
    }
    return start;
  }

  private reserve(n: number): void {
    if (this.buffer && this.length + n <= this.bytes.length) return;
    let size = Math.max(INITIAL_BYTES, this.bytes.length);
    while (size < this.length + n) size *= 2;
    const old = this.bytes.subarray(0, this.length);
    this.adopt(new ArrayBuffer(size));
    this.bytes.set(old);
  }

  private adopt(buffer: ArrayBuffer): void {
    this.buffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }
}

/**
 * Walks the records of `batch` in order; throws on a malformed record (never guesses). Batches are
 * pieces of one stream: a record may continue the block the previous batch named last (`member`, −1 at
 * the start); returns the block named last, for the next batch.
 */
export function readRecords(batch: RecordBatch, visit: RecordVisitor, member = -1): number {
  const bytes = new Uint8Array(batch.buffer, 0, batch.length);
  const v = new DataView(batch.buffer, 0, batch.length);
  let at = 0;
  while (at < batch.length) {
    const hi = v.getUint32(at);
    if (hi === MULTIFD_MAGIC) {
      const pages = v.getUint32(at + 12);
      const normal = v.getUint32(at + 16);
      const size = v.getUint32(at + 20);
      const triples = new Int32Array(pages * 3);
      let o = at + MULTIFD_PACKET_HEADER_BYTES;
      for (let i = 0; i < pages; i++) {
        const w = v.getUint32(o);
        triples[i * 3] = w >>> 1;
        triples[i * 3 + 1] = v.getUint32(o + 4);
        triples[i * 3 + 2] = w & 1;
        o += MULTIFD_OFFSET_BYTES;
      }
      visit.packet(triples, normal, bytes.subarray(o, o + size));
      at = o + size;
      member = -1;
      continue;
    }
    const lo = v.getUint32(at + 4);
    const flags = lo % PAGE_SIZE_BYTES;
    const gpfn = hi * 0x100000 + Math.floor(lo / PAGE_SIZE_BYTES);
    at += PAGE_HEADER_BYTES;
    if (!(flags & RECORD_FLAG.continue)) {
      if (bytes[at] !== RAM_BLOCK_ID.length) throw new Error(`migration record at byte ${at}: bad RAM block name length ${bytes[at]}`);
      member = (bytes[at + 4] << 16) | (bytes[at + 5] << 8) | bytes[at + 6];
      at += RAM_BLOCK_NAME_BYTES;
    } else if (member < 0) throw new Error(`migration record at byte ${at}: continues a block never named`);
    switch (flags & ~RECORD_FLAG.continue) {
      case RECORD_FLAG.zero: visit.zero(member, gpfn); at += 1; break;
      case RECORD_FLAG.page: visit.normal(member, gpfn, bytes.subarray(at, at + PAGE_SIZE_BYTES)); at += PAGE_SIZE_BYTES; break;
      case RECORD_FLAG.xbzrle: {
        const len = v.getUint16(at + 1);
        visit.xbzrle(member, gpfn, bytes.subarray(at + 3, at + 3 + len));
        at += 3 + len;
        break;
      }
      case RECORD_FLAG.dedup:
        visit.dedup(member, gpfn, v.getFloat64(at), v.getInt32(at + 8), v.getUint32(at + 12));
        at += 16;
        break;
      default: throw new Error(`migration record at byte ${at}: unknown flags 0x${flags.toString(16)}`);
    }
  }
  return member;
}
