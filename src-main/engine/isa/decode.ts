/**
 * decode — turns a 32-bit instruction word into fields, driven by the opcode table.
 *
 * Interface:
 *  - `decode(word)`: `Decoded` (table row + fields A, B, C and the format's immediate) or
 *    `undefined` for an illegal word;
 *  - `predecode(word, out, at)`: the interpreter's packed form, two int32 per instruction:
 *    out[at] = op | a<<8 | b<<16 | c<<24, out[at+1] = immediate ready to use
 *    (sign/zero-extended per format; j24 offsets already multiplied by 4; lui already << 16).
 *    A written field A of 0 (r0) becomes 16, a sink register, so r0 stays zero without a check.
 *    Illegal words predecode to op 0 (Op.ILLEGAL).
 * Rules: a word is legal only if its opcode is in the table, every bit its format leaves
 * unused is zero, shift amounts are 0..31 and control-register numbers exist.
 */
import { CR_COUNT } from './arch';
import { OPCODE_BY_NUMBER, type OpcodeInfo } from './opcodes';

export interface Decoded {
  readonly info: OpcodeInfo;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** The immediate as the format defines it (simm16 / uimm16 / shamt / cr / simm24 word offset). */
  readonly imm: number;
}

/** Sink register index used by predecoded instructions whose destination is r0. */
export const SINK_REG = 16;

export function decode(word: number): Decoded | undefined {
  word |= 0;
  const info = OPCODE_BY_NUMBER[word >>> 24];
  if (!info) return undefined;
  const a = (word >>> 20) & 15;
  const b = (word >>> 16) & 15;
  const c = (word >>> 12) & 15;
  const u16 = word & 0xffff;
  const s16 = (word << 16) >> 16;
  switch (info.format) {
    case 'none':
      return (word & 0xffffff) === 0 ? { info, a: 0, b: 0, c: 0, imm: 0 } : undefined;
    case 'rrr':
      return (word & 0xfff) === 0 ? { info, a, b, c, imm: 0 } : undefined;
    case 'rr':
      return a === 0 && (word & 0xfff) === 0 ? { info, a: 0, b, c, imm: 0 } : undefined;
    case 'rri':
    case 'mem':
      return { info, a, b, c: 0, imm: s16 };
    case 'rru':
      return { info, a, b, c: 0, imm: u16 };
    case 'rrs':
      return u16 <= 31 ? { info, a, b, c: 0, imm: u16 } : undefined;
    case 'ru':
      return b === 0 ? { info, a, b: 0, c: 0, imm: u16 } : undefined;
    case 'ri':
      return a === 0 ? { info, a: 0, b, c: 0, imm: s16 } : undefined;
    case 'j24':
      return { info, a: 0, b: 0, c: 0, imm: (word << 8) >> 8 };
    case 'rs':
      return a === 0 && u16 === 0 ? { info, a: 0, b, c: 0, imm: 0 } : undefined;
    case 'rd':
      return b === 0 && u16 === 0 ? { info, a, b: 0, c: 0, imm: 0 } : undefined;
    case 'crr':
      return b === 0 && u16 < CR_COUNT ? { info, a, b: 0, c: 0, imm: u16 } : undefined;
    case 'crw':
      return a === 0 && u16 < CR_COUNT ? { info, a: 0, b, c: 0, imm: u16 } : undefined;
  }
}

/** Writes the interpreter's packed form of `word` at out[at], out[at+1]. */
export function predecode(word: number, out: Int32Array, at: number): void {
  const d = decode(word);
  if (!d) {
    out[at] = 0;
    out[at + 1] = 0;
    return;
  }
  const a = d.info.writesA && d.a === 0 ? SINK_REG : d.a;
  let imm = d.imm;
  if (d.info.format === 'j24') imm = imm * 4;
  else if (d.info.format === 'ru') imm = imm << 16;
  out[at] = d.info.opcode | (a << 8) | (d.b << 16) | (d.c << 24);
  out[at + 1] = imm;
}
