/**
 * encode — builds 32-bit instruction words from a mnemonic's table row and fields.
 *
 * Interface: `encode(info, fields)` → `{ ok: true, word } | { ok: false, message }`.
 * Fields: a (rd / stored register), b (rs1 / base / jr target), c (rs2), imm (format's immediate:
 * simm16, uimm16, shamt, control-register number, or simm24 WORD offset for j24).
 * Rules: range errors are returned as values (the assembler turns them into diagnostics);
 * `decode(encode(x).word)` gives back x for every legal x (tested for every opcode).
 */
import { CR_COUNT } from './arch';
import type { OpcodeInfo } from './opcodes';

export interface Fields {
  a?: number;
  b?: number;
  c?: number;
  imm?: number;
}
export type EncodeResult = { ok: true; word: number } | { ok: false; message: string; hint?: string };

function reg(n: number | undefined): number {
  return (n ?? 0) & 15;
}

export function encode(info: OpcodeInfo, f: Fields): EncodeResult {
  const a = reg(f.a);
  const b = reg(f.b);
  const c = reg(f.c);
  const imm = f.imm ?? 0;
  const head = (info.opcode << 24) | 0;
  const bad = (message: string, hint?: string): EncodeResult => ({ ok: false, message, hint });
  switch (info.format) {
    case 'none':
      return { ok: true, word: head };
    case 'rrr':
      return { ok: true, word: head | (a << 20) | (b << 16) | (c << 12) };
    case 'rr':
      return { ok: true, word: head | (b << 16) | (c << 12) };
    case 'rri':
    case 'mem':
    case 'ri':
      if (imm < -32768 || imm > 32767) return bad(`immediate ${imm} does not fit in a signed 16-bit field`, 'use li to load the value into a register first');
      return { ok: true, word: head | (a << 20) | (b << 16) | (imm & 0xffff) };
    case 'rru':
    case 'ru':
      if (imm < 0 || imm > 0xffff) return bad(`immediate ${imm} does not fit in an unsigned 16-bit field`, 'the value must be 0..65535; use li for other constants');
      return { ok: true, word: head | (a << 20) | (b << 16) | imm };
    case 'rrs':
      if (imm < 0 || imm > 31) return bad(`shift amount ${imm} is out of range`, 'shift amounts are 0..31');
      return { ok: true, word: head | (a << 20) | (b << 16) | imm };
    case 'j24':
      if (imm < -0x800000 || imm > 0x7fffff) return bad(`branch offset of ${imm} words is out of range`, 'conditional branches and j/jal reach ±32 MiB; use li + jr for farther targets');
      return { ok: true, word: head | (imm & 0xffffff) };
    case 'rs':
      return { ok: true, word: head | (b << 16) };
    case 'rd':
      return { ok: true, word: head | (a << 20) };
    case 'crr':
    case 'crw':
      if (imm < 0 || imm >= CR_COUNT) return bad(`no control register ${imm}`, `control registers are 0..${CR_COUNT - 1}`);
      return { ok: true, word: head | (a << 20) | (b << 16) | imm };
  }
}
