/**
 * cpu — one HV32 CPU bound to a guest-physical memory: register file, MMU, cost table,
 * counters, I/O port bus and an optional monitor; `run(budgetCycles)` executes.
 *
 * Interface:
 *  - `new Cpu(mem, options?)` (levels 2|4, tlbEntries, tlbWays, costs, io, monitor, paging —
 *    memory virtualization: native | shadow | nested, large pages, TLB tags; mmu/pager.ts);
 *  - `reset(pc)`, `run(budgetCycles)` → RunResult {reason, cycles, instructions};
 *  - interrupts: `raiseIrq(line)`, `lowerIrq(line)` (level-triggered lines, checked at
 *    instruction boundaries when IE = 1);
 *  - monitors: `monitor`, `intercepts[opcode]`, `userOverride` + `updatePrivilege()`, `charge(n)`,
 *    `crashVm(reason)`, `markDelivering()`, `frameShortage` (a write found no host frame: wait or crash),
 *    `beforeSystem` (an execution engine's hook on the interpreter's system-instruction path);
 *  - observation: `counters`, `snapshot()` → CounterSnapshot, `crash`, `psw`, `digest()`,
 *    `cyclesInFlight()` (cycles of the current run not yet in counters.cycles: a device read
 *    during an `in`/`out` knows the exact virtual time of the instruction);
 *  - persistence: `save()` → CpuSaved (plain data), `Cpu.restore(mem, saved, options?)`.
 * Rules: never throws for anything a guest does — faults become exceptions or a crash report.
 * Construction and restore share one path (the constructor). `run` must be given a budget no
 * larger than the cycles until the machine's next device event (machine/machine.ts does this).
 */
import { CAUSE_IRQ_BASE, IRQ_LINES } from '../isa/index';
import type { GuestPhysicalMemory } from '../memory/index';
import { Hasher } from '../memory/index';
import { Mmu, PagingContext, pagingCostsFor, type MmuState, type PageTableLevels, type PagingOptions } from '../mmu/index';
import { DEFAULT_PAGE_TABLE_LEVELS, DEFAULT_TLB_ENTRIES, DEFAULT_TLB_WAYS, RESET_PC, RUN_SLICE_CYCLES } from '../params';
import { DEFAULT_COSTS, opcodeCostTable, type CostModel } from './costModel';
import { newCpuCounters, snapshotCounters, type CounterSnapshot, type CpuCounters } from './counters';
import { DecodeCache } from './decodeCache';
import { interpret } from './interpreter';
import { warmUpInterpreter } from './warmUp';
import { NULL_IO, type IoPorts } from './ioPorts';
import type { Monitor } from './monitorSeam';
import { VcpuState, type VcpuSaved } from './vcpu';

export interface CpuOptions {
  levels?: PageTableLevels;
  tlbEntries?: number;
  tlbWays?: number;
  costs?: Partial<CostModel>;
  io?: IoPorts;
  monitor?: Monitor;
  /** Memory virtualization and paging features; default: native paging, no large pages, untagged TLB. */
  paging?: PagingOptions;
}

export type StopReason = 'budget' | 'halted' | 'crashed' | 'monitor';

export interface RunResult {
  readonly reason: StopReason;
  readonly cycles: number;
  readonly instructions: number;
}

export interface CrashInfo {
  readonly reason: string;
  readonly pc: number;
  readonly faultAddr: number;
  readonly cause: number;
}

export interface CpuSaved {
  readonly format: 'hvlab.cpu';
  readonly version: 1;
  readonly vcpu: VcpuSaved;
  readonly mmu: MmuState;
  readonly counters: { instructions: number; cycles: number; opCounts: number[]; causes: number[]; other: Record<string, number> };
  readonly crash: CrashInfo | null;
  /** The instruction-fetch latch (one-entry fetch translation, counted once per page entry): vpn or -1. */
  readonly fetchLatchVpn: number;
}

export class Cpu {
  state: VcpuState;
  readonly mmu: Mmu;
  readonly costs: CostModel;
  readonly opCost: Int32Array;
  io: IoPorts;
  monitor: Monitor | undefined;
  /** Per opcode: 1 = a kernel-mode execution goes to monitor.onTrap first (VM-exit seam). */
  readonly intercepts = new Uint8Array(256);
  /** Monitor-provided effective privilege for memory accesses (undefined = the real mode). */
  userOverride: boolean | undefined = undefined;
  counters: CpuCounters = newCpuCounters();
  crash: CrashInfo | undefined = undefined;
  stopRequest: 'monitor' | undefined = undefined;
  /**
   * Installed by the machine: a write found no free host frame for guest page `gpfn`. True: the vCPU
   * waits for one (the instruction runs again later); false or none: the VM crashes "host out of memory".
   */
  frameShortage: ((gpfn: number) => boolean) | undefined = undefined;
  /**
   * Installed by an execution engine that brings its own costs for system instructions (bt: a
   * sensitive instruction in translated kernel code is a callout to the monitor, whoever runs it):
   * the interpreter calls it with the instruction word just before `execSystem`, cpu.state.pc on the
   * instruction and cpu.codeGpfn its page. Only system instructions pay for the call.
   */
  beforeSystem: ((a: number) => void) | undefined = undefined;
  readonly decodeCache: DecodeCache;
  /** Fetch latch: the code page currently executing (host-side). */
  code: Int32Array = new Int32Array(0);
  codeVpn = -1;
  codeVersion = -1;
  codeGpfn = 0;
  private pending = 0;
  /** Cycles of the interpreter call in progress, published before each system-instruction slow path. */
  runCycles = 0;
  /**
   * Set by an execution engine that wants the interpreter back after every stretch of its inner loop
   * (bt's exact warm-up, translator/exactWarmUp.ts): a call then runs one stretch — up to a slow path,
   * a stop sentinel, a jump off the page or the budget — and says in `stretchSlowWord` where a load,
   * store or system slow path ran (that instruction's word in its code page: always a small integer, so
   * the field keeps its representation — a pc above 2^30 made it a heap number and V8 threw away the
   * interpreter's compile), or -1 when none did.
   */
  oneStretch = false;
  stretchSlowWord = -1;

  constructor(readonly mem: GuestPhysicalMemory, opts: CpuOptions = {}) {
    warmUpInterpreter((m) => new Cpu(m));
    this.costs = { ...DEFAULT_COSTS, ...opts.costs };
    this.opCost = opcodeCostTable(this.costs);
    this.mmu = new Mmu(mem, {
      levels: opts.levels ?? DEFAULT_PAGE_TABLE_LEVELS,
      tlbEntries: opts.tlbEntries ?? DEFAULT_TLB_ENTRIES,
      tlbWays: opts.tlbWays ?? DEFAULT_TLB_WAYS,
      costs: { tlbMiss: this.costs.tlbMiss, walkRef: this.costs.walkRef, adWrite: this.costs.adWrite },
      paging: opts.paging,
    });
    this.state = new VcpuState();
    this.io = opts.io ?? NULL_IO;
    this.decodeCache = DecodeCache.for(mem);
    this.monitor = opts.monitor;
    const paging = opts.paging;
    if (paging && (paging.mode ?? 'native') !== 'native') {
      const ctx = PagingContext.for(mem, this.mmu.geometry.levels, paging);
      this.mmu.pager = ctx.createPager(this.mmu, paging, pagingCostsFor(this.monitor, this.costs, paging.costs));
    }
    this.monitor?.attach?.(this);
  }

  /** Re-establishes a saved fetch latch without counting a TLB lookup (the lookup happened before the save). */
  private restoreFetchLatch(vpn: number): void {
    if (vpn < 0) return;
    let g = vpn;
    if (this.mmu.pagingEnabled) {
      g = this.mmu.probeGpfn(vpn);
      if (g < 0) return;
    }
    if (g >= this.mem.pageCount || this.mem.isNotPresent(g as never)) return; // a page still elsewhere is fetched (and waited for) at the next run
    this.code = this.decodeCache.page(g);
    this.codeVpn = vpn;
    this.codeGpfn = g;
    this.codeVersion = this.mmu.version;
  }

  /** Architectural reset: kernel mode, IE=0, paging off, TLB empty, pc = given address. */
  reset(pc: number = RESET_PC): void {
    this.state = new VcpuState();
    this.state.pc = pc | 0;
    this.mmu.setPaging(false);
    this.mmu.setPtbr(0);
    this.updatePrivilege();
    this.crash = undefined;
    this.codeVpn = -1;
    this.userOverride = undefined;
    this.updatePrivilege();
    this.monitor?.attach?.(this);
  }

  /** False when the CPU is halted and no interrupt can wake it (IE = 0 or every line masked): the machine is off. */
  canWake(): boolean {
    return this.state.ie && this.state.irqMask !== 0;
  }

  /**
   * Runs until `budgetCycles` are used (stopping at the first instruction boundary at or past it),
   * or the CPU halts, crashes or the monitor asks to stop. The budget is executed in slices of
   * RUN_SLICE_CYCLES: the stop point is identical, but V8 then runs the fully optimised
   * interpreter instead of staying in on-stack-replacement code for a long call.
   */
  run(budgetCycles: number): RunResult {
    let cycles = 0;
    let instructions = 0;
    for (;;) {
      // A monitor may bring its own execution engine (binary translation): same contract as interpret.
      const mon = this.monitor;
      const slice = Math.min(budgetCycles - cycles, RUN_SLICE_CYCLES);
      const r = mon?.execute ? mon.execute(this, slice) : interpret(this, slice);
      cycles += r.cycles;
      instructions += r.instructions;
      if (r.reason !== 'budget' || cycles >= budgetCycles) return { reason: r.reason, cycles, instructions };
    }
  }

  /** Cycles charged by slow paths and monitors; the interpreter drains them into the run. */
  charge(cycles: number): void {
    this.pending += cycles;
  }
  /** Cycles executed or charged in the current run that counters.cycles does not include yet. */
  cyclesInFlight(): number {
    return this.runCycles + this.pending + this.mmu.pendingCycles;
  }
  drainPending(): number {
    const p = this.pending + this.mmu.pendingCycles;
    this.pending = 0;
    this.mmu.pendingCycles = 0;
    return p;
  }

  raiseIrq(line: number): void {
    if (line >= 0 && line < IRQ_LINES) this.state.irqLines |= 1 << line;
  }
  lowerIrq(line: number): void {
    if (line >= 0 && line < IRQ_LINES) this.state.irqLines &= ~(1 << line);
  }

  /** Applies the effective memory privilege (monitor override, else the real mode) to the MMU. */
  updatePrivilege(): void {
    const user = this.userOverride ?? !this.state.kernel;
    if (user !== this.mmu.user) this.mmu.setUser(user);
  }

  /** For monitors that reflect an exception into the guest themselves: arms double-fault detection. */
  markDelivering(): void {
    if (this.state.delivering === 0) this.state.delivering = 1;
  }

  /** Ends the VM: recorded in `crash`, run() returns 'crashed'. Never throws. */
  crashVm(reason: string, pc = this.state.pc, faultAddr = 0, cause = 0): void {
    if (!this.crash) this.crash = { reason, pc: pc >>> 0, faultAddr: faultAddr >>> 0, cause };
  }

  get psw(): number {
    return this.state.psw();
  }

  snapshot(): CounterSnapshot {
    return snapshotCounters(this.counters, this.mmu);
  }

  /** Hash of guest-visible state: registers, pc, PSW, control registers, paging state, memory (virtual PSW/CRs under a monitor that keeps them). */
  digest(): string {
    const h = new Hasher();
    const st = this.state;
    for (let i = 0; i < 16; i++) h.word(st.regs[i]);
    const mon = this.monitor;
    h.word(st.pc).word(mon?.guestPsw ? mon.guestPsw(this) : st.psw()).word(this.mmu.pagingEnabled ? 1 : 0).word(this.mmu.ptbr);
    for (let i = 0; i < st.cr.length; i++) h.word(mon?.guestControl ? mon.guestControl(this, i) : st.cr[i]);
    return this.mem.digest(h);
  }

  save(): CpuSaved {
    const c = this.counters;
    const { instructions, cycles, opCounts, causes, ...other } = c;
    return {
      format: 'hvlab.cpu', version: 1, vcpu: this.state.save(), mmu: this.mmu.save(),
      counters: { instructions, cycles, opCounts: Array.from(opCounts), causes: Array.from(causes), other: { ...other } },
      crash: this.crash ?? null,
      fetchLatchVpn: this.codeVersion === this.mmu.version ? this.codeVpn : -1,
    };
  }

  /** Rebuilds a CPU on `mem` (restored separately) from saved state; the modelled TLB is restored exactly. */
  static restore(mem: GuestPhysicalMemory, s: CpuSaved, opts: CpuOptions = {}): Cpu {
    if (s.format !== 'hvlab.cpu' || s.version !== 1) throw new RangeError(`unsupported CPU state ${s.format} v${s.version}`);
    const cpu = new Cpu(mem, { ...opts, levels: s.mmu.levels, tlbEntries: s.mmu.tlb.entries, tlbWays: s.mmu.tlb.ways });
    cpu.state = VcpuState.restore(s.vcpu);
    cpu.mmu.restoreState(s.mmu);
    const c = newCpuCounters();
    c.instructions = s.counters.instructions;
    c.cycles = s.counters.cycles;
    c.opCounts.set(s.counters.opCounts);
    c.causes.set(s.counters.causes);
    Object.assign(c, s.counters.other);
    cpu.counters = c;
    cpu.crash = s.crash ?? undefined;
    cpu.updatePrivilege();
    cpu.restoreFetchLatch(s.fetchLatchVpn);
    return cpu;
  }
}

export { CAUSE_IRQ_BASE };
