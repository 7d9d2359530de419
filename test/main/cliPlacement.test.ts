// `hvlab place` and `hvlab model` as a user runs them: a shipped u120 instance gets FFD's bins and the
// proven optimum; an OR-Library file of several instances; malformed files and models give
// file:line:col and exit 1; the practical's worked examples print their answers; `hvlab help` lists both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const hvlab = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
const tmp = mkdtempSync(join(tmpdir(), 'hvlab-place-'));

test('place on a Falkenauer u120 instance: FFD\'s bins and the exact optimum, proven', () => {
  const r = hvlab('place', 'resources/placement/u120_s1.txt', '--algo', 'ffd,exact', '--time-limit', '60');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /First Fit Decreasing \(ffd\)\s+49\s/);
  assert.match(r.stdout, /Exact \(HiGHS\) \(exact\)\s+48\s+optimal, proven/);
  const j = JSON.parse(hvlab('place', 'resources/placement/u120_s1.txt', '--algo', 'ffd', '--json').stdout);
  assert.equal(j.instance, 'u120_s1');
  assert.equal(j.items, 120);
  assert.equal(j.results[0].bins, 49);
  assert.equal(j.results[0].provenOptimal, false);
});

test('an OR-Library file with two instances; every heuristic by default is listed', () => {
  const f = join(tmp, 'orlib.txt');
  writeFileSync(f, ' 2\n a\n 10 4 2\n 6\n 4\n 5\n 5\n b\n 10 3 2\n 6\n 6\n 6\n');
  const r = hvlab('place', f, '--json', '--algo', 'all');
  assert.equal(r.status, 0, r.stderr);
  const reports = JSON.parse(r.stdout);
  assert.equal(reports.length, 2);
  assert.deepEqual(reports[0].results.map((x: { algo: string }) => x.algo), ['nf', 'ff', 'bf', 'wf', 'nfd', 'ffd', 'bfd', 'wfd', 'exact']);
  assert.equal(reports[1].results.at(-1).bins, 3);
  assert.equal(reports[1].results.at(-1).provenOptimal, true);
});

test('malformed instance and model files: file:line:col, exit 1; usage mistakes exit 2', () => {
  const f = join(tmp, 'bad.txt');
  writeFileSync(f, '3\n100\n40\nabc\n50\n');
  const r = hvlab('place', f);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:1: error: weight must be a whole number`));
  const m = join(tmp, 'bad.cp');
  writeFileSync(m, 'var int x in 0..3;\nconstraint x >= ;\n');
  const mr = hvlab('model', m);
  assert.equal(mr.status, 1);
  assert.match(mr.stderr, /bad\.cp:2:17: error: expected an expression/);
  assert.equal(hvlab('place', f, '--algo', 'magic').status, 2);
  assert.equal(hvlab('model').status, 2);
});

test('model: the worked examples print their answers; --all lists solutions; an infeasible model shows its conflict', () => {
  const q3 = hvlab('model', 'resources/placement/models/3-max-profit-nbOn.cp');
  assert.equal(q3.status, 0, q3.stderr);
  assert.match(q3.stdout, /optimal: maximum 24 \(proven\)/);
  assert.match(q3.stdout, /search: \d+ nodes, \d+ failures/);
  const q2 = JSON.parse(hvlab('model', 'resources/placement/models/2-exactly-nbOn.cp', '--all', '--json').stdout);
  assert.equal(q2.solutionCount, 10);
  const bad = hvlab('model', 'resources/placement/models/8-infeasible.cp');
  assert.equal(bad.status, 0);
  assert.match(bad.stdout, /infeasible/);
  assert.match(bad.stdout, /8-infeasible\.cp:15:1: all VMs on/);
});

test('generate: a seeded instance in BPPLIB form, the same for the same seed', () => {
  const a = hvlab('place', '--generate', 't60', '--seed', '9');
  assert.equal(a.status, 0);
  assert.equal(a.stdout, hvlab('place', '--generate', 't60', '--seed', '9').stdout);
  assert.match(a.stdout, /\n60\n1000\n/);
});

test('help lists place and model', () => {
  const h = hvlab('help');
  assert.match(h.stdout, /\n {2}place\s/);
  assert.match(h.stdout, /\n {2}model\s/);
});
