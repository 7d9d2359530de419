// The switch in two halves: the source's side sends each member's device state (`saveCore()`) and its
// check (machine digest and per-page hash list, a transferable buffer) in one message; the destination's
// side starts the machine from the cores it received and verifies its pages against the list, never
// reading the source. The mechanism (`LiveMigration`) over bare labos machines moves a paused machine by
// stop-and-copy, pre-copy and post-copy, once with everything handed over directly and once with the
// record batches and the switch message through real `MessageChannel`s (the hash buffers transferred:
// the source's copy is detached; the cores arrive as structured clones): the statistics — verdict,
// `mismatchedPages`, `pagesVerified`, digests — and the destination are the same. A destination page
// changed after its record arrived (before the switch) is caught at the switch both ways: one
// mismatched page, the verdict false, the destination's digest not the source's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { IncomingMemory, type Machine } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { LiveMigration, PageCodecs, type RecordBatch, type RecordTransport, type SwitchMessage, type SwitchTransport } from '../../../src-main/engine/migration/index';
import { readRecords } from '../../../src-main/engine/migration/recordBuffer';
import { MIGRATION_DEFAULTS, type MigrationMode } from '../../../src-shared/model/migration';
import { runningLabos } from '../../helpers/machineHarness';
import { oneVmMigrationEnv } from '../../helpers/oneVmMigrationEnv';

interface Ports { records: RecordTransport; switch: SwitchTransport; crossed: () => { sent: SwitchMessage; got: SwitchMessage } | undefined; close(): void }

/** Record batches and the switch message through message ports (each transferred there, batches back). */
function throughPorts(): Ports {
  const toDest = new MessageChannel();
  const back = new MessageChannel();
  const atSwitch = new MessageChannel();
  let crossed: { sent: SwitchMessage; got: SwitchMessage } | undefined;
  return {
    records: (batch, deliver) => {
      toDest.port1.postMessage(batch, [batch.buffer]);
      const given = deliver(receiveMessageOnPort(toDest.port2)!.message as RecordBatch);
      back.port2.postMessage(given, [given]);
      return receiveMessageOnPort(back.port1)!.message as ArrayBuffer;
    },
    switch: (message, transfer) => {
      atSwitch.port1.postMessage(message, transfer);
      const got = receiveMessageOnPort(atSwitch.port2)!.message as SwitchMessage;
      crossed = { sent: message, got };
      return got;
    },
    crossed: () => crossed,
    close: () => { toDest.port1.close(); back.port1.close(); atSwitch.port1.close(); },
  };
}

/** A record transport that, once the first batch with a whole page has been applied, flips a byte of that page in the incoming memory. */
function corruptingAfterArrival(inc: IncomingMemory, inner: RecordTransport, changed: { gpfn: number }): RecordTransport {
  return (batch, deliver) => inner(batch, (b) => {
    const given = deliver(b);
    if (changed.gpfn >= 0 || given.byteLength === 0) return given;
    readRecords(b, {
      zero: () => {}, xbzrle: () => {}, dedup: () => {}, packet: () => {},
      normal: (_m, g) => { if (changed.gpfn < 0) changed.gpfn = g; },
    });
    if (changed.gpfn >= 0) {
      const page = inc.readPage(changed.gpfn)!;
      page[123] ^= 0x10;
      inc.writePage(changed.gpfn, page);
    }
    return given;
  });
}

interface Run { stats: ReturnType<LiveMigration['stats']>; destDigest: string }

function move(src: Machine, mode: MigrationMode, ports: Ports | undefined, corrupt: boolean): Run {
  const inc = new IncomingMemory(new HostMemory(), src.config.memoryBytes);
  const { env, destination } = oneVmMigrationEnv({ source: src, incoming: inc });
  const direct: RecordTransport = (b, d) => { d(b); return b.buffer; };
  const changed = { gpfn: -1 };
  const records = corrupt ? corruptingAfterArrival(inc, ports?.records ?? direct, changed) : ports?.records;
  const o = { ...MIGRATION_DEFAULTS, mode, bandwidthBytesPerS: 1e9, linkBytesPerS: 1e9 };
  const mig = new LiveMigration(env, new PageCodecs(), o, 0, records, ports?.switch);
  let now = 0;
  for (let i = 0; i < 10_000; i++) {
    const out = mig.step(now);
    if (out.done) break;
    now = Math.max(now + 1e6, out.wakeNs ?? 0);
  }
  assert.equal(mig.status, 'completed', mode);
  if (corrupt) assert.ok(changed.gpfn >= 0, `${mode}: a page was changed after it arrived`);
  return { stats: mig.stats(now), destDigest: destination()!.digest() };
}

const MODES: MigrationMode[] = ['stop-copy', 'precopy', 'postcopy'];

for (const mode of MODES) {
  test(`switch in two halves, ${mode}: through MessageChannels the verdict, counts and digests are the direct ones`, () => {
    const src = runningLabos();
    const want = src.digest();
    const direct = move(src, mode, undefined, false);
    assert.equal(direct.stats.verified, true);
    assert.equal(direct.stats.mismatchedPages, 0);
    assert.equal(direct.stats.pagesVerified, src.pageCount);
    assert.equal(direct.stats.sourceDigest, want);
    assert.equal(direct.destDigest, want);

    const ports = throughPorts();
    try {
      const ported = move(src, mode, ports, false);
      const crossed = ports.crossed();
      assert.ok(crossed, 'the switch message went through the port');
      assert.equal(crossed.sent.checks[0].hashes.byteLength, 0, 'the hash list was transferred (the source\'s copy is detached)');
      assert.ok(crossed.got.checks[0].hashes.byteLength > 0);
      assert.notEqual(crossed.got.cores[0], crossed.sent.cores[0], 'the device state arrived as a copy');
      assert.deepEqual(ported.stats, direct.stats);
      assert.equal(ported.destDigest, want);
    } finally {
      ports.close();
    }
  });
}

for (const mode of ['stop-copy', 'precopy'] as MigrationMode[]) {
  test(`switch in two halves, ${mode}: a destination page changed after it arrived is caught at the switch, directly and through MessageChannels`, () => {
    const src = runningLabos();
    const direct = move(src, mode, undefined, true);
    assert.equal(direct.stats.verified, false);
    assert.equal(direct.stats.mismatchedPages, 1);
    assert.equal(direct.stats.pagesVerified, src.pageCount);
    assert.notEqual(direct.stats.destinationDigest, direct.stats.sourceDigest);
    assert.equal(direct.stats.destinationDigest, direct.destDigest, 'the verdict\'s digest is the destination\'s own');

    const ports = throughPorts();
    try {
      const ported = move(src, mode, ports, true);
      assert.deepEqual(ported.stats, direct.stats);
      assert.equal(ported.destDigest, direct.destDigest);
    } finally {
      ports.close();
    }
  });
}
