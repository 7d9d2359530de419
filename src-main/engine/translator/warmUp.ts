/**
 * warmUp — runs bt's dispatcher (the executor's `execute`, `enterRegion`, the exact warm-up's
 * `interpretRegion`, the callout helpers) on a private scratch machine before the first real `bt` CPU
 * runs, as cpu/warmUp.ts does for the interpreter: V8 then has type feedback for every path of the
 * dispatcher when it first optimises it, instead of optimising it after a guest's first few paths and
 * deoptimising at each new one ("insufficient type feedback", "wrong call target": five compiles of
 * `execute` in `mixed` bt's first CPU-second, docs/PERFORMANCE.md).
 *
 * Interface: `warmUpDispatcher(makeCpu)` (idempotent; the bt monitor's constructor calls it with a
 * factory of scratch CPUs, each with its own bt monitor built with the options given);
 * `runDispatcherWarmUp(makeCpu)` (the same, every time, with what it ran: `DispatcherWarmUpReport`; tests).
 * Paths run (each pass on a fresh scratch machine, so every pass translates, warms up exactly and
 * promotes its regions): page entry by jumps, calls, returns and falling off a page; same-page chaining
 * through several regions of one long page (regions are capped in size) and chain links across pages;
 * region exits of every kind (a static exit, a register jump, a callout, a budget stop, a mid-block slow
 * path resumed); the exact warm-up's stops (a register jump, a branch leaving, a slow path, the budget) and
 * each region's promotion to its function; the exact warm-up's limit for all; cold stretches and
 * translation of hot pages; system instructions as callouts (and as traps in user mode, through the
 * monitor); the sti shadow; interrupts taken by the dispatcher; paging off and on, kernel and user mode,
 * TLB misses, a TLB flush and first touches of data pages; in one pass, the CPU's and the executor's
 * totals past 2^31 (a real guest's totals pass it in its first seconds: the fields turn from small integers to
 * doubles then, and V8 throws away every compile that relied on the old representation).
 * Rules: host performance only — it touches no state of any simulated machine (own memory, own CPU,
 * own monitor, own translation cache, its shared code in memos of its own: sharedCode
 * `withPrivateSharedCode`), is deterministic (a fixed program, fixed budgets) and costs ~0.2–0.3 s of
 * CPU once per process on the 2-core dev machines at load 8–11, before the first bt VM's power-on
 * (bench/dispatcher-warmup.ts; docs/PERFORMANCE.md, "Monitors: a warm-up of bt's dispatcher"). Short passes first, then
 * full ones, so every path has run before V8 is ready to optimise (see cpu/warmUp.ts).
 */
import type { Cpu } from '../cpu/index';
import { enterPagingAsm, mapIdentity } from '../cpu/index';
import { assemble, CAUSE_IRQ_BASE, CAUSE_PRIVILEGED, CR_VBAR, PSW_K } from '../isa/index';
import type { Gpa } from '../mmu/index';
import { GuestPhysicalMemory, HostMemory } from '../memory/index';
import type { ExecutorOptions, TranslatedExecutor } from './executor';
import { withPrivateSharedCode } from './sharedCode';

/** A scratch CPU (with a `bt` monitor built with `opts`) over `mem`, and that monitor's executor. */
export type ScratchCpuFactory = (mem: GuestPhysicalMemory, opts: ExecutorOptions) => { cpu: Cpu; executor: TranslatedExecutor };

/** What one warm-up ran, summed over its scratch machines (tests check every path ran). */
export interface DispatcherWarmUpReport {
  instructions: number;
  translations: number;
  regionEntries: number;
  chainedJumps: number;
  callouts: number;
  interrupts: number;
  userTraps: number;
  /** run() calls that stopped on their budget. */
  budgetStops: number;
  /** Regions run by the exact warm-up, and those later called as their function (fed their budget exit). */
  regionsRunExactly: number;
  regionsPromoted: number;
  /** Regions whose resumable variant ran (a mid-block slow path went on). */
  regionsResumed: number;
  /** Most regions of one page at once (several: same-page chaining). */
  maxRegionsOnAPage: number;
}

/** The scratch machine's layout (guest-physical; identity-mapped when paging is on). */
const VECTORS = 0x6000;
const LOOP_COUNT = 0x7000;
const DATA = 0x8000;
const DATA_PAGES = 8;
const LONG = 0x2e80;
const PAGE_TABLES = 0x10000;
const SCRATCH_BYTES = 1 << 18;
/** The long code's blocks: ~200 instructions from LONG, half on page 2 and half on page 3 (more than a scratch region holds on each). */
const LONG_BLOCKS = 30;
/** The scratch bt: pages hot after little heat, small regions (several per page, cheap to compile), run exactly for their first instructions, then promoted; the limit ends it for all within a full pass. */
const SCRATCH_OPTIONS: ExecutorOptions = { hotCycles: 1_000, exactEnterAfterInstructions: 1_000, exactWarmUpLimit: 60_000, limits: { regionInstructions: 40 } };
/** Cycles per run() call and loop count per phase: short passes first, then full ones (header). */
const PASSES: readonly { budget: number; loops: number; calls: number; longRun?: boolean }[] = [
  { budget: 700, loops: 2, calls: 30 }, { budget: 900, loops: 2, calls: 30, longRun: true }, { budget: 1_900, loops: 4, calls: 30 },
  { budget: 5_000, loops: 12, calls: 60 }, { budget: 20_011, loops: 40, calls: 100 },
];
/** A long run's totals: past 2^31, where a real guest's cycle and instruction counts are after its first seconds. */
const LONG_RUN = 2 ** 32;
/** The executor's totals that pass 2^31 in a long run. */
const LONG_RUN_STATS = ['translatedExecuted', 'interpretedInstructions', 'regionEntries', 'chainedJumps', 'cacheHits', 'cacheMisses', 'callouts'] as const;
/** The phases: paging, kernel mode, an interrupt line raised (taken after each loop's `sti`). */
const PHASES: readonly { paged: boolean; kernel: boolean; irq: boolean }[] = [
  { paged: false, kernel: true, irq: false }, { paged: false, kernel: true, irq: true },
  { paged: true, kernel: true, irq: true }, { paged: true, kernel: false, irq: false },
];

function longPage(): string {
  const out: string[] = ['long:', '  li r3, 0'];
  for (let b = 0; b < LONG_BLOCKS; b++) {
    out.push('  addi r3, r3, 1', '  xor r10, r10, r3', '  add r11, r11, r10', `  cmpi r10, ${(b * 37) % 200 - 100}`, `  blt .l${b}`, '  addi r11, r11, 3', `.l${b}:`);
    if (b % 45 === 20) out.push('  li r12, 3', `.b${b}:`, '  addi r12, r12, -1', '  cmpi r12, 0', `  bne .b${b}`);
  }
  out.push('  ret');
  return out.join('\n');
}

const PROGRAM = `
  .org 0x1000
_start:
  li r1, 0
  li r5, ${LOOP_COUNT}
  ldw r5, 0(r5)
  li r2, ${DATA}
loop:
  call long
  call system
  andi r4, r1, ${DATA_PAGES - 1}
  slli r4, r4, 12
  add r7, r2, r4
  ldw r8, 0(r7)
  addi r8, r8, 1
  stw r8, 4(r7)
  ldb r9, 9(r7)
  stb r9, 10(r7)
  la r12, viaReg
  jalr r12
  addi r1, r1, 1
  cmp r1, r5
  bne loop
  hlt
spin:
  j spin
viaReg:
  addi r11, r11, 1
  ret
  .org ${LONG}
${longPage()}
  .org 0x4000
system:
  getf r9
  smsw r9
  setf r9
  mfcr r9, scratch0
  addi r9, r9, 1
  mtcr scratch0, r9
  in r9, 0x40(r0)
  out r9, 0x40(r0)
  invlpg r7
  cli
  sti
  nop
  andi r9, r1, 15
  cmpi r9, 15
  bne .s
  tlbflush
.s:
  ret
${enterPagingAsm(PAGE_TABLES, VECTORS)}
exception:
  mfcr r13, epc
  addi r13, r13, 4
  mtcr epc, r13
interrupt:
  mfcr r13, epsw
  andi r13, r13, 0x2f
  mtcr epsw, r13
  iret
  .org ${VECTORS}
${'  j exception\n'.repeat(CAUSE_IRQ_BASE)}${'  j interrupt\n'.repeat(16)}`;

let done = false;

export function warmUpDispatcher(makeCpu: ScratchCpuFactory): void {
  if (done) return;
  done = true;
  runDispatcherWarmUp(makeCpu);
}

export function runDispatcherWarmUp(makeCpu: ScratchCpuFactory): DispatcherWarmUpReport {
  done = true;
  const report: DispatcherWarmUpReport = {
    instructions: 0, translations: 0, regionEntries: 0, chainedJumps: 0, callouts: 0, interrupts: 0, userTraps: 0, budgetStops: 0,
    regionsRunExactly: 0, regionsPromoted: 0, regionsResumed: 0, maxRegionsOnAPage: 0,
  };
  const r = assemble(PROGRAM, { file: '<dispatcher warm-up>' });
  if (!r.ok) return report;
  const image = r.image;
  withPrivateSharedCode(() => {
    for (const pass of PASSES) runPass(makeCpu, image.bytes, image.loadAddress, image.entry, image.symbols.paged, pass, report);
  });
  return report;
}

/** One pass: a fresh scratch machine (memory, CPU, bt monitor) through every phase. */
function runPass(makeCpu: ScratchCpuFactory, bytes: Uint8Array, at: number, entry: number, paged: number, pass: (typeof PASSES)[number], report: DispatcherWarmUpReport): void {
  const mem = new GuestPhysicalMemory(new HostMemory(), SCRATCH_BYTES);
  mem.writeBytes(at as Gpa, bytes);
  mem.writeWord(LOOP_COUNT as Gpa, pass.loops);
  const { cpu, executor } = makeCpu(mem, SCRATCH_OPTIONS);
  mapIdentity(mem, cpu.mmu.geometry, PAGE_TABLES);
  if (pass.longRun === true) {
    // A real guest's totals pass 2^31 in its first seconds: each such field turns from small integer to
    // double then, and V8 throws away every compile that relied on the old representation ("overflow",
    // "wrong map"). Here they start there (the exact warm-up's limit is then reached at once).
    const c = cpu.counters;
    c.cycles = LONG_RUN;
    c.instructions = LONG_RUN;
    for (const k of LONG_RUN_STATS) executor.stats[k] = LONG_RUN;
  }
  for (const ph of PHASES) {
    cpu.reset(ph.paged ? paged : entry);
    cpu.state.cr[CR_VBAR] = VECTORS;
    cpu.state.regs[14] = ph.kernel ? PSW_K : 0;
    if (ph.irq) cpu.raiseIrq(1);
    for (let k = 0; k < pass.calls && !cpu.state.halted; k++) {
      const res = cpu.run(pass.budget);
      report.instructions += res.instructions;
      if (res.reason === 'budget') report.budgetStops++;
      if (!ph.kernel && k >= pass.calls / 2) break;
    }
    if (ph.irq) cpu.lowerIrq(1);
  }
  const s = executor.stats;
  const base = pass.longRun === true ? LONG_RUN : 0;
  report.translations += s.translations;
  report.regionEntries += s.regionEntries - base;
  report.chainedJumps += s.chainedJumps - base;
  report.callouts += s.callouts - base;
  const tc = executor.cache(cpu);
  const perPage = new Map<number, number>();
  for (const region of tc.list()) {
    if (region.exactRan > 0) report.regionsRunExactly++;
    if (region.feedStep !== region.feedIn || region.feedIn === 0) report.regionsPromoted++;
    if (region.resumeFn !== undefined) report.regionsResumed++;
    const key = region.key;
    perPage.set(key, (perPage.get(key) ?? 0) + 1);
  }
  for (const n of perPage.values()) report.maxRegionsOnAPage = Math.max(report.maxRegionsOnAPage, n);
  report.interrupts += cpu.counters.causes[CAUSE_IRQ_BASE + 1];
  report.userTraps += cpu.counters.causes[CAUSE_PRIVILEGED];
}
