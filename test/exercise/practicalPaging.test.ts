// Practical 3, "Shadow versus nested paging", end to end through the contract: the TLB-miss sweep and
// the page-table churn under shadow and nested paging at 2 levels, the sweep at 4 levels — every check
// passes, the walk lengths are the formula's, and the crossover goes the way the handout says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Student } from '../helpers/practical';

test('practical 3: a student who follows the handout passes every step', async () => {
  const s = await Student.start('paging');
  await s.answerChoicesAndTexts('which-paging');
  await s.expectStepPasses('which-paging');

  await s.goTo('tlb-sweep');
  await s.task('vm.powerOn', 'tlb-shadow');
  await s.task('vm.powerOn', 'tlb-nested');
  await s.run(62);
  const n2 = await s.expected('nested-refs-2');
  const s2 = await s.expected('shadow-refs-2');
  const tlb2 = await s.expected('tlb-speedup');
  console.log(`2 levels: nested ${n2} refs/walk, shadow ${s2}, shadow ${tlb2}× faster on the sweep`);
  assert.ok(Math.abs(n2 - 8) < 0.2, `(2+1)(2+1)−1 = 8, measured ${n2}`);
  assert.ok(Math.abs(s2 - 2) < 0.2, `a 2-level shadow walk reads 2 entries, measured ${s2}`);
  assert.ok(tlb2 > 1.1, `shadow wins the TLB-miss sweep (${tlb2}×)`);
  for (const q of ['nested-refs-2', 'shadow-refs-2', 'tlb-speedup']) assert.equal(await s.answer(q, Number((await s.expected(q)).toFixed(2))), true);
  await s.expectStepPasses('tlb-sweep');

  await s.goTo('pt-churn');
  await s.task('vm.powerOff', 'tlb-shadow');
  await s.task('vm.powerOff', 'tlb-nested');
  await s.task('vm.powerOn', 'pt-shadow');
  await s.task('vm.powerOn', 'pt-nested');
  await s.run(62);
  const pt = await s.expected('pt-speedup');
  console.log(`page-table churn: nested ${pt}× faster, ${await s.expected('hidden-rate')} hidden faults/s under shadow`);
  assert.ok(pt > 1.1, `nested wins the page-table churn (${pt}×)`);
  for (const q of ['pt-speedup', 'hidden-rate']) assert.equal(await s.answer(q, Number((await s.expected(q)).toFixed(2))), true);
  await s.answerChoicesAndTexts('pt-churn');
  await s.expectStepPasses('pt-churn');

  await s.goTo('four-levels');
  await s.task('vm.powerOff', 'pt-shadow');
  await s.task('vm.powerOff', 'pt-nested');
  for (const vm of ['tlb-shadow', 'tlb-nested']) {
    const { taskId } = await s.api.command('vm.reconfigure', { vmId: await s.vmId(vm), changes: { pageTableLevels: 4 } });
    await s.waitTask(taskId);
    await s.task('vm.powerOn', vm);
  }
  await s.run(62);
  const n4 = await s.expected('nested-refs-4');
  console.log(`4 levels: nested ${n4} refs/walk, shadow ${await s.expected('tlb-speedup-4')}× faster`);
  assert.ok(Math.abs(n4 - 24) < 0.5, `(4+1)(4+1)−1 = 24, measured ${n4}`);
  for (const q of ['nested-refs-4', 'tlb-speedup-4']) assert.equal(await s.answer(q, Number((await s.expected(q)).toFixed(2))), true);
  await s.answerChoicesAndTexts('four-levels');
  await s.expectStepPasses('four-levels');

  await s.goTo('large-pages');
  assert.equal(await s.answer('refs-host-large', 19), true);
  assert.equal(await s.answer('refs-both-large', 15), true);
  assert.equal(await s.answer('refs-both-large', 24), false);
  assert.equal(await s.answer('refs-both-large', 15), true);
  await s.answerChoicesAndTexts('large-pages');
  await s.expectStepPasses('large-pages');

  const g = await s.grade();
  assert.equal(g.totals.checksPassed, g.totals.checks, JSON.stringify(g.steps.flatMap((x) => x.checks.filter((c) => !c.pass))));
  assert.equal(g.totals.correct, g.totals.graded);
});

test('practical 3: switching tlb-nested to shadow paging fails the right checks', async () => {
  const s = await Student.start('paging');
  const { taskId } = await s.api.command('vm.reconfigure', { vmId: await s.vmId('tlb-nested'), changes: { paging: 'shadow' } });
  await s.waitTask(taskId);
  const st = await s.status('which-paging');
  assert.equal(st.checksPass, false);
  assert.match(st.checks[0].reason, /tlb-nested runs shadow paging \(hw \+ shadow; needs nested\)/);
  // Forgetting to raise the levels: the 4-level check names what it found.
  await s.task('vm.powerOn', 'tlb-nested');
  const four = await s.status('four-levels');
  assert.match(four.checks[0].reason, /tlb-nested has 2-level page tables \(needs 4\)/);
});
