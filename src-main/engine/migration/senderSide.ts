/**
 * senderSide — a migration's sender half where the source is: the `PageSender` (XBZRLE cache, dedup
 * index, multifd packet, records buffer) and the live loop the link's clock drives between two decisions
 * of the mechanism, reached only through plain orders and replies (`senderCalls.ts`). The lab's source
 * host owner holds one per outgoing migration (`HostOwner`'s "migration sender half"); tests and benches
 * over bare machines hold one directly (`machineSource.ts`).
 *
 * `new SenderSide(read, pageCounts, codecs, options, port)`; `index(order)` (dedup's setup), `step(order)`
 * (pre-copy's pages until the mechanism must decide again, or every page at the stop), `flush(order)`,
 * `postcopy(zero)` (the switch: the held pages' zero maps), `push(order)` (post-copy's requested and
 * background pages), `close()`. Each call takes the link's state and the counters in and gives them back
 * moved on; the mechanism's syncs, rounds, rate windows, auto-converge and stop rules stay with it.
 *
 * Rules: the side keeps only what the sender keeps between pages (its cache, index, packet, first-pass
 * counts, held-zero maps); the link, counters and bitmaps are the order's; every record written in a call
 * leaves with its reply, or earlier through `port` once `MIGRATION_SENDER_HELD_BATCHES` full batches are
 * held (so a stop-and-copy never holds its whole copy; their buffers come back to be written again).
 * Dedup's confirming compare must see every record written before it applied on the destination, so it
 * goes through `port` with the records written so far (one call per hash hit).
 */
import type { MigrationOptions } from '@shared/model/migration';
import { MIGRATION_RECORD_BATCH_BYTES, MIGRATION_SENDER_HELD_BATCHES, PAGE_SIZE_BYTES } from '../params';
import { MigrationLink, type SendMode } from './link';
import { PageBitmap, type BitmapState } from './bitmap';
import { PageSender, type SourcePageRead } from './pageSender';
import type { PageCodecs } from './codecs';
import type { RecordBatch } from './recordBuffer';
import type { DedupPlace } from './dedupIndex';
import { qemuShouldSync } from './stopRules';
import type { MigrationSender } from './migrationEnv';
import { NORMAL_PAGE_BYTES, ZERO_PAGE_BYTES } from './wireFormat';
import type {
  ReceiverAnswer, ReceiverPort, SenderFlushOrder, SenderIndexOrder, SenderIndexReply, SenderPushOrder, SenderPushReply, SenderReply, SenderState,
  SenderStepOrder, SenderStepReply, SenderStopReason,
} from './senderCalls';

export class SenderSide implements MigrationSender {
  private readonly sender: PageSender;
  /** The mechanism's link, loaded from each call's order (one object, reloaded: not rebuilt per call). */
  private readonly link: MigrationLink;
  /** Records cut during the current call, in order. */
  private out: RecordBatch[] = [];
  /** Record buffers the receiver is done with (from the orders and the port's answers), to write into again. */
  private pool: ArrayBuffer[] = [];

  constructor(read: SourcePageRead, pageCounts: readonly number[], codecs: PageCodecs, options: MigrationOptions, private readonly port: ReceiverPort) {
    // A placeholder link until the first call brings the mechanism's.
    this.link = new MigrationLink({ rateLimitBytesPerS: 1, lineBytesPerS: 1, switchoverBytesPerS: 0, latencyNs: 0, loss: 0, cutAtNs: -1 }, 0);
    this.sender = new PageSender(read, pageCounts, codecs, this.link, options, (place) => {
      this.cut();
      return this.ask(place).bytes;
    });
  }

  index(o: SenderIndexOrder): SenderIndexReply {
    this.begin(o);
    const setupNs = this.sender.indexDestination(o.announced);
    return { ...this.end(), setupNs };
  }

  step(o: SenderStepOrder): SenderStepReply {
    this.begin(o);
    const bitmaps = o.bitmaps.map((s) => new PageBitmap(s));
    let remaining = 0;
    for (const b of bitmaps) remaining += b.count;
    let sent = 0;
    let stopped: SenderStopReason = 'drained';
    while (this.sendNext(bitmaps, o.mode)) {
      sent++;
      remaining--;
      if (o.mode === 'switchover') continue;
      const at = this.link.cursorNs;
      if (at >= o.untilNs) { stopped = 'barrier'; this.sender.flush('live'); break; }
      if (this.link.sliceOf(at) !== o.slice) { stopped = 'slice'; break; }
      if (at >= o.postcopyAtNs) { stopped = 'postcopy'; break; }
      if (o.syncAtBytes === undefined ? remaining === 0 : qemuShouldSync(remaining * PAGE_SIZE_BYTES, o.syncAtBytes)) { stopped = 'sync'; break; }
    }
    if (sent === 0) stopped = 'nothing';
    if (o.mode === 'switchover') this.sender.flush('switchover');
    return { ...this.end(), bitmaps: o.bitmaps, sent, stopped };
  }

  flush(o: SenderFlushOrder): SenderReply {
    this.begin(o);
    this.sender.flush(o.mode);
    return this.end();
  }

  postcopy(zero: ArrayBuffer[]): void {
    this.sender.postcopy = true;
    this.sender.heldZeroPages(zero);
  }

  push(o: SenderPushOrder): SenderPushReply {
    this.begin(o);
    const bitmaps = o.bitmaps.map((s) => new PageBitmap(s));
    const r = o.requests;
    const requestLeaves = new Float64Array((r.length / 3) * 2);
    for (let i = 0, k = 0; i < r.length; i += 3, k += 2) {
      const m = r[i];
      const g = r[i + 1];
      if (r[i + 2] === 0) {
        const zero = this.sender.isHeldZero(m, g);
        requestLeaves[k] = this.pushPage(bitmaps, m, g, zero, o.requestAtNs);
        requestLeaves[k + 1] = zero ? 1 : 0;
        bitmaps[m].seek(g + 1);
      } else {
        // Pushed already and held back by the rate limiter: the request sends it again at once.
        const zero = r[i + 2] === 2;
        const bytes = zero ? ZERO_PAGE_BYTES : NORMAL_PAGE_BYTES;
        requestLeaves[k] = this.link.sendUrgent(bytes, o.requestAtNs);
        requestLeaves[k + 1] = zero ? 1 : 0;
        this.sender.counters.postcopyBytes += bytes;
      }
    }
    // Background push, rate-limited like the live phase (max-postcopy-bandwidth = max-bandwidth here).
    const pushed: number[] = [];
    while (this.link.cursorNs < o.untilNs) {
      const m = bitmaps.findIndex((b) => b.count > 0);
      if (m < 0) break;
      const g = bitmaps[m].next();
      const zero = this.sender.isHeldZero(m, g);
      pushed.push(m, g, this.pushPage(bitmaps, m, g, zero), zero ? 1 : 0);
    }
    return { ...this.end(), bitmaps: o.bitmaps, requestLeaves, pushed: Float64Array.from(pushed) };
  }

  close(): void {
    this.sender.abandon();
    this.out = [];
    this.pool = [];
  }

  /** A post-copy page (`zero`: a zero page at the switch): its bit cleared, its record's bytes on the link (its bytes are the receiver's, held since the switch); when its last byte leaves. */
  private pushPage(bitmaps: PageBitmap[], m: number, g: number, zero: boolean, urgentAtNs?: number): number {
    bitmaps[m].clear(g);
    return this.sender.sendPostcopyPage(zero, urgentAtNs);
  }

  /** Sends the next page of the bitmaps (member order, page order); false when nothing is left. */
  private sendNext(bitmaps: PageBitmap[], mode: SendMode): boolean {
    for (let m = 0; m < bitmaps.length; m++) {
      const b = bitmaps[m];
      const g = b.next();
      if (g < 0) continue;
      b.clear(g);
      this.sender.sendPage(m, g, mode);
      if (this.sender.pendingRecordBytes >= MIGRATION_RECORD_BATCH_BYTES) this.cut();
      return true;
    }
    return false;
  }

  /** The receiver, mid-call: the batches cut so far handed over (then `place` read, if any); its spare buffers kept. */
  private ask(place?: DedupPlace): ReceiverAnswer {
    const answer = this.port({ batches: this.out.splice(0), ...(place ? { place } : {}) });
    this.keep(answer.spare);
    this.recycle();
    return answer;
  }

  /** The records written so far become a batch of the call's; past the held batches, they go over early. */
  private cut(): void {
    if (this.sender.pendingRecordBytes === 0) return;
    this.out.push(this.sender.takeRecords());
    if (this.out.length >= MIGRATION_SENDER_HELD_BATCHES) this.ask();
    this.recycle();
  }

  private keep(buffers: ArrayBuffer[]): void {
    for (const b of buffers) if (b.byteLength > 0 && this.pool.length < MIGRATION_SENDER_HELD_BATCHES) this.pool.push(b);
  }

  /** Gives the writer a kept buffer when it has none (else it makes one as it writes); a buffer not taken stays kept. */
  private recycle(): void {
    const b = this.pool.pop();
    if (b && !this.sender.recycle(b)) this.pool.push(b);
  }

  private begin(o: SenderState): void {
    this.link.load(o.link);
    this.sender.use(this.link, o.counters);
    this.keep(o.spare);
    this.recycle();
  }

  private end(): SenderReply {
    this.cut();
    const batches = this.out;
    this.out = [];
    return {
      link: this.link.save(), counters: this.sender.counters, pagesSent: this.sender.pagesSent, packetPages: this.sender.packetLength, batches,
    };
  }
}
