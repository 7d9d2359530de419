// Practical 8, "Availability", end to end through the contract: ha-H0 loses power (Simulate failure),
// HA declares it failed after 15 s and restarts db-01, app-01 and batch-01 in priority order; admission
// control refuses spare-01; with the isolation response set to power off and restart, cutting ha-H2's
// management network gets web-02 restarted elsewhere. The student reads the downtimes from the events
// (the same figures as Monitor › vSphere HA's restarts); the handout's fixed availability answers are the
// engine's own `availability.cluster` formula, which its simulation brackets. Every check passes, every
// graded answer is right, and the saved lab grades the same. A run without the failure fails the named checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterId } from '../../src-shared/model/ids';
import { ApiException } from '../../src-shared/api/index';
import { saveLab } from '../../src-main/node/storage/labStore';
import { openSavedLab } from '../../src-main/node/exercise/labAccess';
import { gradeRun } from '../../src-shared/exercise/index';
import { Student } from '../helpers/practical';

async function clusterId(s: Student): Promise<ClusterId> {
  return (await s.api.query('inventory.get', {})).clusters.find((c) => c.name === 'HA')!.id;
}

test('practical 8: a student who follows the handout passes every step', async () => {
  const s = await Student.start('availability');
  await s.run(5);
  const ha = await s.api.query('cluster.services', { clusterId: await clusterId(s) });
  const adm = ha.haState.admission!;
  console.log(`slot ${adm.slotCpuMhz} MHz / ${adm.slotMemMiB} MiB, ${adm.totalSlots} slots, ${adm.failoverSlots} kept, ${adm.usedSlots} used`);
  assert.equal(await s.answer('slots-per-host', 2), true);
  assert.equal(await s.answer('slots-free', adm.totalSlots! - adm.failoverSlots! - adm.usedSlots!), true);
  await s.expectStepPasses('protect');

  await s.goTo('failover');
  await s.api.command('fault.inject', { kind: 'hostCrash', targetId: await s.hostId('ha-H0') });
  await s.run(30);
  const restarts = (await s.api.query('cluster.services', { clusterId: await clusterId(s) })).haState.restarts;
  const down = Object.fromEntries(restarts.map((r) => [r.vmName, r.downtimeMs! / 1000]));
  console.log(`restarts: ${restarts.map((r) => `${r.vmName} (${r.priority}) down ${r.downtimeMs} ms`).join(', ')}`);
  assert.deepEqual(restarts.map((r) => r.vmName), ['db-01', 'app-01', 'batch-01'], 'highest priority first');
  assert.equal(await s.answer('detect', 15), true);
  assert.equal(await s.answer('down-db', Math.round(down['db-01'] * 10) / 10), true, 'the Monitor\'s downtime is the events\'');
  assert.equal(await s.answer('down-batch', Math.round(down['batch-01'] * 10) / 10), true);
  await s.answerChoicesAndTexts('failover');
  await s.expectStepPasses('failover');

  await s.goTo('admission');
  await assert.rejects(s.api.command('vm.powerOn', { vmId: await s.vmId('spare-01') }), (e: unknown) => e instanceof ApiException && e.error.code === 'E_INSUFFICIENT_RESOURCES');
  await s.run(1);
  assert.equal(await s.answer('slots-after', 6), true);
  await s.answerChoicesAndTexts('admission');
  await s.expectStepPasses('admission');

  await s.goTo('isolation');
  await s.api.command('cluster.configure', { clusterId: await clusterId(s), ha: { isolationResponse: 'powerOffAndRestart' } });
  await s.api.command('fault.inject', { kind: 'hostIsolation', targetId: await s.hostId('ha-H2') });
  await s.run(40);
  const web02 = (await s.api.query('cluster.services', { clusterId: await clusterId(s) })).haState.restarts.find((r) => r.vmName === 'web-02')!;
  console.log(`web-02 restarted after isolation, down ${web02.downtimeMs} ms`);
  assert.equal(await s.answer('down-web02', Math.round(web02.downtimeMs! / 100) / 10), true);
  await s.answerChoicesAndTexts('isolation');
  await s.expectStepPasses('isolation');

  await s.goTo('maths');
  const av = await s.api.query('availability.cluster', { clusterId: await clusterId(s), mtbfH: 2000, mttrH: 48 });
  console.log(`availability.cluster: host ${av.hostAvailability}, formula ${av.formula} (${av.formulaDowntimeHoursPerYear} h/year, tier ${av.tier}), simulated ${av.simulated} ± ${av.halfWidth}`);
  assert.equal(av.tolerate, 1);
  assert.equal(await s.answer('a-host', Number(av.hostAvailability.toFixed(5))), true, 'the handout\'s answers are the engine\'s formula');
  assert.equal(await s.answer('a-cluster', Number(av.formula.toFixed(5))), true);
  assert.equal(await s.answer('downtime-year', Number(av.formulaDowntimeHoursPerYear.toFixed(1))), true);
  assert.equal(av.tier, 'I');
  assert.equal(await s.answer('tier', 1), true);
  assert.ok(Math.abs(av.hostAvailability - 0.97656) < 1e-5 && Math.abs(av.formula - 0.99681) < 1e-5, 'the handout\'s worked figures');
  assert.ok(Math.abs(av.simulated - av.formula) <= av.halfWidth, 'the simulated year brackets the formula');
  assert.equal(await s.answer('parallel', 99.89), true);
  await s.answerChoicesAndTexts('maths');

  await s.goTo('design');
  const below = { groups: [{ name: 'utility feed', availability: 0.999, need: 1, scheme: 'N' as const }, { name: 'UPS', mtbfH: 50_000, mttrH: 8, need: 2, scheme: 'N+1' as const }, { name: 'cooling', availability: 0.998, need: 3, scheme: 'N+1' as const }] };
  await s.api.command('availability.design.save', { design: below });
  const first = await s.status('design');
  console.log(first.checks.map((c) => `${c.label}: ${c.pass} — ${c.reason}`).join('\n'));
  assert.deepEqual(first.checks.map((c) => c.pass), [false, true], 'a single utility feed stays below tier III');
  const tier3 = { groups: [{ ...below.groups[0], scheme: '2N' as const }, below.groups[1], below.groups[2]] };
  await s.api.command('availability.design.save', { design: tier3 });
  const d = await s.api.query('availability.design', tier3);
  console.log(`saved design: ${d.availability} (${d.downtimeHoursPerYear} h/year, tier ${d.tier})`);
  assert.ok(d.tier === 'III' || d.tier === 'IV', `tier ${d.tier}`);
  assert.equal(await s.answer('design-downtime', Number((d.downtimeHoursPerYear + 0.5).toFixed(2))), false);
  assert.equal(await s.answer('design-downtime', Number(d.downtimeHoursPerYear.toFixed(2))), true);
  await s.answerChoicesAndTexts('design');
  await s.expectStepPasses('design');

  const g = await s.grade();
  assert.equal(g.totals.checksPassed, g.totals.checks, JSON.stringify(g.steps.flatMap((x) => x.checks.filter((c) => !c.pass))));
  assert.equal(g.totals.correct, g.totals.graded);

  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-ha-'));
  saveLab(dir, s.engine.saveState());
  console.log(`saved lab: ${dir}`);
  const saved = await openSavedLab(dir);
  const again = await gradeRun(s.exercise, saved.api.query, saved.progress);
  assert.deepEqual(again.totals, g.totals);
});

test('practical 8: a management-network cut instead of a power loss (isolation response disabled) restarts nothing, and the failover checks say so', async () => {
  const s = await Student.start('availability');
  await s.goTo('failover');
  await s.api.command('fault.inject', { kind: 'hostIsolation', targetId: await s.hostId('ha-H0') });
  await s.run(35);
  const st = await s.status('failover');
  console.log(st.checks.map((c) => `${c.label}: ${c.pass} — ${c.reason}`).join('\n'));
  assert.deepEqual(st.checks.map((c) => c.pass), [false, false, false]);
  assert.match(st.checks[0].reason, /0 DasHostFailedEvent event\(s\) of ha-H0 during this step/);
  assert.equal(await s.answer('tier', 2), false);
  await s.goTo('design');
  const design = await s.status('design');
  assert.deepEqual(design.checks.map((c) => c.pass), [false, false]);
  assert.match(design.checks[0].reason, /no design has been saved with the lab yet/);
});
