/**
 * ownerCalls — the list of a host owner's calls, the one place a transport learns what `HostOwner`
 * answers (`hostOwner.ts`): a client that sends each call as a message `{ method, args }` is generated
 * from it (`ownerTransport.ts`), and a worker serving an owner allows exactly these names.
 *
 * Interface:
 *  - `OWNER_METHODS`: every public method of `HostOwner`; `OWNER_READS`: its getters (`pendingOrders`);
 *    `ONE_THREAD_READS`: the methods only tests call, in one thread (their replies are the host's objects).
 *    A member added to `HostOwner` and to neither list fails typecheck (`ListedEveryMember` below).
 *  - `HostOwnerCalls`: what the lab holds per host (`lab.owners`, `OpContext.host`): the owner itself in
 *    one thread, or a client with the same shape.
 *  - `OWNER_CALLBACKS`: the calls whose argument is a function (a port back to the mechanism): the
 *    argument's index and the buffers its asks and answers move. Such an argument is never plain: on a
 *    worker it crosses as a call back to the coordinator inside the call (the worker sends the ask, the
 *    coordinator answers it while it waits for the call's reply); in one thread the function itself.
 *  - `OWNER_MOVES`: the calls whose arguments or reply carry buffers that move (transferred, so the side
 *    they left sees them detached): the record batches, the bitmaps' words, the switch's hash list.
 *  - `FANNED_OWNER_CALLS`, `HostFanOut`: the barrier's calls a service may send to every host at once (one
 *    message per worker carrying all its hosts' calls, `HostOwnerMaker.callEach`): plain arguments and
 *    replies, nothing moved, no callback; each reads or changes only its own host.
 *
 * Rules: the lists are data, not behaviour: direct mode never reads them (no cost). A buffer is listed as
 * moving only where the side that sends it keeps no use for it (as `ownerHeldMachines.test.ts` checks).
 */
import type { HostOwner } from './hostOwner';
import type { RecordBatch, ReceiverAnswer, ReceiverAsk } from '../migration/index';

/** Tests' reads of the host's side in one thread (its reclaimer, scheduler, pool, a guest machine): not plain, never sent to a worker. */
export const ONE_THREAD_READS = ['reclaimer', 'reclaimViewCopy', 'reclaimAwayBytes', 'inspectScheduler', 'inspectMemory', 'inspectGuest'] as const;

/** Every method `HostOwner` answers. */
export const OWNER_METHODS = [
  'setPolicy', 'setThrottle', 'drain', 'runSegment',
  'freeFrames', 'overheadFits', 'chargeOverhead', 'releaseOverhead', 'start', 'stop', 'drop', 'markCrashed', 'capture',
  'exportCapture', 'importCapture', 'releaseCapture', 'captureCount',
  'requestShutdown', 'requestReboot', 'readConsole', 'consoleInput', 'pause', 'resume',
  'beginOutgoing', 'outgoingAway', 'leaveReclamation', 'saveOutgoing', 'cancelOutgoing', 'finishOutgoing',
  'receiveIncoming', 'incomingFrames', 'releaseIncoming', 'startIncoming', 'hasMachine', 'joinReclamation', 'missingPages',
  'supplyPages', 'readSavedSource', 'takeDirtyLog', 'attachDirtyReader', 'detachDirtyReader',
  'takeDisks', 'diskTops', 'sealDisks',
  'digestPart', 'savePart', 'restorePart',
  'stoppedVms', 'endQuantum', 'quantumCycles', 'sample', 'guestRunState', 'guestFacts',
  'openReceiver', 'receiverAnnounce', 'receiverApply', 'receiverHold', 'receiverDiscard', 'receiverRelease', 'receiverHeldPage',
  'receiverDropHeld', 'receiverDropAllHeld', 'receiverReadPlace', 'closeReceiver',
  'outgoingPageCount', 'outgoingDirty', 'outgoingCore', 'outgoingCheck', 'outgoingWhole',
  'openDestination', 'destinationVerify', 'destinationStartPostcopy', 'destinationRequests', 'destinationArrive', 'destinationWaits',
  'destinationEndPostcopy', 'closeDestination',
  'outgoingHeldPages',
  'openSender', 'senderIndex', 'senderStep', 'senderFlush', 'senderPostcopy', 'senderPush', 'closeSender',
  'reclaimVmIds', 'reclaimStep', 'reclaimPart', 'restoreReclaimPart',
  ...ONE_THREAD_READS,
] as const satisfies readonly MethodOf<HostOwner>[];

/** `HostOwner`'s getters: read through the transport as a call with no arguments. */
export const OWNER_READS = ['pendingOrders'] as const satisfies readonly Exclude<keyof HostOwner, MethodOf<HostOwner>>[];

export type OwnerMethod = (typeof OWNER_METHODS)[number];
export type OwnerRead = (typeof OWNER_READS)[number];
/** A name a transport may carry: a method or a getter. */
export type OwnerCallName = OwnerMethod | OwnerRead;

/** What the lab holds per host: the owner in one thread, or a client sending its calls as messages. */
export type HostOwnerCalls = Pick<HostOwner, OwnerMethod | OwnerRead | 'hostId'>;

type MethodOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

// A public member of `HostOwner` in neither list (nor `hostId`, the client's own field) makes this type
// `false`, and the assignment below fails typecheck.
type Unlisted = Exclude<keyof HostOwner, OwnerMethod | OwnerRead | 'hostId'>;
type ListedEveryMember = [Unlisted] extends [never] ? true : false;
const listedEveryMember: ListedEveryMember = true;
void listedEveryMember;

/** The calls a fan-out carries (`HostFanOut`): a service that makes one of them to many hosts, with arguments that
 *  do not depend on another host's reply, may send them all at once. */
export const FANNED_OWNER_CALLS = ['endQuantum', 'reclaimVmIds', 'reclaimStep', 'readConsole'] as const satisfies readonly OwnerMethod[];
export type FannedOwnerCall = (typeof FANNED_OWNER_CALLS)[number];
/** One call of a fan-out: the host, the call, its arguments. */
export type HostCall = readonly [hostId: HostOwner['hostId'], name: FannedOwnerCall, args: readonly unknown[]];
/** Runs the calls (each host's in the order given, hosts possibly at once): the replies in the calls' order. */
export type HostFanOut = (calls: readonly HostCall[]) => unknown[];

/** A set of the names, for the worker's allow-list and the transports' checks. */
export const OWNER_CALL_NAMES: ReadonlySet<string> = new Set<string>([...OWNER_METHODS, ...OWNER_READS]);

/** What a callback argument's asks and answers move (transferred both ways), and how long it lives: the
 *  owner keeps the function past the call (the sender half asks in `senderStep`), so a transport between
 *  threads keeps answering it until a call in `releasedBy` names the same key (`args[0]`; for `openSender`
 *  the order's first member, the key its later calls use). */
export interface CallbackMoves {
  index: number;
  /** The key the owner files the kept function under, from the call's arguments. */
  key: (args: never) => unknown;
  /** The calls after which the function is no longer asked (their `args[0]` is the key). */
  releasedBy: readonly OwnerMethod[];
  ask?: (ask: never) => ArrayBuffer[];
  answer?: (answer: never) => ArrayBuffer[];
}

/** The calls that take a function (a port back to the mechanism), by name. */
export const OWNER_CALLBACKS: Partial<Record<OwnerMethod, CallbackMoves>> = {
  // The sender half's port: dedup's confirming compare and full batches handed over early.
  openSender: {
    index: 1,
    key: (a: [{ members: readonly unknown[] }]) => a[0].members[0],
    releasedBy: ['closeSender'],
    ask: (ask: ReceiverAsk) => live(ask.batches.map((b) => b.buffer)),
    answer: (answer: ReceiverAnswer) => live(answer.spare),
  },
  // Post-copy's urgent faults (a fault that cannot wait, served on the destination: plain facts both ways).
  destinationStartPostcopy: { index: 1, key: (a: [unknown]) => a[0], releasedBy: ['destinationEndPostcopy', 'closeDestination'] },
};

/** The buffers a call's arguments and reply move. */
export interface CallMoves {
  args?: (args: never) => ArrayBuffer[];
  reply?: (reply: never) => ArrayBuffer[];
}

interface Buffered { bitmaps?: { words: Uint32Array }[]; spare?: ArrayBuffer[]; batches?: RecordBatch[] }

/** The buffers an order or reply of the sender half moves: bitmap words, spare buffers, record batches. */
function senderBuffers(x: Buffered | undefined): ArrayBuffer[] {
  if (!x) return [];
  return live([
    ...(x.bitmaps ?? []).map((b) => b.words.buffer as ArrayBuffer),
    ...(x.spare ?? []),
    ...(x.batches ?? []).map((b) => b.buffer),
  ]);
}

const senderCall: CallMoves = { args: (a: [unknown, Buffered]) => senderBuffers(a[1]), reply: (r: Buffered) => senderBuffers(r) };

/** The calls that move buffers, by name. */
export const OWNER_MOVES: Partial<Record<OwnerMethod, CallMoves>> = {
  senderIndex: senderCall,
  senderStep: senderCall,
  senderFlush: senderCall,
  senderPush: senderCall,
  outgoingHeldPages: {
    args: (a: [{ pages: ArrayBuffer[] }]) => live(a[0].pages),
    reply: (r: { batches: RecordBatch[]; zero: ArrayBuffer[] }) => live([...r.batches.map((b) => b.buffer), ...r.zero]),
  },
  receiverApply: { args: (a: [unknown, RecordBatch]) => live([a[1].buffer]), reply: (r: ArrayBuffer) => live([r]) },
  receiverHold: { args: (a: [unknown, RecordBatch]) => live([a[1].buffer]) },
  outgoingCheck: { reply: (r: { hashes: ArrayBuffer }) => live([r.hashes]) },
};

/** Each buffer once, none already detached (a transfer list may not repeat one or name a detached one). */
function live(buffers: readonly ArrayBuffer[]): ArrayBuffer[] {
  return [...new Set(buffers)].filter((b) => b instanceof ArrayBuffer && b.byteLength > 0);
}
