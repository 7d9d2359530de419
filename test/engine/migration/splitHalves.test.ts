// The migration's two halves share nothing but record batches: the mechanism (`LiveMigration`) over bare
// labos machines moves a paused machine with its records handed over directly, then through a real
// `MessageChannel` (each buffer transferred to the receiver and back, so the sender's copy is detached),
// for plain pages, compressed multifd packets (the host's codecs) and dedup against a VM already on the
// destination; both
// runs give the same statistics and the same destination, equal to the source. A run whose batches are
// lost leaves the destination wrong: every byte it holds came through the batches. The batches' bytes
// are the page-record bytes the link counted (wireFormat.ts's model).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { buildMachine, IncomingMemory, type Machine } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { LiveMigration, PageCodecs, type RecordTransport } from '../../../src-main/engine/migration/index';
import type { MigrationEnv } from '../../../src-main/engine/migration/migrationEnv';
import { EOS_BYTES } from '../../../src-main/engine/migration/wireFormat';
import { MIGRATION_DEFAULTS, type MigrationOptions } from '../../../src-shared/model/migration';
import type { GuestMachine } from '../../../src-main/engine/vm/guestMachine';
import { runningLabos } from '../../helpers/machineHarness';
import { hostCodecs } from './migrationLab';

interface Run { stats: ReturnType<LiveMigration['stats']>; dest: GuestMachine; batchBytes: number; deviceBytes: number }

/** Moves `src` (paused: no vCPU runs) by stop-copy to a fresh host where a `neighbour` runs the same guest. */
function move(src: Machine, codecs: PageCodecs, options: Partial<MigrationOptions>, transport: RecordTransport | undefined): Run {
  const pool = new HostMemory();
  const neighbour = runningLabos(pool);
  const inc = new IncomingMemory(pool, src.config.memoryBytes);
  let dest: GuestMachine | undefined;
  const env = {
    memberCount: 1,
    source: () => src,
    incoming: () => inc,
    readDirty: () => [],
    pauseSource: () => {},
    resumeSource: () => {},
    startDestination: (cores: readonly unknown[]) => {
      dest = buildMachine({ kind: 'assemble', core: structuredClone(cores[0]) as never, memory: inc });
      return [dest];
    },
    finishSource: () => {},
    loseVms: () => { throw new Error('no link cut here'); },
    setThrottle: () => {},
    destinationVms: () => [neighbour],
    sourceAway: () => undefined,
  } as unknown as MigrationEnv;
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
  return { stats: mig.stats(now), dest: dest!, batchBytes, deviceBytes: mig.sender.counters.deviceBytes };
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
    deliver(got);
    back.port2.postMessage(got.buffer, [got.buffer]);
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
