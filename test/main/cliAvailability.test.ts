// `hvlab availability` as a user runs it: a design from --group options and from a YAML file (series and
// parallel, JSON out, the engine's figures), a bad design file answered with file:line:col naming the
// field, the lab's cluster as N+1 beside its simulation, and the design a student saved with a lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { engineRequests } from '../helpers/labHarness';
import { engineWithScenarios } from '../../src-main/node/exercise/labAccess';
import { saveLab } from '../../src-main/node/storage/labStore';

const root = resolve(import.meta.dirname, '../..');
const hvlab = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const tmp = mkdtempSync(join(tmpdir(), 'hvlab-availability-'));

test('availability design: --group options give the engine\'s k-of-n and series figures, as JSON and as text', () => {
  const j = hvlab('availability', 'design', '--group', 'power=0.999,1,2N', '--group', 'hosts=2000/48,3,N+1', '--json');
  assert.equal(j.status, 0, j.stderr);
  const d = JSON.parse(j.stdout);
  assert.equal(d.combine, 'series');
  assert.equal(d.groups[1].units, 4);
  assert.ok(Math.abs(d.groups[1].availability - 0.99681) < 1e-5);
  assert.equal(d.tier, 'I');
  assert.equal(d.tiers.length, 4);
  const bad = hvlab('availability', 'design', '--group', 'power=0.999;1;2N');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /expected NAME=A\|MTBF\/MTTR,NEED,SCHEME/);
});

test('availability design FILE: parallel with the union\'s terms; a group missing its MTTR is file:line:col naming the field', () => {
  const f = join(tmp, 'storage.yaml');
  writeFileSync(f, 'combine: parallel\ngroups:\n  - name: array A\n    availability: 0.99\n    need: 1\n    scheme: N\n  - name: array B\n    mtbfH: 990\n    need: 1\n    scheme: N\n');
  const r = hvlab('availability', 'design', f);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /storage\.yaml:7:5: error: groups\[1\]\.mttrH: "array B" has an MTBF but no MTTR/);
  writeFileSync(f, 'combine: parallel\ngroups:\n  - { name: array A, availability: 0.99, need: 1, scheme: N }\n  - { name: array B, mtbfH: 990, mttrH: 10, need: 1, scheme: N }\n');
  const ok = hvlab('availability', 'design', f);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /P\(A∪B\) = P\(A\) \+ P\(B\) − P\(A∩B\) = 0\.990000 \+ 0\.990000 − 0\.980100/);
  assert.match(ok.stdout, /availability 99\.99000 %, .*tier III/);
});

test('availability cluster and a saved lab\'s design: the N+1 formula inside its simulation\'s interval; the student\'s own design', () => {
  const r = hvlab('availability', 'cluster', '--scenario', 'lab-ha', '--mtbf', '2000', '--mttr', '48', '--json');
  assert.equal(r.status, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  assert.equal(c.cluster, 'HA');
  assert.equal(c.hosts, 4);
  assert.equal(c.tolerate, 1);
  assert.ok(Math.abs(c.simulated - c.formula) <= c.halfWidth, `${c.formula} vs ${c.simulated} ± ${c.halfWidth}`);
  const h = engineRequests(engineWithScenarios('lab-ha', 1));
  h.cmd('availability.design.save', { design: { groups: [{ name: 'feeds', availability: 0.999, need: 1, scheme: '2N' }] } });
  const dir = join(tmp, 'lab');
  saveLab(dir, h.engine.saveState());
  const saved = hvlab('availability', 'design', dir, '--json');
  assert.equal(saved.status, 0, saved.stderr);
  assert.ok(Math.abs(JSON.parse(saved.stdout).availability - 0.999999) < 1e-9);
  const none = hvlab('availability', 'cluster', dir, '--cluster', 'Nope', '--mtbf', '100', '--mttr', '1');
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no cluster named "Nope" \(the lab has HA\)/);
});
