/**
 * opcodes — THE opcode table of the HV32 teaching ISA: the single source of truth.
 *
 * Interface:
 *  - `OPCODES`: one row per instruction (mnemonic, opcode number, operand format,
 *    privileged?, sensitive?, cost class, semantics, description);
 *  - `Op`: opcode numbers by upper-case mnemonic, DERIVED from the rows (typed: `Op.ADD` is the
 *    literal 0x10 for the compiler), plus `Op.ILLEGAL` (0);
 *  - `OPCODE_BY_NUMBER` / `OPCODE_BY_MNEMONIC`: lookups; `Format`: operand shapes.
 * Rules: decode.ts, encode.ts, disasm.ts, the assembler, the cost table, the interpreter's
 * dispatch, the translator's block classifier and code generator, and the instruction table of
 * docs/isa.md (scripts/gen-isa-table.ts) are all driven from this table; there is no second
 * opcode map anywhere. The interpreter keeps numeric literal case labels for speed; a test
 * (test/engine/cpu/interpreterCases.test.ts) holds them to these rows. Opcode 0x00 is never
 * assigned, so zero-filled memory executes as an illegal instruction.
 *
 * Encoding (fixed 32 bits, little-endian word): [31:24] opcode, [23:20] A, [19:16] B,
 * [15:12] C, [15:0] imm16, [23:0] imm24. Unused bits must be zero (else illegal).
 */

/** Operand formats: which fields an instruction uses and how the assembler writes them. */
export type Format =
  | 'none' // nop                       (all operand bits zero)
  | 'rrr' // add  rd, rs1, rs2          A=rd B=rs1 C=rs2, bits 11:0 zero
  | 'rr' // cmp  rs1, rs2               B=rs1 C=rs2, A and bits 11:0 zero
  | 'rri' // addi rd, rs1, simm16        A=rd B=rs1 imm16 signed
  | 'rru' // andi rd, rs1, uimm16        A=rd B=rs1 imm16 zero-extended
  | 'rrs' // slli rd, rs1, shamt         A=rd B=rs1 imm16 = 0..31
  | 'ru' // lui  rd, uimm16              A=rd imm16, B zero
  | 'ri' // cmpi rs1, simm16             B=rs1 imm16 signed, A zero
  | 'mem' // ldw  ra, simm16(rb)          A=ra B=rb imm16 signed (loads, stores, in, out)
  | 'j24' // j    target                  imm24 signed word offset from this instruction
  | 'rs' // jr   rs                      B=rs, other bits zero
  | 'rd' // getf rd                      A=rd, other bits zero
  | 'crr' // mfcr rd, cr                  A=rd imm16=control register number
  | 'crw'; // mtcr cr, rs                 B=rs imm16=control register number

export type CostClass = 'alu' | 'mul' | 'div' | 'load' | 'store' | 'atomic' | 'branch' | 'jump' | 'trap' | 'system' | 'io' | 'halt';

export interface OpcodeInfo {
  readonly mnemonic: string;
  readonly opcode: number;
  readonly format: Format;
  /** Field A is written (rd) rather than read. */
  readonly writesA: boolean;
  /** Traps with cause `privileged` when executed in user mode. */
  readonly privileged: boolean;
  /** Popek–Goldberg sensitive (control- or behaviour-sensitive). Sensitive && !privileged = virtualization hole. */
  readonly sensitive: boolean;
  readonly costClass: CostClass;
  /** Short semantics in pseudo-code (shown in docs/isa.md). */
  readonly semantics: string;
  readonly description: string;
}

type Row = readonly [string, number, Format, boolean, boolean, boolean, CostClass, string, string];
// mnemonic, opcode, format, writesA, privileged, sensitive, cost class, semantics, description
const ROWS = [
  ['nop', 0x01, 'none', false, false, false, 'alu', '-', 'no operation'],
  ['brk', 0x02, 'none', false, false, false, 'trap', 'trap(breakpoint), EPC=pc+4', 'breakpoint trap (debuggers, tests)'],
  ['sys', 0x03, 'none', false, false, false, 'trap', 'trap(syscall), EPC=pc+4', 'system call; number and arguments in registers by ABI'],
  ['hcall', 0x04, 'none', false, false, false, 'trap', 'trap(hypercall), EPC=pc+4', 'hypercall for paravirtualized guests; with no hypervisor it raises the hypercall exception'],
  ['add', 0x10, 'rrr', true, false, false, 'alu', 'rd = rs1 + rs2', 'add (wraps)'],
  ['sub', 0x11, 'rrr', true, false, false, 'alu', 'rd = rs1 - rs2', 'subtract (wraps)'],
  ['and', 0x12, 'rrr', true, false, false, 'alu', 'rd = rs1 & rs2', 'bitwise and'],
  ['or', 0x13, 'rrr', true, false, false, 'alu', 'rd = rs1 | rs2', 'bitwise or'],
  ['xor', 0x14, 'rrr', true, false, false, 'alu', 'rd = rs1 ^ rs2', 'bitwise exclusive or'],
  ['shl', 0x15, 'rrr', true, false, false, 'alu', 'rd = rs1 << (rs2 & 31)', 'shift left'],
  ['shr', 0x16, 'rrr', true, false, false, 'alu', 'rd = rs1 >>> (rs2 & 31)', 'logical shift right'],
  ['sar', 0x17, 'rrr', true, false, false, 'alu', 'rd = rs1 >> (rs2 & 31)', 'arithmetic shift right'],
  ['mul', 0x18, 'rrr', true, false, false, 'mul', 'rd = low32(rs1 * rs2)', 'multiply, low 32 bits'],
  ['mulhu', 0x19, 'rrr', true, false, false, 'mul', 'rd = high32(u(rs1) * u(rs2))', 'unsigned multiply, high 32 bits'],
  ['div', 0x1a, 'rrr', true, false, false, 'div', 'rs2==0 ? fault(divide) : rd = trunc(rs1 / rs2)', 'signed divide (-2^31 / -1 = -2^31)'],
  ['divu', 0x1b, 'rrr', true, false, false, 'div', 'rs2==0 ? fault(divide) : rd = u(rs1) / u(rs2)', 'unsigned divide'],
  ['rem', 0x1c, 'rrr', true, false, false, 'div', 'rs2==0 ? fault(divide) : rd = rs1 % rs2', 'signed remainder (sign of dividend)'],
  ['remu', 0x1d, 'rrr', true, false, false, 'div', 'rs2==0 ? fault(divide) : rd = u(rs1) % u(rs2)', 'unsigned remainder'],
  ['cmp', 0x1e, 'rr', false, false, false, 'alu', 'ZNCV = flags(rs1 - rs2)', 'compare: Z,N of the difference, C = no borrow (u(rs1) >= u(rs2)), V = signed overflow'],
  ['tst', 0x1f, 'rr', false, false, false, 'alu', 'ZN = flags(rs1 & rs2), C=V=0', 'test bits'],
  ['addi', 0x20, 'rri', true, false, false, 'alu', 'rd = rs1 + simm16', 'add immediate'],
  ['andi', 0x21, 'rru', true, false, false, 'alu', 'rd = rs1 & uimm16', 'and immediate (zero-extended)'],
  ['ori', 0x22, 'rru', true, false, false, 'alu', 'rd = rs1 | uimm16', 'or immediate (zero-extended)'],
  ['xori', 0x23, 'rru', true, false, false, 'alu', 'rd = rs1 ^ uimm16', 'xor immediate (zero-extended)'],
  ['slli', 0x24, 'rrs', true, false, false, 'alu', 'rd = rs1 << shamt', 'shift left immediate'],
  ['srli', 0x25, 'rrs', true, false, false, 'alu', 'rd = rs1 >>> shamt', 'logical shift right immediate'],
  ['srai', 0x26, 'rrs', true, false, false, 'alu', 'rd = rs1 >> shamt', 'arithmetic shift right immediate'],
  ['lui', 0x27, 'ru', true, false, false, 'alu', 'rd = uimm16 << 16', 'load upper immediate'],
  ['cmpi', 0x28, 'ri', false, false, false, 'alu', 'ZNCV = flags(rs1 - simm16)', 'compare with immediate'],
  ['ldw', 0x30, 'mem', true, false, false, 'load', 'rd = mem32[rs1 + simm16]', 'load word (address must be 4-aligned)'],
  ['ldb', 0x31, 'mem', true, false, false, 'load', 'rd = zext(mem8[rs1 + simm16])', 'load byte, zero-extended'],
  ['ldbs', 0x32, 'mem', true, false, false, 'load', 'rd = sext(mem8[rs1 + simm16])', 'load byte, sign-extended'],
  ['stw', 0x33, 'mem', false, false, false, 'store', 'mem32[rs1 + simm16] = rs', 'store word (address must be 4-aligned)'],
  ['stb', 0x34, 'mem', false, false, false, 'store', 'mem8[rs1 + simm16] = rs & 0xff', 'store byte'],
  ['xchg', 0x35, 'mem', true, false, false, 'atomic', 't = mem32[rs1 + simm16]; mem32[rs1 + simm16] = rd; rd = t', 'atomic exchange of a register with a memory word (spinlocks; address must be 4-aligned, needs write permission)'],
  ['j', 0x40, 'j24', false, false, false, 'jump', 'pc = pc + 4*simm24', 'jump (±32 MiB)'],
  ['jal', 0x41, 'j24', false, false, false, 'jump', 'lr = pc + 4; pc = pc + 4*simm24', 'jump and link (call)'],
  ['jr', 0x42, 'rs', false, false, false, 'jump', 'pc = rs', 'jump to register (ret = jr lr)'],
  ['jalr', 0x43, 'rs', false, false, false, 'jump', 't = rs; lr = pc + 4; pc = t', 'call through register'],
  ['beq', 0x44, 'j24', false, false, false, 'branch', 'if Z: pc = pc + 4*simm24', 'branch if equal'],
  ['bne', 0x45, 'j24', false, false, false, 'branch', 'if !Z: pc = ...', 'branch if not equal'],
  ['blt', 0x46, 'j24', false, false, false, 'branch', 'if N!=V: pc = ...', 'branch if less (signed)'],
  ['bge', 0x47, 'j24', false, false, false, 'branch', 'if N==V: pc = ...', 'branch if greater or equal (signed)'],
  ['bgt', 0x48, 'j24', false, false, false, 'branch', 'if !Z && N==V: pc = ...', 'branch if greater (signed)'],
  ['ble', 0x49, 'j24', false, false, false, 'branch', 'if Z || N!=V: pc = ...', 'branch if less or equal (signed)'],
  ['bltu', 0x4a, 'j24', false, false, false, 'branch', 'if !C: pc = ...', 'branch if lower (unsigned)'],
  ['bgeu', 0x4b, 'j24', false, false, false, 'branch', 'if C: pc = ...', 'branch if higher or same (unsigned)'],
  ['bgtu', 0x4c, 'j24', false, false, false, 'branch', 'if C && !Z: pc = ...', 'branch if higher (unsigned)'],
  ['bleu', 0x4d, 'j24', false, false, false, 'branch', 'if !C || Z: pc = ...', 'branch if lower or same (unsigned)'],
  ['getf', 0x50, 'rd', true, false, true, 'alu', 'rd = PSW', 'read PSW (flags, IE, K) in any mode: like PUSHF it reveals IE and the mode'],
  ['setf', 0x51, 'rs', false, false, true, 'alu', 'kernel: PSW.ZNCV,IE = rs; user: PSW.ZNCV = rs (IE silently kept)', 'restore flags; like POPF, in user mode a change of IE is silently ignored (no trap); K never changes'],
  ['smsw', 0x52, 'rd', true, false, true, 'alu', 'rd = (K ? 1 : 0) | (PG ? 2 : 0)', 'store machine status word: reads the privilege mode and paging state without trapping (like SMSW)'],
  ['cli', 0x60, 'none', false, true, true, 'system', 'PSW.IE = 0', 'disable interrupts'],
  ['sti', 0x61, 'none', false, true, true, 'system', 'PSW.IE = 1', 'enable interrupts'],
  ['hlt', 0x62, 'none', false, true, true, 'halt', 'halt until an interrupt (IE=1) or forever (IE=0)', 'halt the CPU'],
  ['iret', 0x63, 'none', false, true, true, 'system', 'PSW = EPSW; pc = EPC', 'return from exception or interrupt'],
  ['mfcr', 0x64, 'crr', true, true, true, 'system', 'rd = CR[n]', 'read a control register'],
  ['mtcr', 0x65, 'crw', false, true, true, 'system', 'CR[n] = rs (PTBR or STATUS write flushes the TLB)', 'write a control register (like mov cr3)'],
  ['invlpg', 0x66, 'rs', false, true, true, 'system', 'TLB.invalidate(page(rs))', 'invalidate the TLB entry of one virtual page'],
  ['tlbflush', 0x67, 'none', false, true, true, 'system', 'TLB.invalidateAll()', 'invalidate the whole TLB'],
  ['in', 0x68, 'mem', true, true, true, 'io', 'rd = port[(rs1 + simm16) & 0xffff]', 'read a 32-bit I/O port'],
  ['out', 0x69, 'mem', false, true, true, 'io', 'port[(rs1 + simm16) & 0xffff] = rs', 'write a 32-bit I/O port'],
] as const satisfies readonly Row[];

/** Every mnemonic of the table (a type: `'add' | 'sub' | …`). */
export type Mnemonic = (typeof ROWS)[number][0];

export const OPCODES: readonly OpcodeInfo[] = ROWS.map(([mnemonic, opcode, format, writesA, privileged, sensitive, costClass, semantics, description]) =>
  Object.freeze({ mnemonic, opcode, format, writesA, privileged, sensitive, costClass, semantics, description }),
);

export const OPCODE_BY_NUMBER: readonly (OpcodeInfo | undefined)[] = (() => {
  const t: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
  for (const o of OPCODES) {
    if (t[o.opcode]) throw new Error(`duplicate opcode ${o.opcode}`);
    t[o.opcode] = o;
  }
  return t;
})();

export const OPCODE_BY_MNEMONIC: ReadonlyMap<string, OpcodeInfo> = new Map(OPCODES.map((o) => [o.mnemonic, o]));

/** Opcode numbers by upper-case mnemonic, e.g. `Op.ADD` = 0x10, read off the rows above (each key's type is its literal number). */
export type OpNumbers = { readonly [R in (typeof ROWS)[number] as Uppercase<R[0]>]: R[1] } & { readonly ILLEGAL: 0 };

/** Opcode numbers by upper-case mnemonic; ILLEGAL (0) is the decoder's "no such instruction". Derived from ROWS. */
export const Op: OpNumbers = Object.freeze(
  Object.fromEntries([['ILLEGAL', 0], ...ROWS.map((r) => [r[0].toUpperCase(), r[1]])]),
) as OpNumbers;

/** Privileged (trap in user mode) mnemonics. */
export const PRIVILEGED_MNEMONICS: readonly string[] = OPCODES.filter((o) => o.privileged).map((o) => o.mnemonic);
/** Sensitive but unprivileged mnemonics: the Popek–Goldberg / Robin & Irvine holes. */
export const SENSITIVE_UNPRIVILEGED_MNEMONICS: readonly string[] = OPCODES.filter((o) => o.sensitive && !o.privileged).map((o) => o.mnemonic);
