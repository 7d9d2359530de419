/**
 * Power: the host's shutdown / reboot requests reach a guest that declared a handler (IRQ5,
 * POWER_REQUEST) and are refused otherwise; RESET reboots the machine (image reloaded, console
 * output and input queue kept, counters cumulative); console input raises IRQ1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMachine } from '../../../src-main/engine/machine/index';
import { bootMachine, VEC } from '../../helpers/machineHarness';

const TOOLS = `${VEC({ 17: 'coni', 21: 'power' })}
  .org 0x2000
_start:
  li r1, 'b'
  out r1, 0x20(r0)
  li r1, 1
  out r1, 0x22(r0)            ; console input interrupts on
  li r1, 3
  out r1, 0xf3(r0)            ; POWER_CTRL: handler + IRQ5
  sti
.idle:
  hlt
  j .idle
coni:
  in r2, 0x20(r0)
  out r2, 0x20(r0)            ; echo
  iret
power:
  in r2, 0xf2(r0)             ; 1 shutdown, 2 reboot
  out r0, 0xf2(r0)            ; ack
  cmpi r2, 2
  beq .reboot
  li r3, 'S'
  out r3, 0x20(r0)
  out r0, 0xf0(r0)
.reboot:
  out r0, 0xf4(r0)
fault:
  hlt
`;

test('without a handler the host requests are refused', () => {
  const m = bootMachine('  .org 0x2000\n_start:\n  sti\n  hlt\n');
  runMachine(m, { untilNs: 1e6 });
  assert.equal(m.requestGuestShutdown(), false);
  assert.equal(m.requestGuestReboot(), false);
});

test('console input interrupts, a host reboot request and a host shutdown request', () => {
  const m = bootMachine(TOOLS);
  runMachine(m, { untilNs: 1e6 });
  assert.equal(m.state, 'halted');
  m.consoleInput('hi');
  runMachine(m, { untilNs: 2e6 });
  assert.equal(m.consoleRead(0).text, 'bhi');
  assert.equal(m.requestGuestReboot(), true);
  runMachine(m, { untilNs: 3e6 });
  assert.equal(m.consoleRead(0).text, 'bhib', 'rebooted: the image ran again, console output kept');
  const c = m.counters();
  assert.equal(c.reboots, 1);
  assert.equal(c['power.resets'], 1);
  assert.ok(c.instructions > 20, 'counters stay cumulative across the reboot');
  assert.equal(m.requestGuestShutdown(), true);
  const o = runMachine(m, { untilNs: 4e6 });
  assert.equal(o.stoppedBy, 'off');
  assert.equal(m.consoleRead(0).text, 'bhibS');
  assert.equal(m.requestGuestShutdown(), false, 'an off machine accepts no request');
});
