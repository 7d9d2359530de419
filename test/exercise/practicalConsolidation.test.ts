// Practical 7, "Consolidation", end to end through the contract: the Placement page's numbers
// (placement.plan, as the client asks for them) are the ones the checker expects; FF > FFD = optimum for
// the eight VMs, FFD > optimum once batch-09 runs; the student's model (the handout's model answer) proves
// the engine's optimum; placement.apply moves the VMs by live migration and puts the emptied hosts into standby; the
// cluster's modelled power falls by two hosts' idle less standby watts. Every check passes and every
// graded answer is right — and a plan applied without standby fails the right checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterId, HostId, VmId } from '../../src-shared/model/ids';
import type { PlacementAlgoName } from '../../src-shared/model/placement';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { solveModel } from '../../src-main/engine/placement/index';
import { saveLab } from '../../src-main/node/storage/labStore';
import { openSavedLab } from '../../src-main/node/exercise/labAccess';
import { gradeRun } from '../../src-shared/exercise/index';
import { Student } from '../helpers/practical';

async function clusterId(s: Student): Promise<ClusterId> {
  const c = (await s.api.query('inventory.get', {})).clusters.find((x) => x.name === 'Pack');
  assert.ok(c, 'no cluster Pack');
  return c.id;
}

/** What the Placement page shows after "Compute plan" with an algorithm: the same query the client sends. */
async function computePlan(s: Student, algo: PlacementAlgoName) {
  return s.api.query('placement.plan', { algo, clusterId: await clusterId(s), maxConcurrentPerHost: 2, allowSuspend: false });
}

/** The page's Apply: the plan's target, with or without standby for the emptied hosts; waits for the task. */
async function applyPlan(s: Student, algo: PlacementAlgoName, standbyEmptied: boolean): Promise<void> {
  const plan = await computePlan(s, algo);
  assert.ok(plan.feasible, plan.reason);
  const target = plan.target.placement.filter((x) => x.binId).map((x) => ({ vmId: x.itemId as VmId, hostId: x.binId as HostId }));
  const { taskId } = await s.api.command('placement.apply', { clusterId: await clusterId(s), target, maxConcurrentPerHost: 2, standbyEmptied });
  await s.waitTask(taskId);
}

test('practical 7: a student who follows the handout passes every step', async () => {
  const s = await Student.start('consolidation');
  await s.run(42);
  assert.equal(await s.answer('mem-capacity', 1024), true);
  assert.equal(await s.answer('cpu-capacity', 80), true);
  await s.answerChoicesAndTexts('bins');
  await s.expectStepPasses('bins');

  await s.goTo('compare');
  await s.run(5); // the student spends some time on the Placement page: the step has a window of its own
  const shown: Record<string, number> = {};
  for (const algo of ['ff', 'ffd', 'exact'] as const) shown[algo] = (await computePlan(s, algo)).hostsAfter;
  const bound = (await computePlan(s, 'exact')).target.lowerBound;
  console.log(`eight VMs: the page shows FF ${shown.ff}, FFD ${shown.ffd}, exact ${shown.exact} hosts, lower bound ${bound}`);
  assert.deepEqual(shown, { ff: 4, ffd: 3, exact: 3 }, 'the handout promises FF > FFD = optimum');
  assert.equal(await s.expected('ff-hosts'), shown.ff, 'the checker expects what the page shows');
  assert.equal(await s.expected('ffd-hosts'), shown.ffd);
  assert.equal(await s.expected('opt-hosts'), shown.exact);
  assert.equal(await s.expected('lower-bound'), bound);
  for (const [q, v] of [['ff-hosts', shown.ff], ['ffd-hosts', shown.ffd], ['opt-hosts', shown.exact], ['lower-bound', bound!]] as const) {
    assert.equal(await s.answer(q, v), true, q);
  }
  await s.answerChoicesAndTexts('compare');
  await s.expectStepPasses('compare');

  await s.goTo('ninth');
  await s.task('vm.powerOn', 'batch-09');
  await s.run(60);
  const ffd9 = await computePlan(s, 'ffd');
  const exact9 = await computePlan(s, 'exact');
  console.log(`nine VMs: FFD ${ffd9.hostsAfter}, exact ${exact9.hostsAfter} (proven: ${exact9.target.provenOptimal}, by ${exact9.target.provenBy})`);
  assert.equal(ffd9.hostsAfter, 4);
  assert.equal(exact9.hostsAfter, 3);
  assert.equal(exact9.target.provenBy, 'solver', 'no heuristic meets the bound: HiGHS proves it');
  assert.equal(await s.answer('ffd-nine', ffd9.hostsAfter), true);
  assert.equal(await s.answer('opt-nine', exact9.hostsAfter), true);
  assert.equal(await s.answer('ffd-bound', 4.33), true);
  await s.answerChoicesAndTexts('ninth');
  await s.expectStepPasses('ninth');

  await s.goTo('model');
  const q = s.exercise.steps[s.stepIndex('model')].questions!.find((x) => x.id === 'your-model')!;
  const model = 'text' in q ? q.text!.modelAnswer! : '';
  const both = solveModel(model, 'pack.cp');
  const memOnly = solveModel(model.replace(/^constraint "cpu".*$/m, ''), 'pack-mem.cp');
  assert.ok(both.ok && memOnly.ok, 'the model answer compiles');
  console.log(`the student's model: ${both.status} ${both.objective}; memory only: ${memOnly.status} ${memOnly.objective}`);
  assert.equal(both.status, 'optimal');
  assert.equal(both.objective, await s.expected('model-opt'), 'the student\'s model proves the engine\'s optimum');
  assert.equal(await s.answer('model-opt', both.objective!), true);
  assert.equal(memOnly.status, 'optimal');
  assert.equal(await s.answer('model-mem-only', memOnly.objective!), true);
  assert.equal(await s.answer('milp-size', 9 * 5 + 5), true);
  await s.answerChoicesAndTexts('model');

  await s.goTo('apply');
  const plan = await computePlan(s, 'exact');
  console.log(`plan: ${plan.hostsBefore} → ${plan.hostsAfter} hosts, ${plan.moved} moves, estimated ${plan.durationMs} ms, standby saves ${plan.standbySavingW} W`);
  await applyPlan(s, 'exact', true);
  await s.run(10);
  assert.equal(await s.expected('moved'), plan.moved, 'one Relocate virtual machine task per moved VM');
  assert.equal(await s.answer('moved', plan.moved), true);
  assert.equal(await s.answer('apply-seconds', Number((await s.expected('apply-seconds')).toFixed(1))), true);
  await s.answerChoicesAndTexts('apply');
  await s.expectStepPasses('apply');
  const hosts = (await s.api.query('inventory.get', {})).hosts;
  assert.equal(hosts.filter((h) => h.powerState === 'standBy').length, 2);

  await s.goTo('energy');
  await s.run(62);
  const saving = await s.expected('saving');
  const after = await s.expected('power-after');
  console.log(`cluster power after ${after} W, saving ${saving} W (predicted ${plan.standbySavingW} W)`);
  assert.ok(Math.abs(saving - plan.standbySavingW) < 10, `two emptied hosts: 2 × (80 − 8) W saved (${saving} W)`);
  assert.equal(await s.answer('power-after', Math.round(after)), true);
  assert.equal(await s.answer('saving', Math.round(saving)), true);
  assert.equal(await s.answer('kwh-day', Number((saving * 0.024).toFixed(2))), true);
  await s.answerChoicesAndTexts('energy');
  await s.expectStepPasses('energy');

  const g = await s.grade();
  assert.equal(g.totals.checksPassed, g.totals.checks, JSON.stringify(g.steps.flatMap((x) => x.checks.filter((c) => !c.pass))));
  const wrong = g.steps.flatMap((x) => x.answers.filter((a) => a.kind !== 'text' && a.correct !== true).map((a) => `${a.id}: ${a.answer} vs ${a.expectedText}`));
  assert.deepEqual(wrong, [], 'graded now, after the consolidation, every answer is still right');
  assert.equal(g.totals.correct, g.totals.graded);

  // An instructor grades the saved lab (as `exercise check` does): the same verdicts, the exact answers
  // proven again by the solver of the lab the grader opens.
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-pack-'));
  saveLab(dir, s.engine.saveState());
  const saved = await openSavedLab(dir);
  const again = await gradeRun(s.exercise, saved.api.query, saved.progress);
  assert.deepEqual(again.totals, g.totals);
});

test('practical 7: applying a plan without standby fails the standby and energy checks; a wrong count fails its question', async () => {
  const s = await Student.start('consolidation');
  await s.goTo('ninth');
  await s.task('vm.powerOn', 'batch-09');
  await s.run(30);
  assert.equal(await s.answer('ffd-nine', 3), false, 'FFD needs 4 hosts for the nine VMs, not the optimum');
  await s.goTo('apply');
  await applyPlan(s, 'ffd', false);
  const st = await s.status('apply');
  assert.deepEqual(st.checks.map((c) => c.pass), [true, false, true]);
  assert.match(st.checks[1].reason, /0 EnteredStandbyModeEvent event\(s\).*needs ≥ 2/);
  await s.goTo('energy');
  await s.run(62);
  const energy = await s.status('energy');
  assert.equal(energy.checks[0].pass, false);
  assert.match(energy.checks[0].reason, /power\.power\.average.*cluster Pack.*needs < 320/);
});
