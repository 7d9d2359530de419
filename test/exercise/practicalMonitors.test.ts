// Practical 2, "Trap-and-emulate and its holes", end to end through the contract: the Popek–Goldberg
// demonstration under five monitors, then the costs of four on the syscall workload — every check passes
// and the numbers the handout states hold; a missed action fails the right check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Student } from '../helpers/practical';

test('practical 2: a student who follows the handout passes every step', async () => {
  const s = await Student.start('monitors');

  await s.task('vm.powerOn', 'sensitive-interp');
  await s.run(3);
  await s.answerChoicesAndTexts('bare-hardware');
  await s.expectStepPasses('bare-hardware');

  await s.goTo('trap-and-emulate');
  await s.task('vm.powerOn', 'sensitive-te');
  await s.run(3);
  await s.answerChoicesAndTexts('trap-and-emulate');
  await s.expectStepPasses('trap-and-emulate');

  await s.goTo('correct-monitors');
  for (const m of ['bt', 'pv', 'hw']) await s.task('vm.powerOn', `sensitive-${m}`);
  await s.run(3);
  await s.answerChoicesAndTexts('correct-monitors');
  await s.expectStepPasses('correct-monitors');

  await s.goTo('costs');
  for (const m of ['te', 'bt', 'pv', 'hw']) await s.task('vm.powerOn', `sys-${m}`);
  await s.run(65);
  const ratio = await s.expected('hw-vs-te');
  assert.ok(ratio > 10, `hardware assist runs system calls ${ratio}× faster than trap-and-emulate (handout: tens of times)`);
  const teExits = await s.expected('te-exits-rate');
  assert.ok(teExits > 1000, `sys-te takes ${teExits} exits/s (handout: thousands)`);
  assert.equal(await s.answer('hw-vs-te', Number(ratio.toFixed(1))), true);
  assert.equal(await s.answer('te-exits-rate', Math.round(teExits)), true);
  assert.equal(await s.answer('te-exits-rate', Math.round(teExits / 20)), false, 'a per-sample count read as per-second is wrong');
  assert.equal(await s.answer('te-exits-rate', Math.round(teExits)), true);
  await s.answerChoicesAndTexts('costs');
  await s.expectStepPasses('costs');

  await s.goTo('bt-warmup');
  const first = await s.expected('bt-first');
  assert.ok(first > 0, 'sys-bt translated its hot code');
  assert.equal(await s.answer('bt-first', first), true);
  await s.answerChoicesAndTexts('bt-warmup');
  await s.expectStepPasses('bt-warmup');

  await s.goTo('exits-by-reason');
  const hcalls = await s.expected('pv-hypercall-rate');
  assert.ok(hcalls > 80 && hcalls < 120, `about one hypercall per 10 ms tick, got ${hcalls}/s`);
  const hwExits = await s.expected('hw-exit-rate');
  assert.ok(hwExits > 150 && hwExits < 250, `about 2 exits per tick (interrupt + I/O), got ${hwExits}/s`);
  assert.equal(await s.answer('pv-hypercall-rate', Math.round(hcalls)), true);
  assert.equal(await s.answer('hw-exit-rate', Math.round(hwExits)), true);
  await s.answerChoicesAndTexts('exits-by-reason');
  await s.expectStepPasses('exits-by-reason');

  const g = await s.grade();
  assert.equal(g.totals.checksPassed, g.totals.checks);
  assert.equal(g.totals.correct, g.totals.graded);
});

test('practical 2: skipping the trap-and-emulate run fails that check, and only that one', async () => {
  const s = await Student.start('monitors');
  for (const m of ['interp', 'bt', 'pv', 'hw']) await s.task('vm.powerOn', `sensitive-${m}`);
  await s.run(3);
  assert.equal((await s.status('bare-hardware')).checksPass, true);
  assert.equal((await s.status('correct-monitors')).checksPass, true);
  const te = await s.status('trap-and-emulate');
  assert.equal(te.checksPass, false);
  assert.match(te.checks[0].reason, /the console of sensitive-te does not show "smsw says: user mode", "not a correct virtual machine" \(it is empty\)/);
  // No sys-* VM ran: the cost checks say there are no samples rather than passing on zeros.
  const costs = await s.status('costs');
  assert.equal(costs.checksPass, false);
  assert.match(costs.checks[0].reason, /no samples of engine\.mips\.average for sys-te/);
});
