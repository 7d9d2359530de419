// Practical 5, "Memory overcommitment", end to end through the contract: two VMs leave the host in the
// high state; powering on two more takes it through soft and hard (balloons inflate, pages are compressed
// and swapped) while every guest still finds its working set intact; turning ballooning off in the host's
// settings empties the balloons and the host swaps instead, and the guests wait longer for their pages.
// The student answers from the counters the Monitor charts; every check passes, every graded answer is
// right, and the saved lab grades the same. Leaving the host half filled fails the named checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveLab } from '../../src-main/node/storage/labStore';
import { openSavedLab } from '../../src-main/node/exercise/labAccess';
import { gradeRun } from '../../src-shared/exercise/index';
import { Student } from '../helpers/practical';

/** The last real-time sample of a counter, as the Advanced chart's last point shows it. */
async function latest(s: Student, entity: { vm?: string; host?: string }, counter: string): Promise<number> {
  const inv = await s.api.query('inventory.get', {});
  const id = entity.vm ? inv.vms.find((v) => v.name === entity.vm)!.id : inv.hosts.find((h) => h.name === entity.host)!.id;
  const m = await s.api.query('metrics.query', { entityId: id, counters: [counter], interval: 'realtime' });
  const v = m.values[counter].at(-1);
  assert.ok(typeof v === 'number', `no sample of ${counter}`);
  return v;
}

test('practical 5: a student who follows the handout passes every step', async () => {
  const s = await Student.start('memory');
  await s.run(21);
  const minFree = await latest(s, { host: 'esx-mem' }, 'engine.memMinFree.latest');
  const free = await latest(s, { host: 'esx-mem' }, 'engine.memFree.latest');
  console.log(`two VMs: minFree ${minFree} KB, free ${free} KB, shared ${await latest(s, { host: 'esx-mem' }, 'mem.shared.average')} KB`);
  assert.ok(free > minFree, 'two VMs leave the host above minFree');
  assert.equal(await s.answer('minfree', minFree), true);
  assert.equal(await s.answer('free-before', free), true);
  await s.answerChoicesAndTexts('baseline');
  await s.expectStepPasses('baseline');

  await s.goTo('fill');
  await s.task('vm.powerOn', 'mem-c');
  await s.task('vm.powerOn', 'mem-d');
  await s.run(24);
  const host = { host: 'esx-mem' };
  const balloon = await latest(s, host, 'mem.vmmemctl.average');
  const compressed = await latest(s, host, 'mem.compressed.average');
  const swappedA = await latest(s, { vm: 'mem-a' }, 'mem.swapped.average');
  const states = (await s.api.query('events.list', { limit: 500 })).filter((e) => e.type === 'HostMemoryStateChangedEvent').map((e) => e.message);
  console.log(`four VMs: balloons ${balloon} KB, compressed ${compressed} KB, mem-a swapped ${swappedA} KB; ${states.length} state changes, e.g. ${states.at(-1)}`);
  assert.ok(balloon > 0 && compressed > 0);
  assert.equal(await s.answer('ballooned', balloon), true);
  assert.equal(await s.answer('compressed', compressed), true);
  assert.equal(await s.answer('swapped-a', swappedA), true);
  await s.answerChoicesAndTexts('fill');
  await s.expectStepPasses('fill');

  await s.goTo('settings');
  await s.api.command('host.updateMemoryReclamation', { hostId: await s.hostId('esx-mem'), settings: { ballooning: false } });
  await s.run(22);
  const swapAfter = await latest(s, host, 'mem.swapused.average');
  const latencyBefore = await s.expected('latency-after');
  console.log(`ballooning off: balloons ${await latest(s, host, 'mem.vmmemctl.average')} KB, swap ${swapAfter} KB, mem.latency ${latencyBefore} %`);
  assert.equal(await s.answer('swap-after', swapAfter), true);
  assert.equal(await s.answer('latency-after', Math.round((await latest(s, host, 'mem.latency.average')) * 10) / 10), true);
  await s.answerChoicesAndTexts('settings');
  await s.expectStepPasses('settings');

  const g = await s.grade();
  assert.equal(g.totals.checksPassed, g.totals.checks, JSON.stringify(g.steps.flatMap((x) => x.checks.filter((c) => !c.pass))));
  const wrong = g.steps.flatMap((x) => x.answers.filter((a) => a.kind !== 'text' && a.correct !== true).map((a) => `${a.id}: ${a.answer} vs ${a.expectedText}`));
  assert.deepEqual(wrong, []);
  assert.equal(g.totals.correct, g.totals.graded);

  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-mem-'));
  saveLab(dir, s.engine.saveState());
  const saved = await openSavedLab(dir);
  const again = await gradeRun(s.exercise, saved.api.query, saved.progress);
  assert.deepEqual(again.totals, g.totals);
  assert.deepEqual(again.steps.map((x) => x.checks.map((c) => c.pass)), g.steps.map((x) => x.checks.map((c) => c.pass)));
});

test('practical 5: powering on only mem-c leaves the host above the hard state, and the fill checks say why', async () => {
  const s = await Student.start('memory');
  await s.goTo('fill');
  await s.task('vm.powerOn', 'mem-c');
  await s.run(24);
  const st = await s.status('fill');
  console.log(st.checks.map((c) => `${c.label}: ${c.pass} — ${c.reason}`).join('\n'));
  assert.deepEqual(st.checks.map((c) => c.pass), [false, false, false, false, false]);
  assert.match(st.checks[0].reason, /mem-d/);
  assert.match(st.checks[1].reason, /mem\.state\.latest.*esx-mem.*needs ≥ 2/);
  assert.match(st.checks[2].reason, /mem\.vmmemctl\.average.*needs > 0/);
  assert.equal(await s.answer('why-balloon-first', [0]), false);
});
