/**
 * The CLI runs the named guests: `hvlab run --list`, `hvlab run hello` (plain and --json, under
 * both monitors and at 4 levels).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/machineHarness';

test('hvlab run --list lists the labos programs', () => {
  const r = runCli(['run', '--list']);
  assert.equal(r.code, 0, r.stderr);
  for (const p of ['hello', 'cpu', 'memwrite', 'pagetable', 'tlbmiss', 'syscall', 'io', 'idle', 'mixed', 'sensitive', 'selftest']) {
    assert.match(r.stdout, new RegExp(`^${p} `, 'm'));
  }
});

test('hvlab run hello prints the line and the machine powers off', () => {
  const r = runCli(['run', 'hello']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^hello from labos$/m);
  assert.match(r.stdout, /^labos: power off, status 0$/m);
});

test('hvlab run hello --json under te at 4 levels', () => {
  const r = runCli(['run', 'hello', '--monitor', 'te', '--levels', '4', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { state: string; exitCode: number; console: string; digest: string };
  assert.equal(j.state, 'off');
  assert.equal(j.exitCode, 0);
  assert.match(j.console, /4-level page tables/);
  assert.match(j.console, /^hello from labos$/m);
  assert.match(j.digest, /^[0-9a-f]+$/);
});
