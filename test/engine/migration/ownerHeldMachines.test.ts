// A migration in the lab holds no machine of its own: the source machines stay with the source host's
// owner, and the incoming memories and the receiver half that fills them are made and held by the
// destination host's (`HostOwner`'s migration and "migration halves" calls). The test runs the same
// migrations twice — directly, and with every such call to the owners taking its arguments and giving
// its reply through `structuredClone` (as a message to a host worker would: a record batch's buffer
// transferred there and back, so the sender's copy is detached; only the VM's disk store is passed as it
// is, as in a start order) — and gets the same state digests and statistics. At every step of every
// migration the env (`LabMigrationEnv`) and the mechanism (`LiveMigration`, its sender included) are
// walked: neither may hold a machine, an incoming memory, a receiver half or its held pages (the lab
// itself, the env's `ctx`, is not walked), after the switch too: the destination's machines stay with the
// destination's owner ("migration after the switch": verification, post-copy's faults and arrivals, the wait
// counters are owner calls; a fault that cannot wait crosses to the mechanism and its answer back through
// `structuredClone` as well). The sender half itself is made, held and closed by the source host's owner
// ("migration sender half": `openSender` … `closeSender`): every pre-copy step, flush, stop-and-copy and
// post-copy push is one call whose order (the link's state, the counters, the bitmaps — their words
// transferred) and reply (the same moved on, the record batches — transferred, so the sender's copy is
// detached) go through `structuredClone`; dedup's confirming compare comes back through the port given at
// `openSender`, its pending batches transferred and its answer cloned, one call per hash hit; the
// mechanism is walked for a `PageSender` or `SenderSide` too, and no page is read one by one across the
// seam (`outgoingPage` is gone). The mechanism reads the rest of the source through the source owner's
// plain calls (the switch's hash list transferred), and each is made; at a post-copy switch the held pages
// are written on the source's owner (`outgoingHeldPages`: the bitmaps' copies transferred there, the
// batches and the zero-page maps transferred back, every buffer checked detached on the side it left).
// Covered: pre-copy with XBZRLE, compression and dedup (against a VM already
// on the destination: its announcement and confirming compares are owner calls), post-copy, a hybrid with
// compression (pre-copy rounds in compressed packets, then post-copy), a post-copy
// whose link is cut (the VM lost), a post-copy saved and loaded (finished at load from the saved copy, read by
// the source's owner), a pre-copy cut (the destination gives its memory back, the source keeps running the
// machine), a pre-copy with one page corrupted on its way (the verification, run on the destination's
// owner, finds it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { IncomingMemory, Machine } from '../../../src-main/engine/machine/index';
import { HostOwner } from '../../../src-main/engine/vm/index';
import { LiveMigration, PageReceiver, SenderSide } from '../../../src-main/engine/migration/index';
import { PageSender } from '../../../src-main/engine/migration/pageSender';
import type { ReceiverAnswer, ReceiverAsk, ReceiverPort } from '../../../src-main/engine/migration/index';
import { HeldPages } from '../../../src-main/engine/migration/heldPages';
import { readRecords, type RecordBatch } from '../../../src-main/engine/migration/recordBuffer';
import { FIVE_MOVES_VMS, migLab, startFiveMoves, type MigLab } from './migrationLab';
import type { NotPresentHandler } from '../../../src-main/engine/vm/guestMachine';
import type { HeldPagesOrder, HeldPagesReply } from '../../../src-main/engine/vm/index';

/** The calls of `HostOwner`'s migration group whose arguments or replies are plain data. */
const PLAIN_CALLS = [
  'beginOutgoing', 'leaveReclamation', 'saveOutgoing', 'finishOutgoing', 'cancelOutgoing', 'receiveIncoming', 'incomingFrames',
  'releaseIncoming', 'startIncoming', 'joinReclamation', 'missingPages', 'supplyPages', 'readSavedSource',
  // The receiver half's.
  'openReceiver', 'receiverAnnounce', 'receiverApply', 'receiverHold', 'receiverDiscard', 'receiverRelease', 'receiverHeldPage',
  'receiverDropHeld', 'receiverDropAllHeld', 'receiverReadPlace', 'closeReceiver',
  // The mechanism's reads of the leaving machine.
  'outgoingPageCount', 'outgoingDirty', 'outgoingCore', 'outgoingCheck', 'outgoingWhole',
  // The sender half's, whose orders carry no buffer (its postcopy call's zero maps are cloned here; see SENDER_HALF_CALLS for the rest).
  'senderPostcopy', 'closeSender',
  // After the switch (the destination's machines).
  'openDestination', 'destinationVerify', 'destinationRequests', 'destinationArrive', 'destinationWaits', 'destinationEndPostcopy',
  'closeDestination',
] as const;

/** The sender's calls: each must have been made (the source is read and sent from through them only). */
const SENDER_CALLS = [
  'outgoingPageCount', 'outgoingDirty', 'outgoingCore', 'outgoingCheck', 'outgoingWhole', 'outgoingHeldPages',
  'openSender', 'senderIndex', 'senderStep', 'senderFlush', 'senderPostcopy', 'senderPush', 'closeSender',
] as const;

/**
 * The sender half's calls with buffers: the order's bitmap words and spare record buffers are transferred
 * to the owner, the reply's record batches and bitmap words transferred back (each checked detached).
 */
const SENDER_HALF_CALLS = ['senderIndex', 'senderStep', 'senderFlush', 'senderPush'] as const;

/** The call that makes the sender half: its second argument is the mechanism's port (dedup's compares, batches handed over early). */
const OPEN_SENDER = 'openSender';

type Buffered = { bitmaps?: { words: Uint32Array }[]; spare?: ArrayBuffer[]; batches?: RecordBatch[]; announced?: Float64Array };

/** The buffers an order or reply of the sender half moves: bitmap words, spare buffers, record batches. */
function movedBuffers(x: Buffered): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const b of x.bitmaps ?? []) out.add(b.words.buffer as ArrayBuffer);
  for (const b of x.spare ?? []) if (b.byteLength > 0) out.add(b);
  for (const b of x.batches ?? []) if (b.buffer.byteLength > 0) out.add(b.buffer);
  return [...out];
}

/** Post-copy's held pages written on the source's owner: its order's bitmaps and its reply's batches and zero maps transferred. */
const HELD_CALL = 'outgoingHeldPages';

/** A clone of `x` with `buffers` transferred, each checked detached on the side it left. */
function transferred<T>(x: T, buffers: ArrayBuffer[], what: string): T {
  const out = structuredClone(x, { transfer: buffers });
  for (const b of buffers) assert.equal(b.byteLength, 0, `${what} was transferred`);
  return out;
}

/** The call whose second argument is the mechanism's urgent-fault port: each fault and each answer goes through structuredClone. */
const PORT_CALL = 'destinationStartPostcopy';

/** The calls whose second argument is a record batch: its buffer is transferred (and, applied, transferred back). */
const BATCH_CALLS = new Set<string>(['receiverApply', 'receiverHold']);

/** A clone as a message would make it, the guest config's disk store kept (it is not a copy in one thread either). */
function cloned(x: unknown): unknown {
  // A page read at once (a view of the machine's words in one thread) goes as a message of its own bytes.
  if (x instanceof Uint8Array) return structuredClone(x.slice());
  // The switch's check: its hash list is transferred (the owner's copy is detached).
  if (x && typeof x === 'object' && 'hashes' in x && (x as { hashes: unknown }).hashes instanceof ArrayBuffer) {
    const c = x as { hashes: ArrayBuffer };
    const out = structuredClone(c, { transfer: [c.hashes] });
    assert.equal(c.hashes.byteLength, 0, 'the hash list was transferred');
    return out;
  }
  if (x && typeof x === 'object' && 'config' in x) {
    const o = x as { config: { disk?: unknown } };
    const { disk, ...config } = o.config;
    return { ...(structuredClone({ ...o, config }) as object), config: { ...(structuredClone(config) as object), ...(disk !== undefined ? { disk } : {}) } };
  }
  return structuredClone(x);
}

/**
 * Finds a machine, a memory, a receiver half or its held pages anywhere in `x` (class instances, arrays,
 * maps, plain objects; not what `seen` already holds), or undefined.
 */
function heldMachine(x: unknown, path: string, seen = new Set<unknown>()): string | undefined {
  if (!x || typeof x !== 'object' || seen.has(x)) return undefined;
  seen.add(x);
  if (x instanceof Machine || x instanceof IncomingMemory || x instanceof PageReceiver || x instanceof HeldPages) return path;
  if (x instanceof PageSender || x instanceof SenderSide) return path;
  if (typeof (x as { saveCore?: unknown }).saveCore === 'function') return path;
  if (ArrayBuffer.isView(x)) return undefined;
  const entries: [string, unknown][] = x instanceof Map ? [...x].map(([k, v]) => [String(k), v]) : Object.entries(x);
  for (const [k, v] of entries) {
    const found = heldMachine(v, `${path}.${k}`, seen);
    if (found) return found;
  }
  return undefined;
}

/** Runs `body` with the owners' migration calls through structuredClone and every step's env and mechanism checked. */
async function throughClones<T>(body: () => Promise<T>): Promise<{
  result: T; steps: number; batches: number; calls: Map<string, number>; switches: number; urgent: number; held: number; compares: number; senderBatches: number;
}> {
  const proto = HostOwner.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = new Map([...PLAIN_CALLS, PORT_CALL, HELD_CALL, ...SENDER_HALF_CALLS, OPEN_SENDER].map((n) => [n, proto[n]]));
  let held = 0;
  const writeHeld = saved.get(HELD_CALL)!;
  proto[HELD_CALL] = function (this: HostOwner, order: unknown) {
    const o = order as HeldPagesOrder;
    calls.set(HELD_CALL, (calls.get(HELD_CALL) ?? 0) + 1);
    held++;
    const reply = writeHeld.call(this, transferred(o, o.pages, 'a bitmap copy')) as HeldPagesReply;
    assert.ok(reply.batches.length > 0 && reply.zero.length === o.members.length, 'the held batches and a zero map per member');
    return transferred(reply, [...reply.batches.map((b) => b.buffer), ...reply.zero], 'a held batch or zero map');
  };
  // The sender half: its orders and replies through structuredClone, buffers transferred; dedup's compares through its port.
  let compares = 0;
  let senderBatches = 0;
  for (const n of SENDER_HALF_CALLS) {
    const f0 = saved.get(n)!;
    proto[n] = function (this: HostOwner, key: unknown, order: unknown) {
      calls.set(n, (calls.get(n) ?? 0) + 1);
      const o = order as Buffered;
      const reply = f0.call(this, structuredClone(key), transferred(o, movedBuffers(o), `a buffer of a ${n} order`)) as Buffered;
      senderBatches += reply.batches?.length ?? 0;
      return transferred(reply, movedBuffers(reply), `a buffer of a ${n} reply`);
    };
  }
  const openSender = saved.get(OPEN_SENDER)!;
  proto[OPEN_SENDER] = function (this: HostOwner, order: unknown, port: unknown) {
    calls.set(OPEN_SENDER, (calls.get(OPEN_SENDER) ?? 0) + 1);
    const mechanism = port as ReceiverPort;
    const crossing: ReceiverPort = (ask) => {
      if (ask.place) compares++;
      const answer = mechanism(transferred(ask, ask.batches.map((b) => b.buffer).filter((b) => b.byteLength > 0), 'a batch handed over for a compare') as ReceiverAsk);
      const bytes = answer.bytes ? answer.bytes.slice() : undefined;
      return transferred({ bytes, spare: answer.spare } as ReceiverAnswer, answer.spare.filter((b) => b.byteLength > 0), 'a spare buffer');
    };
    return openSender.call(this, cloned(order), crossing);
  };
  const step = LiveMigration.prototype.step;
  let steps = 0;
  let batches = 0;
  const calls = new Map<string, number>();
  let switches = 0;
  let urgent = 0;
  const startPostcopy = saved.get(PORT_CALL)!;
  proto[PORT_CALL] = function (this: HostOwner, key: unknown, port: unknown) {
    const mechanism = port as (f: unknown) => unknown;
    return cloned(startPostcopy.call(this, cloned(key), (f: unknown) => { urgent++; return cloned(mechanism(cloned(f))); }));
  };
  for (const n of PLAIN_CALLS) {
    const f0 = saved.get(n)!;
    const f = function (this: HostOwner, ...args: unknown[]) {
      calls.set(n, (calls.get(n) ?? 0) + 1);
      return f0.apply(this, args);
    };
    if (BATCH_CALLS.has(n)) {
      proto[n] = function (this: HostOwner, ...args: unknown[]) {
        const [key, batch] = args as [unknown, { buffer: ArrayBuffer; length: number }];
        batches++;
        const reply = f.call(this, structuredClone(key), structuredClone(batch, { transfer: [batch.buffer] }));
        assert.equal(batch.buffer.byteLength, 0, 'the batch was transferred: the sender\'s buffer is detached');
        return reply instanceof ArrayBuffer ? structuredClone(reply, { transfer: [reply] }) : cloned(reply);
      };
    } else proto[n] = function (this: HostOwner, ...args: unknown[]) {
      if (n === 'destinationVerify') switches++;
      return cloned(f.apply(this, args.map(cloned)));
    };
  }
  LiveMigration.prototype.step = function (this: LiveMigration, nowNs: number) {
    const { env, ...mechanism } = this as unknown as { env: { ctx: unknown } };
    // The lab (the env's ctx) holds every machine; nothing else of the env or the mechanism may.
    const { ctx, ...fields } = env;
    let found = heldMachine(fields, 'env', new Set([ctx]));
    // Kept as well: the task turns a throw in its step into an error, so the test names what was found.
    if (found) leaks.push(found);
    assert.equal(found, undefined, `the migration env holds a machine, memory, receiver or sender at ${found}`);
    found = heldMachine(mechanism, 'migration', new Set([ctx, env]));
    if (found) leaks.push(found);
    assert.equal(found, undefined, `the migration mechanism holds a machine, memory, receiver or sender at ${found}`);
    steps++;
    return step.call(this, nowNs);
  };
  const leaks: string[] = [];
  try {
    const result = await body().catch((e: unknown) => { assert.deepEqual(leaks, [], 'what the env or the mechanism held'); throw e; });
    assert.deepEqual(leaks, [], 'what the env or the mechanism held');
    return { result, steps, batches, calls, switches, urgent, held, compares, senderBatches };
  } finally {
    for (const [n, f] of saved) proto[n] = f;
    LiveMigration.prototype.step = step;
  }
}

/**
 * Runs `body` with the first page record of the first batch the destination applies for `vmId`'s migration
 * changed in one byte before it is applied (the page then differs from the source's unless sent again).
 */
async function corruptingFirstPage<T>(vmId: () => string | undefined, body: () => Promise<T>): Promise<T> {
  const proto = HostOwner.prototype as unknown as { receiverApply: (key: string, batch: RecordBatch) => ArrayBuffer };
  const apply = proto.receiverApply;
  let done = false;
  proto.receiverApply = function (this: HostOwner, key: string, batch: RecordBatch) {
    if (!done && key === vmId()) {
      let at = -1;
      readRecords(batch, {
        zero: () => {}, xbzrle: () => {}, dedup: () => {}, packet: () => {},
        normal: (_m, _g, bytes) => { if (at < 0) at = bytes.byteOffset; },
      });
      if (at >= 0) { new Uint8Array(batch.buffer)[at + 17] ^= 0x5a; done = true; }
    }
    return apply.call(this, key, batch);
  };
  try {
    return await body();
  } finally {
    proto.receiverApply = apply;
  }
}

/**
 * Runs `body` with host code that cannot wait meeting a missing page on the destination as each post-copy
 * begins (the last page not present on the first member's machine): the machine's not-present handler
 * answers it at once, as it would in a monitor's operation, and the page is supplied with its bytes.
 */
async function withUrgentFault<T>(body: () => Promise<T>): Promise<T> {
  const proto = HostOwner.prototype as unknown as { destinationStartPostcopy: (key: string, port: unknown) => number[] };
  const start = proto.destinationStartPostcopy;
  proto.destinationStartPostcopy = function (this: HostOwner, key: string, port: unknown) {
    const bases = start.call(this, key, port);
    const machine = this.inspectGuest(key as never)!;
    let g = machine.pageCount - 1;
    while (g >= 0 && machine.pageState(g) !== 'notPresent') g--;
    const handler = (machine as unknown as { pageHandler: NotPresentHandler }).pageHandler;
    const decision = handler({ gpfn: g, vcpu: 0, access: 'host', canWait: false });
    assert.equal(decision.kind, 'supply');
    if (decision.kind === 'supply') machine.supplyPage(g, decision.bytes);
    return bases;
  };
  try {
    return await body();
  } finally {
    proto.destinationStartPostcopy = start;
  }
}

const digest = (lab: MigLab): string => createHash('sha256').update(JSON.stringify(lab.engine.digestInput())).digest('hex');

/**
 * Five migrations from H0 to H1 (pre-copy with XBZRLE and dedup, with compression and dedup, post-copy, a
 * pre-copy whose link is cut, a hybrid with compression) to their ends.
 */
async function moves(): Promise<{ digests: string[]; stats: unknown[] }> {
  const lab = await migLab({
    vms: FIVE_MOVES_VMS,
  });
  lab.advance(1500);
  const ids = startFiveMoves(lab);
  const digests = [digest(lab)];
  for (const id of ids) lab.finish(id);
  digests.push(digest(lab));
  lab.advance(500);
  digests.push(digest(lab));
  assert.deepEqual(ids.map((id) => lab.task(id).state), ['success', 'success', 'success', 'error', 'success']);
  return { digests, stats: ids.map((id) => lab.q('migration.get', { taskId: id })) };
}

/** A post-copy saved mid-way and loaded: finished at load from the saved copy. */
async function savedPostcopy(): Promise<{ digests: string[]; stats: unknown }> {
  const lab = await migLab({ vms: [{ name: 'b' }] });
  lab.advance(300);
  const id = lab.migrate('b', 'H1', { mode: 'postcopy', bandwidthBytesPerS: 1048576 });
  lab.advance(300);
  assert.equal(lab.q('migration.get', { taskId: id }).status, 'postcopy-active');
  const state = lab.engine.saveState();
  const fresh = await migLab({ vms: [] });
  assert.equal(fresh.engine.loadState(structuredClone(state)), undefined);
  fresh.advance(50);
  assert.equal(fresh.task(id).state, 'success');
  const digests = [digest(fresh)];
  fresh.advance(500);
  digests.push(digest(fresh));
  return { digests, stats: fresh.q('migration.get', { taskId: id }) };
}

/** A post-copy whose link is cut after the switch (the VM is lost), and a pre-copy with a page corrupted on its way (verified: no). */
async function cutAndCorrupted(): Promise<{ digests: string[]; stats: unknown[] }> {
  const lab = await migLab({ vms: [{ name: 'e' }, { name: 'f', params: { wss_kib: 256, rate_pps: 500, passes: 0 } }] });
  lab.advance(500);
  let corruptKey: string | undefined;
  return corruptingFirstPage(() => corruptKey, async () => {
    corruptKey = lab.vm('f').id;
    const ids = [
      lab.migrate('e', 'H1', { mode: 'postcopy', bandwidthBytesPerS: 1048576, cutAtMs: 400 }),
      lab.migrate('f', 'H1', { bandwidthBytesPerS: 8 * 1048576 }),
    ];
    for (const id of ids) lab.finish(id);
    const digests = [digest(lab)];
    lab.advance(300);
    digests.push(digest(lab));
    return { digests, stats: ids.map((id) => lab.q('migration.get', { taskId: id })) };
  });
}

test('a migration\'s env and mechanism hold no machine, memory or receiver: with every owner call through structuredClone the moves give the direct digests', async () => {
  const direct = await withUrgentFault(moves);
  // The pre-copy exercised every record kind the receiver half applies, and dedup's compares on the destination.
  type Reduced = { 'xbzrle-cache': { pages: number }; compression: { pages: number }; dedup: { 'on-destination': number } };
  const [a, d] = direct.stats as Reduced[];
  assert.ok(a['xbzrle-cache'].pages > 0 && a.dedup['on-destination'] > 0, JSON.stringify(a));
  assert.ok(d.compression.pages > 0 && d.dedup['on-destination'] > 0, JSON.stringify(d));
  const viaClones = await withUrgentFault(() => throughClones(moves));
  assert.ok(viaClones.steps > 10, 'the env and the mechanism were checked at every step');
  assert.equal(viaClones.switches, 4, 'every switch was verified on the destination\'s owner');
  assert.equal(viaClones.held, 2, 'both post-copy switches wrote their held pages on the source\'s owner');
  assert.ok(viaClones.batches > 10, 'record batches crossed to the destination\'s owner');
  for (const n of SENDER_CALLS) assert.ok((viaClones.calls.get(n) ?? 0) > 0, `the sender read or sent from the source through ${n}`);
  assert.equal(viaClones.calls.get(OPEN_SENDER), 5, 'each migration made its sender half on the source\'s owner');
  assert.equal(viaClones.calls.get('closeSender'), 5 * 2, 'each migration closed it there (at its end, and its env at the source\'s finish or rollback)');
  assert.ok(viaClones.senderBatches > 10, 'the sender half\'s record batches came back from the source\'s owner');
  // Every hash hit's confirming compare crossed back through the port (dedup's two pre-copies).
  const hits = (direct.stats as { dedup: { 'hash-hits': number } }[]).reduce((n, x) => n + x.dedup['hash-hits'], 0);
  assert.ok(hits > 0 && viaClones.compares === hits, `one compare per hash hit through the port (${viaClones.compares} of ${hits})`);
  assert.deepEqual(viaClones.result.digests, direct.digests);
  assert.deepEqual(viaClones.result.stats, direct.stats);

  const directSaved = await savedPostcopy();
  const savedViaClones = await throughClones(savedPostcopy);
  assert.deepEqual(savedViaClones.result.digests, directSaved.digests);
  assert.deepEqual(savedViaClones.result.stats, directSaved.stats);
  assert.equal(savedViaClones.held, 1, 'the saved post-copy wrote its held pages on the source\'s owner');

  // Post-copy: pages were requested and checked as they arrived.
  type Postcopy = { ram: { 'postcopy-requests': number }; pagesVerified: number; verified: boolean };
  const post = direct.stats[2] as Postcopy;
  assert.ok(post.ram['postcopy-requests'] > 0 && post.pagesVerified > 0 && post.verified, JSON.stringify(post));
  // The hybrid sent compressed packets before its switch and was served from its held pages after it.
  const hybrid = direct.stats[4] as Postcopy & Reduced & { ram: { 'postcopy-bytes': number } };
  assert.ok(hybrid.compression.pages > 0 && hybrid.ram['postcopy-bytes'] > 0 && hybrid.verified, JSON.stringify(hybrid));

  const directBad = await cutAndCorrupted();
  type Ended = { status: string; vmLost?: boolean; verified?: boolean; mismatchedPages?: number };
  const [cut, corrupted] = directBad.stats as Ended[];
  assert.equal(cut.status, 'failed', JSON.stringify(cut));
  assert.equal(cut.vmLost, true, 'the link was cut during post-copy');
  assert.equal(corrupted.verified, false, 'the corrupted page is found by the destination\'s verification');
  assert.ok((corrupted.mismatchedPages ?? 0) >= 1);
  const badViaClones = await throughClones(cutAndCorrupted);
  assert.equal(badViaClones.switches, 2, 'both switches were verified on the destination\'s owner');
  assert.equal(badViaClones.held, 1, 'the cut post-copy wrote its held pages on the source\'s owner');
  assert.deepEqual(badViaClones.result.digests, directBad.digests);
  assert.deepEqual(badViaClones.result.stats, directBad.stats);
  assert.equal(viaClones.urgent, 2, 'the faults that could not wait (one per post-copy) crossed to the mechanism and back');
});
