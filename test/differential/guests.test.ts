/**
 * Every guest program of resources/guests (guests.json's workloads, test-sized) gives the same
 * console output and the same final-state digest under `interp` (the reference), `bt` (binary
 * translation) and `hw` (hardware assist) — at 2 levels, and at 4 for the paging-heavy ones. The
 * paravirtualized build (labos-pv.s) under `pv` gives the same console output and exit code as
 * the native build under `interp` (its digest cannot be compared: the kernel image differs), and
 * the same digest whichever engine runs it. `sensitive` is included: bt, hw and pv must print the
 * interp lines; only `te` differs on it (test/guests/differential.test.ts shows how).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMachine, runMachine, type Machine } from '../../src-main/engine/machine/index';
import { ParavirtMonitor } from '../../src-main/engine/monitors/index';
import { labosImage, WORKLOADS } from '../guests/guestHarness';

interface Run {
  console: string;
  digest: string;
  state: string;
  exitCode: number | null;
  machine: Machine;
}

function run(cmdline: string, monitor: string, levels: 2 | 4, file = 'labos.s', pvEngine?: 'interp'): Run {
  const m = buildMachine(
    { kind: 'boot', config: { vcpus: 1, memoryBytes: 16 << 20, levels, monitor, cmdline, bootNs: 0 }, image: labosImage({}, file) },
    pvEngine ? { createMonitor: (k) => (k === 'pv' ? new ParavirtMonitor({ engine: pvEngine }) : undefined) } : {},
  );
  runMachine(m, { untilNs: 2e9 });
  return { console: m.consoleRead(0).text, digest: m.digest(), state: m.state, exitCode: m.exitCode, machine: m };
}

const FOUR_LEVELS = new Set(['hello', 'pagetable', 'tlbmiss', 'sensitive']);

for (const [name, cmdline] of Object.entries(WORKLOADS)) {
  for (const levels of [2, 4] as const) {
    if (levels === 4 && !FOUR_LEVELS.has(name)) continue;
    test(`${name} (${levels} levels): interp, bt and hw agree on console and digest; pv (PV build) on console`, () => {
      const ref = run(cmdline, 'interp', levels);
      assert.equal(ref.state, 'off', ref.console);
      assert.equal(ref.exitCode, 0, ref.console);
      for (const monitor of ['bt', 'hw']) {
        const r = run(cmdline, monitor, levels);
        assert.equal(r.console, ref.console, `${monitor}: console`);
        assert.equal(r.digest, ref.digest, `${monitor}: digest`);
        assert.equal(r.exitCode, ref.exitCode, `${monitor}: exit code`);
      }
      const pv = run(cmdline, 'pv', levels, 'labos-pv.s');
      assert.equal(pv.console, ref.console, 'pv: console');
      assert.equal(pv.exitCode, ref.exitCode, 'pv: exit code');
      assert.equal(pv.state, 'off');
      if (name === 'hello' || name === 'io' || name === 'sensitive') {
        const pvi = run(cmdline, 'pv', levels, 'labos-pv.s', 'interp');
        assert.equal(pvi.digest, pv.digest, 'pv on the interpreter and on the translated engine: same digest');
      }
    });
  }
}

test('sensitive: bt, hw and pv report the true machine state (no Popek-Goldberg hole)', () => {
  for (const [monitor, file] of [['interp', 'labos.s'], ['bt', 'labos.s'], ['hw', 'labos.s'], ['pv', 'labos-pv.s']] as const) {
    const r = run('sensitive', monitor, 2, file);
    assert.match(r.console, /^sensitive: interrupts disabled by setf: yes/m, monitor);
    assert.match(r.console, /^sensitive: smsw says: kernel mode, paging on$/m, monitor);
    assert.match(r.console, /^sensitive: getf after cli says: kernel mode, interrupts off$/m, monitor);
    assert.match(r.console, /^sensitive: verdict: every sensitive instruction saw the true machine state/m, monitor);
  }
});

test('save mid-run and restore: bt, hw and pv finish with the same console and digest as an uninterrupted run', () => {
  for (const [monitor, file] of [['bt', 'labos.s'], ['hw', 'labos.s'], ['pv', 'labos-pv.s']] as const) {
    const config = { vcpus: 1, memoryBytes: 16 << 20, levels: 2 as const, monitor, cmdline: WORKLOADS.mixed, bootNs: 0 };
    const whole = buildMachine({ kind: 'boot', config, image: labosImage({}, file) });
    runMachine(whole, { untilNs: 2e9 });
    const first = buildMachine({ kind: 'boot', config, image: labosImage({}, file) });
    runMachine(first, { untilNs: 3e6 });
    const again = buildMachine({ kind: 'restore', state: structuredClone(first.save()) });
    runMachine(again, { untilNs: 2e9 });
    assert.equal(again.state, 'off', monitor);
    assert.equal(again.consoleRead(0).text, whole.consoleRead(0).text, `${monitor}: console`);
    assert.equal(again.digest(), whole.digest(), `${monitor}: digest`);
  }
});

test('two vCPUs sharing one translation cache: mixed gives the same console and digest under interp, bt and hw', () => {
  const run2 = (monitor: string): Machine => {
    const m = buildMachine({ kind: 'boot', config: { vcpus: 2, memoryBytes: 16 << 20, levels: 2, monitor, cmdline: WORKLOADS.mixed, bootNs: 0 }, image: labosImage() });
    runMachine(m, { untilNs: 3e9 });
    return m;
  };
  const ref = run2('interp');
  assert.equal(ref.state, 'off');
  for (const monitor of ['bt', 'hw']) {
    const m = run2(monitor);
    assert.equal(m.consoleRead(0).text, ref.consoleRead(0).text, monitor);
    assert.equal(m.digest(), ref.digest(), monitor);
  }
});
