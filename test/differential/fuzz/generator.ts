/**
 * generator — random but VALID HV32 programs for the differential fuzzer (seeded, deterministic).
 *
 * Interface: `generateProgram(seed, options?)` → `FuzzProgram` {seed, source, features}; the
 * source assembles with the engine's assembler and always ends (bounded loops, `cli; hlt`).
 * What a program contains (each feature chosen per seed): a vector table and one trap handler that
 * counts every cause, skips faulting instructions, acknowledges interrupts and brings user mode back
 * on `sys` with r1 = 99; random ALU/compare/branch code; loads and stores (aligned, misaligned,
 * to unmapped and read-only pages); bounded loops (hot code); calls to functions on another page
 * (direct and through registers); traps (sys, brk, hcall, divide by zero, illegal words); interrupts
 * raised through the test device (port 0x70) with cli/sti/hlt; port I/O (console 0x20, counter
 * 0x72); paging (identity map, two roots, PTE stores with and without invlpg, tlbflush, ptbr
 * switches, and — with `pagingToggles` — paging turned off for a few memory accesses and on again, in
 * straight code, in loops and in functions on another page, so the switch runs translated, interpreted
 * and at budget edges while translated code of the other mode has run); self-modifying code (instruction words stored ahead of execution, inside loops too);
 * excursions to user mode; and, only when `features.sensitive`, getf/setf/smsw (the instructions on
 * which `te` is allowed to differ).
 * Memory map: 0x0 vectors + handler, 0x1000 kernel data (0x1100 resume pc, 0x1104 "in user mode"
 * flag, 0x1200 cause counts),
 * 0x2000.. kernel code, 0x6000 functions, 0x1ff0 kernel stack top, 0x8000 user code, 0x10000-0x17fff
 * data (0x16000 read-only and 0x17000 unmapped when paging is on), 0x20000 root A, 0x21000 its table,
 * 0x22000 root B, 0x23000 its table.
 */
import { encode, OPCODE_BY_MNEMONIC } from '../../../src-main/engine/isa/index';
import { Rng } from '../../../src-main/engine/sim/rng';

export interface FuzzFeatures {
  paging: boolean;
  /** With paging: turn paging off and on again mid-program (kernel code, loops, functions). */
  pagingToggles: boolean;
  sensitive: boolean;
  smc: boolean;
  user: boolean;
  interrupts: boolean;
}

export interface FuzzProgram {
  readonly seed: number;
  readonly source: string;
  readonly features: FuzzFeatures;
}

export interface GenerateOptions {
  /** Force features (default: random per seed). */
  features?: Partial<FuzzFeatures>;
  /** Snippets in the kernel body (default 12..40). */
  length?: number;
}

const WORK = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const RRR = ['add', 'sub', 'and', 'or', 'xor', 'shl', 'shr', 'sar', 'mul', 'mulhu', 'div', 'divu', 'rem', 'remu'];
const RRI = ['addi'];
const RRU = ['andi', 'ori', 'xori'];
const RRS = ['slli', 'srli', 'srai'];
const BR = ['beq', 'bne', 'blt', 'bge', 'bgt', 'ble', 'bltu', 'bgeu', 'bgtu', 'bleu'];

function word(mnemonic: string, f: { a?: number; b?: number; c?: number; imm?: number }): number {
  const r = encode(OPCODE_BY_MNEMONIC.get(mnemonic)!, f);
  if (!r.ok) throw new Error(r.message);
  return r.word;
}

class Gen {
  private label = 0;
  readonly out: string[] = [];
  readonly funcs: string[] = [];
  readonly user: string[] = [];
  private funcCount = 0;
  private userCount = 0;

  constructor(readonly rng: Rng, readonly f: FuzzFeatures) {}

  pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.rng.float() < p;
  }
  int(lo: number, hi: number): number {
    return lo + this.rng.int(hi - lo + 1);
  }
  reg(): number {
    return this.pick(WORK);
  }
  fresh(): string {
    return `.L${this.label++}`;
  }

  alu(into: string[]): void {
    const k = this.rng.int(6);
    const d = this.reg(), s = this.reg(), t = this.reg();
    if (k === 0) into.push(`  ${this.pick(RRR)} r${d}, r${s}, r${this.chance(0.05) ? 0 : t}`);
    else if (k === 1) into.push(`  ${this.pick(RRI)} r${d}, r${s}, ${this.int(-32768, 32767)}`);
    else if (k === 2) into.push(`  ${this.pick(RRU)} r${d}, r${s}, ${this.int(0, 65535)}`);
    else if (k === 3) into.push(`  ${this.pick(RRS)} r${d}, r${s}, ${this.int(0, 31)}`);
    else if (k === 4) into.push(`  lui r${d}, ${this.int(0, 65535)}`);
    else into.push(`  li r${d}, ${this.int(-2_000_000_000, 2_000_000_000)}`);
  }

  compareBranch(into: string[], inner: (into: string[]) => void): void {
    const l = this.fresh();
    const k = this.rng.int(3);
    if (k === 0) into.push(`  cmp r${this.reg()}, r${this.reg()}`);
    else if (k === 1) into.push(`  cmpi r${this.reg()}, ${this.int(-100, 100)}`);
    else into.push(`  tst r${this.reg()}, r${this.reg()}`);
    into.push(`  ${this.pick(BR)} ${l}`);
    const n = this.int(1, 3);
    for (let i = 0; i < n; i++) inner(into);
    into.push(`${l}:`);
  }

  /** Loads and stores relative to r12 = 0x10000 (the data pages). */
  mem(into: string[], user: boolean): void {
    const k = this.rng.int(5);
    const r = this.reg();
    let off = this.int(0, user || !this.f.paging ? 0x5ffc : 0x7ffc);
    if (k <= 2 && this.chance(0.9)) off &= ~3; // mostly aligned words
    const op = k === 0 ? 'ldw' : k === 1 ? 'stw' : k === 2 ? this.pick(['ldw', 'stw']) : k === 3 ? this.pick(['ldb', 'ldbs']) : 'stb';
    into.push(`  ${op} r${r}, ${off}(r12)`);
  }

  simple(into: string[], user: boolean): void {
    const k = this.rng.int(10);
    if (k < 5) this.alu(into);
    else if (k < 8) this.mem(into, user);
    else this.compareBranch(into, (i) => this.alu(i));
  }

  loop(into: string[], user: boolean): void {
    const l = this.fresh();
    into.push(`  li r11, ${this.int(2, 40)}`);
    into.push(`${l}:`);
    const n = this.int(2, 8);
    for (let i = 0; i < n; i++) this.simple(into, user);
    if (this.f.smc && !user && this.chance(0.3)) this.smc(into, true);
    if (this.f.paging && this.f.pagingToggles && !user && this.chance(0.4)) {
      if (this.chance(0.5)) this.pagingOffOn(into);
      else this.toggleFunc(into);
    }
    into.push('  addi r11, r11, -1', '  cmpi r11, 0', `  bne ${l}`);
  }

  func(into: string[]): void {
    const name = `f${this.funcCount++}`;
    const body: string[] = [`${name}:`, '  push lr'];
    const n = this.int(1, 6);
    for (let i = 0; i < n; i++) this.simple(body, false);
    if (this.chance(0.3)) this.loop(body, false);
    body.push('  pop lr', '  ret');
    this.funcs.push(...body);
    if (this.chance(0.7)) into.push(`  call ${name}`);
    else into.push(`  la r13, ${name}`, '  jalr r13');
  }

  /** Writes an instruction word over code that runs next (and again, if inside a loop). */
  smc(into: string[], inLoop: boolean): void {
    const l = this.fresh();
    const d = this.reg();
    const w = word('addi', { a: d, b: d, imm: this.int(1, 1000) });
    into.push(`  li r13, ${w | 0}`);
    if (inLoop) into.push('  add r13, r13, r11');
    into.push(`  stw r13, ${l}(r0)`);
    into.push(`${l}:`, '  nop');
  }

  trap(into: string[]): void {
    const k = this.rng.int(6);
    if (k === 0) into.push('  sys');
    else if (k === 1) into.push('  brk');
    else if (k === 2) into.push('  hcall');
    else if (k === 3) into.push(`  div r${this.reg()}, r${this.reg()}, r0`);
    else if (k === 4) into.push('  .word 0');
    else into.push(`  rem r${this.reg()}, r${this.reg()}, r0`);
  }

  irq(into: string[]): void {
    const k = this.rng.int(5);
    if (k === 0) into.push(`  li r13, ${this.int(0, 3)}`, '  out r13, 0x70(r0)');
    else if (k === 1) into.push('  sti');
    else if (k === 2) into.push('  cli');
    else if (k === 3) into.push('  sti', '  hlt');
    else into.push(`  li r13, ${this.int(0, 3)}`, '  out r13, 0x70(r0)', '  sti', '  nop', '  cli');
  }

  io(into: string[]): void {
    if (this.chance(0.5)) into.push(`  in r${this.reg()}, 0x72(r0)`);
    else into.push(`  out r${this.reg()}, 0x20(r0)`);
  }

  paging(into: string[]): void {
    const page = this.int(0x10, 0x17);
    const pte = 0x21000 + page * 4;
    const k = this.rng.int(6);
    if (k === 0) into.push(`  li r13, ${(page << 12) | 7}`, `  la r9, ${pte}`, '  stw r13, 0(r9)'); // map RW user
    else if (k === 1) into.push(`  la r9, ${pte}`, '  stw r0, 0(r9)'); // unmap
    else if (k === 2) into.push(`  li r13, ${(page << 12) | 5}`, `  la r9, ${pte}`, '  stw r13, 0(r9)', `  li r13, ${page << 12}`, '  invlpg r13'); // read-only + invlpg
    else if (k === 3) into.push('  tlbflush');
    else if (k === 4) into.push(`  la r13, ${this.pick([0x20000, 0x22000])}`, '  mtcr ptbr, r13');
    else into.push(`  mfcr r${this.reg()}, ptbr`, `  li r13, ${page << 12}`, '  invlpg r13');
  }

  /** Paging off for a few memory accesses (physical addresses then), then on again (kernel code is identity-mapped). */
  pagingOffOn(into: string[]): void {
    into.push('  mtcr status, r0');
    const n = this.int(1, 4);
    for (let i = 0; i < n; i++) this.mem(into, false);
    into.push('  li r13, 1', '  mtcr status, r13');
  }

  /** A call (from a loop) to a function on the functions' page that switches paging off and on. r11 (the loop count) is kept. */
  toggleFunc(into: string[]): void {
    const name = `f${this.funcCount++}`;
    const body: string[] = [`${name}:`];
    this.mem(body, false);
    this.pagingOffOn(body);
    this.mem(body, false);
    body.push('  ret');
    this.funcs.push(...body);
    into.push(`  call ${name}`);
  }

  sensitive(into: string[]): void {
    const k = this.rng.int(3);
    if (k === 0) into.push(`  getf r${this.reg()}`);
    else if (k === 1) into.push(`  smsw r${this.reg()}`);
    else into.push(`  setf r${this.reg()}`);
  }

  userExcursion(into: string[]): void {
    const entry = `u${this.userCount++}`;
    const resume = this.fresh();
    into.push(`  la r13, ${resume}`, '  li r9, 0x1100', '  stw r13, 0(r9)', '  li r13, 1', '  stw r13, 4(r9)');
    into.push(`  la r13, ${entry}`, '  mtcr epc, r13', `  li r13, ${this.chance(0.5) && this.f.interrupts ? 0x10 : 0}`, '  mtcr epsw, r13', '  iret');
    into.push(`${resume}:`);
    const body: string[] = [`${entry}:`];
    const n = this.int(2, 10);
    for (let i = 0; i < n; i++) {
      const k = this.rng.int(10);
      if (k < 6) this.simple(body, true);
      else if (k === 6) this.loop(body, true);
      else if (k === 7) body.push(this.pick(['  sys', '  brk', `  div r${this.reg()}, r${this.reg()}, r0`]));
      else if (k === 8) body.push(this.pick(['  cli', '  sti', '  hlt', `  in r${this.reg()}, 0x72(r0)`, '  mfcr r3, status', '  iret'])); // privileged faults
      else if (this.f.sensitive) this.sensitive(body);
      else this.alu(body);
    }
    body.push('  li r1, 99', '  sys');
    this.user.push(...body);
  }

  body(n: number): void {
    for (let i = 0; i < n; i++) {
      const k = this.rng.int(20);
      if (k < 6) this.simple(this.out, false);
      else if (k < 8) this.loop(this.out, false);
      else if (k < 10) this.func(this.out);
      else if (k < 11) this.trap(this.out);
      else if (k < 12) this.io(this.out);
      else if (k < 14 && this.f.interrupts) this.irq(this.out);
      else if (k < 16 && this.f.paging) {
        if (this.f.pagingToggles && this.chance(0.25)) this.pagingOffOn(this.out);
        else this.paging(this.out);
      }
      else if (k < 17 && this.f.smc) this.smc(this.out, false);
      else if (k < 18 && this.f.user) this.userExcursion(this.out);
      else if (k < 19 && this.f.sensitive) this.sensitive(this.out);
      else this.alu(this.out);
    }
  }
}

const HANDLER = `
  .org 0x100
handler:
  mtcr scratch0, r1
  mtcr scratch1, r2
  mfcr r1, cause
  andi r1, r1, 255
  slli r1, r1, 2
  ldw r2, 0x1200(r1)
  addi r2, r2, 1
  stw r2, 0x1200(r1)
  srli r1, r1, 2
  cmpi r1, 16
  bge .irq
  cmpi r1, 5
  beq .sys
  cmpi r1, 6
  beq .ret
  cmpi r1, 7
  beq .ret
  mfcr r2, epc
  addi r2, r2, 4
  mtcr epc, r2
  j .ret
.sys:
  mfcr r2, scratch0
  cmpi r2, 99
  bne .ret
  li r2, 0x1104
  ldw r1, 0(r2)
  cmpi r1, 0
  beq .ret
  stw r0, 0(r2)
  li r2, 0x1100
  ldw r2, 0(r2)
  mtcr epc, r2
  li r2, 0x20
  mtcr epsw, r2
  j .ret
.irq:
  addi r1, r1, -16
  out r1, 0x71(r0)
.ret:
  mfcr r2, scratch1
  mfcr r1, scratch0
  iret
`;

function pageTables(): string {
  const lines: string[] = [];
  const table = (root: number, l1: number, swap: boolean): void => {
    lines.push(`  .org 0x${root.toString(16)}`, `  .word 0x${(l1 | 7).toString(16)}`);
    const words: string[] = [];
    for (let p = 0; p < 0x40; p++) {
      let frame = p;
      if (swap && (p === 0x10 || p === 0x11)) frame = p ^ 1;
      let flags = 3; // P W, kernel only
      if ((p >= 0x8 && p < 0xa) || (p >= 0x10 && p < 0x18)) flags |= 4; // user code and data
      if (p === 0x16) flags &= ~2; // read-only
      words.push(p === 0x17 ? '0' : `0x${((frame << 12) | flags).toString(16)}`);
    }
    lines.push(`  .org 0x${l1.toString(16)}`);
    for (let i = 0; i < words.length; i += 16) lines.push(`  .word ${words.slice(i, i + 16).join(', ')}`);
  };
  table(0x20000, 0x21000, false);
  table(0x22000, 0x23000, true);
  return lines.join('\n');
}

export function generateProgram(seed: number, opts: GenerateOptions = {}): FuzzProgram {
  const rng = new Rng(seed);
  const features: FuzzFeatures = {
    paging: rng.float() < 0.5,
    sensitive: rng.float() < 0.3,
    smc: rng.float() < 0.4,
    user: rng.float() < 0.4,
    interrupts: rng.float() < 0.5,
    pagingToggles: false,
    ...opts.features,
  };
  // Drawn after the others, so the features (and programs) of seeds without toggles stay what they were.
  if (opts.features?.pagingToggles === undefined) features.pagingToggles = rng.float() < 0.5 && features.paging;
  const g = new Gen(rng.fork('body'), features);
  const head: string[] = ['  .org 0', ...Array.from({ length: 32 }, () => '  j handler'), HANDLER, '  .org 0x2000', '_start:', '  li sp, 0x1ff0', '  li r12, 0x10000'];
  for (const r of WORK) head.push(`  li r${r}, ${g.int(-100000, 100000)}`);
  if (features.paging) head.push('  la r13, 0x20000', '  mtcr ptbr, r13', '  li r13, 1', '  mtcr status, r13');
  if (features.interrupts && g.chance(0.5)) head.push('  sti');
  g.body(opts.length ?? g.int(12, 40));
  const source = [
    ...head, ...g.out, '  cli', '  hlt', '  j .',
    '  .org 0x6000', ...g.funcs,
    '  .org 0x8000', ...g.user,
    '  .org 0x10000', '  .word 1, 2, 3, 4, 0x12345678, -1',
    features.paging ? pageTables() : '',
  ].join('\n');
  return { seed, source, features };
}
