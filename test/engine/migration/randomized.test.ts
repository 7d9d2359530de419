// Reliability: seeded random live migrations in one lab — random guests (working set, dirty rate,
// bytes per write, content), techniques, stop rules, bandwidths, codecs, XBZRLE, dedup, gangs, loss and
// link cuts at random moments. Every completed migration is verified page by page and by digest; a
// failed or cancelled pre-copy leaves the VM whole and running on the source; only a cut in post-copy
// may lose a VM (it is then powered on again). HVLAB_MIGRATION_COUNT=N (default 1000) and
// HVLAB_MIGRATION_SEED=S (default 1). The documented long run, HVLAB_MIGRATION_COUNT=100000, is 100 labs
// of 1,000 migrations, seeds S … S+99, each exactly the run `HVLAB_MIGRATION_SEED` of that seed repeats:
// a failure names its seed and migration; a tally per lab shows the progress; no time limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src-main/engine/sim/rng';
import { migLab } from './migrationLab';
import { COMPRESSION_CODECS, MIGRATION_MODES, STOP_RULES } from '../../../src-shared/model/migration';
import type { MigrationOptions } from '../../../src-shared/model/migration';

const COUNT = Number(process.env.HVLAB_MIGRATION_COUNT ?? 1000);
const SEED = Number(process.env.HVLAB_MIGRATION_SEED ?? 1);
const VMS = 4;
/** Migrations per lab: a long run is many labs, so one lab's history never grows past what CI sees. */
const PER_LAB = 1000;

interface Tally { completed: number; failed: number; cancelled: number; lostInPostcopy: number; corruptedPages: number; pagesVerified: number }

/** `count` random migrations in one fresh lab from `seed`; asserts as it goes (messages name seed and migration). */
async function runLab(seed: number, count: number): Promise<Tally> {
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const vms = Array.from({ length: VMS }, (_, i) => ({
    name: `r${i}`, host: i % 2 ? 'H1' : 'H0', memoryMiB: 4,
    params: { wss_kib: 64 * (1 + rng.int(24)), rate_pps: 200 + rng.int(3000), passes: 0, write_bytes: pick([4, 4, 64, 4096]), content: [2, 1][rng.int(2)] },
  }));
  const lab = await migLab({ hostMemoryGiB: 1, cpuMhz: 10, vms });
  lab.advance(300);
  const tally: Tally = { completed: 0, failed: 0, cancelled: 0, lostInPostcopy: 0, corruptedPages: 0, pagesVerified: 0 };
  for (let i = 0; i < count; i++) {
    const name = `r${rng.int(VMS)}`;
    const vm = lab.vm(name);
    const src = vm.hostId!;
    const dst = lab.q('inventory.get', {}).hosts.find((h) => h.id !== src)!;
    const mode = pick(MIGRATION_MODES);
    const compression = pick(COMPRESSION_CODECS);
    const options: Partial<MigrationOptions> = {
      mode, stopRule: pick(STOP_RULES), // One in six links is slower than the fastest guests dirty memory: those cannot converge under the
      // QEMU rule without help and are cancelled at the timeout.
      bandwidthBytesPerS: (rng.int(6) === 0 ? 1 + rng.int(8) : 16 + rng.int(500)) * 1048576, latencyMs: rng.float() * 2,
      downtimeLimitMs: 5 + rng.int(400), autoConverge: rng.int(3) === 0, compression, xbzrle: rng.int(3) === 0,
      xbzrleCacheBytes: 4096 * (1 + rng.int(256)), dedup: rng.int(3) === 0, timeoutMs: 400,
      ...(rng.int(8) === 0 ? { loss: rng.float() * 0.1 } : {}),
      ...(rng.int(6) === 0 ? { cutAtMs: rng.float() * 80 } : {}),
      ...(mode === 'hybrid' && rng.int(2) ? { postcopyAfterRounds: 1 + rng.int(3) } : {}),
      ...(compression === 'zlib' || compression === 'zstd' ? { compressionLevel: 1 + rng.int(6) } : {}),
      ...(rng.int(4) === 0 ? { switchoverBytesPerS: (8 + rng.int(200)) * 1048576 } : {}),
    };
    const mates = lab.q('inventory.get', {}).vms.filter((v) => v.hostId === src && v.name !== name && v.powerState === 'poweredOn');
    const gang = rng.int(5) === 0 && mates.length ? [mates[rng.int(mates.length)].name] : undefined;
    const r = lab.tryCmd('vm.migrate', { vmId: vm.id, hostId: dst.id, options, ...(gang ? { gang: gang.map((g) => lab.vm(g).id) } : {}) });
    assert.ok(r.ok, `seed ${seed} #${i} refused: ${!r.ok && r.error.message} ${JSON.stringify(options)}`);
    const task = lab.finish(r.result.taskId, 10_000);
    const st = lab.q('migration.get', { taskId: r.result.taskId });
    const moved = [name, ...(gang ?? [])];
    const where = `seed ${seed} #${i} ${name}${gang ? `+${gang}` : ''} ${JSON.stringify(options)} → ${st.status}: ${st['error-desc'] ?? ''}`;
    tally.corruptedPages += st.mismatchedPages ?? 0;
    tally.pagesVerified += st.pagesVerified;
    if (st.status === 'completed') {
      tally.completed++;
      assert.equal(task.state, 'success', where);
      assert.equal(st.verified, true, where);
      assert.equal(st.sourceDigest, st.destinationDigest, where);
      for (const n of moved) assert.equal(lab.vm(n).hostId, dst.id, where);
    } else if (st.vmLost) {
      tally.lostInPostcopy++;
      assert.ok(st.phases.some((p) => p.phase === 'postcopy'), `lost outside post-copy: ${where}`);
      for (const n of moved) {
        assert.equal(lab.vm(n).powerState, 'poweredOff', where);
        lab.finish(lab.cmd('vm.powerOn', { vmId: lab.vm(n).id }).taskId);
      }
    } else {
      if (st.status === 'failed') tally.failed++; else tally.cancelled++;
      assert.equal(st.verified, true, `source not whole: ${where}`);
      for (const n of moved) {
        const v = lab.vm(n);
        assert.equal(v.hostId, src, where);
        assert.equal(v.powerState, 'poweredOn', where);
      }
    }
    for (const v of lab.q('inventory.get', {}).vms) assert.notEqual(v.guestState, 'crashed', `${v.name} crashed after ${where}`);
    lab.advance(5 + rng.int(10));
  }
  assert.equal(tally.corruptedPages, 0, `seed ${seed}`);
  assert.equal(tally.completed + tally.failed + tally.cancelled + tally.lostInPostcopy, count);
  assert.ok(tally.completed > count / 2, `seed ${seed}: ${JSON.stringify(tally)}`);
  return tally;
}

const LABS = Math.ceil(COUNT / PER_LAB);
const seeds = LABS > 1 ? `seeds ${SEED}..${SEED + LABS - 1}, ${PER_LAB} per lab` : `seed ${SEED}`;

test(`${COUNT} random live migrations (${seeds}): 0 corrupted pages, 0 VMs lost in pre-copy, every destination verified`, async () => {
  const total: Tally = { completed: 0, failed: 0, cancelled: 0, lostInPostcopy: 0, corruptedPages: 0, pagesVerified: 0 };
  for (let k = 0; k < LABS; k++) {
    const tally = await runLab(SEED + k, Math.min(PER_LAB, COUNT - k * PER_LAB));
    for (const key of Object.keys(total) as (keyof Tally)[]) total[key] += tally[key];
    if (LABS > 1) console.log(`# lab ${k + 1}/${LABS} (seed ${SEED + k}): ${JSON.stringify(tally)}`);
  }
  assert.equal(total.corruptedPages, 0);
  assert.equal(total.completed + total.failed + total.cancelled + total.lostInPostcopy, COUNT);
  console.log(`# migrations: ${JSON.stringify(total)}`);
});
