/**
 * isa — the HV32 teaching ISA: architectural constants, THE opcode table, encoder,
 * decoder, disassembler and assembler. The door other engine folders import.
 */
export * from './arch';
export * from './opcodes';
export { decode, predecode, SINK_REG, type Decoded } from './decode';
export { encode, type Fields, type EncodeResult } from './encode';
export { disassemble, disassembleRange } from './disasm';
export { assemble, parseRegister, type AssembleOptions, type AssembleResult } from './assembler';
export { formatDiagnostic, formatDiagnostics, type Diagnostic, type SourceLoc } from './asmDiagnostics';
export { sourceAt, type AsmImage, type SourceMapEntry } from './image';
export { renderInstructionTable, INSTRUCTION_TABLE_BEGIN, INSTRUCTION_TABLE_END } from './isaDoc';
