/**
 * asmStatements — pass 2 of the assembler: encodes one instruction (or pseudo-instruction)
 * statement into words and one data directive into bytes, driven by the opcode table.
 *
 * Interface: `Stmt` (a statement fixed by pass 1), `AsmError` (a diagnostic thrown inside the
 * assembler only, caught per statement), `makeStatementEncoder(need)` → { encodeStatement,
 * emitData } where `need(tokens, st, what)` evaluates an expression or throws AsmError.
 * Rules: operand shapes come from each opcode's format (opcodes.ts); range checks come from
 * encode.ts; every problem is an AsmError with a column and, where useful, a hint.
 */
import { CR_NAMES, REG_LR, REG_SP } from './arch';
import type { SourceLoc } from './asmDiagnostics';
import type { Token } from './asmLexer';
import { encode, type Fields } from './encode';
import { OPCODE_BY_MNEMONIC, type OpcodeInfo } from './opcodes';
import { parseRegister } from './registers';

export const PSEUDO = new Set(['li', 'la', 'mov', 'neg', 'subi', 'call', 'ret', 'b', 'push', 'pop']);

export interface Stmt {
  loc: SourceLoc;
  scope: string;
  addr: number;
  size: number;
  name: string; // mnemonic or directive (lower-case)
  col: number;
  ops: Token[][];
  isCode: boolean;
}

export class AsmError {
  constructor(readonly col: number, readonly message: string, readonly hint?: string) {}
}

export type NeedFn = (tokens: Token[], st: Stmt, what?: string) => number;

export function makeStatementEncoder(need: NeedFn): { encodeStatement(st: Stmt): number[]; emitData(st: Stmt, out: Uint8Array): void } {
  return { encodeStatement, emitData };

function emitData(st: Stmt, out: Uint8Array): void {
  let k = 0;
  switch (st.name) {
    case '.word':
      for (const o of st.ops) {
        const v = need(o, st);
        out[k++] = v & 255; out[k++] = (v >>> 8) & 255; out[k++] = (v >>> 16) & 255; out[k++] = (v >>> 24) & 255;
      }
      return;
    case '.byte':
      for (const o of st.ops) {
        const v = need(o, st);
        if (v < -128 || v > 255) throw new AsmError(o[0]?.col ?? st.col, `byte value ${v} out of range`, 'bytes are -128..255');
        out[k++] = v & 255;
      }
      return;
    case '.ascii':
    case '.asciz':
    case '.string':
      for (const o of st.ops) {
        for (const b of o[0].bytes!) out[k++] = b;
        if (st.name !== '.ascii') out[k++] = 0;
      }
      return;
    case '.space':
    case '.zero': {
      const fill = st.ops.length === 2 ? need(st.ops[1], st) : 0;
      out.fill(fill & 255);
      return;
    }
    case '.align':
      return;
  }
}

function regOp(o: Token[] | undefined, st: Stmt, what = 'register'): number {
  if (!o || o.length === 0) throw new AsmError(st.col, `missing ${what}`);
  if (o.length === 1 && o[0].kind === 'id') {
    const r = parseRegister(o[0].text);
    if (r !== undefined) return r;
  }
  throw new AsmError(o[0].col, `expected a ${what}, found '${o.map((t) => t.text).join('')}'`, 'registers are r0..r15 (aliases zero, fp=r13, sp=r14, lr=r15)');
}
function memOp(o: Token[] | undefined, st: Stmt): { base: number; offset: number } {
  if (!o || o.length === 0) throw new AsmError(st.col, 'missing address operand', 'write offset(reg), (reg) or an absolute address');
  const last = o[o.length - 1];
  if (o.length >= 3 && last.kind === 'punct' && last.text === ')' && o[o.length - 3].text === '(' && o[o.length - 2].kind === 'id') {
    const base = parseRegister(o[o.length - 2].text);
    if (base !== undefined) {
      const offToks = o.slice(0, o.length - 3);
      return { base, offset: offToks.length ? need(offToks, st, 'offset') : 0 };
    }
    if (/^r[0-9]+$/i.test(o[o.length - 2].text)) throw new AsmError(o[o.length - 2].col, `'${o[o.length - 2].text}' is not a register`, 'registers are r0..r15');
  }
  return { base: 0, offset: need(o, st, 'address') };
}
function crOp(o: Token[] | undefined, st: Stmt): number {
  if (!o || o.length === 0) throw new AsmError(st.col, 'missing control register');
  if (o.length === 1 && o[0].kind === 'id') {
    const n = o[0].text.toLowerCase();
    const i = CR_NAMES.indexOf(n);
    if (i >= 0) return i;
    const m = /^cr([0-9]+)$/.exec(n);
    if (m) return Number(m[1]);
  }
  const v = need(o, st, 'control register');
  return v;
}
function enc(info: OpcodeInfo, f: Fields, st: Stmt, col: number): number {
  const r = encode(info, f);
  if (!r.ok) throw new AsmError(col, r.message, r.hint);
  return r.word;
}
function count(st: Stmt, n: number, usage: string): void {
  if (st.ops.length !== n) throw new AsmError(st.col, `'${st.name}' takes ${n} operand(s), got ${st.ops.length}`, `usage: ${usage}`);
}
function op(m: string): OpcodeInfo {
  return OPCODE_BY_MNEMONIC.get(m)!;
}
function branchOffset(o: Token[], st: Stmt, at: number): number {
  const target = need(o, st, 'branch target');
  const delta = (target - at) | 0;
  if (delta & 3) throw new AsmError(o[0].col, `branch target 0x${(target >>> 0).toString(16)} is not 4-byte aligned`);
  return delta >> 2;
}

function encodeStatement(st: Stmt): number[] {
  const o = st.ops;
  const col0 = o[0]?.[0]?.col ?? st.col;
  switch (st.name) {
    case 'li':
    case 'la': {
      count(st, 2, `${st.name} rd, value`);
      const rd = regOp(o[0], st);
      const v = need(o[1], st, 'value');
      if (st.size === 4) return [enc(op('addi'), { a: rd, b: 0, imm: v }, st, col0)];
      return [enc(op('lui'), { a: rd, imm: (v >>> 16) & 0xffff }, st, col0), enc(op('ori'), { a: rd, b: rd, imm: v & 0xffff }, st, col0)];
    }
    case 'mov':
      count(st, 2, 'mov rd, rs');
      return [enc(op('add'), { a: regOp(o[0], st), b: regOp(o[1], st), c: 0 }, st, col0)];
    case 'neg':
      count(st, 2, 'neg rd, rs');
      return [enc(op('sub'), { a: regOp(o[0], st), b: 0, c: regOp(o[1], st) }, st, col0)];
    case 'subi':
      count(st, 3, 'subi rd, rs, imm');
      return [enc(op('addi'), { a: regOp(o[0], st), b: regOp(o[1], st), imm: -need(o[2], st) }, st, o[2][0]?.col ?? col0)];
    case 'call':
      count(st, 1, 'call target');
      return [enc(op('jal'), { imm: branchOffset(o[0], st, st.addr) }, st, col0)];
    case 'b':
      count(st, 1, 'b target');
      return [enc(op('j'), { imm: branchOffset(o[0], st, st.addr) }, st, col0)];
    case 'ret':
      count(st, 0, 'ret');
      return [enc(op('jr'), { b: REG_LR }, st, col0)];
    case 'push': {
      count(st, 1, 'push rs');
      const rs = regOp(o[0], st);
      return [enc(op('addi'), { a: REG_SP, b: REG_SP, imm: -4 }, st, col0), enc(op('stw'), { a: rs, b: REG_SP, imm: 0 }, st, col0)];
    }
    case 'pop': {
      count(st, 1, 'pop rd');
      const rd = regOp(o[0], st);
      return [enc(op('ldw'), { a: rd, b: REG_SP, imm: 0 }, st, col0), enc(op('addi'), { a: REG_SP, b: REG_SP, imm: 4 }, st, col0)];
    }
  }
  const info = op(st.name);
  const m = info.mnemonic;
  switch (info.format) {
    case 'none':
      count(st, 0, m);
      return [enc(info, {}, st, col0)];
    case 'rrr':
      count(st, 3, `${m} rd, rs1, rs2`);
      return [enc(info, { a: regOp(o[0], st), b: regOp(o[1], st), c: regOp(o[2], st) }, st, col0)];
    case 'rr':
      count(st, 2, `${m} rs1, rs2`);
      return [enc(info, { b: regOp(o[0], st), c: regOp(o[1], st) }, st, col0)];
    case 'rri':
    case 'rru':
    case 'rrs':
      count(st, 3, `${m} rd, rs1, imm`);
      return [enc(info, { a: regOp(o[0], st), b: regOp(o[1], st), imm: need(o[2], st, 'immediate') }, st, o[2][0]?.col ?? col0)];
    case 'ru':
      count(st, 2, `${m} rd, imm`);
      return [enc(info, { a: regOp(o[0], st), imm: need(o[1], st, 'immediate') }, st, o[1][0]?.col ?? col0)];
    case 'ri':
      count(st, 2, `${m} rs1, imm`);
      return [enc(info, { b: regOp(o[0], st), imm: need(o[1], st, 'immediate') }, st, o[1][0]?.col ?? col0)];
    case 'mem': {
      count(st, 2, `${m} reg, offset(base)`);
      const a = regOp(o[0], st);
      const { base, offset } = memOp(o[1], st);
      return [enc(info, { a, b: base, imm: offset }, st, o[1][0]?.col ?? col0)];
    }
    case 'j24':
      count(st, 1, `${m} target`);
      return [enc(info, { imm: branchOffset(o[0], st, st.addr) }, st, col0)];
    case 'rs':
      count(st, 1, `${m} rs`);
      return [enc(info, { b: regOp(o[0], st) }, st, col0)];
    case 'rd':
      count(st, 1, `${m} rd`);
      return [enc(info, { a: regOp(o[0], st) }, st, col0)];
    case 'crr':
      count(st, 2, `${m} rd, cr`);
      return [enc(info, { a: regOp(o[0], st), imm: crOp(o[1], st) }, st, o[1][0]?.col ?? col0)];
    case 'crw':
      count(st, 2, `${m} cr, rs`);
      return [enc(info, { imm: crOp(o[0], st), b: regOp(o[1], st) }, st, col0)];
  }
}
}
