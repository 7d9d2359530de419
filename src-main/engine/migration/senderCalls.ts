/**
 * senderCalls — the plain data that crosses between the mechanism (`liveMigration.ts`) and the sender
 * half where the source is (`MigrationSender`, `migrationEnv.ts`; `senderSide.ts` is the one
 * implementation): orders in, replies out, and the receiver asked mid-call (dedup's confirming compare,
 * full batches handed over early).
 *
 * Every order carries the link's state and the stream's counters as the mechanism has them
 * (`SenderState`); every reply carries them back moved on, with the pages sent so far, the pages of the
 * multifd packet still being filled (0: a flush has nothing to send, so the mechanism skips it) and every
 * record written in the call (`batches`, buffers transferable: the sender keeps none between calls, so
 * the destination never lags the source's side by more than one call; a call that writes more hands full
 * batches over early through the port). Bitmaps travel as `BitmapState`
 * (words transferable). Post-copy pages are (member, gpfn, …) tuples flattened into a `Float64Array`.
 *
 * Rules: structured-cloneable; a member is an index in the mechanism's order.
 */
import type { MigrationOptions } from '@shared/model/migration';
import type { LinkState, SendMode } from './link';
import type { BitmapState } from './bitmap';
import type { StreamCounters } from './pageSender';
import type { RecordBatch } from './recordBuffer';
import type { DedupPlace } from './dedupIndex';

/** Makes the sender half: the options decide its XBZRLE cache, dedup index and packet. */
export interface SenderSetup { options: MigrationOptions }

/** What every order carries: the link and the counters as the mechanism has them. */
export interface SenderState {
  link: LinkState;
  counters: StreamCounters;
  /** Record buffers the receiver half is done with, for the sender to write into again (transferable). */
  spare: ArrayBuffer[];
}

/** What every reply carries. */
export interface SenderReply {
  link: LinkState;
  counters: StreamCounters;
  /** Pages sent by the stream so far (QEMU's pages-per-second counts these). */
  pagesSent: number;
  /** Pages in the multifd packet being filled (0: nothing for a flush to send). */
  packetPages: number;
  /** Every record written in the call, in order, for the receiver half (buffers transferable). */
  batches: RecordBatch[];
}

/** Setup with deduplication: the destination's announced hashes (`[place member, gpfn, hash]` triples). */
export interface SenderIndexOrder extends SenderState { announced: Float64Array }
export interface SenderIndexReply extends SenderReply { /** The setup time it takes (the destination's hashing, the announcement on the wire), ns. */ setupNs: number }

/**
 * Send the bitmaps' pages (member order, page order), the first at once (the mechanism decided it), each
 * further one while the link's cursor is before `untilNs` (the barrier) and still in rate slice `slice`,
 * the pages left are above `syncAtBytes` (QEMU's sync threshold; undefined: Xen's rule, until the
 * bitmaps are empty) and the cursor is before `postcopyAtNs` (a hybrid's post-copy time). 'switchover':
 * every page, then the packet flushed. Stopping at the barrier flushes the packet (the mechanism's next
 * move then is the end of its step's loop, which flushes).
 */
export interface SenderStepOrder extends SenderState {
  bitmaps: BitmapState[];
  mode: SendMode;
  untilNs: number;
  slice: number;
  syncAtBytes: number | undefined;
  postcopyAtNs: number;
}

/** Why a step stopped: nothing to send; the barrier, a new rate slice, the sync threshold (or empty bitmaps), the hybrid's post-copy time; every page sent ('switchover'). */
export type SenderStopReason = 'nothing' | 'barrier' | 'slice' | 'sync' | 'postcopy' | 'drained';

export interface SenderStepReply extends SenderReply {
  bitmaps: BitmapState[];
  /** Pages sent in the step. */
  sent: number;
  stopped: SenderStopReason;
}

/** Send the multifd packet being filled. */
export interface SenderFlushOrder extends SenderState { mode: SendMode }

/**
 * Post-copy's sends at a barrier: first the requests in order — `requests` as (member, gpfn, kind)
 * triples, kind 0 a page still to send (sent now, urgent from `requestAtNs`, the scan restarting after
 * it), 1 / 2 a whole / zero page already pushed and held back by the rate limiter (sent again, urgent) —
 * then the background push while the cursor is before `untilNs`.
 */
export interface SenderPushOrder extends SenderState {
  bitmaps: BitmapState[];
  requests: Float64Array;
  requestAtNs: number;
  untilNs: number;
}

export interface SenderPushReply extends SenderReply {
  bitmaps: BitmapState[];
  /** Per request: when its last byte leaves, and whether it went as a zero page (pairs). */
  requestLeaves: Float64Array;
  /** The pages pushed in the background: (member, gpfn, leave ns, zero 1/0) tuples. */
  pushed: Float64Array;
}

/**
 * The sender half's way to the destination's receiver mid-call: dedup's confirming compare (`place`: the
 * records written before it go first, then the place is read), or full batches handed over early (no
 * `place`: a call that writes more than `MIGRATION_SENDER_HELD_BATCHES` batches, as a stop-and-copy does).
 */
export interface ReceiverAsk { batches: RecordBatch[]; place?: DedupPlace }
/** The destination's bytes at the place now (read at once), or undefined; buffers the receiver is done with. */
export interface ReceiverAnswer { bytes: Uint8Array | undefined; spare: ArrayBuffer[] }
/** How the sender half reaches the receiver mid-call (in one thread the mechanism's function; on workers a synchronous cross-worker call). */
export type ReceiverPort = (ask: ReceiverAsk) => ReceiverAnswer;
