/**
 * Per-instruction semantics, table-driven from opcodes.ts: every opcode in the table must have
 * a spec here (the first test fails otherwise), and each spec runs a small program and checks
 * registers, flags, memory, control registers or the exception it raises.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAUSE_BREAKPOINT, CAUSE_DIVIDE, CAUSE_HYPERCALL, CAUSE_PRIVILEGED, CAUSE_SYSCALL, CR_CAUSE, CR_EPC, CR_SCRATCH0, OPCODES, PSW_C, PSW_IE, PSW_K, PSW_N, PSW_V, PSW_Z } from '../../../src-main/engine/isa/index';
import { boot, HALT_VECTORS, reg, runToHalt, ureg, type Booted } from '../../helpers/cpuHarness';
import type { IoPorts } from '../../../src-main/engine/cpu/index';

const PRELUDE = `${HALT_VECTORS}
.macro to_user target
  li r12, \\target
  mtcr epc, r12
  mtcr epsw, r0
  iret
.endm
  .org 0x2000
_start:
`;

type Check = (b: Booted) => void;
interface Spec { body: string; check: Check; io?: IoPorts }

const cause = (b: Booted): number => b.cpu.state.cr[CR_CAUSE] & 0xff;
const epc = (b: Booted): number => b.cpu.state.cr[CR_EPC] >>> 0;
const sym = (b: Booted, s: string): number => b.image.symbols[s];

function alu(body: string, expect: Record<number, number>): Spec {
  return { body, check: (b) => { for (const [r, v] of Object.entries(expect)) assert.equal(reg(b, Number(r)), v | 0, `r${r}`); } };
}
function branch(m: string, a: number, bb: number, taken: boolean): Spec {
  return {
    body: `li r1, ${a}\n li r2, ${bb}\n cmp r1, r2\n ${m} yes\n li r3, 1\n hlt\nyes: li r3, 2\n hlt`,
    check: (b) => assert.equal(reg(b, 3), taken ? 2 : 1, `${m} ${a},${bb}`),
  };
}

const SPECS: Record<string, Spec[]> = {
  nop: [alu('li r1, 3\n nop\n nop\n hlt', { 1: 3 })],
  brk: [{ body: 'at: brk\n hlt', check: (b) => { assert.equal(cause(b), CAUSE_BREAKPOINT); assert.equal(epc(b), sym(b, 'at') + 4); } }],
  sys: [{ body: 'li r1, 7\nat: sys\n hlt', check: (b) => { assert.equal(cause(b), CAUSE_SYSCALL); assert.equal(epc(b), sym(b, 'at') + 4); } }],
  hcall: [{ body: 'at: hcall\n hlt', check: (b) => { assert.equal(cause(b), CAUSE_HYPERCALL); assert.equal(epc(b), sym(b, 'at') + 4); } }],
  add: [alu('li r1, 5\n li r2, 7\n add r3, r1, r2\n li r4, 0x7fffffff\n add r5, r4, r1\n add r0, r1, r2\n hlt', { 3: 12, 5: 0x80000004, 0: 0 })],
  sub: [alu('li r1, 5\n li r2, 7\n sub r3, r1, r2\n hlt', { 3: -2 })],
  and: [alu('li r1, 0xff0f\n li r2, 0x0ff0\n and r3, r1, r2\n hlt', { 3: 0x0f00 })],
  or: [alu('li r1, 0xf000\n li r2, 0x000f\n or r3, r1, r2\n hlt', { 3: 0xf00f })],
  xor: [alu('li r1, 0xff\n li r2, 0x0f\n xor r3, r1, r2\n hlt', { 3: 0xf0 })],
  shl: [alu('li r1, 3\n li r2, 33\n shl r3, r1, r2\n hlt', { 3: 6 })],
  shr: [alu('li r1, -16\n li r2, 2\n shr r3, r1, r2\n hlt', { 3: 0x3ffffffc })],
  sar: [alu('li r1, -16\n li r2, 2\n sar r3, r1, r2\n hlt', { 3: -4 })],
  mul: [alu('li r1, -3\n li r2, 7\n mul r3, r1, r2\n li r4, 0x10001\n mul r5, r4, r4\n hlt', { 3: -21, 5: 0x20001 })],
  mulhu: [alu('li r1, -1\n mulhu r3, r1, r1\n li r4, 0x10000\n mulhu r5, r4, r4\n li r6, 3\n mulhu r7, r6, r6\n hlt', { 3: 0xfffffffe, 5: 1, 7: 0 })],
  div: [
    alu('li r1, -7\n li r2, 2\n div r3, r1, r2\n li r4, 0x80000000\n li r5, -1\n div r6, r4, r5\n hlt', { 3: -3, 6: 0x80000000 }),
    { body: 'li r1, 1\nat: div r3, r1, r0\n hlt', check: (b) => { assert.equal(cause(b), CAUSE_DIVIDE); assert.equal(epc(b), sym(b, 'at')); } },
  ],
  divu: [
    alu('li r1, -2\n li r2, 2\n divu r3, r1, r2\n hlt', { 3: 0x7fffffff }),
    { body: 'at: divu r3, r1, r0\n hlt', check: (b) => assert.equal(cause(b), CAUSE_DIVIDE) },
  ],
  rem: [
    alu('li r1, -7\n li r2, 2\n rem r3, r1, r2\n hlt', { 3: -1 }),
    { body: 'rem r3, r1, r0\n hlt', check: (b) => assert.equal(cause(b), CAUSE_DIVIDE) },
  ],
  remu: [
    alu('li r1, -1\n li r2, 10\n remu r3, r1, r2\n hlt', { 3: 5 }),
    { body: 'remu r3, r1, r0\n hlt', check: (b) => assert.equal(cause(b), CAUSE_DIVIDE) },
  ],
  cmp: [
    alu('li r1, 1\n li r2, 2\n cmp r1, r2\n getf r3\n hlt', { 3: PSW_N | PSW_K }),
    alu('li r1, 0x80000000\n li r2, 1\n cmp r1, r2\n getf r3\n hlt', { 3: PSW_V | PSW_C | PSW_K }),
    alu('li r1, 5\n cmp r1, r1\n getf r3\n hlt', { 3: PSW_Z | PSW_C | PSW_K }),
  ],
  tst: [alu('li r1, 0xf0\n li r2, 0x0f\n tst r1, r2\n getf r3\n li r4, -1\n tst r4, r4\n getf r5\n hlt', { 3: PSW_Z | PSW_K, 5: PSW_N | PSW_K })],
  addi: [alu('li r1, 10\n addi r2, r1, -20\n hlt', { 2: -10 })],
  andi: [alu('li r1, -1\n andi r2, r1, 0xff00\n hlt', { 2: 0xff00 })],
  ori: [alu('li r1, 0x10000\n ori r2, r1, 0x8001\n hlt', { 2: 0x18001 })],
  xori: [alu('li r1, -1\n xori r2, r1, 0xffff\n hlt', { 2: 0xffff0000 })],
  slli: [alu('li r1, 1\n slli r2, r1, 31\n hlt', { 2: 0x80000000 })],
  srli: [alu('li r1, -1\n srli r2, r1, 28\n hlt', { 2: 15 })],
  srai: [alu('li r1, -256\n srai r2, r1, 4\n hlt', { 2: -16 })],
  lui: [alu('lui r1, 0xabcd\n hlt', { 1: 0xabcd0000 })],
  cmpi: [alu('li r1, -5\n cmpi r1, -5\n getf r2\n cmpi r1, 3\n getf r3\n hlt', { 2: PSW_Z | PSW_C | PSW_K, 3: PSW_N | PSW_C | PSW_K })],
  ldw: [alu('li r1, data\n ldw r2, 4(r1)\n hlt\n .align 4\ndata: .word 1, 0x12345678', { 2: 0x12345678 })],
  ldb: [alu('li r1, data\n ldb r2, 1(r1)\n ldb r3, 3(r1)\n hlt\n .align 4\ndata: .word 0x80ff1122', { 2: 0x11, 3: 0x80 })],
  ldbs: [alu('li r1, data\n ldbs r2, 3(r1)\n ldbs r3, 0(r1)\n hlt\n .align 4\ndata: .word 0x80ff1122', { 2: -128, 3: 0x22 })],
  stw: [{ body: 'li r1, 0x8000\n li r2, 0x55667788\n stw r2, -4(r1)\n hlt', check: (b) => assert.equal(b.mem.readWord(0x7ffc as never), 0x55667788) }],
  stb: [{ body: 'li r1, 0x8000\n li r2, 0x1ab\n stb r2, 2(r1)\n ldw r3, 0(r1)\n hlt', check: (b) => { assert.equal(b.mem.readByte(0x8002 as never), 0xab); assert.equal(reg(b, 3), 0xab0000); } }],
  xchg: [
    { body: 'li r1, data\n li r2, 7\n xchg r2, 4(r1)\n xchg r0, 0(r1)\n hlt\n .align 4\ndata: .word 5, 9', check: (b) => {
      assert.equal(reg(b, 2), 9, 'old value loaded');
      assert.equal(b.mem.readWord((sym(b, 'data') + 4) as never), 7, 'new value stored');
      assert.equal(b.mem.readWord(sym(b, 'data') as never), 0, 'xchg with r0 stores 0');
    } },
    { body: 'li r1, 0x8002\nat: xchg r2, 0(r1)\n hlt', check: (b) => { assert.equal(cause(b), 4); assert.equal(epc(b), sym(b, 'at')); } },
  ],
  j: [alu('j over\n li r1, 1\nover: li r2, 2\n hlt', { 1: 0, 2: 2 })],
  jal: [{ body: 'at: jal f\n hlt\nf: li r1, 9\n ret', check: (b) => { assert.equal(reg(b, 1), 9); assert.equal(ureg(b, 15), sym(b, 'at') + 4); } }],
  jr: [alu('li r1, t\n jr r1\n li r2, 1\nt: li r3, 3\n hlt', { 2: 0, 3: 3 })],
  jalr: [{ body: 'li r1, f\nat: jalr r1\n hlt\nf: li r2, 4\n ret', check: (b) => { assert.equal(reg(b, 2), 4); assert.equal(ureg(b, 15), sym(b, 'at') + 4); } }],
  beq: [branch('beq', 3, 3, true), branch('beq', 3, 4, false)],
  bne: [branch('bne', 3, 4, true), branch('bne', 3, 3, false)],
  blt: [branch('blt', -1, 0, true), branch('blt', 0, -1, false), branch('blt', 0x80000000, 1, true)],
  bge: [branch('bge', 0, -1, true), branch('bge', -1, 0, false), branch('bge', 2, 2, true)],
  bgt: [branch('bgt', 1, 0, true), branch('bgt', 1, 1, false)],
  ble: [branch('ble', 1, 1, true), branch('ble', 2, 1, false)],
  bltu: [branch('bltu', 0, -1, true), branch('bltu', -1, 0, false)],
  bgeu: [branch('bgeu', -1, 0, true), branch('bgeu', 0, -1, false)],
  bgtu: [branch('bgtu', -1, 1, true), branch('bgtu', 1, 1, false)],
  bleu: [branch('bleu', 1, 1, true), branch('bleu', -1, 1, false)],
  getf: [alu('getf r1\n sti\n getf r2\n hlt', { 1: PSW_K, 2: PSW_K | PSW_IE })],
  setf: [
    alu(`li r1, ${PSW_Z | PSW_IE}\n setf r1\n getf r2\n beq z\n hlt\nz: li r3, 1\n cli\n hlt`, { 2: PSW_Z | PSW_IE | PSW_K, 3: 1 }),
    // user mode: the IE change is silently ignored (no trap), the flags are set
    { body: `to_user u\nu: li r1, ${PSW_IE | PSW_N}\n setf r1\n getf r2\n brk`, check: (b) => { assert.equal(reg(b, 2), PSW_N); assert.equal(cause(b), CAUSE_BREAKPOINT); } },
  ],
  smsw: [
    alu('smsw r1\n hlt', { 1: 1 }),
    { body: 'to_user u\nu: smsw r1\n brk', check: (b) => { assert.equal(reg(b, 1), 0); assert.equal(cause(b), CAUSE_BREAKPOINT); } },
  ],
  cli: [alu('sti\n cli\n getf r1\n hlt', { 1: PSW_K })],
  sti: [alu('sti\n getf r1\n cli\n hlt', { 1: PSW_K | PSW_IE })],
  hlt: [{ body: 'li r1, 1\n hlt\n li r1, 2', check: (b) => { assert.equal(reg(b, 1), 1); assert.equal(b.cpu.state.halted, true); } }],
  iret: [{ body: 'li r1, t\n mtcr epc, r1\n li r2, 0x21\n mtcr epsw, r2\n iret\n li r3, 1\nt: getf r4\n hlt', check: (b) => { assert.equal(reg(b, 3), 0); assert.equal(reg(b, 4), PSW_K | PSW_Z); } }],
  mfcr: [alu('li r1, 0x1234\n mtcr scratch0, r1\n mfcr r2, scratch0\n mfcr r3, status\n hlt', { 2: 0x1234, 3: 0 })],
  mtcr: [{ body: 'li r1, 77\n mtcr scratch1, r1\n hlt', check: (b) => assert.equal(b.cpu.state.cr[8], 77) }],
  invlpg: [{ body: 'li r1, 0x3000\n invlpg r1\n hlt', check: (b) => assert.equal(b.cpu.mmu.tlbStats.pageInvalidations, 1) }],
  tlbflush: [{ body: 'tlbflush\n hlt', check: (b) => assert.ok(b.cpu.mmu.tlbStats.flushes >= 1) }],
  in: [{ body: 'li r2, 0x10\n in r1, 0x20(r2)\n in r3, 0x40\n hlt', io: { read: (p) => p * 2, write: () => {} }, check: (b) => { assert.equal(reg(b, 1), 0x60); assert.equal(reg(b, 3), 0x80); assert.equal(b.cpu.counters.ioReads, 2); } }],
  out: [(() => {
    const seen: [number, number][] = [];
    return { body: 'li r1, 65\n out r1, 0x20\n hlt', io: { read: () => 0, write: (p: number, v: number) => { seen.push([p, v]); } }, check: (b: Booted) => { assert.deepEqual(seen, [[0x20, 65]]); assert.equal(b.cpu.counters.ioWrites, 1); } };
  })()],
};

test('every opcode in the table has a semantics spec', () => {
  const missing = OPCODES.map((o) => o.mnemonic).filter((m) => !SPECS[m]);
  assert.deepEqual(missing, []);
});

for (const o of OPCODES) {
  test(`semantics: ${o.mnemonic}`, () => {
    for (const spec of SPECS[o.mnemonic] ?? []) {
      const b = boot(PRELUDE + spec.body, { io: spec.io });
      runToHalt(b.cpu, 1_000_000);
      spec.check(b);
      assert.equal(b.cpu.state.regs[0], 0, 'r0 stays zero');
    }
  });
}

for (const o of OPCODES.filter((x) => x.privileged)) {
  test(`privileged in user mode traps: ${o.mnemonic}`, () => {
    const operands: Record<string, string> = { mfcr: 'r1, ptbr', mtcr: 'scratch0, r1', invlpg: 'r1', in: 'r1, 0x20', out: 'r1, 0x20' };
    const b = boot(PRELUDE + `li r1, 0\n mtcr scratch0, r0\n to_user u\nu: nop\nat: ${o.mnemonic} ${operands[o.mnemonic] ?? ''}\n brk`);
    runToHalt(b.cpu);
    assert.equal(cause(b), CAUSE_PRIVILEGED);
    assert.equal(epc(b), sym(b, 'at'));
    assert.equal(b.cpu.state.cr[CR_SCRATCH0], 0, 'no side effect');
    assert.equal(b.cpu.counters.causes[CAUSE_PRIVILEGED], 1);
  });
}
