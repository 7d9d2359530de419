/**
 * Booting a tiny bare-metal program: the loader (segments only, boot parameter block with the
 * command line), vCPU 0 at the entry, console output, timer interrupts, the RTC, the boot and power
 * ports, exact virtual time of port accesses, and the same digest under interp and te.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOOT_MAGIC, BootImageError, buildMachine, MachineConfigError, runMachine } from '../../../src-main/engine/machine/index';
import { bootMachine, image, VEC, word } from '../../helpers/machineHarness';

const HELLO = `${VEC({ 16: 'tick' })}
  .org 0x2000
_start:
  li sp, 0x10000
  li r1, msg
.loop:
  ldb r2, 0(r1)
  cmpi r2, 0
  beq .done
  out r2, 0x20(r0)
  addi r1, r1, 1
  j .loop
.done:
  li r3, 1000                ; 1 ms periodic timer
  out r3, 0x11(r0)
  li r3, 3
  out r3, 0x10(r0)
  li r5, 0
  sti
.wait:
  hlt
  cmpi r5, 5
  blt .wait
  cli
  out r0, 0x10(r0)
  in r6, 0x42(r0)            ; uptime (µs)
  li r7, uptime
  stw r6, 0(r7)
  in r6, 0x50(r0)
  stw r6, 4(r7)
  in r6, 0x51(r0)
  stw r6, 8(r7)
  li r2, 'T'
  out r2, 0x20(r0)
  li r2, 10
  out r2, 0x20(r0)
  li r2, 42
  out r2, 0xf0(r0)           ; power off, exit code 42
  j .
tick:
  addi r5, r5, 1
  out r0, 0x12(r0)
  iret
fault:
  hlt
msg: .asciz "hello, machine\\n"
  .align 4
uptime: .word 0, 0, 0
`;

test('a bare-metal program boots, prints, takes timer interrupts and powers off', () => {
  const img = image(HELLO);
  const m = buildMachine({ kind: 'boot', config: { cmdline: 'hello n=3', memoryBytes: 1 << 20, levels: 4 }, image: img });
  assert.equal(m.state, 'running');
  assert.equal(m.slots[0].cpu.state.pc >>> 0, img.entry);
  const o = runMachine(m, { untilNs: 1e9 });
  assert.equal(o.stoppedBy, 'off');
  assert.equal(m.state, 'off');
  assert.equal(m.exitCode, 42);
  assert.equal(m.consoleRead(0).text, 'hello, machine\nT\n');
  const c = m.counters();
  assert.equal(c['timer.ticksDelivered'], 5);
  assert.equal(c.timerInterrupts, 5);
  assert.equal(c['interrupts.irq0'], 5);
  assert.ok(c.ioAccesses >= 25);
  const up = word(m, img.symbols.uptime);
  assert.ok(up >= 5000 && up < 5100, `uptime read by the guest: ${up} µs (5 ticks of 1 ms)`);
  assert.equal(word(m, img.symbols.uptime + 4), 1 << 20, 'BOOT_MEMSIZE');
  assert.equal(word(m, img.symbols.uptime + 8), 4, 'BOOT_LEVELS');
  assert.equal(m.runVcpu(0, 1000, 2e9).poweredOff, true, 'an off machine runs nothing');
});

test('the boot parameter block carries magic, sizes, entry, image end and the command line', () => {
  const img = image(HELLO);
  const m = bootMachine(HELLO, { cmdline: 'hello n=3', memoryBytes: 1 << 20 });
  const w = (o: number): number => word(m, 0x1000 + o) >>> 0;
  assert.equal(w(0), BOOT_MAGIC);
  assert.equal(w(4), 1);
  assert.equal(w(8), 1 << 20);
  assert.equal(w(12), 2);
  assert.equal(w(16), img.entry);
  assert.equal(w(20), img.loadAddress + img.bytes.length);
  assert.equal(w(24), 9);
  const cmd = Array.from({ length: 10 }, (_, i) => m.mem.readByte((0x1020 + i) as never));
  assert.equal(String.fromCharCode(...cmd.slice(0, 9)), 'hello n=3');
  assert.equal(cmd[9], 0, 'NUL-terminated');
  assert.equal(word(m, 0), img.bytes[0] | (img.bytes[1] << 8) | (img.bytes[2] << 16) | (img.bytes[3] << 24), 'the vector table segment at 0 is loaded');
});

test('the same program gives the same console and digest under interp and te (te costs more cycles)', () => {
  const untimed = HELLO.replace('in r6, 0x42(r0)            ; uptime (µs)', 'li r6, 0'); // a time-dependent value in memory would differ
  const run = (monitor: string) => {
    const m = bootMachine(untimed, { monitor });
    runMachine(m);
    return { text: m.consoleRead(0).text, digest: m.digest(), cycles: m.counters().cycles, exits: m.counters().monitorExits };
  };
  const a = run('interp');
  const b = run('te');
  assert.equal(a.text, b.text);
  assert.equal(a.digest, b.digest);
  assert.ok(b.cycles > a.cycles);
  assert.equal(a.exits, 0);
  assert.ok(b.exits > 20, 'every privileged instruction of the deprivileged kernel exits to the monitor');
});

test('port accesses see the exact virtual time of the instruction', () => {
  const src = `
  .org 0x2000
_start:
  in r1, 0x42(r0)
  li r3, 0
.l:
  addi r3, r3, 1
  cmpi r3, 1000
  blt .l
  in r2, 0x42(r0)
  cli
  hlt
`;
  const m = bootMachine(src, { clockHz: 1e9 });
  runMachine(m);
  const r = m.slots[0].cpu.state.regs;
  // between the two reads: 1,000 × (addi + cmpi + blt) = 3,000 cycles + li + the second in (3,209)
  assert.equal(r[2] - r[1], Math.floor((3209 * 2 + 3001) / 1000) - Math.floor(3209 / 1000));
});

test('configuration and loading mistakes are reported, not run', () => {
  assert.throws(() => bootMachine('.org 0x1800\n .word 1', {}), BootImageError);
  assert.throws(() => bootMachine('.org 0x2000\n hlt', { vcpus: 0 }), MachineConfigError);
  assert.throws(() => bootMachine('.org 0x2000\n hlt', { memoryBytes: 5000 }), MachineConfigError);
  assert.throws(() => bootMachine('.org 0x2000\n hlt', { monitor: 'nope' }), /not available/);
  assert.throws(() => bootMachine('.org 0xff000\n hlt', { memoryBytes: 1 << 20, cmdline: 'x'.repeat(5000) }), BootImageError);
  assert.throws(() => bootMachine('.org 0x200000\n hlt', { memoryBytes: 1 << 20 }), /does not fit/);
});
