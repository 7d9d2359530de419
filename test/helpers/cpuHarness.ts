/**
 * cpuHarness — test helper for one bare CPU (no machine, no devices but a tiny test device): assemble
 * a program, load it into fresh guest memory, make a CPU, run it — alone, or under a monitor the way
 * the differential tests compare monitors.
 *
 * Interface:
 *  - `build(src)` → AsmImage (fails the test on diagnostics, which name the file `test.s`);
 *    `VECTORS` / `HALT_VECTORS`: vector tables at 0 (zeros / every slot halts, so tests can inspect
 *    CAUSE / EPC / FADDR after an exception);
 *  - `boot(src, opts)` → { cpu, mem, host, image }; `runToHalt(cpu, maxCycles)`; `reg`, `ureg`.
 *    Programs start at 0x2000 unless they set .org;
 *  - `runInChunks(cpu, opts)`: runBare's loop on a CPU made elsewhere (→ the last stop reason);
 *    `runBare(image, monitor, opts)` → `BareOutcome` {digest, console, reason, cycles, instructions,
 *    counters (the guest-visible subset of cpu.snapshot()), cpu}; `EXACT_COSTS` (every monitor-only
 *    cost set to 0: then bt and hw must match interp cycle for cycle); `makeMonitor(kind, seed)`
 *    (bt and hw with a translation threshold that varies with the seed: 0, 300 or 5000 cycles for bt;
 *    for hw the default, 0, or 5000 with at most one compile per 20,000 cycles);
 *    `loadImage(mem, image)`; `TestDevice`.
 * Test device ports: 0x20 console byte (write), 0x70 raise IRQ line (value & 3), 0x71 lower line
 * (value & 15), 0x72 a read counter; every other port reads -1.
 * runBare's loop: cpu.run() in chunks whose sizes come from a seeded RNG (so budget edges fall
 * everywhere); with `externalIrqs`, line 3 is raised at some chunk boundaries (only meaningful in
 * exact mode, where chunk boundaries fall on the same instruction under every monitor); a halted CPU
 * that can wake gets line 3 raised (deterministic: it halted at the same instruction everywhere).
 */
import assert from 'node:assert/strict';
import { Cpu, type CostModel, type CpuOptions, type IoPorts, type Monitor, type RunResult } from '../../src-main/engine/cpu/index';
import { assemble, formatDiagnostics, type AsmImage } from '../../src-main/engine/isa/index';
import { GuestPhysicalMemory, HostMemory } from '../../src-main/engine/memory/index';
import type { Gpa, Gpfn } from '../../src-main/engine/mmu/index';
import { BinaryTranslationMonitor, createMonitor, HardwareAssistMonitor, type MonitorKind } from '../../src-main/engine/monitors/index';
import { Rng } from '../../src-main/engine/sim/rng';

export const VECTORS = `
  .org 0
  .space 128, 0
`;
/** 32 vector slots that each execute hlt (0x62000000). */
export const HALT_VECTORS = `
  .org 0
${Array.from({ length: 32 }, () => '  hlt').join('\n')}
`;

/** Turns paging on with the page tables the test builds at 0x100000 (`PtBuilder`); clobbers r1. */
export const ENTER_PAGING = `
  li r1, 0x100000
  mtcr ptbr, r1
  li r1, 1
  mtcr status, r1`;

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

export const EXACT_COSTS: Partial<CostModel> = {
  monitorTrap: 0, monitorEmulate: 0, monitorReflect: 0, btTranslateTu: 0, btCallout: 0, vmExit: 0, pvHypercall: 0, pvMmuUpdateEntry: 0,
};

export class TestDevice implements IoPorts {
  cpu: Cpu | undefined;
  console = '';
  private counter = 0;
  read(port: number): number {
    if (port === 0x72) return ++this.counter;
    return -1;
  }
  write(port: number, value: number): void {
    if (port === 0x20) this.console += String.fromCharCode(value & 0xff);
    else if (port === 0x70) this.cpu?.raiseIrq(value & 3);
    else if (port === 0x71) this.cpu?.lowerIrq(value & 15);
  }
}

export interface BareOptions {
  seed: number;
  costs?: Partial<CostModel>;
  externalIrqs?: boolean;
  /** Largest run() chunk in cycles (default 3000). */
  maxChunk?: number;
  maxCycles?: number;
  memBytes?: number;
}

export interface BareOutcome {
  digest: string;
  console: string;
  reason: string;
  cycles: number;
  instructions: number;
  counters: Record<string, unknown>;
  cpu: Cpu;
}

/** bt with a per-seed hotness threshold (0 = translate at the first arrival) so translation happens early and often;
 *  HVLAB_BT_ENTER_AFTER=N sets its exact warm-up (regions run by the interpreter for their first N instructions;
 *  default params BT_ENTER_AFTER_INSTRUCTIONS, longer than most test programs). */
export function makeMonitor(kind: MonitorKind | 'hw-interp', seed: number): Monitor {
  if (kind === 'bt') {
    const enter = process.env.HVLAB_BT_ENTER_AFTER;
    return new BinaryTranslationMonitor({ hotCycles: [0, 300, 5000][seed % 3], ...(enter !== undefined ? { exactEnterAfterInstructions: Number(enter) } : {}) });
  }
  if (kind === 'hw') {
    // the defaults, then variants that translate kernel code at once and call its regions at once (a
    // test program is shorter than the kernel's default start and the default host-side warm-up), one
    // that starts translating it in the middle of the program, one that calls regions after a short warm-up
    return new HardwareAssistMonitor([
      {}, { hotCycles: 0, translateSpacingCycles: 0, kernelTranslateAfterCycles: 0, enterAfterInstructions: 0 },
      { hotCycles: 5000, translateSpacingCycles: 20_000, kernelTranslateAfterCycles: 0, enterAfterInstructions: 0 },
      { hotCycles: 0, onlyCodeThatRan: false, kernelTranslateAfterCycles: 0, enterAfterInstructions: 0 },
      { hotCycles: 0, kernelTranslateAfterCycles: 50_000, enterAfterInstructions: 0 },
      { hotCycles: 0, kernelTranslateAfterCycles: 0, enterAfterInstructions: 2000 },
    ][seed % 6]);
  }
  if (kind === 'hw-interp') return new HardwareAssistMonitor({ engine: 'interp' });
  return createMonitor(kind);
}

/** Loads an image a page at a time (all-zero pages are left untouched: they read as zero anyway). */
export function loadImage(mem: GuestPhysicalMemory, image: AsmImage): void {
  const bytes = image.bytes;
  for (let off = 0; off < bytes.length;) {
    const a = image.loadAddress + off;
    const n = Math.min(4096 - (a & 4095), bytes.length - off);
    let zero = true;
    for (let k = 0; k < n && zero; k++) if (bytes[off + k] !== 0) zero = false;
    if (!zero) {
      if ((a & 3) === 0 && (n & 3) === 0) {
        const f = mem.frameForWrite((a >>> 12) as Gpfn)!;
        for (let k = 0; k < n; k += 4) f[((a & 4095) + k) >>> 2] = bytes[off + k] | (bytes[off + k + 1] << 8) | (bytes[off + k + 2] << 16) | (bytes[off + k + 3] << 24);
      } else mem.writeBytes(a as Gpa, bytes.subarray(off, off + n));
    }
    off += n;
  }
}

/** runBare's loop (see the header): `cpu.run()` in seeded chunks until `maxCycles`, a crash or a halt it
 *  cannot wake from; the last run's stop reason. */
export function runInChunks(cpu: Cpu, o: Pick<BareOptions, 'seed' | 'externalIrqs' | 'maxChunk' | 'maxCycles'>): string {
  const rng = new Rng((o.seed ^ 0x5eed1234) >>> 0);
  const maxChunk = o.maxChunk ?? 3000;
  const maxCycles = o.maxCycles ?? 3_000_000;
  let total = 0;
  let wakes = 0;
  let reason = 'budget';
  while (total < maxCycles) {
    const chunk = 1 + rng.int(maxChunk);
    if (o.externalIrqs && rng.int(8) === 0) cpu.raiseIrq(3);
    const r = cpu.run(chunk);
    total += r.cycles;
    reason = r.reason;
    if (r.reason === 'crashed') break;
    if (r.reason === 'halted') {
      if (cpu.canWake() && wakes++ < 50) {
        cpu.raiseIrq(3);
        continue;
      }
      break;
    }
  }
  return reason;
}

export function runBare(image: AsmImage, monitor: Monitor, o: BareOptions): BareOutcome {
  const mem = new GuestPhysicalMemory(new HostMemory(), o.memBytes ?? 1 << 20);
  loadImage(mem, image);
  const io = new TestDevice();
  const cpu = new Cpu(mem, { monitor, costs: o.costs, io });
  io.cpu = cpu;
  cpu.reset(image.entry);
  const reason = runInChunks(cpu, o);
  const s = cpu.snapshot();
  const counters = {
    instructions: s.instructions, cycles: s.cycles, exceptions: s.exceptions, interrupts: s.interrupts, pageFaults: s.pageFaults,
    ioReads: s.ioReads, ioWrites: s.ioWrites, doubleFaults: s.doubleFaults, halts: s.halts, tlbHits: s.tlbHits, tlbMisses: s.tlbMisses,
    tlbEvictions: s.tlbEvictions, tlbFlushes: s.tlbFlushes, tlbPageInvalidations: s.tlbPageInvalidations, pageWalks: s.pageWalks,
    pageWalkRefs: s.pageWalkRefs, adWrites: s.adWrites, byCause: s.byCause, byOpcode: s.byOpcode,
  };
  return { digest: cpu.digest(), console: io.console, reason, cycles: s.cycles, instructions: s.instructions, counters, cpu };
}

/** A hot loop of 60,000 iterations (300,000 instructions) whose backward jump stays on its page (one
 *  region, one region entry per execute call), then hlt: the translator tests' one-region program. */
export const HOT_LOOP_PROGRAM = `
  .org 0x1000
_start:
  li r1, 0
  li r2, 60000
loop:
  addi r1, r1, 1
  addi r5, r5, 3
  cmp r1, r2
  beq done
  j loop
done:
  hlt
`;
