/**
 * labos's in-guest test program passes: syscalls, isolation (faulting children are killed, the
 * parent goes on), preemption, sleep timing, alloc/free, map/unmap, disk round trip — on one and
 * on two vCPUs, under both monitors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runGuest, type RunOpts } from '../helpers/machineHarness';

function selftest(o: RunOpts): void {
  const r = runGuest('selftest', o);
  assert.equal(r.state, 'off', r.console);
  assert.doesNotMatch(r.console, /FAILED|panic/, r.console);
  const m = /^selftest: (\d+) passed, (\d+) failed$/m.exec(r.console);
  assert.ok(m, r.console);
  assert.equal(Number(m[2]), 0);
  assert.ok(Number(m[1]) >= 20, 'at least 20 tests ran');
  assert.equal(r.exitCode, 0, 'powers off with code 0 only when everything passed');
  // the kernel survived the faulting children and said why each died
  assert.match(r.console, /^labos: pid \d+ \(selftest\) killed: page fault at 0x00002000, pc 0x4000[0-9a-f]{4}$/m);
  assert.match(r.console, /killed: divide by zero/);
  assert.match(r.console, /killed: privileged instruction/);
}

test('selftest: interp, 2 levels, 1 vCPU', () => selftest({ monitor: 'interp', levels: 2 }));
test('selftest: te, 4 levels, 1 vCPU', () => selftest({ monitor: 'te', levels: 4 }));
test('selftest: interp, 2 levels, 2 vCPUs', () => selftest({ monitor: 'interp', levels: 2, vcpus: 2 }));
