/** Exceptions, interrupts, double/triple faults, self-modifying code, save/restore and digest. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cpu } from '../../../src-main/engine/cpu/index';
import { CAUSE_DOUBLE_FAULT, CAUSE_ILLEGAL, CAUSE_IRQ_BASE, CAUSE_MISALIGNED, CR_CAUSE, CR_EPC, CR_FADDR, FAULT_WRITE, PTE_W } from '../../../src-main/engine/isa/index';
import { GuestPhysicalMemory } from '../../../src-main/engine/memory/index';
import { boot, HALT_VECTORS, reg, runToHalt } from '../../helpers/cpuHarness';
import { PtBuilder } from '../mmu/ptBuilder';

const P = `${HALT_VECTORS}\n  .org 0x2000\n_start:\n`;
const cause = (c: Cpu): number => c.state.cr[CR_CAUSE] & 0xff;

test('illegal instruction: zero word and reserved operand bits', () => {
  for (const w of ['0', '0x01000001']) {
    const b = boot(P + ` nop\nat: .word ${w}\n hlt`);
    runToHalt(b.cpu);
    assert.equal(cause(b.cpu), CAUSE_ILLEGAL);
    assert.equal(b.cpu.state.cr[CR_EPC], b.image.symbols.at);
  }
});

test('misaligned word load and store fault with FADDR, byte access does not', () => {
  const b = boot(P + ' li r1, 0x3002\n ldb r2, 0(r1)\n stw r2, 0(r1)\n hlt');
  runToHalt(b.cpu);
  assert.equal(cause(b.cpu), CAUSE_MISALIGNED);
  assert.equal(b.cpu.state.cr[CR_FADDR], 0x3002);
  assert.ok(b.cpu.state.cr[CR_CAUSE] & FAULT_WRITE);
});

test('interrupts are masked while IE = 0 and delivered at the next boundary when IE = 1', () => {
  const b = boot(P + ' li r1, 1\n li r2, 2\nspin: j spin');
  b.cpu.raiseIrq(2);
  let r = b.cpu.run(1000);
  assert.equal(r.reason, 'budget');
  assert.equal(b.cpu.counters.causes[CAUSE_IRQ_BASE + 2], 0);
  b.cpu.state.ie = true;
  r = b.cpu.run(1000);
  assert.equal(r.reason, 'halted');
  assert.equal(cause(b.cpu), CAUSE_IRQ_BASE + 2);
  assert.equal(b.cpu.state.cr[CR_EPC], b.image.symbols.spin);
  assert.equal(b.cpu.snapshot().interrupts, 1);
});

test('halt with IE = 0 cannot be woken; with IE = 1 an interrupt wakes it (sti shadow covers hlt)', () => {
  const b = boot(P + ' hlt');
  runToHalt(b.cpu);
  assert.equal(b.cpu.canWake(), false);
  const c = boot(`
  .org 0
${Array.from({ length: 16 }, () => '  hlt').join('\n')}
  j handler
  .org 0x2000
_start:
  sti
at: hlt
  li r3, 3
  hlt
handler:
  li r1, 1
  out r1, 0x12
  iret`, { io: { read: () => 0, write: () => c.cpu.lowerIrq(0) } });
  c.cpu.raiseIrq(0); // pending before sti: the shadow lets hlt execute, then the interrupt is taken
  runToHalt(c.cpu);
  assert.equal(c.cpu.state.cr[CR_EPC], c.image.symbols.at + 4);
  // handler ran, returned after the first hlt, then the program halted at the second hlt
  assert.equal(reg(c, 3), 3);
  assert.equal(c.cpu.state.irqLines, 0);
});

test('double fault, then triple fault crashes the machine without throwing', () => {
  // paging on; VBAR = 0x4ff0: page-fault slot 0x4ffc is on an unmapped page, double-fault slot 0x5010 is mapped
  const b = boot(P + ' li r1, 0x4ff0\n mtcr vbar, r1\n li r1, 0x100000\n mtcr ptbr, r1\n li r1, 1\n mtcr status, r1\n li r2, 0x40000000\n ldw r3, 0(r2)\n hlt\n .org 0x5010\n hlt', { memBytes: 4 << 20 });
  const pt = new PtBuilder(b.mem, 2, 0x100000);
  pt.identity(0x2000, 0x4000, PTE_W);
  pt.map(0x5000, 0x5000, 0);
  runToHalt(b.cpu);
  assert.equal(cause(b.cpu), CAUSE_DOUBLE_FAULT);
  assert.equal(b.cpu.counters.doubleFaults, 1);
  assert.equal(b.cpu.state.pc, 0x5014);

  const t = boot(P + ' li r1, 0x40000000\n mtcr vbar, r1\n li r1, 0x100000\n mtcr ptbr, r1\n li r1, 1\n mtcr status, r1\n ldw r3, 0(r1)\n hlt', { memBytes: 4 << 20 });
  const pt2 = new PtBuilder(t.mem, 2, 0x100000);
  pt2.identity(0x2000, 0x4000, PTE_W);
  const r = t.cpu.run(100_000);
  assert.equal(r.reason, 'crashed');
  assert.equal(t.cpu.crash?.reason, 'triple fault');
  assert.equal(t.cpu.run(100).reason, 'crashed');
});

test('self-modifying code: a store over the next instruction takes effect', () => {
  const b = boot(P + ' li r1, patch\n li r2, newins\n ldw r2, 0(r2)\n stw r2, 0(r1)\npatch: li r5, 1\n hlt\nnewins: li r5, 99');
  runToHalt(b.cpu);
  assert.equal(reg(b, 5), 99);
});

test('budget is exact per instruction and counters add up', () => {
  const b = boot(P + 'loop: addi r1, r1, 1\n j loop');
  const r = b.cpu.run(1001);
  assert.equal(r.cycles, 1001);
  assert.equal(r.instructions, 1001);
  assert.equal(reg(b, 1), 501);
  assert.equal(b.cpu.counters.instructions, 1001);
  assert.equal(b.cpu.snapshot().byOpcode.addi, 501);
});

test('save → structuredClone → restore continues identically (digest, cycles, TLB counters)', () => {
  const src = P + ` li r1, 0x100000\n mtcr ptbr, r1\n li r1, 1\n mtcr status, r1
  li r2, 0x40000000\n li r4, 0
loop: stw r4, 0(r2)\n addi r2, r2, 4100\n addi r4, r4, 1\n cmpi r4, 300\n bne loop\n hlt`;
  const make = (): ReturnType<typeof boot> => {
    const b = boot(src, { memBytes: 8 << 20 });
    const pt = new PtBuilder(b.mem, 2, 0x100000);
    pt.identity(0x2000, 0x4000, PTE_W);
    for (let k = 0; k < 320; k++) pt.map(0x40000000 + k * 4096, 0x200000 + k * 4096, PTE_W);
    return b;
  };
  const a = make();
  runToHalt(a.cpu);
  const b = make();
  b.cpu.run(2000);
  const saved = structuredClone({ cpu: b.cpu.save(), mem: b.mem.save() });
  const mem2 = GuestPhysicalMemory.restore(b.host, saved.mem);
  const c = Cpu.restore(mem2, saved.cpu);
  runToHalt(c);
  assert.equal(c.digest(), a.cpu.digest());
  assert.equal(c.counters.cycles, a.cpu.counters.cycles);
  assert.deepEqual(c.snapshot(), a.cpu.snapshot());
  assert.ok(a.cpu.snapshot().tlbMisses > 64);
});

test('digest: untouched memory equals zero-filled memory; any register or byte changes it', () => {
  const a = boot(P + ' hlt');
  const b = boot(P + ' hlt');
  b.mem.writeWord(0x80000 as never, 0);
  assert.equal(a.cpu.digest(), b.cpu.digest());
  b.mem.writeByte(0x80001 as never, 1);
  assert.notEqual(a.cpu.digest(), b.cpu.digest());
  const c = boot(P + ' hlt');
  c.cpu.state.regs[7] = 1;
  assert.notEqual(a.cpu.digest(), c.cpu.digest());
});

test('self-modifying code on a page that was written through the fast path before it became code', () => {
  // copy 4 words to 0x5000 (data writes: fast path), jump there; that code patches its own page
  const b = boot(P + ` li r1, 0x5000
  li r2, code1
  li r4, 0
copy: add r6, r2, r4
  ldw r3, 0(r6)
  add r6, r1, r4
  stw r3, 0(r6)
  addi r4, r4, 4
  cmpi r4, 16
  bne copy
  ldw r3, 16(r2)       ; the patch: li r5, 2
  jalr r1
  hlt
code1: stw r3, 8(r1)   ; patch the slot two instructions ahead (same page)
  nop
  li r5, 1
  ret
  li r5, 2`);
  runToHalt(b.cpu);
  assert.equal(reg(b, 5), 2);
});
