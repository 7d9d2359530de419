/**
 * migrationEnv — what a live migration needs from the world it runs in: the sender half where the source
 * is (`openSender`: it reads the source's pages there), reads of the VMs' machines on the source (plain
 * values: `sourcePageCount`, `readDirty`, `sourceCore`, `sourceCheck`, `sourceWhole`; post-copy's held
 * pages written there: `sourceHeldPages`), the destination half that fills
 * their memories there (`openReceiver`), the host schedulers (pause, resume, throttle), and the switch
 * itself. The lab implements it (`labMigrationEnv.ts`: every source read is a call to the source host's
 * owner, which holds the machines); tests and benches over bare machines implement the reads with
 * `machineSource.ts`. The mechanism (`liveMigration.ts`) never sees more, and never a source machine.
 *
 * Members are the VMs moved together (one, or a gang), by index. Times are host virtual ns.
 *
 * The source host may hold some of a member's pages elsewhere (memory reclamation: compressed, swapped,
 * out for activity sampling): its machine marks them not present, and every read gives what the guest
 * would read there (`vm/outgoingReads.ts`), so a page the host took away travels (and verifies) as its
 * bytes.
 */
import type { GuestMachine } from '../vm/guestMachine';
import type { HeldPagesReply, SourceCheck, SourceWhole } from '../vm/index';
import type { PageCodecName } from '../ports';
import type { PageCodecs } from './codecs';
import type { DedupPlace } from './dedupIndex';
import type { RecordBatch } from './recordBuffer';
import type { SwitchVerdict } from './verify';
import type { ArrivalCounts, DestinationWaits, UrgentFaultPort } from './destinationCalls';
import type {
  ReceiverPort, SenderFlushOrder, SenderIndexOrder, SenderIndexReply, SenderPushOrder, SenderPushReply, SenderReply, SenderSetup,
  SenderStepOrder, SenderStepReply,
} from './senderCalls';

/** How the destination half is made: deduplication against the VMs already there, the stream's codec. */
export interface ReceiverSetup {
  /** Whether the half may reference the pages of VMs already running on the destination host. */
  dedup: boolean;
  compression: PageCodecName | undefined;
}

/**
 * The destination half as the mechanism reaches it (`PageReceiver` itself in one thread; in the lab, calls
 * to the destination host's owner): batches in, plain values out.
 */
export interface MigrationReceiver {
  /** The neighbours' page hashes (`[place member, gpfn, hash]` triples), for dedup's setup. */
  announce(): Float64Array;
  /** Applies a batch where the half lives; returns the buffer, for the sender's next batch. */
  apply(batch: RecordBatch): ArrayBuffer;
  /** Post-copy's switch: keeps a batch of the paused source's pages still to send. */
  holdPostcopy(batch: RecordBatch): void;
  markNotPresent(member: number, pages: readonly number[]): void;
  release(): void;
  /** A held post-copy page's bytes (read at once), undefined if not held. */
  heldPage(member: number, gpfn: number): Uint8Array | undefined;
  dropHeld(member: number, gpfn: number): void;
  dropAllHeld(): void;
  /** Dedup's confirming compare: a place's bytes on the destination now (read at once; into `out` where the half is here). */
  readPlace(place: DedupPlace, out: Uint8Array): Uint8Array | undefined;
}

/**
 * The members' machines on the destination after the switch, as the mechanism reaches them
 * (`DestinationMachines` itself in one thread; in the lab, calls to the destination host's owner, which
 * holds the machines): plain values in and out (`destinationCalls.ts`). The held post-copy pages these
 * calls read are the receiver half's, beside the machines.
 */
export interface MigrationDestination {
  /** The switch's verification where the machines are, against the source's checks (post-copy: keeps them for the arrivals). */
  verify(checks: SourceCheck[], postcopy: boolean): SwitchVerdict;
  /**
   * Post-copy begins: a not-present handler on each machine. A fault that cannot wait is served from the
   * held copy and reported through `urgent` at once; a fault that can wait is kept as a request
   * (`takeRequests`). Returns each member's `notPresent.waitedNs` now (the blocktime's base).
   */
  startPostcopy(urgent: UrgentFaultPort): number[];
  /** The pages whose vCPUs wait for them, since the last call, in fault order: (member, gpfn) pairs. */
  takeRequests(): number[];
  /** Pages that arrived ((member, gpfn) pairs): made present from the held copies and checked against the source's list. */
  arrive(pages: number[]): ArrivalCounts;
  /** The machines' not-present wait counters now. */
  waits(): DestinationWaits;
  /** Post-copy is over (finished or lost): the handlers go, and the source's checks with them. */
  endPostcopy(): void;
  /** The migration is done with the machines (they stay the destination host's). */
  close(): void;
}

/**
 * The sender half, as the mechanism reaches it (`SenderSide` itself in one thread; in the lab, calls to
 * the source host's owner, which holds it beside the leaving machines): plain orders and replies
 * (`senderCalls.ts`).
 */
export interface MigrationSender {
  index(order: SenderIndexOrder): SenderIndexReply;
  step(order: SenderStepOrder): SenderStepReply;
  flush(order: SenderFlushOrder): SenderReply;
  /** Post-copy's switch: which held pages are zero pages (each member's bitmap words; transferable). */
  postcopy(zero: ArrayBuffer[]): void;
  push(order: SenderPushOrder): SenderPushReply;
  /** The migration is over (done, failed or cancelled): the cache, index and packet are dropped. */
  close(): void;
}

export interface MigrationEnv {
  readonly memberCount: number;
  /** Member m's guest pages on the source. */
  sourcePageCount(m: number): number;
  /**
   * Makes the sender half (`senderSide.ts`) where the source is and returns the way to reach it: every
   * call plain data. It reads the source's pages there; dedup's confirming compare asks the receiver
   * through `port`. `codecs` are the mechanism's, for a half made in this thread (the lab's source owner
   * uses its host's).
   */
  openSender(setup: SenderSetup, codecs: PageCodecs, port: ReceiverPort): MigrationSender;
  /** Member m's device state on the paused source (`GuestMachine.saveCore()`: plain). */
  sourceCore(m: number): unknown;
  /** The switch's check of member m on the paused source: digest and per-page hash list (`hashes` transferable). */
  sourceCheck(m: number): SourceCheck;
  /** After a move that failed or was cancelled: whether member m is whole on the source, and its digest. */
  sourceWhole(m: number): SourceWhole;
  /**
   * Post-copy's switch, on the paused source: the pages still to send (each member's bitmap words, a copy)
   * written where the source is, once, as zero and normal page records in batches for the receiver half
   * to keep, with which of them are zero pages (`postcopyHold.ts`; plain data, every buffer transferable).
   */
  sourceHeldPages(pages: ArrayBuffer[]): HeldPagesReply;
  /**
   * Makes the destination half (`pageReceiver.ts`) where the members' memories on the destination are
   * (created at setup, empty) and returns the way to reach it: every call plain data. `codecs` are the
   * mechanism's, for a half made in this thread (the lab's destination owner uses its host's).
   */
  openReceiver(setup: ReceiverSetup, codecs: PageCodecs): MigrationReceiver;
  /** Pages member m wrote since the last call (its dirty log, shared fairly with the lab's counters). */
  readDirty(m: number, nowNs: number): readonly number[];
  /** Stops every member's vCPUs on the source at `nowNs` (the switchover begins). */
  pauseSource(nowNs: number): void;
  /** Puts them back to run on the source (a switchover that failed or was cancelled). */
  resumeSource(nowNs: number): void;
  /**
   * Builds the members' machines on the destination from their core states and incoming memories, and
   * starts running them at `nowNs` (the VMs now belong to the destination host). Returns the way to
   * reach them (every call plain data), not the machines.
   */
  startDestination(cores: readonly unknown[], nowNs: number): MigrationDestination;
  /** The switch is complete: the source machines are dropped and their frames return to the source host. */
  finishSource(nowNs: number): void;
  /** Post-copy lost the VMs (the link was cut with pages still on the source): stop them, say why. */
  loseVms(reason: string, nowNs: number): void;
  /** The auto-converge throttle of the members' vCPUs on the source, in percent (0 = none). */
  setThrottle(pct: number): void;
}

