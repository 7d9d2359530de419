// Practical 4, "CPU overcommit and time", end to end through the contract: ready time as the host
// fills, co-stop on the SMP VM, the guest clock lag and its catch-up, a suspended VM's clock — every
// check passes and the numbers the handout predicts hold; leaving the host half full fails the right checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Student } from '../helpers/practical';

test('practical 4: a student who follows the handout passes every step', async () => {
  const s = await Student.start('overcommit');
  await s.run(62);
  const alone = await s.expected('ready-a-alone');
  console.log(`vm-a alone: ready ${alone} %`);
  assert.ok(alone < 5, `one busy vCPU on two cores waits little (${alone} %)`);
  assert.equal(await s.answer('ready-a-alone', Number(alone.toFixed(1))), true);
  await s.answerChoicesAndTexts('baseline');
  await s.expectStepPasses('baseline');

  await s.goTo('fill');
  await s.task('vm.powerOn', 'vm-b');
  await s.task('vm.powerOn', 'smp-c');
  await s.run(62);
  const full = await s.expected('ready-a-full');
  const costop = await s.expected('costop-c');
  console.log(`host full: vm-a ready ${full} %, smp-c co-stop ${costop} %`);
  assert.ok(full > 30 && full < 50, `two busy vCPUs per core: about 40 % ready, less than 50 % (${full} %)`);
  assert.ok(costop > 0);
  for (const q of ['ready-a-full', 'costop-c']) assert.equal(await s.answer(q, Number((await s.expected(q)).toFixed(1))), true);
  await s.answerChoicesAndTexts('fill');
  await s.expectStepPasses('fill');

  await s.goTo('clock');
  await s.task('vm.powerOff', 'vm-b');
  await s.task('vm.powerOff', 'smp-c');
  await s.run(62);
  const peak = await s.expected('peak-lag');
  console.log(`vm-a peak clock lag ${peak} ms`);
  assert.ok(peak > 5000, `vm-a fell seconds behind while the host was full (${peak} ms)`);
  const { value: now } = await s.api.query('metrics.query', { entityId: await s.vmId('vm-a'), counters: ['engine.clockLag.latest'], interval: 'realtime' })
    .then((m) => ({ value: m.values['engine.clockLag.latest'].at(-1)! }));
  assert.ok(now < 1500, `and caught up within a minute (${now} ms)`);
  assert.equal(await s.answer('peak-lag', Math.round(peak)), true);
  await s.answerChoicesAndTexts('clock');
  await s.expectStepPasses('clock');

  await s.goTo('suspend');
  await s.task('vm.suspend', 'clock-01');
  await s.run(32);
  await s.task('vm.powerOn', 'clock-01');
  await s.run(3);
  const behind = await s.expected('behind-seconds');
  assert.ok(behind >= 32 && behind < 36, `the guest clock is behind by the suspension (${behind} s)`);
  assert.equal(await s.answer('behind-seconds', Math.round(behind)), true);
  await s.answerChoicesAndTexts('suspend');
  await s.expectStepPasses('suspend');

  const g = await s.grade();
  assert.equal(g.totals.checksPassed, g.totals.checks, JSON.stringify(g.steps.flatMap((x) => x.checks.filter((c) => !c.pass))));
  assert.equal(g.totals.correct, g.totals.graded);
});

test('practical 4: powering on only vm-b leaves the host uncontended, and the fill checks say so', async () => {
  const s = await Student.start('overcommit');
  await s.goTo('fill');
  await s.task('vm.powerOn', 'vm-b');
  await s.run(42);
  const st = await s.status('fill');
  assert.deepEqual(st.checks.map((c) => c.pass), [false, false, false]);
  assert.match(st.checks[0].reason, /0 vm\.powerOn task\(s\) on smp-c ended success during this step/);
  assert.match(st.checks[1].reason, /cpu\.ready\.summation.*vm-a.*needs > 20/);
  assert.match(st.checks[2].reason, /no samples of cpu\.costop\.summation for smp-c/);
});
