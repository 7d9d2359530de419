// The exercise file format: every built-in practical loads; a bad file is reported as file:line:col
// errors naming the field (all of them, with "did you mean"); images are inlined from the exercise's
// own folder only; the Markdown subset never lets HTML through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExerciseFileError, loadExerciseFile, loadExercises } from '../../src-main/node/exercise/exerciseFiles';
import { renderMarkdown, validateExercise } from '../../src-shared/exercise/index';

test('the built-in practicals load, in order', () => {
  const { exercises, errors } = loadExercises({ dirs: [join(import.meta.dirname, '../../resources/exercises')] });
  assert.deepEqual(errors, []);
  assert.deepEqual(exercises.map((x) => x.exercise.name), ['client-tour', 'monitors', 'paging', 'overcommit', 'memory', 'migration', 'consolidation', 'availability']);
  for (const x of exercises) {
    assert.ok(x.exercise.steps.every((s) => (s.checks?.length ?? 0) + (s.questions?.length ?? 0) > 0), `${x.exercise.name}: every step checks or asks something`);
  }
});

const GOOD = `exercise: 1
name: tiny
title: Tiny
summary: A tiny exercise.
scenario: lab-small
objectives: [Power on a VM]
steps:
  - id: one
    title: Power on
    instructions: Power on DC0_C0_H0_VM0.
    checks:
      - vm: { name: DC0_C0_H0_VM0, powerState: poweredOn }
`;

function write(dir: string, name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function errorsOf(file: string): string[] {
  try {
    loadExerciseFile(file);
  } catch (e) {
    assert.ok(e instanceof ExerciseFileError, String(e));
    return e.message.split('\n');
  }
  assert.fail('expected the file to be refused');
}

/** A one-step exercise file's text: its 10 header lines (name `name`), then `rest` from line 11. */
function oneStep(name: string, rest: string): string {
  const title = name[0].toUpperCase() + name.slice(1);
  return `exercise: 1\nname: ${name}\ntitle: ${title}\nsummary: ${title}.\nscenario: lab-small\nobjectives: [x]\nsteps:\n  - id: one\n    title: One\n    instructions: Do it.\n${rest}`;
}

/** The file is refused with exactly these errors, in this order. */
function assertErrors(file: string, expect: RegExp[]): void {
  const errs = errorsOf(file);
  assert.equal(errs.length, expect.length, errs.join('\n'));
  expect.forEach((re, i) => assert.match(errs[i], re));
}

test('a valid file loads; its name must match the file name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-'));
  assert.equal(loadExerciseFile(write(dir, 'tiny.yaml', GOOD)).exercise.steps[0].id, 'one');
  const errs = errorsOf(write(dir, 'other.yaml', GOOD));
  assert.deepEqual(errs, [`${join(dir, 'other.yaml')}:2:1: error: name: the name must match the file name ("other")`]);
});

test('bad fields are reported with file:line:col, the field path and a hint — all of them at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-'));
  const file = write(dir, 'bad.yaml', `exercise: 1
name: bad
title: Bad
summary: Bad.
scenario: no-such-scenario
objectives: [x]
steps:
  - id: one
    title: One
    instructions: Do it.
    checks:
      - vm: { name: web-01, powerstate: poweredOn }
      - counter: { vm: web-01, name: cpu.ready.summation, over: 5 min, above: 5 }
      - counter: { host: esx-01, name: cpu.maxlimited.summation, above: 1 }
      - counter: { vm: web-01, name: cpu.usage.average, as: percent, above: 1 }
      - counter: { vm: web-01, name: cpu.nosuch.average, above: 1 }
      - vm: { name: a }
        task: { operation: vm.powerOn }
      - snapshot: { vm: web-01, count: { atleast: 1 } }
    questions:
      - id: q1
        prompt: How many?
        number: { answer: { host: esx-01, field: cpus } }
      - id: q1
        prompt: Which?
        choice: { options: [ { text: a }, { text: b } ] }
`);
  assertErrors(file, [
    /bad\.yaml:5:1: error: scenario: no scenario "no-such-scenario" \(known: .*lab-small.*\)/,
    /bad\.yaml:12:29: error: steps\[0\]\.checks\[0\]\.vm\.powerstate: "powerstate" is not a field here \(did you mean "powerState"\?\)/,
    /bad\.yaml:13:59: error: steps\[0\]\.checks\[1\]\.counter\.over: expected a duration like 500ms, 30s, 5m or 1h, got the text "5 min"/,
    /bad\.yaml:14:34: error: steps\[0\]\.checks\[2\]\.counter\.name: counter "cpu\.maxlimited\.summation" is not kept for a host \(only for vm\)/,
    /bad\.yaml:15:57: error: steps\[0\]\.checks\[3\]\.counter\.as: "as: percent" turns a time counter/,
    /bad\.yaml:16:32: error: steps\[0\]\.checks\[4\]\.counter\.name: no counter "cpu\.nosuch\.average" in the lab's catalogue/,
    /bad\.yaml:18:9: error: steps\[0\]\.checks\[5\]\.task: a check has one kind, found vm and task \(combine checks with all: \[\.\.\.\]\)/,
    /bad\.yaml:19:42: error: steps\[0\]\.checks\[6\]\.snapshot\.count\.atleast: "atleast" is not a field here \(did you mean "atLeast"\?\)/,
    /bad\.yaml:23:43: error: steps\[0\]\.questions\[0\]\.number\.answer\.field: expected one of sockets, .*logicalCpus.*, got the text "cpus"/,
    /bad\.yaml:24:9: error: steps\[0\]\.questions\[1\]\.id: question id "q1" is already used at steps\[0\]\.questions\[0\]/,
    /bad\.yaml:26:19: error: steps\[0\]\.questions\[1\]\.choice\.options: mark at least one option correct: true/,
  ]);
});

test('placement expressions: algorithm, fields and VM lists are validated with their positions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-'));
  const file = write(dir, 'pack.yaml', oneStep('pack', `    questions:
      - id: ok
        prompt: Hosts?
        number: { answer: { placement: { cluster: DC0_C0, algo: ffd, vms: [a, b], standbyHosts: available }, field: hostsUsed } }
      - id: q1
        prompt: Hosts?
        number: { answer: { placement: { cluster: DC0_C0, algo: fdd }, field: hosts } }
      - id: q2
        prompt: Hosts?
        number: { answer: { placement: { cluster: DC0_C0, algo: ff, vms: [a, a], demand: usage }, field: unplaced } }
      - id: q3
        prompt: Hosts?
        number: { answer: { placement: { algo: exact }, field: lowerBound } }
      - id: q4
        prompt: Hosts?
        number: { answer: { placement: { cluster: DC0_C0, algo: ff, standby: on }, field: hostsUsed } }
`));
  assertErrors(file, [
    /pack\.yaml:17:59: error: steps\[0\]\.questions\[1\]\.number\.answer\.placement\.algo: expected one of nf, ff, .*exact, got the text "fdd" \(did you mean "ffd"\?\)/,
    /pack\.yaml:17:72: error: steps\[0\]\.questions\[1\]\.number\.answer\.field: expected one of hostsUsed, lowerBound, unplaced, got the text "hosts"/,
    /pack\.yaml:20:\d+: error: steps\[0\]\.questions\[2\]\.number\.answer\.placement\.demand: expected one of configured, reservation, got the text "usage"/,
    /pack\.yaml:20:\d+: error: steps\[0\]\.questions\[2\]\.number\.answer\.placement\.vms\[1\]: VM "a" is listed twice/,
    /pack\.yaml:23:29: error: steps\[0\]\.questions\[3\]\.number\.answer\.placement\.cluster: "cluster" is required/,
    /pack\.yaml:26:\d+: error: steps\[0\]\.questions\[4\]\.number\.answer\.placement\.standby: "standby" is not a field here; allowed: cluster, algo, demand, vms, standbyHosts/,
  ]);
});

test('availability expressions: one of design: saved, groups or cluster, with the fields of its kind, validated with their positions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-'));
  const file = write(dir, 'avail.yaml', oneStep('avail', `    questions:
      - id: ok
        prompt: A?
        number: { answer: { availability: { groups: [ { name: psu, mtbfH: 100, mttrH: 1, need: 1, scheme: N+1 } ], combine: parallel }, field: tier } }
      - id: ok2
        prompt: A?
        number: { answer: { availability: { cluster: DC0_C0, mtbfH: 2000, mttrH: 48 }, field: formula } }
      - id: q1
        prompt: A?
        number: { answer: { availability: { design: saved }, field: formula } }
      - id: q2
        prompt: A?
        number: { answer: { availability: { design: mine, cluster: DC0_C0 }, field: tier } }
      - id: q3
        prompt: A?
        number: { answer: { availability: { groups: [ { name: ups, mtbfH: 100, need: 1, scheme: 3N } ] }, field: availability } }
`));
  const errs = errorsOf(file);
  const expect = [
    /avail\.yaml:20:\d+: error: steps\[0\]\.questions\[2\]\.number\.answer\.field: expected one of availability, downtimeHoursPerYear, tier, groups, got the text "formula"/,
    /avail\.yaml:23:\d+: error: steps\[0\]\.questions\[3\]\.number\.answer\.availability: an availability expression names one of design: saved, groups or cluster, found design and cluster/,
    /avail\.yaml:26:\d+: error: steps\[0\]\.questions\[4\]\.number\.answer\.availability\.groups\[0\]: a group gives its availability, or both mtbfH and mttrH/,
    /avail\.yaml:26:\d+: error: steps\[0\]\.questions\[4\]\.number\.answer\.availability\.groups\[0\]\.scheme: expected one of N, N\+1, 2N, 2N\+1/,
  ];
  assert.equal(errs.length, expect.length, errs.join('\n'));
  for (const re of expect) assert.ok(errs.some((e) => re.test(e)), `${re} in\n${errs.join('\n')}`);
});

test('migration selectors: technique, destination and fields are validated with their positions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-'));
  const file = write(dir, 'mig.yaml', oneStep('mig', `    checks:
      - migration: { vm: DC0_C0_H0_VM0, mode: precopy, to: DC0_C0_H1, compressed: false, autoConverge: true, state: error, downtimeMs: { below: 300 } }
      - migration: { vm: DC0_C0_H0_VM0, mode: pre-copy, compressed: yes }
    questions:
      - id: ok
        prompt: Rounds?
        number: { answer: { migration: { vm: DC0_C0_H0_VM0, mode: stop-copy, which: first }, field: rounds } }
      - id: q1
        prompt: Pages?
        number: { answer: { migration: { vm: DC0_C0_H0_VM0, destination: x }, field: pagesSent } }
`));
  assertErrors(file, [
    /mig\.yaml:13:\d+: error: steps\[0\]\.checks\[1\]\.migration\.mode: expected one of stop-copy, precopy, postcopy, hybrid, got the text "pre-copy"/,
    /mig\.yaml:13:\d+: error: steps\[0\]\.checks\[1\]\.migration\.compressed: /,
    /mig\.yaml:20:\d+: error: steps\[0\]\.questions\[1\]\.number\.answer\.migration\.destination: "destination" is not a field here; allowed: vm, state, since, mode, stopRule, to, compressed, autoConverge, xbzrle, dedup, which/,
    /mig\.yaml:20:\d+: error: steps\[0\]\.questions\[1\]\.number\.answer\.field: expected one of downtimeMs, durationMs, totalTimeMs, rounds, .*got the text "pagesSent"/,
  ]);
});

test('report charts: counters of one entity, or the round tables of migrations with their series (at most two units)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-'));
  const file = write(dir, 'charts.yaml', oneStep('charts', `report:
  charts:
    - { title: ok rounds, migrations: { vm: DC0_C0_H0_VM0, xbzrle: true }, series: [remainingMiB, sentMiB, throttlePct] }
    - { title: ok counters, host: DC0_C0_H0, counters: [net.transmitted.average] }
    - { title: both, vm: DC0_C0_H0_VM0, migrations: { vm: DC0_C0_H0_VM0 }, series: [remainingMiB] }
    - { title: no series, migrations: { vm: DC0_C0_H0_VM0 } }
    - { title: three units, migrations: { vm: DC0_C0_H0_VM0 }, series: [remainingMiB, throttlePct, expectedDowntimeMs, pagesSent] }
    - { title: series without migrations, host: DC0_C0_H0, counters: [net.transmitted.average], series: [sentMiB] }
    - { title: no counters, host: DC0_C0_H0 }
`));
  assertErrors(file, [
    /charts\.yaml:15:\d+: error: report\.charts\[2\]\.vm: a chart of migrations draws their round tables \("series"\); "vm" belongs to a counter chart/,
    /charts\.yaml:16:\d+: error: report\.charts\[3\]\.series: "series" is required: one or more of remainingMiB, sentMiB, bandwidthMiBps, dirtiedPages, throttlePct, expectedDowntimeMs/,
    /charts\.yaml:17:\d+: error: report\.charts\[4\]\.series\[3\]: expected one of remainingMiB, .*got the text "pagesSent"/,
    /charts\.yaml:17:\d+: error: report\.charts\[4\]\.series: a chart has two y axes; these series need 3 \(MiB, %, ms\)/,
    /charts\.yaml:18:\d+: error: report\.charts\[5\]\.series: "series" belongs to a chart of "migrations"/,
    /charts\.yaml:19:\d+: error: report\.charts\[6\]\.counters: "counters" is required/,
  ]);
});

test('YAML syntax errors carry their position', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-'));
  const errs = errorsOf(write(dir, 'syn.yaml', 'exercise: 1\nname: syn\nsteps:\n  - id: a\n   title: misindented\n'));
  assert.match(errs[0], /syn\.yaml:5:\d+: error: /);
  const dup = errorsOf(write(dir, 'dup.yaml', 'exercise: 1\nname: dup\nname: dup\n'));
  assert.match(dup[0], /dup\.yaml:3:1: error: Map keys must be unique/);
});

test('images are inlined from the exercise folder; outside paths, URLs and missing files are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-ex-'));
  mkdirSync(join(dir, 'img'));
  writeFileSync(join(dir, 'img', 'menu.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  const ok = loadExerciseFile(write(dir, 'pic.yaml', GOOD.replace('name: tiny', 'name: pic').replace('Power on DC0_C0_H0_VM0.', '"![the menu](img/menu.png) then power on."')));
  assert.match(ok.exercise.steps[0].instructions, /^!\[the menu\]\(data:image\/png;base64,iVBORw0KGgo=\) then power on\.$/);
  const bad = errorsOf(write(dir, 'pics.yaml', GOOD.replace('name: tiny', 'name: pics').replace('Power on DC0_C0_H0_VM0.', '"![a](../etc/passwd.png) ![b](https://example.com/x.png) ![c](img/none.png)"')));
  assert.equal(bad.length, 3);
  assert.match(bad[0], /pics\.yaml:10:5: error: steps\[0\]\.instructions: image "\.\.\/etc\/passwd\.png" is outside the exercise's folder/);
  assert.match(bad[1], /image "https:\/\/example\.com\/x\.png": exercises show images from their own folder only/);
  assert.match(bad[2], /image "img\/none\.png": no such file/);
});

test('the validator alone: closed objects, prototype keys refused, bounded nesting', () => {
  const base = { exercise: 1, name: 'x', title: 'X', summary: 's', scenario: 'lab-small', objectives: ['o'], steps: [{ id: 'a', title: 'A', instructions: 'i' }] };
  assert.ok('exercise' in validateExercise(base));
  const proto = JSON.parse('{"exercise":1,"name":"x","title":"X","summary":"s","scenario":"lab-small","objectives":["o"],"steps":[],"__proto__":{"steps":[]}}');
  const r = validateExercise(proto);
  assert.ok('problems' in r && r.problems.some((p) => p.path[0] === '__proto__' || p.path[0] === 'steps'));
  let deep: unknown = { vm: { name: 'a' } };
  for (let i = 0; i < 12; i++) deep = { not: deep };
  const d = validateExercise({ ...base, steps: [{ id: 'a', title: 'A', instructions: 'i', checks: [deep] }] });
  assert.ok('problems' in d && d.problems.some((p) => /nested too deeply/.test(p.message)));
});

test('Markdown: the subset renders, nothing else passes', () => {
  const html = renderMarkdown([
    '# Title', '', 'Open [[ACTIONS › Power › Power On]] and **read** `cpu.ready.summation`.', '',
    '- one', '- two <b>', '', '> why: *because*', '', '| a | b |', '|---|---|', '| 1 | 2 |', '',
    '<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://evil/x.png) [ok](https://vmware.com)',
  ].join('\n'));
  assert.match(html, /<h3>Title<\/h3>/);
  assert.match(html, /<span class="ui-ref"><span class="ui-step">ACTIONS<\/span><span class="ui-sep"> › <\/span><span class="ui-step">Power<\/span><span class="ui-sep"> › <\/span><span class="ui-step">Power On<\/span><\/span>/);
  assert.match(html, /<strong>read<\/strong> <code>cpu\.ready\.summation<\/code>/);
  assert.match(html, /<li>two &lt;b&gt;<\/li>/);
  assert.match(html, /<blockquote><p>why: <em>because<\/em><\/p><\/blockquote>/);
  assert.match(html, /<table><thead><tr><th>a<\/th><th>b<\/th><\/tr><\/thead><tbody><tr><td>1<\/td><td>2<\/td><\/tr><\/tbody><\/table>/);
  assert.ok(!html.includes('<script'), 'no raw HTML');
  assert.ok(!html.includes('href="javascript'), 'no javascript: links');
  assert.ok(!html.includes('src="http'), 'no remote images');
  assert.match(html, /<a href="https:\/\/vmware\.com" target="_blank" rel="noopener noreferrer">ok<\/a>/);
});
