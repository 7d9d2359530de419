/**
 * Every guest program of resources/guests (guests.json's workloads, test-sized) gives the same
 * console output and the same final-state digest under `interp` (bare hardware, the reference) and
 * under each monitor:
 *  - `te` (trap-and-emulate) at 2 and 4 page-table levels — except `sensitive`, which must differ
 *    under te, for the reasons it prints (Popek–Goldberg: getf, setf and smsw do not trap);
 *  - `bt` (binary translation) and `hw` (hardware assist) at 2 levels, and at 4 for the paging-heavy
 *    programs, `sensitive` included (they have no Popek–Goldberg hole);
 *  - `pv`: the paravirtualized build (labos-pv.s) gives the same console output and exit code as the
 *    native build under interp (its digest cannot be compared: the kernel image differs), and the
 *    same digest whichever engine (translated or interpreted) runs it.
 * Also: a save mid-run and restore finishes like an uninterrupted run under bt, hw and pv, and two
 * vCPUs sharing one translation cache agree with interp.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMachine } from '../../src-main/engine/machine/index';
import { ParavirtMonitor } from '../../src-main/engine/monitors/index';
import { bootGuest, finish, runGuest, WORKLOADS } from '../helpers/machineHarness';

/** The last line each program prints under interp, proof that it did its work. */
const FINAL: Record<string, RegExp> = {
  hello: /^hello from labos$/m,
  cpu: /^cpu: done, 60000 iterations, checksum 0x[0-9a-f]{8}$/m,
  memwrite: /^memwrite: wrote 32 pages \(16 pages = 64 KiB working set, 2 passes\), checksum 0x[0-9a-f]{8}$/m,
  pagetable: /^pagetable: 4 rounds x 16 pages mapped, touched, unmapped; 0 errors, checksum 0x[0-9a-f]{8}$/m,
  tlbmiss: /^tlbmiss: 4000 touches over 128 pages, stride 17, checksum 0x[0-9a-f]{8}$/m,
  syscall: /^syscall: 500 system calls, checksum 0x[0-9a-f]{8}$/m,
  io: /^io: done, checksum 0x[0-9a-f]{8}$/m,
  idle: /^idle: slept 3 ms$/m,
  mixed: /^mixed: done$/m,
  sensitive: /^sensitive: verdict: every sensitive instruction saw the true machine state/m,
  selftest: /^selftest: \d+ passed, 0 failed$/m,
};

/** Programs bt, hw and pv also run at 4 levels (te runs every program at both). */
const FOUR_LEVELS = new Set(['hello', 'pagetable', 'tlbmiss', 'sensitive']);

for (const [name, cmdline] of Object.entries(WORKLOADS)) {
  for (const levels of [2, 4] as const) {
    const all = levels === 2 || FOUR_LEVELS.has(name);
    test(`${name} (${levels} levels): ${name === 'sensitive' ? '' : 'te, '}${all ? 'bt and hw agree with interp on console and digest; pv (PV build) on console' : 'agrees with interp on console and digest'}`, () => {
      const ref = runGuest(cmdline, { monitor: 'interp', levels });
      assert.equal(ref.state, 'off', ref.console);
      assert.equal(ref.exitCode, 0, ref.console);
      assert.match(ref.console, FINAL[name]);
      if (name === 'io') assert.match(ref.console, /^io: round 1: wrote and read back 16 sectors, 0 errors so far$/m);
      if (name === 'cpu') assert.match(ref.console, /^cpu: 20000 iterations, checksum/m);
      const monitors = [...(name === 'sensitive' ? [] : ['te']), ...(all ? ['bt', 'hw'] : [])];
      for (const monitor of monitors) {
        const r = runGuest(cmdline, { monitor, levels });
        assert.equal(r.console, ref.console, `${monitor}: console`);
        assert.equal(r.digest, ref.digest, `${monitor}: digest`);
        assert.equal(r.exitCode, ref.exitCode, `${monitor}: exit code`);
      }
      if (!all) return;
      const pv = runGuest(cmdline, { monitor: 'pv', levels, file: 'labos-pv.s' });
      assert.equal(pv.console, ref.console, 'pv: console');
      assert.equal(pv.exitCode, ref.exitCode, 'pv: exit code');
      assert.equal(pv.state, 'off');
      if (name === 'hello' || name === 'io' || name === 'sensitive') {
        const env = { createMonitor: (k: string) => (k === 'pv' ? new ParavirtMonitor({ engine: 'interp' }) : undefined) };
        const pvi = runGuest(cmdline, { monitor: 'pv', levels, file: 'labos-pv.s', env });
        assert.equal(pvi.digest, pv.digest, 'pv on the interpreter and on the translated engine: same digest');
      }
    });
  }
}

for (const levels of [2, 4] as const) {
  test(`sensitive at ${levels} levels: interp tells the truth, te visibly differs and says why`, () => {
    const a = runGuest('sensitive', { monitor: 'interp', levels });
    const b = runGuest('sensitive', { monitor: 'te', levels });
    for (const r of [a, b]) {
      assert.equal(r.state, 'off');
      assert.equal(r.exitCode, 0);
      assert.match(r.console, /^sensitive: running in kernel mode/m);
    }
    assert.match(a.console, /^sensitive: interrupts disabled by setf: yes/m);
    assert.match(a.console, /^sensitive: smsw says: kernel mode, paging on$/m);
    assert.match(a.console, /^sensitive: getf after cli says: kernel mode, interrupts off$/m);
    assert.match(a.console, /^sensitive: verdict: every sensitive instruction saw the true machine state/m);
    assert.match(b.console, /^sensitive: interrupts disabled by setf: no \(timer interrupts arrived while IE was supposedly 0: setf's IE change was ignored\)$/m);
    assert.match(b.console, /^sensitive: smsw says: user mode, paging on$/m);
    assert.match(b.console, /^sensitive: getf after cli says: user mode, interrupts on$/m);
    assert.match(b.console, /^sensitive: verdict: sensitive instructions did not trap .*Popek-Goldberg/m);
    assert.notEqual(a.console, b.console);
    assert.notEqual(a.digest, b.digest);
  });
}

test('sensitive: bt, hw and pv report the true machine state (no Popek-Goldberg hole)', () => {
  for (const [monitor, file] of [['interp', 'labos.s'], ['bt', 'labos.s'], ['hw', 'labos.s'], ['pv', 'labos-pv.s']] as const) {
    const r = runGuest('sensitive', { monitor, file });
    assert.match(r.console, /^sensitive: interrupts disabled by setf: yes/m, monitor);
    assert.match(r.console, /^sensitive: smsw says: kernel mode, paging on$/m, monitor);
    assert.match(r.console, /^sensitive: getf after cli says: kernel mode, interrupts off$/m, monitor);
    assert.match(r.console, /^sensitive: verdict: every sensitive instruction saw the true machine state/m, monitor);
  }
});

test('save mid-run and restore: bt, hw and pv finish with the same console and digest as an uninterrupted run', () => {
  for (const [monitor, file] of [['bt', 'labos.s'], ['hw', 'labos.s'], ['pv', 'labos-pv.s']] as const) {
    const whole = runGuest(WORKLOADS.mixed, { monitor, file });
    const first = bootGuest(WORKLOADS.mixed, { monitor, file });
    finish(first, 3e6);
    const again = finish(buildMachine({ kind: 'restore', state: structuredClone(first.save()) }), 2e9);
    assert.equal(again.state, 'off', monitor);
    assert.equal(again.console, whole.console, `${monitor}: console`);
    assert.equal(again.digest, whole.digest, `${monitor}: digest`);
  }
});

test('two vCPUs sharing one translation cache: mixed gives the same console and digest under interp, bt and hw', () => {
  const ref = runGuest(WORKLOADS.mixed, { monitor: 'interp', vcpus: 2, untilNs: 3e9 });
  assert.equal(ref.state, 'off');
  for (const monitor of ['bt', 'hw']) {
    const m = runGuest(WORKLOADS.mixed, { monitor, vcpus: 2, untilNs: 3e9 });
    assert.equal(m.console, ref.console, monitor);
    assert.equal(m.digest, ref.digest, monitor);
  }
});
