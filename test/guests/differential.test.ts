/**
 * Every workload gives the same console output and the same final-state digest under `interp`
 * (bare hardware) and `te` (trap-and-emulate), at 2 and at 4 page-table levels — except
 * `sensitive`, which must differ, for the reasons it prints (Popek–Goldberg).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WORKLOADS, runGuest } from './guestHarness';

/** The last line each program prints, proof that it did its work. */
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
  selftest: /^selftest: \d+ passed, 0 failed$/m,
};

for (const levels of [2, 4] as const) {
  for (const [name, cmdline] of Object.entries(WORKLOADS)) {
    if (name === 'sensitive') continue;
    test(`${name} at ${levels} levels: same console and digest under interp and te`, () => {
      const a = runGuest(cmdline, { monitor: 'interp', levels });
      const b = runGuest(cmdline, { monitor: 'te', levels });
      assert.equal(a.state, 'off', a.console);
      assert.equal(a.exitCode, 0, a.console);
      assert.match(a.console, FINAL[name]);
      assert.equal(b.console, a.console);
      assert.equal(b.digest, a.digest);
      assert.equal(b.exitCode, a.exitCode);
      if (name === 'io') assert.match(a.console, /^io: round 1: wrote and read back 16 sectors, 0 errors so far$/m);
      if (name === 'cpu') assert.match(a.console, /^cpu: 20000 iterations, checksum/m);
    });
  }

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
