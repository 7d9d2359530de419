// Practical 6, "Live migration", end to end through the contract: web-01 moves by stop-and-copy,
// pre-copy (QEMU's rule), post-copy and compressed pre-copy over a 32 MiB/s limit; hot-01's pre-copy does
// not converge and is cancelled at its timeout (still on the source), Xen's rule moves it anyway (with a
// longer downtime), and post-copy moves it back; auto-converge then throttles it across, and XBZRLE with
// deduplication makes QEMU's rule converge without a throttle. The student
// answers from `migration.get` (what the Monitor shows), every check passes and every graded answer is
// right; the saved lab grades the same. A run with the wrong technique fails the named checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationStats } from '../../src-shared/model/migration';
import { saveLab } from '../../src-main/node/storage/labStore';
import { openSavedLab } from '../../src-main/node/exercise/labAccess';
import { gradeRun } from '../../src-shared/exercise/index';
import { buildReport } from '../../src-main/node/report/index';
import { Student } from '../helpers/practical';

const MiB = 1024 * 1024;
const LIMIT = { bandwidthBytesPerS: 32 * MiB };

async function stats(s: Student, taskId: string): Promise<MigrationStats> {
  return s.api.query('migration.get', { taskId: taskId as never });
}
const one = (x: number): number => Math.round(x * 10) / 10;

test('practical 6: a student who follows the handout passes every step', async () => {
  const s = await Student.start('migration', { codecs: true });
  await s.run(3);
  assert.equal(await s.answer('dirty-rate', 7.8), true);
  assert.equal(await s.answer('working-set-time', 0.5), true);
  await s.expectStepPasses('guest');

  await s.goTo('stop-copy');
  const sc = await stats(s, await s.migrate('web-01', 'esx-02', { ...LIMIT, mode: 'stop-copy' }));
  await s.run(1);
  console.log(`stop-and-copy: downtime ${sc.downtime} ms, total ${sc['total-time']} ms, ${sc.ram.normal} full + ${sc.ram.duplicate} zero pages, ${(sc.ram.transferred / MiB).toFixed(1)} MiB`);
  assert.ok(sc.downtime! > 0.5 * sc['total-time'], 'stop-and-copy: the downtime is most of the migration');
  assert.equal(await s.answer('sc-downtime', one(sc.downtime!)), true);
  assert.equal(await s.answer('sc-total', one(sc['total-time'])), true);
  assert.equal(await s.answer('sc-normal', sc.ram.normal), true);
  await s.answerChoicesAndTexts('stop-copy');
  await s.expectStepPasses('stop-copy');

  await s.goTo('precopy');
  const pc = await stats(s, await s.migrate('web-01', 'esx-01', { ...LIMIT, mode: 'precopy', stopRule: 'qemu', downtimeLimitMs: 300 }));
  await s.run(1);
  console.log(`pre-copy: downtime ${pc.downtime} ms, total ${pc['total-time']} ms, ${pc.rounds.length} rounds, ${pc.ram.normal} full pages`);
  assert.ok(pc.downtime! < sc.downtime!, 'pre-copy stops the guest for less than stop-and-copy');
  assert.ok(pc['total-time'] > sc['total-time'] && pc.ram.normal > sc.ram.normal, 'and takes longer and sends more');
  assert.ok(pc.rounds.length >= 2);
  assert.equal(await s.answer('pc-downtime', one(pc.downtime!)), true);
  assert.equal(await s.answer('pc-total', one(pc['total-time'])), true);
  assert.equal(await s.answer('pc-rounds', pc.rounds.length), true);
  assert.equal(await s.answer('pc-normal', pc.ram.normal), true);
  assert.equal(await s.answer('pc-extra', pc.ram.normal - sc.ram.normal), true);
  await s.answerChoicesAndTexts('precopy');
  await s.expectStepPasses('precopy');

  await s.goTo('postcopy');
  const po = await stats(s, await s.migrate('web-01', 'esx-02', { ...LIMIT, mode: 'postcopy' }));
  await s.run(1);
  console.log(`post-copy: downtime ${po.downtime} ms, total ${po['total-time']} ms, ${po.ram['postcopy-requests']} remote faults, blocktime ${po['postcopy-blocktime']} ms`);
  assert.ok(po.downtime! < pc.downtime!, 'post-copy stops the guest only for the device state');
  assert.equal(await s.answer('po-downtime', one(po.downtime!)), true);
  assert.equal(await s.answer('po-total', one(po['total-time'])), true);
  assert.equal(await s.answer('po-requests', po.ram['postcopy-requests']), true);
  await s.answerChoicesAndTexts('postcopy');
  await s.expectStepPasses('postcopy');

  await s.goTo('compression');
  const zc = await stats(s, await s.migrate('web-01', 'esx-01', { ...LIMIT, mode: 'precopy', stopRule: 'qemu', compression: 'zlib', compressionLevel: 1 }));
  await s.run(1);
  const saving = pc.ram.transferred / zc.ram.transferred;
  console.log(`compressed pre-copy: ${(zc.ram.transferred / MiB).toFixed(2)} MiB (${saving.toFixed(1)}× fewer bytes), compression rate ${zc.compression['compression-rate']}`);
  assert.ok(saving > 5, 'one word per page compresses many times');
  assert.equal(await s.answer('zc-mib', one(zc.ram.transferred / MiB)), true);
  assert.equal(await s.answer('zc-saving', Math.round(saving)), true);
  await s.answerChoicesAndTexts('compression');
  await s.expectStepPasses('compression');

  await s.goTo('converge');
  await s.task('vm.powerOn', 'hot-01');
  await s.run(3);
  const nc = await stats(s, await s.migrate('hot-01', 'esx-02', { ...LIMIT, mode: 'precopy', stopRule: 'qemu', timeoutMs: 5000 }, 'error'));
  console.log(`hot-01 pre-copy: ${nc.status} after ${nc['total-time']} ms, ${nc.rounds.length} rounds, ${(nc.ram.transferred / MiB).toFixed(1)} MiB: ${nc.nonConvergence ?? nc['error-desc']}`);
  assert.equal(nc.status, 'cancelled');
  assert.match(nc['error-desc'] ?? '', /does not converge/);
  const hot = (await s.api.query('inventory.get', {})).vms.find((v) => v.name === 'hot-01')!;
  assert.equal(hot.hostId, await s.hostId('esx-01'), 'a cancelled pre-copy leaves the VM on the source');
  const xen = await stats(s, await s.migrate('hot-01', 'esx-02', { ...LIMIT, mode: 'precopy', stopRule: 'xen' }));
  await s.run(1);
  console.log(`hot-01 pre-copy, Xen rule: ${xen.status}, ${xen.rounds.length} rounds, downtime ${xen.downtime} ms, ${(xen.ram.transferred / MiB).toFixed(1)} MiB`);
  assert.ok(xen.downtime! > pc.downtime!, 'Xen accepts a longer downtime than QEMU\'s rule gave the slow writer');
  assert.equal(await s.answer('xen-rounds', xen.rounds.length), true);
  assert.equal(await s.answer('xen-downtime', one(xen.downtime!)), true);
  const hp = await stats(s, await s.migrate('hot-01', 'esx-01', { ...LIMIT, mode: 'postcopy' }));
  await s.run(1);
  console.log(`hot-01 post-copy: total ${hp['total-time']} ms, ${hp.ram['postcopy-requests']} remote faults, blocktime ${hp['postcopy-blocktime']} ms`);
  assert.ok(hp.ram['postcopy-requests'] > po.ram['postcopy-requests'], 'the fast writer faults far more');
  assert.equal(await s.answer('nc-sent', Math.round(nc.ram.transferred / MiB)), true);
  assert.equal(await s.answer('nc-blocktime', Math.round(hp['postcopy-blocktime'])), true);
  await s.answerChoicesAndTexts('converge');
  await s.expectStepPasses('converge');

  await s.goTo('autoconverge');
  const ac = await stats(s, await s.migrate('hot-01', 'esx-02', { ...LIMIT, mode: 'precopy', stopRule: 'qemu', autoConverge: true }));
  await s.run(1);
  const throttles = ac.rounds.map((r) => r.throttlePct);
  console.log(`hot-01 auto-converge: ${ac.rounds.length} rounds, throttle ${throttles.join(' ')} %, ${(ac.ram.transferred / MiB).toFixed(1)} MiB (${ac.amplification.toFixed(2)} × RAM) in ${ac['total-time'].toFixed(0)} ms, downtime ${ac.downtime} ms`);
  assert.ok(ac.rounds.length > xen.rounds.length, 'auto-converge needs more rounds than Xen\'s five');
  assert.ok(ac['cpu-throttle-percentage'] >= 20 && ac['cpu-throttle-percentage'] <= 99, 'the throttle started at 20 % and stays under QEMU\'s 99 %');
  assert.ok(throttles.every((t, i) => i === 0 || t >= throttles[i - 1]), 'the throttle only rises');
  assert.ok(ac.amplification > 2, 'throttled pre-copy sends the working set many times');
  assert.equal(await s.answer('ac-rounds', ac.rounds.length), true);
  assert.equal(await s.answer('ac-throttle', ac['cpu-throttle-percentage']), true);
  assert.equal(await s.answer('ac-amplification', one(ac.amplification)), true);
  assert.equal(await s.answer('ac-throttle', ac['cpu-throttle-percentage'] - 10), false, 'a throttle the run did not reach is wrong');
  assert.equal(await s.answer('ac-throttle', ac['cpu-throttle-percentage']), true);
  await s.answerChoicesAndTexts('autoconverge');
  await s.expectStepPasses('autoconverge');

  await s.goTo('reduction');
  const xd = await stats(s, await s.migrate('hot-01', 'esx-01', { ...LIMIT, mode: 'precopy', stopRule: 'qemu', xbzrle: true, dedup: true }));
  await s.run(1);
  const xbSaved = (xd['xbzrle-cache'].pages * 4096 - xd['xbzrle-cache'].bytes) / MiB;
  console.log(`hot-01 pre-copy, QEMU rule, XBZRLE + dedup: ${xd.status}, ${xd.rounds.length} rounds, downtime ${xd.downtime} ms, ${(xd.ram.transferred / MiB).toFixed(1)} MiB; XBZRLE ${xd['xbzrle-cache'].pages} pages in ${xd['xbzrle-cache'].bytes} B (${xbSaved.toFixed(1)} MiB saved, ${xd['xbzrle-cache'].overflow} overflows); dedup ${xd.dedup.pages} pages (${xd.dedup['bytes-saved']} B saved, ${xd.dedup['on-destination']} already on the destination)`);
  assert.ok(xd['xbzrle-cache'].pages > 0 && xbSaved > 1, 'XBZRLE sent re-dirtied pages as small deltas');
  assert.ok(xd.dedup.pages > 0 && xd.dedup['on-destination'] > 0, 'dedup found pages web-01 already holds on esx-01');
  assert.ok(xd.ram.transferred < ac.ram.transferred / 2, 'far fewer bytes than the throttled run');
  assert.equal(await s.answer('xb-rounds', xd.rounds.length), true);
  assert.equal(await s.answer('xb-pages', xd['xbzrle-cache'].pages), true);
  assert.equal(await s.answer('xb-saved', one(xbSaved)), true);
  assert.equal(await s.answer('dd-pages', xd.dedup.pages), true);
  assert.equal(await s.answer('dd-saved', one(xd.dedup['bytes-saved'] / 1024) * 2), false, 'twice the saving is wrong');
  assert.equal(await s.answer('dd-saved', one(xd.dedup['bytes-saved'] / 1024)), true);
  await s.answerChoicesAndTexts('reduction');
  await s.expectStepPasses('reduction');

  const g = await s.grade();
  assert.equal(g.totals.checksPassed, g.totals.checks, JSON.stringify(g.steps.flatMap((x) => x.checks.filter((c) => !c.pass))));
  const wrong = g.steps.flatMap((x) => x.answers.filter((a) => a.kind !== 'text' && a.correct !== true).map((a) => `${a.id}: ${a.answer} vs ${a.expectedText}`));
  assert.deepEqual(wrong, [], 'graded at the end, every answer about an earlier run is still right');
  assert.equal(g.totals.correct, g.totals.graded);

  // The instructor grades the saved lab (as `exercise check` does): the same verdicts.
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-mig-'));
  saveLab(dir, s.engine.saveState());
  console.log(`saved lab: ${dir}`);
  const saved = await openSavedLab(dir);
  const again = await gradeRun(s.exercise, saved.api.query, saved.progress);
  assert.deepEqual(again.totals, g.totals);
  assert.deepEqual(again.steps.map((x) => x.checks.map((c) => c.pass)), g.steps.map((x) => x.checks.map((c) => c.pass)));

  // The lab report holds the table of the student's own runs, one row per migration, in the order made.
  const doc = await buildReport(saved.api, { kind: 'lab', exercise: s.exercise, generatedAt: '2025-01-01T00:00:00.000Z' });
  const table = doc.sections.flatMap((x) => x.blocks).flatMap((b) => (b.kind === 'table' ? [b.table] : [])).find((t) => t.title.startsWith('Live migrations'));
  assert.ok(table, 'a live-migration table in the report');
  assert.deepEqual(table.rows.map((r) => [r[0], r[2], r[3]]), [
    ['web-01', 'stop-copy', 'completed'], ['web-01', 'precopy, qemu rule', 'completed'], ['web-01', 'postcopy', 'completed'],
    ['web-01', 'precopy, qemu rule, zlib', 'completed'], ['hot-01', 'precopy, qemu rule', 'cancelled'], ['hot-01', 'precopy, xen rule', 'completed'],
    ['hot-01', 'postcopy', 'completed'], ['hot-01', 'precopy, qemu rule, auto-converge', 'completed'],
    ['hot-01', 'precopy, qemu rule, XBZRLE, dedup', 'completed'],
  ]);
  assert.equal(table.rows[1][5], Math.round(pc.downtime! * 100) / 100);
  assert.equal(table.rows[7][10], ac['cpu-throttle-percentage'], 'the throttle the auto-converge run reached');
  assert.equal(table.rows[8][11], Math.round(xbSaved * 100) / 100, 'what XBZRLE saved');
  assert.equal(table.rows[8][12], Math.round((xd.dedup['bytes-saved'] / MiB) * 100) / 100, 'what dedup saved');
  assert.equal(table.rows[0][11], null, 'no XBZRLE saving for a run without XBZRLE');
  // The charts show the run: the round charts a point per round of every run (a gap between runs), the
  // counter charts every 20 s sample of the practical.
  const charts = doc.sections.flatMap((x) => x.blocks).flatMap((b) => (b.kind === 'chart' ? [b.chart] : []));
  for (const c of charts) {
    console.log(`chart ${c.title}: ${c.series.map((x) => `${x.name} ${x.points.filter((p) => p.v !== null).length} points`).join(', ')}`);
    for (const x of c.series) assert.ok(x.points.filter((p) => p.v !== null).length > 1, `${c.title}: ${x.name} has more than one point`);
  }
  const hotRounds = charts.find((c) => c.title.startsWith("hot-01's migrations"))!;
  const hotRuns = [nc, xen, hp, ac, xd];
  assert.equal(hotRounds.series[0].points.filter((p) => p.v !== null).length, hotRuns.reduce((a, m) => a + m.rounds.length, 0), 'a point per round of every hot-01 run');
  assert.equal(hotRounds.series[0].points.filter((p) => p.v === null).length, hotRuns.filter((m) => m.rounds.length).length, 'a gap before each run');
  assert.equal(Math.max(...hotRounds.series[1].points.map((p) => p.v ?? 0)), ac['cpu-throttle-percentage'], 'the throttle chart reaches what the run reached');
});

test('practical 6: stop-and-copy where pre-copy was asked, and a wrong downtime, fail the named checks', async () => {
  const s = await Student.start('migration');
  await s.run(3);
  await s.goTo('precopy');
  await s.migrate('web-01', 'esx-02', { ...LIMIT, mode: 'stop-copy' });
  await s.migrate('web-01', 'esx-01', { ...LIMIT, mode: 'stop-copy' });
  const st = await s.status('precopy');
  assert.deepEqual(st.checks.map((c) => c.pass), [false]);
  assert.match(st.checks[0].reason, /no uncompressed precopy migration\(s\) of web-01 to esx-01 ended success during this step/);
  assert.equal(await s.answer('sc-downtime', 1), false, 'a downtime the run did not have is wrong');
  await s.goTo('converge');
  const conv = await s.status('converge');
  assert.deepEqual(conv.checks.map((c) => c.pass), [false, false, false, false]);
  assert.match(conv.checks[0].reason, /no precopy migration\(s\) of hot-01 \(qemu stop rule\) ended error/);
  assert.match(conv.checks[2].reason, /hot-01/);
  await s.goTo('reduction');
  const red = await s.status('reduction');
  assert.deepEqual(red.checks.map((c) => c.pass), [false, false]);
  assert.match(red.checks[0].reason, /no precopy migration\(s\) of hot-01 \(qemu stop rule\) to esx-01 without auto-converge, with XBZRLE, with dedup ended success/);
  console.log(conv.checks.map((c) => `${c.label}: ${c.reason}`).join('\n'));
});
