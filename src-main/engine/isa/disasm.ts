/**
 * disasm — instruction words back to assembler text, driven by the opcode table.
 *
 * Interface:
 *  - `disassemble(word, pc)`: one line of valid assembler input (illegal words become
 *    `.word 0x...`); branch and jump targets are printed as absolute addresses computed from pc;
 *  - `disassembleRange(bytes, baseAddress)`: lines `addr: word  text`.
 * Rules: assembling the output at the same address gives the same word back (round-trip
 * tests cover every opcode).
 */
import { CR_NAMES } from './arch';
import { decode } from './decode';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);
const r = (n: number): string => `r${n}`;

export function disassemble(word: number, pc: number): string {
  const d = decode(word);
  if (!d) return `.word ${hex(word)}`;
  const m = d.info.mnemonic;
  switch (d.info.format) {
    case 'none':
      return m;
    case 'rrr':
      return `${m} ${r(d.a)}, ${r(d.b)}, ${r(d.c)}`;
    case 'rr':
      return `${m} ${r(d.b)}, ${r(d.c)}`;
    case 'rri':
    case 'rrs':
      return `${m} ${r(d.a)}, ${r(d.b)}, ${d.imm}`;
    case 'rru':
      return `${m} ${r(d.a)}, ${r(d.b)}, ${hex(d.imm)}`;
    case 'ru':
      return `${m} ${r(d.a)}, ${hex(d.imm)}`;
    case 'ri':
      return `${m} ${r(d.b)}, ${d.imm}`;
    case 'mem':
      return `${m} ${r(d.a)}, ${d.imm}(${r(d.b)})`;
    case 'j24':
      return `${m} ${hex((pc + d.imm * 4) | 0)}`;
    case 'rs':
      return `${m} ${r(d.b)}`;
    case 'rd':
      return `${m} ${r(d.a)}`;
    case 'crr':
      return `${m} ${r(d.a)}, ${CR_NAMES[d.imm]}`;
    case 'crw':
      return `${m} ${CR_NAMES[d.imm]}, ${r(d.b)}`;
  }
}

export function disassembleRange(bytes: Uint8Array, baseAddress: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const w = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    const addr = (baseAddress + i) >>> 0;
    lines.push(`${addr.toString(16).padStart(8, '0')}: ${(w >>> 0).toString(16).padStart(8, '0')}  ${disassemble(w, addr)}`);
  }
  return lines;
}
