// The reset watchdog: a guest that resets itself in a loop is crashed ("reset storm") after
// RESET_STORM_MAX_RESETS resets within RESET_STORM_WINDOW_NS of virtual time, as a hardware watchdog
// would; a guest that resets now and then is left alone; the window survives save/restore; in a lab
// the crash is an event on the VM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMachine, createMachineFactory, parseGuestCatalogue, runMachine, type Machine, type MachineState } from '../../../src-main/engine/machine/index';
import { RESET_STORM_MAX_RESETS, RESET_STORM_WINDOW_NS } from '../../../src-main/engine/params';
import { harness } from '../../helpers/labHarness';
import { bootMachine } from '../../helpers/machineHarness';

const STORM = '  .org 0x2000\n_start:\n  li r1, 114\n  out r1, 0x20(r0)\n  out r0, 0xf4(r0)\n  hlt\n';
/** Resets every ~100 ms of virtual time at 1 MHz (a 25,000-iteration loop of 3 instructions). */
const SLOW = '  .org 0x2000\n_start:\n  li r2, 25000\n.spin:\n  subi r2, r2, 1\n  cmpi r2, 0\n  bne .spin\n  out r0, 0xf4(r0)\n  hlt\n';

test('a guest that resets in a loop is crashed by the watchdog, quickly', () => {
  const m = bootMachine(STORM);
  const t0 = performance.now();
  const o = runMachine(m, { untilNs: 5e9 });
  assert.ok(performance.now() - t0 < 5000);
  assert.equal(m.state, 'crashed');
  assert.equal(o.stoppedBy, 'crashed');
  assert.match(m.crash?.reason ?? '', /reset storm/);
  assert.equal(m.counters().reboots, RESET_STORM_MAX_RESETS + 1);
  assert.equal(m.consoleRead(0).text, 'r'.repeat(RESET_STORM_MAX_RESETS + 1), 'every reset before the watchdog really rebooted');
});

test('resets slower than the watchdog rate are left alone', () => {
  const m = bootMachine(SLOW, { clockHz: 1_000_000 });
  runMachine(m, { untilNs: 3 * RESET_STORM_WINDOW_NS });
  assert.notEqual(m.state, 'crashed', m.crash?.reason);
  assert.ok(m.counters().reboots >= 20, `only ${m.counters().reboots} resets`);
});

test('the watchdog window is part of the saved machine', () => {
  const a = bootMachine(STORM);
  runMachine(a, { untilNs: 1 });
  while (a.counters().reboots < RESET_STORM_MAX_RESETS - 2) runMachine(a, { untilNs: a.vcpuNowNs(0) + 1 });
  const saved = structuredClone(a.save()) as MachineState;
  const b = buildMachine({ kind: 'restore', state: saved }) as Machine;
  assert.deepEqual(b.resetTimesNs, a.resetTimesNs);
  runMachine(a, { untilNs: 5e9 });
  runMachine(b, { untilNs: 5e9 });
  assert.equal(b.state, 'crashed');
  assert.equal(b.counters().reboots, a.counters().reboots, 'the restored machine is crashed at the same reset');
});

test('in a lab, the reset storm is a guest crash event on the VM', () => {
  const factory = createMachineFactory({
    sources: { 'storm.s': STORM },
    catalogue: parseGuestCatalogue({ guests: [{ name: 'storm', source: 'storm.s' }] }),
  });
  const h = harness({
    version: 1, name: 'storm', title: 'storm',
    datacenters: [{ hosts: [{ name: 'esx-1' }], vms: [{ name: 'looper', host: 'esx-1', workload: 'storm', powerOn: true }] }],
  }, 1, factory);
  h.advance(2000);
  const vm = h.q('vm.get', { vmId: 'vm-1' });
  assert.equal(vm.guestState, 'crashed');
  assert.match(vm.crashReason ?? '', /reset storm/);
  const crashed = h.q('events.list', { entityId: 'vm-1' }).find((e) => e.type === 'VmGuestOSCrashedEvent');
  assert.ok(crashed, 'a crash event was logged');
  assert.match(crashed.message, /reset storm/);
});
