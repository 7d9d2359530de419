// Practical 1, "The vSphere Client tour", done end to end through the contract: every check passes,
// the numbers the handout promises hold, a saved lab grades the same with `hvlab exercise check`, and
// wrong actions fail the right checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Student } from '../helpers/practical';

test('practical 1: a student who follows the handout passes every step', async () => {
  const s = await Student.start('client-tour');

  await s.answerChoicesAndTexts('inventory');
  assert.equal(await s.answer('host-count', 2), true);
  await s.expectStepPasses('inventory');

  await s.goTo('host-hardware');
  assert.equal(await s.expected('esx01-logical'), 16, '2 sockets × 4 cores × 2 threads');
  assert.equal(await s.expected('esx02-memory'), 8);
  assert.equal(await s.expected('cluster-capacity'), 240, '(8 + 4) cores × 20 MHz');
  assert.equal(await s.answer('esx01-logical', 16), true);
  assert.equal(await s.answer('esx02-memory', 8), true);
  assert.equal(await s.answer('cluster-capacity', 240), true);
  assert.equal(await s.answer('esx01-logical', 8), false, 'cores are not logical processors');
  assert.equal(await s.answer('esx01-logical', 16), true);
  await s.answerChoicesAndTexts('host-hardware');
  await s.expectStepPasses('host-hardware');

  await s.goTo('vm-config');
  assert.equal(await s.answer('db-vcpus', 2), true);
  assert.equal(await s.answer('db-disk', 4), true);
  await s.answerChoicesAndTexts('vm-config');
  await s.expectStepPasses('vm-config');

  await s.goTo('performance');
  assert.equal((await s.status('performance')).checksPass, false, 'no samples before the lab ran');
  await s.run(65);
  const watts = await s.expected('esx01-power');
  assert.ok(watts > 105 && watts < 120, `a nearly idle two-socket host draws ${watts} W (handout: about 110 W)`);
  assert.equal(await s.answer('esx01-power', Math.round(watts)), true);
  assert.equal(await s.answer('sample-interval', 20), true);
  assert.equal(await s.answer('ready-percent', 2), true);
  await s.expectStepPasses('performance');

  await s.goTo('snapshot');
  const { taskId } = await s.api.command('vm.snapshot.create', { vmId: await s.vmId('web-01'), name: 'before-patch', memory: true });
  await s.waitTask(taskId);
  await s.answerChoicesAndTexts('snapshot');
  await s.expectStepPasses('snapshot');

  await s.goTo('power');
  await s.task('vm.powerOn', 'db-01');
  await s.run(3);
  await s.task('vm.suspend', 'db-01');
  await s.run(25);
  await s.task('vm.powerOn', 'db-01');
  await s.task('vm.powerOff', 'db-01');
  const suspended = await s.expected('suspended-seconds');
  assert.ok(suspended >= 25 && suspended < 30, `suspended for ${suspended} s`);
  assert.equal(await s.answer('suspended-seconds', Math.round(suspended)), true);
  await s.answerChoicesAndTexts('power');
  await s.expectStepPasses('power');

  const g = await s.grade();
  assert.equal(g.totals.checksPassed, g.totals.checks);
  assert.equal(g.totals.correct, g.totals.graded, JSON.stringify(g.steps.flatMap((x) => x.answers.filter((a) => a.correct === false))));
  assert.ok(g.scenario.matches);
});

test('practical 1: wrong actions fail the right checks, with reasons', async () => {
  const s = await Student.start('client-tour');
  // A snapshot without memory does not satisfy "with memory".
  const vm = await s.vmId('web-01');
  const { taskId } = await s.api.command('vm.snapshot.create', { vmId: vm, name: 'before-patch', memory: false });
  await s.waitTask(taskId);
  let st = await s.status('snapshot');
  assert.equal(st.checksPass, false);
  assert.match(st.checks[0].reason, /0 matching snapshot\(s\).*1 snapshot/);

  // Changing db-01 in Edit Settings fails the "not changed" check of step 3.
  const r = await s.api.command('vm.reconfigure', { vmId: await s.vmId('db-01'), changes: { vcpus: 1 } });
  await s.waitTask(r.taskId);
  st = await s.status('vm-config');
  assert.equal(st.checksPass, false);
  assert.match(st.checks[0].reason, /db-01 has vCPUs 1 \(needs = 2\)/);

  // Powering db-01 on once and leaving it on: the second power-on, the suspend and the power-off are missing.
  await s.task('vm.powerOn', 'db-01');
  st = await s.status('power');
  assert.deepEqual(st.checks.map((c) => c.pass), [false, false, false, false]);
  assert.match(st.checks[0].reason, /^1 vm\.powerOn task/);
  assert.match(st.checks[3].reason, /db-01 is poweredOn \(needs poweredOff\)/);
});
