// The migration's two halves share nothing but record batches: the mechanism (`LiveMigration`) over bare
// labos machines moves a paused machine with its records handed over directly, then through a real
// `MessageChannel` (each buffer transferred to the receiver and back, so the sender's copy is detached),
// for plain pages, compressed multifd packets (the host's codecs) and dedup against a VM already on the
// destination; both
// runs give the same statistics and the same destination, equal to the source. A run whose batches are
// lost leaves the destination wrong: every byte it holds came through the batches. The batches' bytes
// are the page-record bytes the link counted (wireFormat.ts's model).
// Post-copy: the pages still on the source at the switch cross as held batches; after the switch the
// test scrambles every page of the source, then makes a fault that cannot wait: the faulted page and
// every page pushed later must still be the source's bytes from before the scramble (read from the
// receiver's batches, never from the source) and verify against the hash list the source sent at the
// switch (never against the source), directly and through the ports alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { IncomingMemory, type Machine } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { LiveMigration, PageCodecs, type RecordTransport } from '../../../src-main/engine/migration/index';
import { EOS_BYTES } from '../../../src-main/engine/migration/wireFormat';
import { readRecords } from '../../../src-main/engine/migration/recordBuffer';
import { MIGRATION_DEFAULTS, type MigrationOptions } from '../../../src-shared/model/migration';
import type { GuestMachine, NotPresentDecision, NotPresentHandler } from '../../../src-main/engine/vm/guestMachine';
import { runningLabos } from '../../helpers/machineHarness';
import { oneVmMigrationEnv } from '../../helpers/oneVmMigrationEnv';
import { hostCodecs } from './migrationLab';

interface Run { stats: ReturnType<LiveMigration['stats']>; dest: GuestMachine; batchBytes: number; deviceBytes: number }

/** Moves `src` (paused: no vCPU runs) by stop-copy to a fresh host where a `neighbour` runs the same guest. */
function move(src: Machine, codecs: PageCodecs, options: Partial<MigrationOptions>, transport: RecordTransport | undefined): Run {
  const pool = new HostMemory();
  const neighbour = runningLabos(pool);
  const inc = new IncomingMemory(pool, src.config.memoryBytes);
  const { env, destination } = oneVmMigrationEnv({ source: src, incoming: inc, destinationVms: () => [neighbour] });
  let batchBytes = 0;
  const counting: RecordTransport = (batch, deliver) => {
    batchBytes += batch.length;
    return (transport ?? ((b, d) => { d(b); return b.buffer; }))(batch, deliver);
  };
  const o: MigrationOptions = { ...MIGRATION_DEFAULTS, mode: 'stop-copy', bandwidthBytesPerS: 1e9, linkBytesPerS: 1e9, ...options };
  const mig = new LiveMigration(env, codecs, o, 0, counting);
  let now = 0;
  for (let i = 0; i < 10_000; i++) {
    const out = mig.step(now);
    if (out.done) break;
    now = Math.max(now + 1e6, out.wakeNs ?? 0);
  }
  assert.equal(mig.status, 'completed');
  return { stats: mig.stats(now), dest: destination()!, batchBytes, deviceBytes: mig.counters.deviceBytes };
}

/** The receiver's side of a message port: each batch is transferred over, applied there, and its buffer transferred back. */
function throughPorts(): { transport: RecordTransport; detached: () => number; close: () => void } {
  const toDest = new MessageChannel();
  const back = new MessageChannel();
  let detached = 0;
  const transport: RecordTransport = (batch, deliver) => {
    toDest.port1.postMessage(batch, [batch.buffer]);
    if (batch.buffer.byteLength === 0) detached++;
    const got = receiveMessageOnPort(toDest.port2)!.message as typeof batch;
    const given = deliver(got);
    back.port2.postMessage(given, [given]);
    return receiveMessageOnPort(back.port1)!.message as ArrayBuffer;
  };
  return { transport, detached: () => detached, close: () => { toDest.port1.close(); back.port1.close(); } };
}

const CASES: [string, Partial<MigrationOptions>][] = [
  ['plain pages', {}],
  ['multifd packets (zlib)', { compression: 'zlib' }],
  ['dedup against the destination', { dedup: true }],
];

for (const [name, options] of CASES) {
  test(`split halves, ${name}: through a MessageChannel the move is the direct one; lost batches leave the destination wrong`, async () => {
    const src = runningLabos();
    const codecs = new PageCodecs(await hostCodecs());
    const direct = move(src, codecs, options, undefined);
    assert.equal(direct.stats.verified, true);
    assert.equal(direct.dest.digest(), src.digest());
    // Every byte the link carried is a record in a batch, or the device state and the end of section.
    assert.ok(direct.deviceBytes > 0);
    assert.equal(direct.stats.ram.transferred, direct.batchBytes + direct.deviceBytes + EOS_BYTES);
    if (options.dedup) assert.ok(direct.stats.dedup['on-destination'] > 0, JSON.stringify(direct.stats.dedup));
    if (options.compression) assert.ok(direct.stats.compression.pages > 0, JSON.stringify(direct.stats.compression));

    const ports = throughPorts();
    try {
      const ported = move(src, codecs, options, ports.transport);
      assert.ok(ports.detached() > 0, 'the sender handed its buffers over (transferred, not shared)');
      assert.deepEqual(ported.stats, direct.stats);
      assert.equal(ported.dest.digest(), direct.dest.digest());
    } finally {
      ports.close();
    }

    const lost = move(src, codecs, options, (batch) => batch.buffer);
    assert.equal(lost.stats.verified, false, 'without the batches the destination must not hold the source');
    assert.ok((lost.stats.mismatchedPages ?? 0) > 0);
  });
}

interface PostcopyRun { stats: ReturnType<LiveMigration['stats']>; dest: GuestMachine; fault: NotPresentDecision }

/**
 * Moves a fresh running labos machine by post-copy (no vCPU runs on either side). At the switch the test
 * scrambles every framed page of the paused source (a read of the source after the switch then sees
 * wrong bytes) and asks the mechanism's fault handler for `faulted`, as host code that cannot wait.
 */
function movePostcopy(faulted: number, transport: RecordTransport | undefined): PostcopyRun {
  const src = runningLabos();
  const inc = new IncomingMemory(new HostMemory(), src.config.memoryBytes);
  let handler: NotPresentHandler | undefined;
  const { env, destination } = oneVmMigrationEnv({
    source: src, incoming: inc,
    assembled: (d) => {
      const set = d.setNotPresentHandler.bind(d);
      d.setNotPresentHandler = (h) => { handler = h; set(h); };
      return d;
    },
  });
  const o: MigrationOptions = { ...MIGRATION_DEFAULTS, mode: 'postcopy', bandwidthBytesPerS: 64e6, linkBytesPerS: 64e6 };
  const mig = new LiveMigration(env, new PageCodecs(), o, 0, transport);
  let fault: NotPresentDecision | undefined;
  let now = 0;
  for (let i = 0; i < 10_000; i++) {
    const out = mig.step(now);
    if (out.done) break;
    if (!fault && mig.status === 'postcopy-active') {
      assert.equal(destination()!.pageState(faulted), 'notPresent', 'the faulted page is still on the source at the switch');
      for (let g = 0; g < src.pageCount; g++) {
        if (src.pageState(g) !== 'present') continue;
        const b = src.readPage(g)!;
        for (let k = 0; k < b.length; k += 64) b[k] ^= 0xa5;
        src.writePage(g, b);
      }
      const decision = handler!({ gpfn: faulted, vcpu: 0, access: 'host', canWait: false });
      assert.equal(decision.kind, 'supply');
      // The bytes are valid at once only (as the machine uses them): kept as a copy for the checks.
      fault = decision.kind === 'supply' ? { ...decision, bytes: decision.bytes.slice() } : decision;
      if (fault.kind === 'supply') destination()!.supplyPage(faulted, fault.bytes);
    }
    now = Math.max(now + 1e6, out.wakeNs ?? 0);
  }
  assert.equal(mig.status, 'completed');
  assert.ok(fault, 'the test reached post-copy and faulted');
  return { stats: mig.stats(now), dest: destination()!, fault };
}

test('split halves, post-copy: pages and a fault that cannot wait are served from the batches the receiver holds, never from the source; through a MessageChannel the move is the direct one', () => {
  const original = runningLabos();
  const want = original.digest();
  let faulted = -1;
  for (let g = original.pageCount - 1; g >= 0 && faulted < 0; g--) if (original.pageState(g) === 'present' && !original.readPage(g)!.every((b) => b === 0)) faulted = g;
  assert.ok(faulted >= 0);

  const direct = movePostcopy(faulted, undefined);
  assert.ok(direct.stats.ram['postcopy-requests'] >= 1, 'the fault counts as a page request');
  assert.ok(direct.fault.kind === 'supply' && direct.fault.bytes.every((b, i) => b === original.readPage(faulted)![i]), 'the faulted page is the source\'s from before the switch');
  assert.equal(direct.dest.digest(), want, 'every page on the destination is the source\'s from before the scramble');
  // The arrival check compares with the source's hash list sent at the switch, never the (scrambled)
  // source: every page is the source's from before the scramble, and verifies.
  assert.equal(direct.stats.mismatchedPages, 0);
  assert.equal(direct.stats.verified, true);

  const ports = throughPorts();
  try {
    const ported = movePostcopy(faulted, ports.transport);
    assert.ok(ports.detached() > 0, 'the held pages crossed as transferred buffers');
    assert.deepEqual(ported.stats, direct.stats);
    assert.equal(ported.dest.digest(), want);
  } finally {
    ports.close();
  }

  // Without the held batches the destination has nothing to serve a page from.
  assert.throws(() => movePostcopy(faulted, (batch) => batch.buffer), /holds no copy/);
});

test('split halves, post-copy: a page served to a fault that cannot wait is checked against the source\'s hash list like every arrival; a held copy changed on the destination\'s side is caught', () => {
  const original = runningLabos();
  let faulted = -1;
  for (let g = original.pageCount - 1; g >= 0 && faulted < 0; g--) if (original.pageState(g) === 'present' && !original.readPage(g)!.every((b) => b === 0)) faulted = g;
  assert.ok(faulted >= 0);

  const exact = movePostcopy(faulted, undefined);
  assert.equal(exact.stats.pagesVerified, original.pageCount, 'the faulted page is counted as checked, as an arrival is');

  // The receiver keeps the held batches as views of the buffers it was handed: one byte of the faulted
  // page's record changes on the destination's side after the switch, before the fault.
  let changed = 0;
  const corrupting: RecordTransport = (batch, deliver) => {
    const back = deliver(batch);
    if (back.byteLength > 0) return back;
    readRecords(batch, {
      zero: () => {}, xbzrle: () => {}, dedup: () => {}, packet: () => {},
      normal: (_m, g, bytes) => { if (g === faulted) { new Uint8Array(batch.buffer)[bytes.byteOffset + 17] ^= 0x5a; changed++; } },
    });
    return back;
  };
  const bad = movePostcopy(faulted, corrupting);
  assert.equal(changed, 1, 'the faulted page crossed in a held batch');
  assert.ok(bad.fault.kind === 'supply' && bad.fault.bytes[17] !== original.readPage(faulted)![17], 'the fault was served the changed copy');
  assert.equal(bad.stats.mismatchedPages, 1);
  assert.equal(bad.stats.verified, false);
});
