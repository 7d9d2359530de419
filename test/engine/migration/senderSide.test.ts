// The sender half where the source is (`SenderSide`): a pre-copy step sends the bitmaps' pages from the
// order's link state until the loop must decide again, and says why it stopped — the barrier (the packet
// flushed then), a new 100 ms rate slice, the sync threshold (QEMU) or empty bitmaps (Xen), a hybrid's
// post-copy time — and the stop-and-copy sends every page; nothing: 'nothing'. Every reply carries the link
// moved on, the counters and every record written (their bytes the link's payload: nothing stays behind);
// a call that writes more than `MIGRATION_SENDER_HELD_BATCHES` batches hands them over early through its
// port and writes the next ones into the buffers it gets back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { MigrationLink, PageBitmap, PageCodecs, SenderSide } from '../../../src-main/engine/migration/index';
import type { SenderStepOrder, SenderStepReply } from '../../../src-main/engine/migration/index';
import { newCounters } from '../../../src-main/engine/migration/pageSender';
import { readOutgoingPage } from '../../../src-main/engine/vm/index';
import { MIGRATION_DEFAULTS, type MigrationOptions } from '../../../src-shared/model/migration';
import { MIGRATION_SENDER_HELD_BATCHES, PAGE_SIZE_BYTES } from '../../../src-main/engine/params';
import { runningLabos } from '../../helpers/machineHarness';
import { hostCodecs } from './migrationLab';

const MS = 1e6;

let codecs = new PageCodecs();

function side(options: Partial<MigrationOptions> = {}): { side: SenderSide; pages: number } {
  const machine = runningLabos(new HostMemory());
  const out = new Uint8Array(PAGE_SIZE_BYTES);
  const o = { ...MIGRATION_DEFAULTS, ...options };
  const s = new SenderSide((_m, g) => readOutgoingPage(machine, g, () => undefined, out), [machine.pageCount], codecs, o, () => {
    throw new Error('no dedup here');
  });
  return { side: s, pages: machine.pageCount };
}

/** One step from a fresh link (rate limit and line rate in bytes/s) over a full bitmap. */
function step(rateBytesPerS: number, order: Partial<SenderStepOrder>, options: Partial<MigrationOptions> = {}): { reply: SenderStepReply; pages: number } {
  const { side: s, pages } = side(options);
  const link = new MigrationLink({ rateLimitBytesPerS: rateBytesPerS, lineBytesPerS: 1e9, switchoverBytesPerS: 0, latencyNs: 0, loss: 0, cutAtNs: -1 }, 0);
  const bitmap = PageBitmap.full(pages);
  const reply = s.step({
    link: link.save(), counters: newCounters(), spare: [], bitmaps: [bitmap.state], mode: 'live', untilNs: 1000 * MS, slice: 0,
    syncAtBytes: undefined, postcopyAtNs: Infinity, ...order,
  });
  return { reply, pages };
}

function recordBytes(r: SenderStepReply): number {
  return r.batches.reduce((n, b) => n + b.length, 0);
}

test('a pre-copy step stops where the mechanism must decide again, and hands back every record it wrote', async () => {
  codecs = new PageCodecs(await hostCodecs());
  // The barrier: the cursor reached it (the page before it was sent while before it).
  const barrier = step(1e9, { untilNs: 0.01 * MS });
  assert.equal(barrier.reply.stopped, 'barrier');
  assert.ok(barrier.reply.link.cursorNs >= 0.01 * MS && barrier.reply.sent > 1 && barrier.reply.sent < barrier.pages);
  assert.equal(barrier.reply.bitmaps[0].count, barrier.pages - barrier.reply.sent);
  assert.equal(recordBytes(barrier.reply), barrier.reply.link.payloadBytes, 'every record written came back');
  assert.equal(barrier.reply.counters.precopyBytes, barrier.reply.link.payloadBytes);

  // A new rate slice (100 kB/s: 10 kB a slice) before the barrier.
  const slice = step(1e5, {});
  assert.equal(slice.reply.stopped, 'slice');
  assert.equal(new MigrationLink(slice.reply.link.config, 0).sliceOf(slice.reply.link.cursorNs), 1);

  // QEMU's sync threshold: it stops as soon as what is left is at most the threshold.
  // (The threshold is what is left after 10 pages: it stops after exactly 10.)
  const sync = step(1e9, { syncAtBytes: (side().pages - 10) * PAGE_SIZE_BYTES });
  assert.equal(sync.reply.stopped, 'sync');
  assert.equal(sync.reply.sent, 10);

  // Xen's rule: until the bitmaps are empty.
  const xen = step(1e12, { untilNs: 1e15 });
  assert.equal(xen.reply.stopped, 'sync');
  assert.equal(xen.reply.sent, xen.pages);
  assert.equal(xen.reply.bitmaps[0].count, 0);

  // A hybrid's post-copy time.
  const hybrid = step(1e9, { postcopyAtNs: 0.005 * MS });
  assert.equal(hybrid.reply.stopped, 'postcopy');
  assert.ok(hybrid.reply.link.cursorNs >= 0.005 * MS && hybrid.reply.link.cursorNs < 0.01 * MS);

  // The stop: every page, whatever the clock, then the packet (compression: nothing left in it).
  const stop = step(1, { mode: 'switchover', untilNs: 0, syncAtBytes: 1e15, postcopyAtNs: 0 }, { compression: 'zlib' });
  assert.equal(stop.reply.stopped, 'drained');
  assert.equal(stop.reply.sent, stop.pages);
  assert.equal(stop.reply.packetPages, 0);
  assert.equal(recordBytes(stop.reply), stop.reply.link.payloadBytes);
  assert.equal(stop.reply.counters.precopyBytes, 0, 'the stop\'s bytes are not pre-copy\'s');

  // Nothing to send.
  const { side: s, pages } = side();
  const link = new MigrationLink({ rateLimitBytesPerS: 1e9, lineBytesPerS: 1e9, switchoverBytesPerS: 0, latencyNs: 0, loss: 0, cutAtNs: -1 }, 0);
  const none = s.step({
    link: link.save(), counters: newCounters(), spare: [], bitmaps: [PageBitmap.empty(pages).state], mode: 'live', untilNs: 1 * MS, slice: 0,
    syncAtBytes: undefined, postcopyAtNs: Infinity,
  });
  assert.equal(none.stopped, 'nothing');
  assert.equal(none.sent, 0);
  assert.equal(none.batches.length, 0);
});

test('a call that writes more than the held batches hands full batches over early through the port, and gets their buffers back', () => {
  // 4,096 whole pages (16 MiB of records) at the stop, in one call.
  const page = new Uint8Array(PAGE_SIZE_BYTES).map((_, i) => (i * 7 + 1) & 0xff);
  const early: number[] = [];
  const buffers = new Set<ArrayBuffer>();
  const s = new SenderSide(() => page, [4096], new PageCodecs(), MIGRATION_DEFAULTS, (ask) => {
    assert.equal(ask.place, undefined, 'no dedup here: only batches handed over');
    early.push(ask.batches.length);
    for (const b of ask.batches) buffers.add(b.buffer);
    return { bytes: undefined, spare: ask.batches.map((b) => b.buffer) };
  });
  const link = new MigrationLink({ rateLimitBytesPerS: 1e9, lineBytesPerS: 1e9, switchoverBytesPerS: 0, latencyNs: 0, loss: 0, cutAtNs: -1 }, 0);
  const reply = s.step({
    link: link.save(), counters: newCounters(), spare: [], bitmaps: [PageBitmap.full(4096).state], mode: 'switchover', untilNs: 0, slice: 0,
    syncAtBytes: undefined, postcopyAtNs: Infinity,
  });
  assert.equal(reply.sent, 4096);
  assert.ok(early.length >= 2 && early.every((n) => n === MIGRATION_SENDER_HELD_BATCHES), `early hand-overs of the held batches: ${early.join(',')}`);
  assert.ok(reply.batches.length <= MIGRATION_SENDER_HELD_BATCHES);
  const handedEarly = early.reduce((a, b) => a + b, 0);
  // The buffers handed back were written again: a bounded few for all the batches (a new 1 MiB buffer grows once into a 2 MiB one; a buffer the writer does not take is kept, not dropped).
  assert.ok(buffers.size <= MIGRATION_SENDER_HELD_BATCHES + 2 && handedEarly > buffers.size, `${buffers.size} buffers for ${handedEarly} batches`);
});
