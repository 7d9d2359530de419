/**
 * monitorSeam — the interface between the CPU and a virtual machine monitor.
 *
 * Interface: `Monitor` { name, attach?(cpu), onTrap(cpu, event) → 'deliver' | 'resume' | 'exit' },
 * `TrapEvent`, `TrapDecision`.
 * Rules: every exception, trap and interrupt the CPU raises goes to `onTrap` first when a
 * monitor is attached — privileged instructions in user mode (cause privileged, with the
 * instruction word), syscalls, hypercalls, page faults (faultAddr + detail), divide, illegal,
 * misaligned, bus errors, interrupts (cause 16+line) — plus kernel-mode privileged instructions
 * whose opcode is set in `cpu.intercepts` (event.intercepted = true; the VT-x-style exit seam
 * the `hw` monitor uses). Decisions:
 *  - 'deliver': bare-hardware semantics (architectural delivery to the guest's vector; for an
 *    intercepted instruction: execute it natively);
 *  - 'resume': the monitor handled it (emulated on its virtual CPU, reflected into the guest,
 *    …) and set cpu.state.pc / registers itself; charge cycles with cpu.charge(n);
 *  - 'exit': stop run() with reason 'monitor' (pc left at the instruction).
 * A monitor must never throw for a guest action; it may call cpu.crashVm(reason) instead.
 * `guestPsw` / `guestControl` let cpu.digest() hash the guest-visible (virtual) state, so the same
 * guest gives the same digest under every correct monitor.
 */
import type { Cpu, RunResult } from './cpu';

export interface TrapEvent {
  /** isa CAUSE_* (interrupts: CAUSE_IRQ_BASE + line). */
  readonly cause: number;
  /** Address of the instruction that trapped (interrupts: the next instruction to run). */
  readonly pc: number;
  /** Architectural EPC for delivery: pc for faults, pc + 4 for sys/hcall/brk, pc for interrupts. */
  readonly epc: number;
  /** The instruction word at pc (0 for interrupts and fetch faults). */
  readonly word: number;
  /** Faulting virtual address (page fault, misaligned, bus error), else 0. */
  readonly faultAddr: number;
  /** CAUSE detail bits (FAULT_WRITE / FETCH / USER / PRESENT). */
  readonly detail: number;
  /** True for a kernel-mode privileged instruction stopped by cpu.intercepts (not a fault). */
  readonly intercepted: boolean;
}

export type TrapDecision = 'deliver' | 'resume' | 'exit';

export interface Monitor {
  readonly name: string;
  attach?(cpu: Cpu): void;
  onTrap(cpu: Cpu, ev: TrapEvent): TrapDecision;
  /** The PSW the guest believes it has (monitors that keep a virtual mode / IE); default: the real PSW. */
  guestPsw?(cpu: Cpu): number;
  /** The control registers the guest believes it has; default: the real ones. */
  guestControl?(cpu: Cpu, n: number): number;
  /**
   * An execution engine that replaces the reference interpreter for this CPU (binary translation
   * and the monitors that run guest code on it). Same contract as `interpret(cpu, budget)`: identical guest-visible semantics, stop
   * point, counters and cycles (plus the monitor's own charged costs).
   */
  execute?(cpu: Cpu, budgetCycles: number): RunResult;
}
