// The command line tells its user what it can do and what it did: `hvlab help` lists every option the
// README's command table uses, `hvlab run` (without --json) says which monitor and paging mode ran, and
// `hvlab scenario run` shows its progress on a terminal (a pseudo-terminal from util-linux `script`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const hvlab = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

test('hvlab help lists every option the README shows for each subcommand', () => {
  const help = hvlab('help');
  assert.equal(help.status, 0, help.stderr);
  const lineOf = (sub: string) => help.stdout.split('\n').find((l) => l.trimStart().startsWith(`${sub} `)) ?? '';
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  let checked = 0;
  for (const m of readme.matchAll(/`npx hvlab (\w+)([^`]*)`/g)) {
    const [, sub, rest] = m;
    if (sub === 'help') continue;
    for (const flag of rest.match(/--[a-z][a-z0-9-]*/g) ?? []) {
      assert.ok(lineOf(sub).includes(flag), `hvlab help: "${sub}" does not list ${flag} (the README uses it)`);
      checked++;
    }
  }
  assert.ok(checked >= 8, `checked ${checked} options`);
});

test('hvlab run says which monitor and paging ran (on stderr: stdout stays the console)', () => {
  const r = hvlab('run', 'hello', '--monitor', 'hw', '--paging', 'nested', '--until', '200ms');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /monitor hw .*paging nested/);
  const plain = hvlab('run', 'hello');
  assert.match(plain.stderr, /monitor interp .*paging native/);
  assert.doesNotMatch(plain.stdout, /monitor/);
});

test('hvlab scenario run prints the scenario\'s description and labels its counter columns', () => {
  const r = hvlab('scenario', 'run', 'resources/scenarios/lab-small.yaml', '--until', '40s');
  assert.equal(r.status, 0, r.stderr);
  const description = /description: >-\n((?: {2}.*\n)+)/.exec(readFileSync(join(root, 'resources/scenarios/lab-small.yaml'), 'utf8'))![1].trim().split(/\s+/).slice(0, 4).join(' ');
  assert.ok(r.stdout.includes(description), `the description ("${description}…") is printed`);
  assert.doesNotMatch(r.stdout, /ms rdy|ms cstp/);
  assert.match(r.stdout, /ready \d+\.\d ms/);
  assert.match(r.stdout, /ready: cpu\.ready\.summation/);
});

test('hvlab scenario run shows its progress on a terminal\'s stderr, and none when stderr is not a terminal', { skip: !existsSync('/usr/bin/script') && 'no util-linux script for a pseudo-terminal' }, () => {
  const plain = hvlab('scenario', 'run', 'resources/scenarios/lab-small.yaml', '--until', '10s');
  assert.equal(plain.status, 0, plain.stderr);
  assert.doesNotMatch(plain.stderr, /hvlab: virtual/, 'a pipe gets no progress line');
  const command = [process.execPath, join(root, 'bin/hvlab.mjs'), 'scenario', 'run', 'resources/scenarios/lab-small.yaml', '--until', '10s'].map((a) => `'${a}'`).join(' ');
  const tty = spawnSync('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(tty.status, 0, tty.stdout);
  assert.match(tty.stdout, /\rhvlab: virtual \d+\.\d s of 10\.0 s \(\d+ %\), \d+\.\d s wall/, 'the self-overwriting progress line');
  assert.match(tty.stdout, /hvlab: virtual 10\.0 s of 10\.0 s \(100 %\)/, 'it ends at the whole run');
});
