// The command line as hostile input: subcommand and option names are looked up as own entries only
// (`hvlab constructor` is a usage error, exit 2, not "entry.load is not a function"), and
// `hvlab scenario run` without --until always ends: a scenario whose story is longer than the default
// run must be given --until, and --until itself is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const hvlab = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

test('prototype names are unknown subcommands and options: usage error, exit 2', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const r = hvlab(name);
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`unknown command "${name}"`));
    assert.match(r.stderr, /usage: hvlab/);
    assert.doesNotMatch(r.stderr, /is not a function/);
  }
  const opt = hvlab('scenario', 'check', 'resources/scenarios/lab-small.yaml', '--constructor', 'x');
  assert.equal(opt.status, 2, opt.stderr);
  assert.match(opt.stderr, /unknown option --constructor/);
});

test('scenario run without --until ends: long stories need --until; --until is bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-until-'));
  const file = join(dir, 'long.yaml');
  writeFileSync(file, 'version: 1\nname: long\ntitle: Long\ndatacenters:\n  - hosts: [ { name: esx-1 } ]\n    vms: [ { name: a, host: esx-1 } ]\nactions:\n  - { at: 300d, do: powerOn, vm: a }\n');
  const t0 = Date.now();
  const r = hvlab('scenario', 'run', file);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /give --until/);
  assert.ok(Date.now() - t0 < 30_000);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'version: 1\nname: bad\ntitle: Bad\ndatacenters:\n  - hosts: [ { name: esx-1 } ]\n    vms: [ { name: a, host: esx-1 } ]\nactions:\n  - { at: 99999999999d, do: powerOn, vm: a }\n');
  const b = hvlab('scenario', 'run', bad);
  assert.equal(b.status, 1, b.stderr);
  assert.match(b.stderr, /scenario\.actions\[0\]\.at: must be at most 365 days/);
  const u = hvlab('scenario', 'run', file, '--until', '99999999999d');
  assert.equal(u.status, 2, u.stderr);
  assert.match(u.stderr, /--until must be at most 365d/);
});
