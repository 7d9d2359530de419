/**
 * pageSender — the source half of a migration's page stream: for each page to send it decides the
 * record (zero page, deduplicated reference, XBZRLE delta, compressed multifd packet, or the plain page),
 * writes it into the records buffer (`recordBuffer.ts`, the layout `wireFormat.ts` counts) and puts its
 * bytes on the link. It reads only the source's pages; the destination half (`pageReceiver.ts`) applies
 * the records it is handed (`takeRecords()`), so the destination holds exactly what the records carried.
 *
 * For a page to send, in this order (each step is QEMU's where QEMU has it):
 *  1. zero page (QEMU `buffer_is_zero`; an untouched page is zero without reading it) → 9-byte record;
 *     the destination drops its copy; an XBZRLE-cached copy becomes zero too;
 *  2. deduplication (`options.dedup`): hash the page, look it up among pages the destination already
 *     holds (delivered by this migration — the same VM or another VM of the gang — or belonging to a
 *     VM already on the destination host, whose hashes the destination announced at setup:
 *     `indexDestination`), confirm with a full byte compare → 24-byte reference; the destination maps
 *     the same frame copy-on-write. The compare reads the destination's copy through `peek` (see
 *     docs/migration.md: the one read left across the halves);
 *  3. XBZRLE (`options.xbzrle`, only after the first complete pass and never in post-copy, as QEMU): a
 *     cache hit is encoded against the cached copy — unchanged → nothing is sent; overflow → sent
 *     normally; else an XBZRLE record that the destination decodes onto its copy. A miss inserts the
 *     page (it helps from its third transmission on, as in QEMU);
 *  4. the plain page → 8 + 4,096 bytes, or into the current multifd packet when compression is on (up to
 *     128 pages; the packet's normal pages are compressed together by the real codec; the destination
 *     decompresses them before they are written).
 * CPU time (zero scan, hash, compare, XBZRLE, codecs) is charged to the sender's clock from the cost
 * model (`codecs.ts`), the destination's modelled decode costs included (as the model always counted
 * them); compression runs on `channels` threads, so a packet costs max(wire time, compression time /
 * channels).
 *
 * Memory held: one packet (≤ 128 page copies), the records buffer (one batch), the
 * XBZRLE cache, the dedup index. It is held where the source is (`senderSide.ts`: in the lab the source
 * host's owner) and reads pages through `read` (read at once), never as a machine; the link and the
 * counters are the caller's, handed in with each call (`use`).
 */
import type { MigrationOptions } from '@shared/model/migration';
import type { PageCodecName } from '../ports';
import { MULTIFD_PACKET_PAGES, PAGE_SIZE_BYTES } from '../params';
import type { MigrationLink, SendMode } from './link';
import { PageBitmap } from './bitmap';
import { PageCodecs } from './codecs';
import { XbzrleCache, xbzrleEncode } from './xbzrle';
import { DedupIndex, type DedupPlace } from './dedupIndex';
import { isZeroPage } from './pageHash';
import { DEDUP_RECORD_BYTES, NORMAL_PAGE_BYTES, ZERO_PAGE_BYTES } from './wireFormat';
import { RecordWriter, type RecordBatch } from './recordBuffer';

/** The destination's current bytes at a dedup place (the confirming compare), or undefined. */
export type DedupPeek = (place: DedupPlace, out: Uint8Array) => Uint8Array | undefined;

/**
 * Member m's page on the source as the guest would read it now (read at once: valid until the next
 * read); undefined where it reads as zeros without a frame (untouched) or nobody holds it.
 */
export type SourcePageRead = (m: number, gpfn: number) => Uint8Array | undefined;

export interface StreamCounters {
  zeroPages: number;
  /** Pages sent whole (plain or in a compressed packet). */
  normalPages: number;
  precopyBytes: number;
  downtimeBytes: number;
  postcopyBytes: number;
  deviceBytes: number;
  /** Destination → source: the dedup hash announcement, post-copy page requests. */
  returnBytes: number;
  /** Sender CPU time charged by the cost model, ns. */
  cpuNs: number;
  xbzrle: { bytes: number; encodedPages: number; cacheHits: number; cacheMisses: number; overflows: number; unchanged: number };
  compression: { pages: number; compressedBytes: number; packets: number; busyPackets: number; compressNs: number; decompressNs: number };
  dedup: { pages: number; bytesSaved: number; hashHits: number; collisions: number; withinVm: number; acrossVms: number; onDestination: number };
}

/** A page of the current multifd packet: a zero page (`slot` −1) or the packet's `slot`-th normal page. */
interface Pending { member: number; gpfn: number; slot: number }

export function newCounters(): StreamCounters {
  return {
    zeroPages: 0, normalPages: 0, precopyBytes: 0, downtimeBytes: 0, postcopyBytes: 0, deviceBytes: 0, returnBytes: 0, cpuNs: 0,
    xbzrle: { bytes: 0, encodedPages: 0, cacheHits: 0, cacheMisses: 0, overflows: 0, unchanged: 0 },
    compression: { pages: 0, compressedBytes: 0, packets: 0, busyPackets: 0, compressNs: 0, decompressNs: 0 },
    dedup: { pages: 0, bytesSaved: 0, hashHits: 0, collisions: 0, withinVm: 0, acrossVms: 0, onDestination: 0 },
  };
}

const ZERO = new Uint8Array(PAGE_SIZE_BYTES);

export class PageSender {
  /** The stream's counters: the caller's (`use`), moved on by every page. */
  counters = newCounters();
  /** Set at a post-copy switch: no XBZRLE, no packets, records counted as post-copy bytes. */
  postcopy = false;
  private readonly cache: XbzrleCache | undefined;
  private readonly dedup: DedupIndex | undefined;
  private readonly codec: PageCodecName | undefined;
  private readonly level: number;
  private readonly packet: Pending[] = [];
  /** The packet's normal pages, back to back (compressed as one input): kept, not made per packet. */
  private readonly packetBytes: Uint8Array;
  private packetPages = 0;
  private readonly encoded = new Uint8Array(PAGE_SIZE_BYTES + 16);
  private readonly records = new RecordWriter();
  private pages = 0;
  /** Pages sent in the first pass, per member (XBZRLE starts after the first complete pass). */
  private readonly firstPass: number[];
  /** Each member's guest pages (asked of the source once). */
  private readonly pageCounts: number[];
  private xbzrleStarted = false;
  /** Post-copy: the held pages that are zero pages (decided once, at the switch: the source is paused). */
  private heldZero: PageBitmap[] = [];

  constructor(
    private readonly read: SourcePageRead, pageCounts: readonly number[], private readonly codecs: PageCodecs, private link: MigrationLink,
    private readonly o: MigrationOptions, private readonly peek: DedupPeek,
  ) {
    this.cache = o.xbzrle ? new XbzrleCache(o.xbzrleCacheBytes) : undefined;
    this.dedup = o.dedup ? new DedupIndex() : undefined;
    this.codec = o.compression === 'none' ? undefined : o.compression;
    this.level = o.compressionLevel ?? (o.compression === 'zlib' || o.compression === 'zstd' ? 1 : 1);
    this.firstPass = new Array<number>(pageCounts.length).fill(0);
    this.pageCounts = [...pageCounts];
    const packetBytes = this.codec ? MULTIFD_PACKET_PAGES * PAGE_SIZE_BYTES : 0;
    this.packetBytes = new Uint8Array(packetBytes);
  }

  /** Sends on `link` with `counters` from now on (the caller's, as plain state: the sender keeps neither between calls). */
  use(link: MigrationLink, counters: StreamCounters): void {
    this.link = link;
    this.counters = counters;
  }

  /** Pages of the current multifd packet (0: `flush` has nothing to send). */
  get packetLength(): number {
    return this.packet.length;
  }

  get pagesSent(): number {
    return this.pages;
  }

  /** Pages held by the XBZRLE cache (memory the migration holds). */
  get cachedPages(): number {
    return this.cache?.size ?? 0;
  }

  isZero(bytes: Uint8Array): boolean {
    return isZeroPage(bytes);
  }

  /**
   * Dedup against the destination host: takes the hashes the destination announced (`PageReceiver.announce`:
   * `[place member, gpfn, hash]` triples, 16 bytes a page on the return path). Returns the setup time
   * it takes (ns: the destination's hashing, then the announcement on the wire).
   */
  indexDestination(announced: Float64Array): number {
    if (!this.dedup) return 0;
    const pages = announced.length / 3;
    for (let i = 0; i < announced.length; i += 3) this.dedup.remember({ member: announced[i], gpfn: announced[i + 1] }, announced[i + 2]);
    this.counters.returnBytes += pages * 16;
    const hashNs = PageCodecs.cpuNs('hash', pages * PAGE_SIZE_BYTES);
    return hashNs + ((pages * 16) / this.link.config.lineBytesPerS) * 1e9;
  }

  /** Bytes of records written and not yet handed over. */
  get pendingRecordBytes(): number {
    return this.records.size;
  }

  /** The records written since the last call, handed to the destination half. */
  takeRecords(): RecordBatch {
    return this.records.take();
  }

  /** A records buffer the destination half is done with, for the next batch; false when not taken (the writer has one). */
  recycle(buffer: ArrayBuffer): boolean {
    return this.records.recycle(buffer);
  }

  private charge(ns: number): void {
    this.counters.cpuNs += ns;
    this.link.cpu(ns);
  }

  /** Puts a record's bytes (as written) on the link. */
  private put(bytes: number, mode: SendMode): void {
    this.link.send(bytes, mode);
    if (mode === 'live') this.counters.precopyBytes += bytes;
  }

  /** Encodes and sends page `g` of member `m` (pre-copy or the stop). */
  sendPage(m: number, g: number, mode: 'live' | 'switchover'): void {
    this.pages++;
    if (!this.xbzrleStarted && this.firstPass[m] < this.pageCounts[m]) {
      this.firstPass[m]++;
      if (this.firstPass.every((n, i) => n >= this.pageCounts[i])) this.xbzrleStarted = true;
    }
    const key = XbzrleCache.key(m, g);
    // Read at once (the source's reply is valid until its next read): every use below copies it.
    const bytes = this.read(m, g);
    if (bytes) this.charge(PageCodecs.cpuNs('zeroScan', PAGE_SIZE_BYTES));
    if (!bytes || isZeroPage(bytes)) {
      this.counters.zeroPages++;
      this.dedup?.forget({ member: m, gpfn: g });
      if (this.cache?.has(key)) this.cache.refresh(key, ZERO);
      if (this.codec) { this.packet.push({ member: m, gpfn: g, slot: -1 }); this.maybeFlush(mode); return; }
      this.put(this.records.zero(m, g), mode);
      return;
    }
    let hash = 0;
    if (this.dedup) {
      this.charge(PageCodecs.cpuNs('hash', PAGE_SIZE_BYTES));
      hash = this.codecs.hash(bytes);
      const self: DedupPlace = { member: m, gpfn: g };
      const before = { ...this.dedup.counters };
      const place = this.dedup.find(hash, bytes, this.peek, self);
      this.charge(PageCodecs.cpuNs('compare', PAGE_SIZE_BYTES * (this.dedup.counters.compares - before.compares)));
      this.counters.dedup.hashHits += this.dedup.counters.hits - before.hits;
      this.counters.dedup.collisions += this.dedup.counters.collisions - before.collisions;
      if (place) {
        this.put(this.records.dedup(m, g, hash, place.member, place.gpfn), mode);
        const d = this.counters.dedup;
        d.pages++;
        d.bytesSaved += NORMAL_PAGE_BYTES - DEDUP_RECORD_BYTES;
        if (place.member < 0) d.onDestination++; else if (place.member === m) d.withinVm++; else d.acrossVms++;
        this.dedup.remember(self, hash);
        if (this.cache?.has(key)) this.cache.refresh(key, bytes);
        return;
      }
    }
    if (this.cache && this.xbzrleStarted && !this.postcopy) {
      const x = this.counters.xbzrle;
      const old = this.cache.lookup(key);
      if (old) {
        x.cacheHits++;
        this.charge(PageCodecs.cpuNs('xbzrleEncode', PAGE_SIZE_BYTES));
        const len = xbzrleEncode(old, bytes, this.encoded);
        if (len === 0) {
          // Unchanged since it was sent: QEMU sends nothing.
          x.unchanged++;
          this.remember(m, g, hash);
          return;
        }
        if (len > 0) {
          this.put(this.records.xbzrle(m, g, this.encoded, len), mode);
          x.bytes += len;
          x.encodedPages++;
          // The destination decodes it onto its copy (modelled cost).
          this.charge(PageCodecs.cpuNs('xbzrleDecode', len));
          this.cache.put(key, bytes);
          this.remember(m, g, hash);
          return;
        }
        x.overflows++;
        this.cache.put(key, bytes);
      } else {
        x.cacheMisses++;
        this.cache.put(key, bytes);
      }
    }
    this.counters.normalPages++;
    if (this.codec && !this.postcopy) {
      this.packetBytes.set(bytes, this.packetPages * PAGE_SIZE_BYTES);
      this.packet.push({ member: m, gpfn: g, slot: this.packetPages++ });
      this.remember(m, g, hash);
      this.maybeFlush(mode);
      return;
    }
    this.put(this.records.normal(m, g, bytes), mode);
    this.remember(m, g, hash);
  }

  private remember(m: number, g: number, hash: number): void {
    if (this.dedup) this.dedup.remember({ member: m, gpfn: g }, hash);
  }

  private maybeFlush(mode: SendMode): void {
    if (this.packet.length >= MULTIFD_PACKET_PAGES) this.flush(mode);
  }

  /** Sends the current multifd packet: compresses its normal pages for real (the destination decompresses them). */
  flush(mode: SendMode): void {
    if (this.packet.length === 0 || !this.codec) { this.packet.length = 0; this.packetPages = 0; return; }
    const normal = this.packetPages;
    const raw = this.packetBytes.subarray(0, normal * PAGE_SIZE_BYTES);
    // The sender's output is used at once (copied into the record): the port may lend its own buffer.
    const packed = normal ? this.codecs.compress(this.codec, this.level, raw, true) : new Uint8Array(0);
    const packedBytes = packed.length;
    const c = this.counters.compression;
    const compressNs = normal ? PageCodecs.compressNs(this.codec, this.level, raw.length, packedBytes) : 0;
    const channels = Math.max(1, this.o.channels);
    const t0 = this.link.cursorNs;
    const bytes = this.records.packet(this.packet, normal, packed);
    this.link.send(bytes, mode);
    if (mode === 'live') this.counters.precopyBytes += bytes;
    const wireNs = this.link.cursorNs - t0;
    const cpuNs = compressNs / channels;
    if (cpuNs > wireNs) { this.link.cpu(cpuNs - wireNs); c.busyPackets++; }
    c.compressNs += compressNs;
    c.packets++;
    c.pages += normal;
    c.compressedBytes += packedBytes;
    // The destination decompresses it (modelled cost).
    c.decompressNs += normal ? PageCodecs.decompressNs(this.codec, packedBytes, raw.length) : 0;
    this.packet.length = 0;
    this.packetPages = 0;
  }

  /**
   * Post-copy's switch: the held pages were written where the source is (`postcopyHold.ts`, the source's
   * owner in the lab) and handed to the receiver; the sender keeps which of them are zero pages (each
   * member's bitmap words, from that reply), for their records when they are pushed or requested.
   */
  heldZeroPages(zero: readonly ArrayBuffer[]): void {
    this.heldZero = zero.map((words) => PageBitmap.ofWords(new Uint32Array(words)));
  }

  /** Whether a held post-copy page is a zero page (`heldZeroPages`). */
  isHeldZero(m: number, g: number): boolean {
    return this.heldZero[m]?.has(g) ?? false;
  }

  /** A post-copy page (zero or whole): pushed in the background (rate-limited) or requested (urgent); returns when its last byte leaves. */
  sendPostcopyPage(zero: boolean, urgentAtNs?: number): number {
    const bytes = zero ? ZERO_PAGE_BYTES : NORMAL_PAGE_BYTES;
    if (zero) this.counters.zeroPages++; else this.counters.normalPages++;
    this.counters.postcopyBytes += bytes;
    this.pages++;
    return urgentAtNs === undefined ? this.link.send(bytes, 'live') : this.link.sendUrgent(bytes, urgentAtNs);
  }

  /** A failed or cancelled migration: drop what is held (records not handed over included). */
  abandon(): void {
    this.packet.length = 0;
    this.packetPages = 0;
    this.records.take();
    this.cache?.clear();
  }
}
