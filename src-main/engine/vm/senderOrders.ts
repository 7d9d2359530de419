/**
 * senderOrders — the plain-data orders and replies of the sender half's work done on the source host's
 * owner (`HostOwner`'s "migration sender (source side)" calls), beside the leaving machines.
 *
 * `HeldPagesOrder` → `HeldPagesReply`: post-copy's switch. The source is paused, so its pages still to
 * send are final: the owner writes each of them once, as a zero or normal page record, into batches of
 * about `MIGRATION_RECORD_BATCH_BYTES` (`migration/postcopyHold.ts`, through `HostOwnerEnv.writeHeldPages`),
 * and replies the batches (for the receiver half to keep: `migration/heldPages.ts`) with which of those
 * pages are zero pages (the sender's records for them then). Every buffer in both is transferable: the
 * bitmaps go to the owner, the batches and the zero maps come back, and no copy stays behind.
 * Bitmap words are `Uint32Array` words (page g is bit g & 31 of word g >>> 5), one buffer per member.
 *
 * `SenderOrder`: make the sender half itself here (`HostOwner`'s "migration sender half": `openSender` …
 * `closeSender`, keyed by the first member's id); its calls' orders and replies are the mechanism's plain
 * data (`migration/senderCalls.ts`).
 */
import type { VmId } from '@shared/model/ids';
import type { MigrationOptions } from '@shared/model/migration';
import type { RecordBatch } from '../migration/index';

/** Make a migration's sender half on the source, over the leaving machines of its members. */
export interface SenderOrder {
  /** The members, in the mechanism's order (member m is `members[m]`); the half's key is `members[0]`. */
  members: VmId[];
  /** The migration's options (XBZRLE cache size, dedup, compression codec and level, channels). */
  options: MigrationOptions;
}

/** Write the held post-copy pages of a migration's members (the machines this owner holds as leaving). */
export interface HeldPagesOrder {
  /** The members, in the mechanism's order (member m is `members[m]`). */
  members: VmId[];
  /** Each member's pages still to send: its migration bitmap's words (a copy; transferable). */
  pages: ArrayBuffer[];
}

/** The held post-copy pages, written where the source is. */
export interface HeldPagesReply {
  /** Zero and normal page records of every page of the order, in member then page order (buffers transferable). */
  batches: RecordBatch[];
  /** Each member's pages of the order that are zero pages: bitmap words as in the order (transferable). */
  zero: ArrayBuffer[];
}
