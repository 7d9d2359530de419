/**
 * migrationEnv — what a live migration needs from the world it runs in: the VMs' machines on the
 * source, their memories filling on the destination, the dirty log, the host schedulers (pause, resume,
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
import { bytesToWords, type DigestMemo, type GuestMachine, type GuestPages, type IncomingGuestMemory } from '../vm/guestMachine';

export interface MigrationEnv {
  readonly memberCount: number;
  /** Member m's machine on the source (running during pre-copy, paused after the stop). */
  source(m: number): GuestMachine;
  /** Member m's memory on the destination, created at setup (empty). */
  incoming(m: number): IncomingGuestMemory;
  /** Pages member m wrote since the last call (its dirty log, shared fairly with the lab's counters). */
  readDirty(m: number, nowNs: number): readonly number[];
  /** Stops every member's vCPUs on the source at `nowNs` (the switchover begins). */
  pauseSource(nowNs: number): void;
  /** Puts them back to run on the source (a switchover that failed or was cancelled). */
  resumeSource(nowNs: number): void;
  /**
   * Builds the members' machines on the destination from their core states and incoming memories, and
   * starts running them at `nowNs` (the VMs now belong to the destination host). Returns the machines.
   */
  startDestination(cores: readonly unknown[], nowNs: number): GuestMachine[];
  /** The switch is complete: the source machines are dropped and their frames return to the source host. */
  finishSource(nowNs: number): void;
  /** Post-copy lost the VMs (the link was cut with pages still on the source): stop them, say why. */
  loseVms(reason: string, nowNs: number): void;
  /** The auto-converge throttle of the members' vCPUs on the source, in percent (0 = none). */
  setThrottle(pct: number): void;
  /** Memories of VMs already on the destination host, for deduplication against what it holds. */
  destinationVms(): readonly GuestPages[];
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
