// `npx hvlab scenario run FILE --seed N [--until T] [--json]`: headless, in-process; the same file and
// seed print byte-identical output (a bare --until number is seconds); a bad file is reported with its path, exit 1; a saved lab loads back
// with `hvlab lab load` and reaches the same digest as an uninterrupted run; `--workers N` / `HVLAB_WORKERS`
// give the same report with the hosts on worker threads (real guests included: their disks are lent to
// the hosts they run on), and a bad count is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const hvlab = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), ...args], { cwd: root, encoding: 'utf8' });
const FILE = 'resources/scenarios/lab-overcommit.yaml';

test('same file + same seed ⇒ byte-identical output (run twice; --until 150 is 150 s); another seed ⇒ another digest', () => {
  const a = hvlab('scenario', 'run', FILE, '--seed', '4', '--until', '150s', '--json');
  const b = hvlab('scenario', 'run', FILE, '--seed', '4', '--until', '150', '--json');
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  const report = JSON.parse(a.stdout);
  assert.equal(report.scenario, 'lab-overcommit');
  assert.equal(report.virtualTimeMs, 150_000);
  assert.match(report.digest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(report.events.some((e: { type: string }) => e.type === 'VmPoweredOffEvent'), 'the 2-minute action ran');
  assert.ok(report.counters['esx-oc-01']['power.power.average'] > 0);
  const c = hvlab('scenario', 'run', FILE, '--seed', '5', '--until', '150s', '--json');
  assert.notEqual(JSON.parse(c.stdout).digest, report.digest);
  const text = hvlab('scenario', 'run', FILE, '--seed', '4', '--until', '150s');
  assert.match(text.stdout, /^scenario: lab-overcommit/);
  assert.ok(text.stdout.includes(`digest: ${report.digest}`), 'text and JSON agree on the digest');
});

test('an invalid scenario file is reported with the path of the bad field, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-scn-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'version: 1\nname: bad\ntitle: Bad\ndatacenters:\n  - hosts: { count: 1 }\n    vms: [ { name: a, host: nowhere } ]\n');
  const r = hvlab('scenario', 'run', file);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.yaml: scenario\.datacenters\[0\]\.vms\[0\]\.host: no host named "nowhere"/);
  const u = hvlab('scenario', 'run', FILE, '--until', 'soon');
  assert.equal(u.status, 2);
});

test('--save then lab load --until reaches the same digest as one uninterrupted run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-cli-save-'));
  const saved = hvlab('scenario', 'run', FILE, '--seed', '2', '--until', '90s', '--json', '--save', dir);
  assert.equal(saved.status, 0, saved.stderr);
  const loaded = hvlab('lab', 'load', dir, '--until', '200s', '--json');
  assert.equal(loaded.status, 0, loaded.stderr);
  const direct = hvlab('scenario', 'run', FILE, '--seed', '2', '--until', '200s', '--json');
  assert.equal(JSON.parse(loaded.stdout).digest, JSON.parse(direct.stdout).digest);
});

test('--workers N (and HVLAB_WORKERS) runs the hosts on worker threads with the same output, real guests included; a bad count is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-scn-'));
  const file = join(dir, 'idle.json');
  // Hosts with VMs powered off (no guest runs): the 20 s samples and the barrier services run through the workers.
  writeFileSync(file, JSON.stringify({
    version: 1, name: 'idle', title: 'Idle',
    datacenters: [{ name: 'DC0', clusters: [{ name: 'C0', hosts: { count: 3, memoryGiB: 4 } }], vms: [{ name: 'a', host: 'C0_H0' }, { name: 'b', host: 'C0_H2' }] }],
    actions: [{ at: '5s', do: 'powerOff', vm: 'a' }],
  }));
  const one = hvlab('scenario', 'run', file, '--until', '45s', '--json');
  assert.equal(one.status, 0, one.stderr);
  const two = hvlab('scenario', 'run', file, '--until', '45s', '--json', '--workers', '2');
  assert.equal(two.status, 0, two.stderr);
  assert.equal(two.stdout, one.stdout, '2 workers: the same report');
  const env = spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), 'scenario', 'run', file, '--until', '45s', '--json'], { cwd: root, encoding: 'utf8', env: { ...process.env, HVLAB_WORKERS: '1' } });
  assert.equal(env.stdout, one.stdout, 'HVLAB_WORKERS=1: the same report');
  const bad = hvlab('scenario', 'run', file, '--workers', 'many');
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--workers needs an integer 0…64/);
  // real guests (their disks lent to the hosts they run on): the same report on a worker as in one thread
  const real = hvlab('scenario', 'run', 'resources/scenarios/lab-small.yaml', '--until', '3s', '--json');
  assert.equal(real.status, 0, real.stderr);
  const realOnWorker = hvlab('scenario', 'run', 'resources/scenarios/lab-small.yaml', '--until', '3s', '--json', '--workers', '1');
  assert.equal(realOnWorker.status, 0, realOnWorker.stderr);
  assert.equal(realOnWorker.stdout, real.stdout, 'lab-small on a worker: the same report');
});
