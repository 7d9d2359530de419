/**
 * hardwareAssist — the `hw` monitor: a VT-x/AMD-V-like guest mode. The unmodified guest kernel
 * runs in (real) guest kernel mode; configured events cause a VM exit with a reason, the monitor
 * emulates, and a VM entry resumes the guest (Adams & Agesen, ASPLOS 2006; KVM).
 *
 * Interface: `new HardwareAssistMonitor({ exits?, engine?, hotCycles?, translateSpacingCycles?, onlyCodeThatRan?, kernelTranslateAfterCycles?, enterAfterInstructions? })`; `HW_EXIT_REASONS`, `DEFAULT_HW_EXITS`;
 * `exits` (count per reason), `exitCount`; `counters()` → flat `hw.*` counters; `stats`
 * {emulated: exits by reason, reflected: {}}; `save()` / `restore(cpu, s)`.
 * Exit reasons (the "VMCS controls", `exits` option; defaults in DEFAULT_HW_EXITS):
 *  - `io` (in/out: I/O-instruction exiting) — on: the monitor performs the port access;
 *  - `hlt` — on: the monitor idles the vCPU until an interrupt;
 *  - `cr-write` (mtcr of status or ptbr: CR0/CR3-load exiting) — on: needed by shadow paging;
 *  - `cr-read` (mfcr of status or ptbr: CR3-store exiting) — off;
 *  - `invlpg`, `tlbflush` (INVLPG exiting) — on (shadow paging; nested paging turns them off);
 *  - `external-interrupt` (external-interrupt exiting) — on: the host takes the interrupt, then
 *    injects it into the guest at VM entry;
 *  - `page-fault` (exception bitmap bit 14) — off (on for shadow paging: the monitor sees faults);
 *  - `exception` (every other exception in the bitmap) — off;
 *  - `vmcall` (hcall) — always: there is no hypercall ABI for an unmodified guest, so the monitor
 *    injects the architectural hypercall exception.
 * Everything else — syscalls, cli/sti, iret, other control registers, getf/setf/smsw — runs in
 * guest mode with no exit, which is why `sensitive` behaves as under `interp` and why system calls
 * cost what they cost natively (A&A's syscall row).
 * Cost of an exit: `vmExit` (1,350 cycles by default: a modern KVM round trip; set 12,000 for
 * first-generation VT-x) + `monitorEmulate` for an emulated instruction; `mmu.vmTransition()` is
 * called for each exit (it flushes the TLB when VPID tagging is off).
 * Engine: guest code executes on the translator's fast path (`engine: 'translated'`, default), i.e.
 * "natively": no translation or callout cost is charged; `engine: 'interp'` uses the interpreter.
 * When it compiles (`hotCycles`, `translateSpacingCycles`, `kernelTranslateAfterCycles`) and when a region's
 * function is first called (`enterAfterInstructions`) are host-side only: counters are the same.
 */
import type { Cpu, Monitor, RunResult, TrapDecision, TrapEvent } from '../cpu/index';
import { readControl, writeControl } from '../cpu/index';
import { CAUSE_HYPERCALL, CAUSE_IRQ_BASE, CAUSE_PAGE_FAULT, CAUSE_PRIVILEGED, CR_PTBR, CR_STATUS, decode, Op } from '../isa/index';
import { HOST_ENTER_AFTER_INSTRUCTIONS, HW_KERNEL_TRANSLATE_AFTER_CYCLES } from '../params';
import { TranslatedExecutor } from '../translator/index';

export const HW_EXIT_REASONS = ['io', 'hlt', 'cr-write', 'cr-read', 'invlpg', 'tlbflush', 'external-interrupt', 'page-fault', 'exception', 'vmcall'] as const;
export type HwExitReason = (typeof HW_EXIT_REASONS)[number];

export type HwExitConfig = Record<HwExitReason, boolean>;

export const DEFAULT_HW_EXITS: Readonly<HwExitConfig> = Object.freeze({
  io: true, hlt: true, 'cr-write': true, 'cr-read': false, invlpg: true, tlbflush: true,
  'external-interrupt': true, 'page-fault': false, exception: false, vmcall: true,
});

export interface HwOptions {
  exits?: Partial<HwExitConfig>;
  engine?: 'translated' | 'interp';
  /** Heat a page needs before the translated engine compiles it (default params BT_HOT_CYCLES); host-side only. */
  hotCycles?: number;
  /** At most one compile per this many guest cycles (default 0 = no pacing); host-side only. */
  translateSpacingCycles?: number;
  /** Compile only the code seen running (default true; false: whole reachable regions, as `bt`); host-side only. */
  onlyCodeThatRan?: boolean;
  /** Guest cycles before any kernel page is translated (default params HW_KERNEL_TRANSLATE_AFTER_CYCLES; host-side only). */
  kernelTranslateAfterCycles?: number;
  /** Guest instructions interpreted from a region's entries before its function is first called (default params
   *  HOST_ENTER_AFTER_INSTRUCTIONS; host-side lazy compilation, results unchanged). */
  enterAfterInstructions?: number;
}

export interface HwState {
  readonly exits: Record<string, number>;
}

export class HardwareAssistMonitor implements Monitor {
  readonly name = 'hw';
  readonly config: HwExitConfig;
  exits: Record<string, number> = {};
  exitCount = 0;
  /** Present with the translated engine (the guest's code runs on the fast path, uncharged). */
  readonly execute?: (cpu: Cpu, budgetCycles: number) => RunResult;

  constructor(opts: HwOptions = {}) {
    this.config = { ...DEFAULT_HW_EXITS, ...opts.exits, vmcall: true };
    if ((opts.engine ?? 'translated') === 'translated') {
      const ex = new TranslatedExecutor({
        chargeTranslation: false,
        hotCycles: opts.hotCycles,
        translateSpacingCycles: opts.translateSpacingCycles,
        onlyCodeThatRan: opts.onlyCodeThatRan ?? true,
        kernelTranslateAfterCycles: opts.kernelTranslateAfterCycles ?? HW_KERNEL_TRANSLATE_AFTER_CYCLES,
        enterAfterInstructions: opts.enterAfterInstructions ?? HOST_ENTER_AFTER_INSTRUCTIONS,
      });
      this.execute = (cpu, budget) => ex.execute(cpu, budget);
    }
  }

  /** Exits by reason, in the shape the machine's counter report reads (`traps.emulated.*`). */
  get stats(): { emulated: Record<string, number>; reflected: Record<string, number> } {
    const emulated: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.exits)) emulated[`exit.${k}`] = v;
    return { emulated, reflected: {} };
  }

  /** Programs the intercepts (the VMCS execution controls) on this CPU. */
  attach(cpu: Cpu): void {
    const c = this.config;
    const set = (op: number, on: boolean): void => { cpu.intercepts[op] = on ? 1 : 0; };
    set(Op.IN, c.io);
    set(Op.OUT, c.io);
    set(Op.HLT, c.hlt);
    set(Op.MTCR, c['cr-write']);
    set(Op.MFCR, c['cr-read']);
    set(Op.INVLPG, c.invlpg);
    set(Op.TLBFLUSH, c.tlbflush);
  }

  private exit(cpu: Cpu, reason: HwExitReason): void {
    this.exits[reason] = (this.exits[reason] ?? 0) + 1;
    this.exitCount++;
    cpu.charge(cpu.costs.vmExit);
    cpu.mmu.vmTransition();
  }

  onTrap(cpu: Cpu, ev: TrapEvent): TrapDecision {
    if (ev.intercepted) return this.onIntercept(cpu, ev);
    const c = ev.cause;
    if (c >= CAUSE_IRQ_BASE) {
      if (this.config['external-interrupt']) this.exit(cpu, 'external-interrupt');
    } else if (c === CAUSE_HYPERCALL) this.exit(cpu, 'vmcall');
    else if (c === CAUSE_PAGE_FAULT) {
      if (this.config['page-fault']) this.exit(cpu, 'page-fault');
    } else if (this.config.exception && c !== CAUSE_PRIVILEGED) this.exit(cpu, 'exception');
    // Injection: the guest's own vector, exactly as the hardware delivers it.
    return 'deliver';
  }

  /** A kernel-mode privileged instruction whose opcode is intercepted: exit if its operands are covered, emulate, enter. */
  private onIntercept(cpu: Cpu, ev: TrapEvent): TrapDecision {
    const d = decode(ev.word);
    if (!d) return 'deliver';
    const st = cpu.state;
    const regs = st.regs;
    const op = d.info.opcode;
    const mmuCr = d.imm === CR_STATUS || d.imm === CR_PTBR;
    if ((op === Op.MTCR || op === Op.MFCR) && !mmuCr) return 'deliver'; // not a CR the VMM owns: no exit
    const reason: HwExitReason = op === Op.IN || op === Op.OUT ? 'io' : op === Op.HLT ? 'hlt' : op === Op.MTCR ? 'cr-write' : op === Op.MFCR ? 'cr-read' : op === Op.INVLPG ? 'invlpg' : 'tlbflush';
    this.exit(cpu, reason);
    cpu.charge(cpu.costs.monitorEmulate);
    const ra = d.info.writesA && d.a === 0 ? 16 : d.a;
    switch (op) {
      case Op.IN: cpu.counters.ioReads++; regs[ra] = cpu.io.read((regs[d.b] + d.imm) & 0xffff) | 0; break;
      case Op.OUT: cpu.counters.ioWrites++; cpu.io.write((regs[d.b] + d.imm) & 0xffff, regs[d.a]); break;
      case Op.HLT: st.halted = true; cpu.counters.halts++; break;
      case Op.MTCR: writeControl(cpu, d.imm, regs[d.b]); break;
      case Op.MFCR: regs[ra] = readControl(cpu, d.imm); break;
      case Op.INVLPG: cpu.mmu.invalidatePage(regs[d.b]); break;
      case Op.TLBFLUSH: cpu.mmu.flushTlb(); break;
      default: return 'deliver';
    }
    regs[16] = 0;
    st.pc = (ev.pc + 4) | 0;
    return 'resume';
  }

  /** Flat counters for reports (`hw.*`). */
  counters(): Record<string, number> {
    const out: Record<string, number> = { 'hw.exits': this.exitCount };
    for (const r of HW_EXIT_REASONS) out[`hw.exits.${r}`] = this.exits[r] ?? 0;
    return out;
  }

  save(): HwState {
    return { exits: { ...this.exits } };
  }

  restore(cpu: Cpu, s: HwState): void {
    this.exits = { ...s.exits };
    this.exitCount = Object.values(this.exits).reduce((p, q) => p + q, 0);
    this.attach(cpu);
  }
}
