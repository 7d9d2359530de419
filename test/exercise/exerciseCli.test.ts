// `npx hvlab exercise list|show|check|validate`: the practicals are listed; a handout prints (with checks
// and answers for the instructor); a saved lab is graded step by step with reasons, the student's progress
// read back from the save; an instructor's folder (with its own scenarios) joins the built-in ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Student } from '../helpers/practical';
import { saveLab } from '../../src-main/node/storage/labStore';

const root = resolve(import.meta.dirname, '../..');
const hvlab = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), 'exercise', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

test('exercise list shows the built-in practicals in order', () => {
  const r = hvlab(['list']);
  assert.equal(r.status, 0, r.stderr);
  const names = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[1]);
  assert.deepEqual(names, ['client-tour', 'monitors', 'paging', 'overcommit', 'memory', 'migration', 'consolidation', 'availability']);
  const json = JSON.parse(hvlab(['list', '--json']).stdout);
  assert.equal(json[1].title, 'Trap-and-emulate and its holes');
  assert.equal(json[1].source, 'built-in');
});

test('exercise show prints the handout; --instructor adds checks and answers', () => {
  const student = hvlab(['show', 'monitors']);
  assert.equal(student.status, 0, student.stderr);
  assert.match(student.stdout, /^Practical 2: Trap-and-emulate and its holes/);
  assert.match(student.stdout, /Step 2\. Trap-and-emulate {2}\[trap-and-emulate\]/);
  assert.ok(!student.stdout.includes('← correct') && !student.stdout.includes('check:'), 'no answers for students');
  const teacher = hvlab(['show', 'monitors', '--instructor']);
  assert.match(teacher.stdout, /check: sensitive-te saw the real, deprivileged CPU/);
  assert.match(teacher.stdout, /b\) every sensitive instruction is privileged \(sensitive ⊆ privileged\)\. {3}← correct/);
  const missing = hvlab(['show', 'nope']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no exercise "nope" \(known: client-tour, monitors, paging, overcommit, memory, migration, consolidation, availability\)/);
});

test('exercise check grades a saved lab: every step with pass/fail and why, and the recorded progress', async () => {
  const s = await Student.start('client-tour');
  await s.answerChoicesAndTexts('inventory');
  await s.answer('host-count', 3);
  await s.expectStepPasses('inventory');
  await s.goTo('snapshot');
  const { taskId } = await s.api.command('vm.snapshot.create', { vmId: await s.vmId('web-01'), name: 'before-patch', memory: true });
  await s.waitTask(taskId);
  await s.expectStepPasses('snapshot');
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-lab-'));
  saveLab(dir, s.engine.saveState());

  const r = hvlab(['check', 'client-tour', dir]);
  assert.equal(r.status, 3, r.stderr);
  const out = r.stdout;
  assert.match(out, /client-tour\) — Test Student/);
  assert.match(out, /^PASS {2}step 1 inventory: Find your way around \[recorded: passed at 0\.0 s\]$/m);
  assert.match(out, /✗ question host-count: "3"; lab: 2$/m);
  assert.match(out, /^PASS {2}step 5 snapshot: Take a snapshot with memory \[recorded: passed at /m);
  assert.match(out, /✓ web-01 has a snapshot "before-patch" with memory — found web-01\/before-patch \(memory\)/);
  assert.match(out, /^FAIL {2}step 4 performance: Performance counters \[recorded: open\]$/m);
  assert.match(out, /✗ esx-01 has a power sample — no samples of power\.power\.average for esx-01/);
  assert.match(out, /^FAIL {2}step 6 power: Start, suspend, stop \[recorded: open\]$/m);
  assert.match(out, /steps 4\/6 passed, checks \d+\/\d+, answers 1\/\d+ correct/);

  const json = JSON.parse(hvlab(['check', 'client-tour', dir, '--json']).stdout);
  assert.equal(json.studentName, 'Test Student');
  assert.equal(json.steps[4].checksPass, true);
  assert.equal(json.steps[0].answers.find((a: { id: string }) => a.id === 'host-count').correct, false);

  const notALab = hvlab(['check', 'client-tour', tmpdir()]);
  assert.equal(notALab.status, 1);
  assert.match(notALab.stderr, /no saved lab in/);
});

test('an instructor folder adds exercises and their scenarios; validate reports file:line:col', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-folder-'));
  mkdirSync(join(dir, 'scenarios'));
  writeFileSync(join(dir, 'scenarios', 'my-lab.yaml'), 'version: 1\nname: my-lab\ntitle: Mine\ndatacenters:\n  - name: D\n    hosts: [ { name: h1 } ]\n    vms: [ { name: v1, host: h1 } ]\n');
  writeFileSync(join(dir, 'mine.yaml'), [
    'exercise: 1', 'name: mine', 'number: 20', 'title: My own', 'summary: Mine.', 'scenario: my-lab', 'objectives: [Start v1]',
    'steps:', '  - id: start', '    title: Start', '    instructions: Power on v1.', '    checks:', '      - vm: { name: v1, powerState: poweredOn }',
  ].join('\n'));
  writeFileSync(join(dir, 'broken.yaml'), 'exercise: 1\nname: broken\ntitle: B\nsummary: b\nscenario: my-lab\nobjectives: [x]\nsteps: []\n');
  const r = hvlab(['list'], { HVLAB_EXERCISES: dir });
  assert.equal(r.status, 1, 'an invalid file in the folder is reported');
  assert.match(r.stdout, /20 {2}mine {20} My own {2}\(1 steps, scenario my-lab, from .*mine\.yaml\)/);
  assert.match(r.stderr, /broken\.yaml:7:1: error: steps: needs at least 1 item/);
  const v = hvlab(['validate', join(dir, 'mine.yaml'), join(dir, 'broken.yaml')], { HVLAB_EXERCISES: dir });
  assert.equal(v.status, 1);
  assert.match(v.stdout, /mine\.yaml: ok \(mine: 1 steps\)/);
  assert.match(v.stderr, /broken\.yaml:7:1: error: steps: needs at least 1 item/);
});
