/**
 * harness — test helper: assemble a program, load it into fresh guest memory, make a CPU.
 * `boot(src, opts)` → { cpu, mem, host, image }; `runToHalt(cpu, maxCycles)`.
 * Programs start at 0x2000 unless they set .org; `VECTORS` is a vector table at 0 whose every
 * slot halts, so tests can inspect CAUSE / EPC / FADDR after an exception.
 */
import assert from 'node:assert/strict';
import { Cpu, type CpuOptions, type RunResult } from '../../../src-main/engine/cpu/index';
import { assemble, formatDiagnostics, type AsmImage } from '../../../src-main/engine/isa/index';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import type { Gpa } from '../../../src-main/engine/mmu/index';

export const VECTORS = `
  .org 0
  .space 128, 0
`;
/** 32 vector slots that each execute hlt (0x62000000). */
export const HALT_VECTORS = `
  .org 0
${Array.from({ length: 32 }, () => '  hlt').join('\n')}
`;

export interface Booted {
  cpu: Cpu;
  mem: GuestPhysicalMemory;
  host: HostMemory;
  image: AsmImage;
}

export function build(src: string): AsmImage {
  const r = assemble(src, { file: 'test.s' });
  if (!r.ok) assert.fail(formatDiagnostics(r.diagnostics));
  return r.image;
}

export function boot(src: string, opts: CpuOptions & { memBytes?: number } = {}): Booted {
  const image = build(src);
  const host = new HostMemory();
  const mem = new GuestPhysicalMemory(host, opts.memBytes ?? 1 << 20);
  mem.writeBytes(image.loadAddress as Gpa, image.bytes);
  const cpu = new Cpu(mem, opts);
  cpu.reset(image.entry);
  return { cpu, mem, host, image };
}

export function runToHalt(cpu: Cpu, maxCycles = 10_000_000): RunResult {
  const r = cpu.run(maxCycles);
  assert.equal(r.reason, 'halted', `expected the program to halt, stopped by ${r.reason} at pc 0x${(cpu.state.pc >>> 0).toString(16)}`);
  return r;
}

export const reg = (b: Booted | Cpu, n: number): number => ('cpu' in b ? b.cpu : b).state.regs[n];
export const ureg = (b: Booted | Cpu, n: number): number => reg(b, n) >>> 0;
