/**
 * SMP: secondary vCPUs are parked until START; CPU_ID / CPU_COUNT; an xchg spinlock keeps a shared
 * counter exact while the same code without the lock loses updates (vCPUs interleave); IPIs wake a
 * halted vCPU; each vCPU has its own timer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMachine, runMachine } from '../../../src-main/engine/machine/index';
import { image, VEC, word } from '../../helpers/machineHarness';

const N = 20000;

/** vCPU 0 starts every other vCPU (stack = 0x80000 + id·4 KiB via START_ARG), all run `work`. */
const program = (locked: boolean): string => `${VEC({ 20: 'ipi' })}
  .org 0x2000
_start:
  in r1, 0x61(r0)          ; CPU_COUNT
  li r2, secondary
  out r2, 0x62(r0)         ; START_ENTRY
  li r3, 1
.sl:
  cmp r3, r1
  bge .started
  slli r4, r3, 12
  li r5, 0x80000
  add r4, r4, r5
  out r4, 0x63(r0)         ; START_ARG: the stack top
  out r3, 0x64(r0)         ; START vCPU r3
  addi r3, r3, 1
  j .sl
.started:
  li sp, 0x80000
  in r2, 0x64(r0)          ; started mask
  li r4, mask
  stw r2, 0(r4)
  call record_id
  call work
.wait:
  li r6, done
  ldw r4, 0(r6)
  cmp r4, r1
  blt .wait
  cli
  hlt
secondary:
  mov sp, r1
  call record_id
  call work
  cli
  hlt
record_id:
  in r2, 0x60(r0)          ; CPU_ID
  slli r3, r2, 2
  li r4, ids
  add r4, r4, r3
  addi r2, r2, 100
  stw r2, 0(r4)
  ret
work:
  li r5, ${N}
.loop:
  li r6, lock
${locked ? `  li r7, 1
.spin:
  xchg r7, 0(r6)
  cmpi r7, 0
  bne .spin` : ''}
  li r9, counter
  ldw r8, 0(r9)
  addi r8, r8, 1
  stw r8, 0(r9)
${locked ? '  stw r0, 0(r6)' : ''}
  subi r5, r5, 1
  cmpi r5, 0
  bne .loop
  li r6, lock2
  li r7, 1
.spin2:
  xchg r7, 0(r6)
  cmpi r7, 0
  bne .spin2
  li r9, done
  ldw r8, 0(r9)
  addi r8, r8, 1
  stw r8, 0(r9)
  stw r0, 0(r6)
  ret
ipi:
  iret
fault:
  hlt
  .align 4
lock: .word 0
lock2: .word 0
counter: .word 0
done: .word 0
mask: .word 0
ids: .space 64
`;

for (const monitor of ['interp', 'te']) {
  test(`SMP under ${monitor}: START, CPU_ID and an xchg spinlock keep the shared counter exact`, () => {
    const img = image(program(true));
    const m = buildMachine({ kind: 'boot', config: { vcpus: 4, monitor }, image: img });
    assert.equal(m.isHalted(1), true, 'secondaries are parked at power-on');
    assert.equal(m.slots[1].started, false);
    const o = runMachine(m, { untilNs: 2e9 });
    assert.equal(o.stoppedBy, 'halted', `state ${m.state} ${JSON.stringify(m.crash)}`);
    assert.equal(word(m, img.symbols.counter), 4 * N, 'no lost update under the lock');
    assert.equal(word(m, img.symbols.done), 4);
    assert.equal(word(m, img.symbols.mask), 0b1111, 'START read-back: all four started');
    for (let i = 0; i < 4; i++) assert.equal(word(m, img.symbols.ids + 4 * i), 100 + i, `CPU_ID of vCPU ${i}`);
    const c = m.counters();
    assert.equal(c['smp.starts'], 3);
    assert.ok(c['op.xchg'] === undefined && c.instructions > 4 * N * 8);
  });
}

test('without the lock, interleaved vCPUs lose updates (the race the lock prevents)', () => {
  const img = image(program(false));
  const m = buildMachine({ kind: 'boot', config: { vcpus: 4 }, image: img });
  runMachine(m, { untilNs: 2e9, quantumNs: 10_000 });
  assert.equal(m.state, 'halted');
  assert.ok(word(m, img.symbols.counter) < 4 * N, `counter ${word(m, img.symbols.counter)} should have lost updates`);
});

test('START is ignored for vCPU 0, a started vCPU or an out-of-range index', () => {
  const src = `
  .org 0x2000
_start:
  li r2, sec
  out r2, 0x62(r0)
  li r3, 0
  out r3, 0x64(r0)
  li r3, 7
  out r3, 0x64(r0)
  li r3, 1
  out r3, 0x64(r0)
  out r3, 0x64(r0)
  cli
  hlt
sec:
  cli
  hlt
`;
  const m = buildMachine({ kind: 'boot', config: { vcpus: 2 }, image: image(src) });
  runMachine(m);
  const c = m.counters();
  assert.equal(c['smp.starts'], 1);
  assert.equal(c['smp.startsIgnored'], 3);
});

test('an IPI wakes a halted vCPU; IPI_ACK lowers the line; each vCPU has its own timer', () => {
  const src = `${VEC({ 16: 'tick', 20: 'ipi' })}
  .org 0x2000
_start:
  li r2, sec
  out r2, 0x62(r0)
  li r3, 1
  out r3, 0x64(r0)           ; start vCPU 1, which halts with IE = 1
  li r5, 0
.delay:                       ; let vCPU 1 reach its hlt
  addi r5, r5, 1
  cmpi r5, 20000
  blt .delay
  li r3, 1
  out r3, 0x65(r0)           ; IPI to vCPU 1
.w:
  li r6, woke
  ldw r4, 0(r6)
  cmpi r4, 0
  beq .w
  cli
  hlt
sec:
  li r2, 20                  ; vCPU 1 own timer: 20 µs one-shot
  out r2, 0x11(r0)
  li r2, 1
  out r2, 0x10(r0)
  sti
.h:
  hlt
  li r6, woke
  ldw r4, 0(r6)
  cmpi r4, 0
  beq .h
  cli
  hlt
ipi:
  out r0, 0x66(r0)           ; IPI_ACK
  li r7, woke
  li r8, 1
  stw r8, 0(r7)
  iret
tick:
  in r9, 0x60(r0)
  li r7, tickcpu
  stw r9, 0(r7)
  out r0, 0x12(r0)
  iret
fault:
  hlt
  .align 4
woke: .word 0
tickcpu: .word -1
`;
  const img = image(src);
  const m = buildMachine({ kind: 'boot', config: { vcpus: 2 }, image: img });
  const o = runMachine(m, { untilNs: 1e8 });
  assert.equal(o.stoppedBy, 'halted', JSON.stringify(m.crash));
  assert.equal(word(m, img.symbols.woke), 1);
  assert.equal(word(m, img.symbols.tickcpu), 1, 'the one-shot tick was delivered to vCPU 1, which programmed it');
  const c = m.counters();
  assert.equal(c['smp.ipisSent'], 1);
  assert.equal(c['smp.ipisAcked'], 1);
  assert.equal(c['interrupts.irq4'], 1);
  assert.equal(m.slots[1].cpu.state.irqLines & (1 << 4), 0, 'IPI line lowered');
});

test('the scheduler seam: parked and halted SMP vCPUs report a wake-up poll, not Infinity', () => {
  const src = `
  .org 0x2000
_start:
  sti
  hlt
`;
  const m = buildMachine({ kind: 'boot', config: { vcpus: 2 }, image: image(src) });
  const r = m.runVcpu(0, 1_000_000, 0);
  assert.equal(r.halted, true);
  assert.ok(Number.isFinite(m.nextWakeNs(0)), 'halted with IE=1 on SMP: polled for IPIs');
  assert.ok(Number.isFinite(m.nextWakeNs(1)), 'parked: polled for START');
  assert.equal(m.runVcpu(1, 1000, 0).halted, true, 'a parked vCPU runs nothing');
  assert.equal(m.nextEventNs(0), Infinity, 'no device event pending');
});
