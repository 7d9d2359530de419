/**
 * costModel — THE table of virtual-cycle costs: every executed instruction and every event
 * (exception, interrupt, TLB miss, page-walk reference, monitor trap) adds cycles from here.
 *
 * Interface: `CostModel` (named costs), `DEFAULT_COSTS`, `makeCostModel(overrides)`,
 * `opcodeCostTable(model)` → Int32Array(256) of per-opcode cycles (from each opcode's cost class;
 * illegal opcodes cost `alu`).
 * Rules: injectable per machine (a Machine passes its own model); virtual time comes only from
 * these counts × costs, never from host timings (facts.md Part 2 §9 take-away 3). Figures cite
 * /work/shared/design/facts.md Part 2 where one exists; others are stated assumptions.
 * docs/cost-model.md (phase 2) lists each value — keep in sync with this file.
 */
import { OPCODES, type CostClass } from '../isa/index';

export interface CostModel {
  // ---- instructions, by cost class (opcodes.ts) ----
  /** Simple ALU, compare, immediate, flag ops: 1 cycle (a simple in-order pipeline). */
  alu: number;
  /** Multiply: 3 cycles (typical integer multiplier latency; assumption). */
  mul: number;
  /** Divide/remainder: 20 cycles (iterative divider; assumption). */
  div: number;
  /** Load that hits the TLB: 2 cycles (L1 hit; assumption). */
  load: number;
  /** Store that hits the TLB: 2 cycles. */
  store: number;
  /** Conditional branch: 1 cycle. */
  branch: number;
  /** Jumps and calls: 1 cycle. */
  jump: number;
  /** The trapping instruction itself (sys, hcall, brk): 1 cycle; delivery is `exceptionEntry`. */
  trap: number;
  /** Privileged system instruction executed in kernel mode (cli, sti, iret, mfcr, mtcr, invlpg, tlbflush): 5 cycles. */
  system: number;
  /**
   * Port I/O (in/out): 3,209 cycles — Adams & Agesen 2006 nanobenchmark "in" from port 0x80 on
   * native hardware (facts.md Part 2 §1.1): an off-CPU chipset register access.
   */
  io: number;
  /** hlt: 1 cycle (the idle time itself is decided by the machine, which advances virtual time). */
  halt: number;
  // ---- events ----
  /**
   * Exception / trap / interrupt delivery (save PC and PSW, switch mode, vector): 150 cycles.
   * Assumption chosen so that a minimal native handler round trip (entry + a few instructions +
   * iret) lands in the "few hundred cycles" of A&A's native syscall row, below the native
   * divzero (889) and pgfault (1,093) round trips that include OS handler work (§1.1).
   */
  exceptionEntry: number;
  /** Extra cost of iret beyond `system` (pipeline refill): 50 cycles (assumption). */
  iretExtra: number;
  /** Fixed cost of a TLB miss before the walk: 10 cycles (assumption). */
  tlbMiss: number;
  /** Per page-table memory reference during a walk: 20 cycles (a page-table read hitting the cache hierarchy; assumption). */
  walkRef: number;
  /** Per accessed/dirty bit write-back by the walker: 20 cycles (locked read-modify-write; assumption). */
  adWrite: number;
  // ---- monitors ----
  /**
   * A trap from the guest into the trap-and-emulate monitor and back (world switch):
   * 2,000 cycles — A&A 2006: a syscall under the software VMM costs native + ~2,000 cycles
   * (an extra privilege transition through the VMM) (§1.1).
   */
  monitorTrap: number;
  /** Decoding and emulating one privileged instruction on the virtual CPU: 100 cycles (assumption). */
  monitorEmulate: number;
  /** Reflecting an exception or interrupt into the guest's virtual handler: 300 cycles (assumption). */
  monitorReflect: number;
}

export const DEFAULT_COSTS: Readonly<CostModel> = Object.freeze({
  alu: 1,
  mul: 3,
  div: 20,
  load: 2,
  store: 2,
  branch: 1,
  jump: 1,
  trap: 1,
  system: 5,
  io: 3209,
  halt: 1,
  exceptionEntry: 150,
  iretExtra: 50,
  tlbMiss: 10,
  walkRef: 20,
  adWrite: 20,
  monitorTrap: 2000,
  monitorEmulate: 100,
  monitorReflect: 300,
});

export function makeCostModel(overrides: Partial<CostModel> = {}): CostModel {
  return { ...DEFAULT_COSTS, ...overrides };
}

/** Per-opcode cycles indexed by opcode number (undefined opcodes cost `alu`). */
export function opcodeCostTable(m: CostModel): Int32Array {
  const t = new Int32Array(256).fill(m.alu);
  const byClass: Record<CostClass, number> = {
    alu: m.alu, mul: m.mul, div: m.div, load: m.load, store: m.store, branch: m.branch,
    jump: m.jump, trap: m.trap, system: m.system, io: m.io, halt: m.halt,
  };
  for (const o of OPCODES) t[o.opcode] = byClass[o.costClass];
  return t;
}
