/**
 * Monitors: interp is bare hardware; te (trap-and-emulate) runs the guest kernel deprivileged.
 * A guest without sensitive-unprivileged instructions gives the same digest under both; the
 * sensitive ones (setf, getf, smsw) visibly misbehave under te — the Popek–Goldberg lesson.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAUSE_IRQ_BASE, CAUSE_SYSCALL, CR_CAUSE, PSW_IE, PSW_K } from '../../../src-main/engine/isa/index';
import { createMonitor, InterpMonitor, TrapAndEmulateMonitor } from '../../../src-main/engine/monitors/index';
import { boot, reg, runToHalt } from '../../helpers/cpuHarness';

const VEC = (slots: Record<number, string>): string =>
  `  .org 0\n${Array.from({ length: 32 }, (_, k) => `  j ${slots[k] ?? 'fault'}`).join('\n')}\n`;

const KERNEL = `${VEC({ 5: 'syscall', 7: 'done', 16: 'irq' })}
  .org 0x2000
_start:
  mtcr vbar, r0
  li r12, user
  mtcr epc, r12
  li r12, 0x10        ; user mode with IE = 1
  mtcr epsw, r12
  iret
user:
  li r5, 0
uloop:
  sys
  addi r5, r5, 1
  cmpi r5, 3
  bne uloop
  brk
syscall:
  mtcr scratch0, r1
  li r1, count
  ldw r2, 0(r1)
  addi r2, r2, 1
  stw r2, 0(r1)
  mfcr r1, scratch0
  iret
irq:
  li r9, 1
  iret
done:
  mfcr r6, cause
  hlt
fault:
  mfcr r6, cause
  mfcr r7, epc
  hlt
  .align 4
count: .word 0
`;

test('a kernel + user program gives the same guest-visible digest under interp, te and no monitor', () => {
  const plain = boot(KERNEL);
  runToHalt(plain.cpu);
  const interp = boot(KERNEL, { monitor: new InterpMonitor() });
  runToHalt(interp.cpu);
  const te = new TrapAndEmulateMonitor();
  const t = boot(KERNEL, { monitor: te });
  runToHalt(t.cpu);
  assert.equal(plain.mem.readWord(plain.image.symbols.count as never), 3);
  assert.equal(t.mem.readWord(t.image.symbols.count as never), 3);
  assert.equal(reg(t, 6), 7, 'ended in the breakpoint handler');
  assert.equal(interp.cpu.digest(), plain.cpu.digest());
  assert.equal(t.cpu.digest(), plain.cpu.digest());
  // te did real work: privileged instructions trapped and were emulated, syscalls reflected
  assert.ok(te.stats.emulated.iret >= 4 && te.stats.emulated.mtcr >= 3);
  assert.equal(te.stats.reflected.syscall, 3);
  assert.ok(t.cpu.counters.cycles > plain.cpu.counters.cycles, 'trap-and-emulate costs cycles');
  assert.equal(t.cpu.counters.causes[CAUSE_SYSCALL], 3);
  assert.equal(t.cpu.state.kernel, false, 'the real CPU never ran in kernel mode');
});

const SENSITIVE = `${VEC({})}
  .org 0x2000
_start:
  sti
  getf r1
  li r2, -17          ; ~PSW_IE
  and r1, r1, r2
  setf r1             ; "disable interrupts" the POPF way
  getf r3             ; did it work? (PUSHF way)
  smsw r4             ; which mode am I in? (SMSW way)
  hlt
fault:
  hlt
`;

test('Popek–Goldberg: setf/getf/smsw behave differently under te (they do not trap)', () => {
  const i = boot(SENSITIVE);
  runToHalt(i.cpu);
  assert.equal(reg(i, 3) & (PSW_IE | PSW_K), PSW_K, 'interp: IE cleared, kernel mode');
  assert.equal(reg(i, 4), 1, 'interp: smsw says kernel');

  const te = new TrapAndEmulateMonitor();
  const t = boot(SENSITIVE, { monitor: te });
  runToHalt(t.cpu);
  assert.equal(reg(t, 3) & (PSW_IE | PSW_K), PSW_IE, 'te: guest sees IE still set and user mode');
  assert.equal(reg(t, 4), 0, 'te: smsw reveals user mode');
  assert.equal(te.virtualIe, true, 'te: the IE change was silently dropped');
  assert.equal(i.cpu.canWake(), false, 'interp: interrupts really are off');
  assert.equal(t.cpu.canWake(), true, 'te: interrupts can still arrive');
  assert.notEqual(t.cpu.digest(), i.cpu.digest());
  assert.equal(te.stats.emulated.sti, 1);
});

test('te: interrupts wait while the virtual IE is 0 and are reflected to the virtual vector after sti', () => {
  const src = `${VEC({ 16: 'irq' })}
  .org 0x2000
_start:
  li r1, 0
w: addi r1, r1, 1
  cmpi r1, 50
  bne w
  sti
  li r2, 5
s: j s
irq:
  mfcr r6, cause
  hlt
fault: hlt
`;
  const te = new TrapAndEmulateMonitor();
  const t = boot(src, { monitor: te });
  t.cpu.raiseIrq(0);
  runToHalt(t.cpu, 1_000_000);
  assert.equal(reg(t, 1), 50, 'not interrupted before sti');
  assert.equal(reg(t, 6), CAUSE_IRQ_BASE);
  assert.equal(te.vcr[CR_CAUSE], CAUSE_IRQ_BASE);
  assert.equal(te.stats.reflected.irq0, 1);
  assert.equal(te.virtualIe, false);
});

test('te state saves and restores', () => {
  const te = new TrapAndEmulateMonitor();
  const b = boot(KERNEL, { monitor: te });
  b.cpu.run(3000);
  const s = structuredClone(te.save());
  const te2 = new TrapAndEmulateMonitor();
  te2.restore(b.cpu, s);
  runToHalt(b.cpu);
  assert.equal(b.mem.readWord(b.image.symbols.count as never), 3);
  assert.equal(createMonitor('te').name, 'te');
  assert.equal(createMonitor('interp').name, 'interp');
});

test('monitor seam: intercepted kernel-mode instructions go to the monitor (VM-exit style)', () => {
  const seen: string[] = [];
  const monitor = {
    name: 'spy',
    onTrap(cpu: import('../../../src-main/engine/cpu/index').Cpu, ev: import('../../../src-main/engine/cpu/index').TrapEvent) {
      seen.push(`${ev.cause}:${ev.intercepted}:${ev.word.toString(16)}`);
      if (ev.intercepted) {
        cpu.state.regs[9] = 42; // emulate "out" by writing r9 instead
        cpu.state.pc = (ev.pc + 4) | 0;
        return 'resume' as const;
      }
      return 'deliver' as const;
    },
  };
  const b = boot(`${VEC({})}\n  .org 0x2000\n_start:\n li r1, 7\n out r1, 0x20\n sys\nfault: hlt`, { monitor });
  b.cpu.intercepts[0x69] = 1; // out
  let wrote = 0;
  b.cpu.io = { read: () => 0, write: () => { wrote++; } };
  runToHalt(b.cpu);
  assert.equal(reg(b, 9), 42);
  assert.equal(wrote, 0, 'the monitor handled the out');
  assert.deepEqual(seen, ['2:true:69100020', '5:false:3000000']);
  assert.equal(b.cpu.counters.monitorTraps, 2);
  assert.equal(b.cpu.counters.monitorEmulated, 1);
});
