/**
 * heldPages — post-copy's pages on the destination's side: at the switch the source is paused and its pages
 * still to send are final, so the source's side writes them once, as zero and normal page records in batches
 * of about `MIGRATION_RECORD_BATCH_BYTES` (`postcopyHold.ts`: on the source host's owner in the lab), and the
 * mechanism hands the batches to the receiver, which keeps them here. Every post-copy page the destination
 * takes in — a page the background push or a page request brings, or a fault that cannot wait — is read from
 * these batches, never from the source machine: the two halves share nothing but the batches.
 *
 * Only where the bytes are read from changes: the link still carries each page when it is pushed or
 * requested (the sender counts and times it then, as before), and these batches cost nothing on the
 * modelled link (they stand for the source's own pages, which a real source reads at that moment).
 *
 * `hold(batch)` indexes a batch's records (the receiver keeps the buffer); `page(member, gpfn)` → the
 * page's bytes (a view, valid until the next `page` or `release`), the shared zero page for a zero page, or undefined for a
 * page not held; `release(member, gpfn)` once the page is on the destination (a batch is dropped when
 * its last page is released). The receiver drops the whole object at the end or on a lost VM.
 */
import { PAGE_SIZE_BYTES } from '../params';
import { readRecords, type RecordBatch, type RecordVisitor } from './recordBuffer';

/** `batchOf` value of a page held as a zero page (no bytes). */
const ZERO_HELD = -2;
/** `batchOf` value of a page not held. */
const NOT_HELD = -1;
const ZERO_PAGE = new Uint8Array(PAGE_SIZE_BYTES);

export class HeldPages implements RecordVisitor {
  /** Per member, per page: the batch holding the page, ZERO_HELD or NOT_HELD. */
  private readonly batchOf: Int32Array[];
  /** Per member, per page: where the page's bytes start in its batch. */
  private readonly offsetOf: Int32Array[];
  private readonly batches: (Uint8Array | undefined)[] = [];
  /** Pages of each batch not yet released. */
  private readonly pending: number[] = [];
  private current = -1;
  /** The RAM block the held batches named last (a batch may continue it, as in the stream). */
  private member = -1;
  /** Where a page whose bytes sit at an unaligned offset is copied (word-aligned). */
  private readonly aligned = new Uint8Array(PAGE_SIZE_BYTES);

  constructor(pageCounts: readonly number[]) {
    this.batchOf = pageCounts.map((n) => new Int32Array(n).fill(NOT_HELD));
    this.offsetOf = pageCounts.map((n) => new Int32Array(n));
  }

  hold(batch: RecordBatch): void {
    this.current = this.batches.length;
    this.batches.push(new Uint8Array(batch.buffer, 0, batch.length));
    this.pending.push(0);
    this.member = readRecords(batch, this, this.member);
    if (this.pending[this.current] === 0) this.batches[this.current] = undefined;
  }

  page(member: number, gpfn: number): Uint8Array | undefined {
    const b = this.batchOf[member][gpfn];
    if (b === NOT_HELD) return undefined;
    if (b === ZERO_HELD) return ZERO_PAGE;
    const at = this.offsetOf[member][gpfn];
    const view = this.batches[b]!.subarray(at, at + PAGE_SIZE_BYTES);
    if ((at & 3) === 0) return view;
    // A record's bytes follow its 8-byte header and, on a batch's first record, the 7-byte block name:
    // such a page would reach the machine's words by a byte-by-byte copy; one block copy aligns it.
    this.aligned.set(view);
    return this.aligned;
  }

  release(member: number, gpfn: number): void {
    const b = this.batchOf[member][gpfn];
    if (b === NOT_HELD) return;
    this.batchOf[member][gpfn] = NOT_HELD;
    if (b !== ZERO_HELD && --this.pending[b] === 0) this.batches[b] = undefined;
  }

  // RecordVisitor: the held batches carry zero and normal page records only.

  zero(member: number, gpfn: number): void {
    this.batchOf[member][gpfn] = ZERO_HELD;
  }

  normal(member: number, gpfn: number, bytes: Uint8Array): void {
    this.batchOf[member][gpfn] = this.current;
    this.offsetOf[member][gpfn] = bytes.byteOffset;
    this.pending[this.current]++;
  }

  xbzrle(): void {
    throw new Error('post-copy held pages: an XBZRLE record (only zero and normal pages are held)');
  }

  dedup(): void {
    throw new Error('post-copy held pages: a dedup record (only zero and normal pages are held)');
  }

  packet(): void {
    throw new Error('post-copy held pages: a multifd packet (only zero and normal pages are held)');
  }
}
