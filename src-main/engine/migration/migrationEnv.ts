/**
 * migrationEnv — what a live migration needs from the world it runs in: the VMs' machines on the
 * source, the destination half that fills their memories there (`openReceiver`), the dirty log, the host schedulers (pause, resume,
 * throttle), and the switch itself. The lab implements it (`migrationTask.ts`, through the operation
 * context); tests implement it over bare machines. The mechanism (`liveMigration.ts`) never sees more.
 *
 * Members are the VMs moved together (one, or a gang), by index. Times are host virtual ns.
 *
 * The source host may hold some of a member's pages elsewhere (memory reclamation: compressed, swapped,
 * out for activity sampling): its machine marks them not present, and `sourceAway` gives their bytes.
 * The mechanism reads the source only through `readSourcePage` / `readSourceWords` / `sourceDigest` (and
 * `verify.ts`'s `sourceCheck`, the same digest noting each page's hash), so a page the host took away
 * travels (and verifies) as what the guest would read there.
 */
import { bytesToWords, type DigestMemo, type GuestMachine } from '../vm/guestMachine';
import type { PageCodecName } from '../ports';
import type { PageCodecs } from './codecs';
import type { DedupPlace } from './dedupIndex';
import type { RecordBatch } from './recordBuffer';
import type { SourceCheck, SwitchVerdict } from './verify';
import type { ArrivalCounts, DestinationWaits, UrgentFaultPort } from './destinationCalls';

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

export interface MigrationEnv {
  readonly memberCount: number;
  /** Member m's machine on the source (running during pre-copy, paused after the stop). */
  source(m: number): GuestMachine;
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
  /** The bytes of member m's page `gpfn` that the source host keeps outside the machine, or undefined. */
  sourceAway(m: number, gpfn: number): Uint8Array | undefined;
}

/**
 * Member m's page on the source as the guest would read it (into `out` when given), like
 * `GuestPages.readPage`; undefined only for a not-present page nobody holds (a broken source:
 * verification then fails, the bytes are never invented).
 */
export function readSourcePage(env: MigrationEnv, m: number, gpfn: number, out?: Uint8Array): Uint8Array | undefined {
  const src = env.source(m);
  if (src.pageState(gpfn) !== 'notPresent') return src.readPage(gpfn, out);
  const away = env.sourceAway(m, gpfn);
  if (!away || !out) return away;
  out.set(away);
  return out;
}

/**
 * `readSourcePage` as words, without a copy when the source machine shows its pages' words
 * (`GuestPages.pageWords`; read them at once, never write them), else copied into `out`.
 */
export function readSourceWords(env: MigrationEnv, m: number, gpfn: number, out: Uint8Array): Int32Array | undefined {
  const src = env.source(m);
  if (src.pageWords && src.pageState(gpfn) !== 'notPresent') return src.pageWords(gpfn);
  const bytes = readSourcePage(env, m, gpfn, out);
  return bytes && bytesToWords(bytes);
}

/**
 * Member m's guest-visible digest on the source, pages held elsewhere hashed as their contents;
 * `memo` (recording) notes each page's hashing for the destination's digest at the switch to replay.
 */
export function sourceDigest(env: MigrationEnv, m: number, memo?: DigestMemo): string {
  return env.source(m).digest((gpfn) => env.sourceAway(m, gpfn), memo);
}
