/**
 * labos on the machine: SMP (secondary vCPUs really run processes), host shutdown and reboot
 * requests (power device, IRQ5), an idle guest, an unknown program, large memory.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WORKLOADS, bootGuest, finish, runGuest } from '../helpers/machineHarness';

test('mixed on 2 vCPUs: same console and digest under interp and te, both CPUs used', () => {
  const a = runGuest(WORKLOADS.mixed, { monitor: 'interp', vcpus: 2 });
  const b = runGuest(WORKLOADS.mixed, { monitor: 'te', vcpus: 2, levels: 2 });
  assert.match(a.console, /2 CPU\(s\)/);
  assert.match(a.console, /^mixed: done$/m);
  assert.equal(a.exitCode, 0);
  assert.equal(b.console, a.console);
  assert.equal(b.digest, a.digest);
  for (const s of a.machine.slots) assert.ok(s.cpu.counters.instructions > 10_000, 'every vCPU executed guest code');
});

test('the host asks for a reboot, then a shutdown: labos restarts, then powers off cleanly', () => {
  const m = bootGuest('cpu iterations=0', { vcpus: 2 });
  finish(m, 3e6);
  assert.equal(m.requestGuestReboot(), true, 'labos declares it handles power requests');
  finish(m, 8e6);
  assert.equal(m.requestGuestShutdown(), true);
  const r = finish(m, 20e6);
  assert.equal(r.state, 'off');
  assert.equal(r.exitCode, 0);
  assert.match(r.console, /^labos: reboot requested by the host$/m);
  assert.equal(r.console.match(/running cpu/g)?.length, 2, 'booted twice');
  assert.match(r.console, /^labos: shutdown requested by the host\nlabos: power off, status 0$/m);
});

test('idle halts until interrupts and keeps running', () => {
  const r = runGuest('idle', { untilNs: 20e6 });
  assert.equal(r.stoppedBy, 'time');
  assert.notEqual(r.state, 'off');
  assert.ok(r.machine.report().instructions < 200_000, 'an idle guest executes little');
});

test('an unknown program: the kernel lists the programs and powers off with code 1', () => {
  const r = runGuest('nosuch');
  assert.equal(r.exitCode, 1);
  assert.match(r.console, /^labos: unknown program 'nosuch'; programs: hello cpu memwrite/m);
});

test('a 1 GiB guest at 4 levels boots (the direct map covers it) and runs hello', () => {
  const r = runGuest('hello', { levels: 4, memoryMiB: 1024 });
  assert.equal(r.exitCode, 0);
  assert.match(r.console, /1048576 KiB RAM, 4-level page tables/);
  assert.ok(r.machine.memoryStats().touchedBytes < 16 << 20, 'frames are touched only as used');
});
