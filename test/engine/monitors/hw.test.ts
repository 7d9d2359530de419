/**
 * hw (hardware assist, VT-x-like): the guest kernel runs unmodified in guest kernel mode; only the
 * configured events exit to the monitor — counted by reason and charged vmExit (+ monitorEmulate
 * for an emulated instruction) — and everything else (syscalls, other control registers, the
 * sensitive instructions) runs with no exit, exactly as on bare hardware. Its translated engine
 * leaves the guest kernel's start to the interpreter (host-side only: test/differential/tiering.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IoPorts } from '../../../src-main/engine/cpu/index';
import { type Machine, runMachine } from '../../../src-main/engine/machine/index';
import { DEFAULT_HW_EXITS, HardwareAssistMonitor, InterpMonitor } from '../../../src-main/engine/monitors/index';
import { HW_KERNEL_TRANSLATE_AFTER_CYCLES } from '../../../src-main/engine/params';
import { CALLOUT_HELPERS, TranslationCache } from '../../../src-main/engine/translator/index';
import { boot, reg, runToHalt } from '../../helpers/cpuHarness';
import { bootGuest } from '../../helpers/machineHarness';

const VEC = (slots: Record<number, string>): string => `  .org 0\n${Array.from({ length: 32 }, (_, k) => `  j ${slots[k] ?? 'fault'}`).join('\n')}\n`;

const KERNEL = `${VEC({ 5: 'syscall', 6: 'hyper', 16: 'irq', 17: 'irq' })}
  .org 0x2000
_start:
  la r1, 0x20000
  mtcr ptbr, r1            ; cr-write exit
  li r1, 1
  mtcr status, r1          ; cr-write exit
  mtcr scratch0, r1        ; not a VMM-owned register: no exit
  mfcr r2, scratch0        ; no exit
  mfcr r3, ptbr            ; cr-read: off by default
  in r4, 0x72(r0)          ; io exit
  out r4, 0x20(r0)         ; io exit
  invlpg r0                ; invlpg exit
  tlbflush                 ; tlbflush exit
  sys                      ; syscall: no exit
  getf r5                  ; sensitive: no exit, true PSW
  smsw r6
  hcall                    ; vmcall exit, then the hypercall exception is injected
  li r1, 1
  out r1, 0x70(r0)         ; raise IRQ1 (io exit); taken once IE = 1: external-interrupt exit
  sti
  nop
  hlt                      ; hlt exit (IE = 0 after the interrupt handler? no: iret restores IE = 1)
  cli
  hlt
syscall:
  addi r10, r10, 1
  iret
hyper:
  addi r11, r11, 1
  iret
irq:
  li r1, 1
  out r1, 0x71(r0)         ; acknowledge (io exit)
  addi r12, r12, 1
  iret
fault:
  hlt
  .org 0x20000
  .word 0x21003
  .org 0x21000
${Array.from({ length: 40 }, (_, p) => `  .word 0x${((p << 12) | 3).toString(16)}`).join('\n')}
`;

function testIo(): IoPorts & { cpu?: { raiseIrq(l: number): void; lowerIrq(l: number): void } } {
  const io: IoPorts & { cpu?: { raiseIrq(l: number): void; lowerIrq(l: number): void } } = {
    read: () => 42,
    write: (port, v) => {
      if (port === 0x70) io.cpu?.raiseIrq(v & 3);
      else if (port === 0x71) io.cpu?.lowerIrq(v & 3);
    },
  };
  return io;
}

function runWith(monitor: HardwareAssistMonitor | InterpMonitor) {
  const io = testIo();
  const b = boot(KERNEL, { monitor, io });
  io.cpu = b.cpu;
  // the final hlt (IE = 1) waits for an interrupt: raise one, then the last hlt (IE = 0) ends it
  let r = b.cpu.run(1_000_000);
  if (r.reason === 'halted' && b.cpu.canWake()) {
    b.cpu.raiseIrq(1);
    r = b.cpu.run(1_000_000);
  }
  assert.equal(r.reason, 'halted');
  return b;
}

test('exits happen for the configured events only, counted by reason; the result equals interp', () => {
  const ref = runWith(new InterpMonitor());
  const hw = new HardwareAssistMonitor();
  const b = runWith(hw);
  assert.equal(b.cpu.digest(), ref.cpu.digest());
  assert.deepEqual(
    { io: hw.exits.io, hlt: hw.exits.hlt, cr: hw.exits['cr-write'], invlpg: hw.exits.invlpg, tlbflush: hw.exits.tlbflush, vmcall: hw.exits.vmcall, ext: hw.exits['external-interrupt'] },
    { io: 5, hlt: 2, cr: 2, invlpg: 1, tlbflush: 1, vmcall: 1, ext: 2 },
  );
  assert.equal(hw.exits['cr-read'], undefined, 'cr-read exiting is off by default');
  assert.equal(reg(b, 10), 1, 'the syscall ran natively');
  assert.equal(reg(b, 5) & 0x20, 0x20, 'getf sees kernel mode');
  assert.equal(reg(b, 6) & 1, 1, 'smsw sees kernel mode');
  const c = hw.counters();
  assert.equal(c['hw.exits'], 14);
  assert.equal(c['hw.exits.io'], 5);
});

test('each exit costs vmExit, each emulated instruction monitorEmulate more: the difference to interp is exactly that', () => {
  const ref = runWith(new InterpMonitor());
  for (const engine of ['translated', 'interp'] as const) {
    const hw = new HardwareAssistMonitor({ engine });
    const b = runWith(hw);
    const c = b.cpu.costs;
    const emulated = hw.exitCount - (hw.exits.vmcall ?? 0) - (hw.exits['external-interrupt'] ?? 0);
    assert.equal(b.cpu.counters.cycles - ref.cpu.counters.cycles, hw.exitCount * c.vmExit + emulated * c.monitorEmulate, engine);
  }
});

test('the exit controls are configurable (e.g. no I/O exiting; CR-read exiting on)', () => {
  assert.equal(DEFAULT_HW_EXITS.io, true);
  const hw = new HardwareAssistMonitor({ exits: { io: false, 'cr-read': true } });
  const ref = runWith(new InterpMonitor());
  const b = runWith(hw);
  assert.equal(b.cpu.digest(), ref.cpu.digest());
  assert.equal(hw.exits.io, undefined);
  assert.equal(hw.exits['cr-read'], 1);
});

test('save/restore keeps the exit counts and re-programs the intercepts', () => {
  const hw = new HardwareAssistMonitor();
  const b = runWith(hw);
  const s = hw.save();
  const hw2 = new HardwareAssistMonitor();
  hw2.restore(b.cpu, s);
  assert.equal(hw2.exitCount, hw.exitCount);
  assert.equal(b.cpu.intercepts[0x68], 1);
});

/** The regions the translated engine holds for the machine's memory: [user, kernel] counts. */
function regionsByMode(m: Machine): [number, number] {
  const cpu = m.slots[0].cpu;
  const list = TranslationCache.for(cpu.mem, cpu.opCost, CALLOUT_HELPERS).list();
  return [list.filter((r) => !r.kernel).length, list.filter((r) => r.kernel).length];
}

test('hw translates no kernel page in the kernel\'s first 100 M cycles (user pages as soon as they are hot), then does', () => {
  const later = bootGuest('cpu', { monitor: 'hw' });
  runMachine(later, { untilNs: 40e6 });
  assert.ok(later.slots[0].cpu.counters.cycles < HW_KERNEL_TRANSLATE_AFTER_CYCLES, 'still in the kernel\'s start');
  const [user, kernel] = regionsByMode(later);
  assert.ok(user > 0, 'the hot user loop is translated');
  assert.equal(kernel, 0, 'no kernel region yet');
  runMachine(later, { untilNs: 160e6 });
  assert.ok(regionsByMode(later)[1] > 0, 'kernel regions once the start is over');
  // the option at 0: kernel pages from power-on (the engine before the option)
  const atOnce = bootGuest('cpu', { monitor: 'hw', env: { createMonitor: (k) => (k === 'hw' ? new HardwareAssistMonitor({ kernelTranslateAfterCycles: 0 }) : undefined) } });
  runMachine(atOnce, { untilNs: 40e6 });
  assert.ok(regionsByMode(atOnce)[1] > 0, 'kernel regions from the start');
});
