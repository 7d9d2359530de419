/**
 * pageReceiver — the destination half of a migration's page stream: it holds the members' incoming
 * memories and the memories of the VMs already on the destination host, and changes them only as the
 * records it is given say (`recordBuffer.ts`). It never sees the source, the link or the sender's state:
 * what it learns crosses in record batches and small plain messages. In the lab the destination host's
 * owner makes and holds it (`HostOwner`'s "migration halves" calls; `MigrationEnv.openReceiver`), so it
 * can run on that host's own thread.
 *
 * `new PageReceiver(incoming, destinationVms, codecs, compression)`:
 *  - `announce()` → the hashes of the destination VMs' non-zero present pages, as
 *    `[place member, gpfn, hash]` triples (place member −1 − the VM's index): what the destination
 *    sends the source at setup when deduplication is on (16 bytes a page on the return path);
 *  - `apply(batch)` applies a batch's records in order (and returns its buffer, for the sender's next batch): zero → the page is dropped; normal → written;
 *    XBZRLE → decoded onto the page's current copy; dedup reference → the place's frame mapped
 *    copy-on-write (or its bytes copied where sharing is refused); multifd packet → decompressed by the
 *    real codec, then each page written or dropped;
 *  - `markNotPresent(member, pages)` (post-copy's discard at the switch), `release()` (a failed or
 *    cancelled migration: every frame back);
 *  - post-copy: `holdPostcopy(batch)` keeps the batches of the pages still on the source at the switch
 *    (`heldPages.ts`); `heldPage(member, gpfn)` → a held page's bytes, for a page that arrives or a
 *    fault that cannot wait; `dropHeld(member, gpfn)` once it is on the destination, `dropAllHeld()`
 *    at the end;
 *  - `readPlace(place, out)`: the bytes a dedup place holds now (the sender's confirming compare).
 */
import type { PageCodecName } from '../ports';
import type { GuestPages, IncomingGuestMemory } from '../vm/guestMachine';
import { MULTIFD_PACKET_PAGES, PAGE_SIZE_BYTES } from '../params';
import type { PageCodecs } from './codecs';
import { xbzrleDecode } from './xbzrle';
import { isZeroPage } from './pageHash';
import type { DedupPlace } from './dedupIndex';
import { readRecords, type RecordBatch, type RecordVisitor } from './recordBuffer';
import { HeldPages } from './heldPages';
import type { MigrationReceiver } from './migrationEnv';

export class PageReceiver implements RecordVisitor, MigrationReceiver {
  private readonly scratch = new Uint8Array(PAGE_SIZE_BYTES);
  private readonly copy = new Uint8Array(PAGE_SIZE_BYTES);
  /** Where a packet is decompressed: kept for the stream's life, not made per packet. */
  private readonly unpacked: Uint8Array;
  /** The RAM block the stream named last (a batch may continue it). */
  private member = -1;
  /** Post-copy: the pages still on the source at the switch, as their records (made at the switch). */
  private held: HeldPages | undefined;

  constructor(
    private readonly incoming: readonly IncomingGuestMemory[],
    private readonly destVms: readonly GuestPages[],
    private readonly codecs: PageCodecs,
    private readonly codec: PageCodecName | undefined,
  ) {
    this.unpacked = new Uint8Array(codec ? PAGE_SIZE_BYTES * MULTIFD_PACKET_PAGES : 0);
  }

  announce(): Float64Array {
    const out: number[] = [];
    this.destVms.forEach((vm, i) => {
      for (let g = 0; g < vm.pageCount; g++) {
        if (vm.pageState(g) !== 'present') continue;
        const bytes = vm.readPage(g, this.scratch);
        if (!bytes || isZeroPage(bytes)) continue;
        out.push(-1 - i, g, this.codecs.hash(bytes));
      }
    });
    return Float64Array.from(out);
  }

  apply(batch: RecordBatch): ArrayBuffer {
    this.member = readRecords(batch, this, this.member);
    return batch.buffer;
  }

  markNotPresent(member: number, pages: readonly number[]): void {
    const inc = this.incoming[member];
    for (const g of pages) inc.markNotPresent(g);
  }

  release(): void {
    this.held = undefined;
    for (const inc of this.incoming) inc.release();
  }

  holdPostcopy(batch: RecordBatch): void {
    this.held ??= new HeldPages(this.incoming.map((inc) => inc.pageCount));
    this.held.hold(batch);
  }

  /** A held post-copy page's bytes (a view: read it at once), undefined if not held. */
  heldPage(member: number, gpfn: number): Uint8Array | undefined {
    return this.held?.page(member, gpfn);
  }

  dropHeld(member: number, gpfn: number): void {
    this.held?.release(member, gpfn);
  }

  dropAllHeld(): void {
    this.held = undefined;
  }

  readPlace(p: DedupPlace, out: Uint8Array): Uint8Array | undefined {
    const pages = this.placePages(p);
    return pages && pages.pageState(p.gpfn) === 'present' ? pages.readPage(p.gpfn, out) : undefined;
  }

  private placePages(p: DedupPlace): GuestPages | undefined {
    return p.member >= 0 ? this.incoming[p.member] : this.destVms[-1 - p.member];
  }

  // RecordVisitor: one record each.

  zero(member: number, gpfn: number): void {
    const inc = this.incoming[member];
    if (inc.pageState(gpfn) !== 'untouched') inc.discardPage(gpfn);
  }

  normal(member: number, gpfn: number, bytes: Uint8Array): void {
    this.incoming[member].writePage(gpfn, bytes);
  }

  xbzrle(member: number, gpfn: number, encoded: Uint8Array): void {
    // Decoded onto the destination's copy (what was sent last: the sender's cached copy).
    const inc = this.incoming[member];
    const copy = inc.readPage(gpfn, this.copy) ?? this.copy.fill(0);
    xbzrleDecode(encoded, encoded.length, copy);
    inc.writePage(gpfn, copy);
  }

  dedup(member: number, gpfn: number, _hash: number, placeMember: number, placeGpfn: number): void {
    const place = { member: placeMember, gpfn: placeGpfn };
    const inc = this.incoming[member];
    if (!inc.sharePage(gpfn, this.placePages(place)!, placeGpfn)) inc.writePage(gpfn, this.readPlace(place, this.scratch)!);
  }

  packet(pages: Int32Array, normalPages: number, payload: Uint8Array): void {
    const raw = normalPages * PAGE_SIZE_BYTES;
    const unpacked = normalPages ? this.codecs.decompress(this.codec!, payload, raw, this.unpacked) : payload;
    let slot = 0;
    for (let i = 0; i < pages.length; i += 3) {
      const inc = this.incoming[pages[i]];
      const g = pages[i + 1];
      if (pages[i + 2]) { if (inc.pageState(g) !== 'untouched') inc.discardPage(g); continue; }
      inc.writePage(g, unpacked.subarray(slot * PAGE_SIZE_BYTES, (slot + 1) * PAGE_SIZE_BYTES));
      slot++;
    }
  }
}
