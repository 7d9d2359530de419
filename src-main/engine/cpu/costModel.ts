/**
 * costModel — THE table of virtual-cycle costs: every executed instruction and every event
 * (exception, interrupt, TLB miss, page-walk reference, monitor trap) adds cycles from here.
 *
 * Interface: `CostModel` (named costs), `DEFAULT_COSTS`, `makeCostModel(overrides)`,
 * `opcodeCostTable(model)` → Int32Array(256) of per-opcode cycles (from each opcode's cost class;
 * illegal opcodes cost `alu`).
 * Rules: injectable per machine (a Machine passes its own model); virtual time comes only from
 * these counts × costs, never from host timings (host JIT timings swing 2× between V8 tiers and would
 * make labs non-deterministic). Figures cite the published measurement they come from where one exists
 * (docs/cost-model.md lists them); others are stated assumptions.
 * docs/cost-model.md lists each value (test/engine/machine/costModelDoc.test.ts checks every key) —
 * keep in sync with this file.
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
  /**
   * Atomic exchange with memory (xchg, a locked read-modify-write): 20 cycles (assumption: the
   * order of a locked x86 xchg with memory; it serialises the pipeline).
   */
  atomic: number;
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
   * native hardware (Adams & Agesen, ASPLOS 2006): an off-CPU chipset register access.
   */
  io: number;
  /** hlt: 1 cycle (the idle time itself is decided by the machine, which advances virtual time). */
  halt: number;
  // ---- events ----
  /**
   * Exception / trap / interrupt delivery (save PC and PSW, switch mode, vector): 150 cycles.
   * Assumption chosen so that a minimal native handler round trip (entry + a few instructions +
   * iret) lands in the "few hundred cycles" of A&A's native syscall row, below the native
   * divzero (889) and pgfault (1,093) round trips that include OS handler work.
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
   * (an extra privilege transition through the VMM).
   */
  monitorTrap: number;
  /** Decoding and emulating one privileged instruction on the virtual CPU: 100 cycles (assumption). */
  monitorEmulate: number;
  /** Reflecting an exception or interrupt into the guest's virtual handler: 300 cycles (assumption). */
  monitorReflect: number;
  // ---- the machine ----
  /**
   * Resuming a vCPU after the host ran something else or it idled (a VM entry/exit pair, charged
   * by the machine when a vCPU's clock is rebased to the host's time): 1,350 cycles — the KVM/SVM
   * pre-vmrun → post-vmrun round trip measured in a 2020 KVM/SVM trace posted to the Linux kernel mailing list.
   */
  worldSwitch: number;
  // ---- memory virtualization (mmu/shadowPaging.ts, mmu/nestedPaging.ts, memory/dirtyTracking.ts) ----
  /**
   * One guest page-table reference made by the monitor in software (a shadow-paging fill or the
   * classification of a page fault walks the guest's tables): 40 cycles (assumption: load, decode
   * and checks per level, twice a hardware walk reference).
   */
  vmmWalkRef: number;
  /** Writing one shadow or nested page-table entry (and its bookkeeping): 50 cycles (assumption). */
  shadowEntryFill: number;
  /**
   * Decoding and emulating a trapped store to a traced guest page-table page and updating the
   * shadow entry, beyond the transition itself: 300 cycles — anchored on Adams & Agesen 2006, whose
   * BT "ptemod" row (an adaptive callout that does exactly this work without a trap) costs 391
   * cycles in total (Adams & Agesen, ASPLOS 2006).
   */
  ptWriteEmulate: number;
  /**
   * A store to a traced page-table page under binary translation: 391 cycles — A&A 2006 "ptemod",
   * BT column: the translator turns the faulting store into a callout that emulates it, no trap (A&A 2006 §3, adaptive binary translation).
   */
  btPtCallout: number;
  /** The hardware appending one guest-physical address to the PML log: 20 cycles (assumption: one extra store, like adWrite). */
  pmlLogEntry: number;
  /** Host-side cycles per entry examined or re-protected when the dirty log is read and cleared: 2 cycles (assumption). */
  dirtyHarvestEntry: number;
  // ---- CPU virtualization monitors (monitors/binaryTranslation.ts, hardwareAssist.ts, paravirt.ts) ----
  /**
   * Translating one translation unit (a basic block of at most 12 guest instructions) of guest
   * kernel code: 3,000 cycles = 3 µs at the default 1 GHz clock — the course's figure, VMware's
   * Windows XP boot: 950,000 translations × 3 µs (Silberschatz, Galvin & Gagne, Operating System Concepts, 10th ed., §18.4.2).
   */
  btTranslateTu: number;
  /**
   * A callout from translated kernel code to the monitor for a privileged or sensitive instruction,
   * beyond the instruction's own cost: 200 cycles — A&A 2006 emulate `in` under BT in a short
   * callout ~15× cheaper than the native 3,209-cycle access, i.e. ~210 cycles (Adams & Agesen, ASPLOS 2006).
   */
  btCallout: number;
  /**
   * A VM exit and the VM entry back (hardware assist), beyond the handler's emulation
   * (`monitorEmulate`): 1,350 cycles — the KVM/SVM pre-vmrun → post-vmrun round trip of a 2020
   * Linux kernel mailing list trace. First-generation VT-x took thousands (A&A: `in` 15,826).
   */
  vmExit: number;
  /**
   * A hypercall (paravirtualization): a software trap into the hypervisor and back, beyond its
   * handler: 500 cycles (our choice: a system-call-like privilege transition, with no VM-exit state
   * save; Xen's hypercall page uses `int 0x82` / `syscall`, Barham et al., SOSP 2003).
   */
  pvHypercall: number;
  /** Validating and applying one page-table update of a batched `mmu_update` hypercall: 50 cycles (our choice, as `shadowEntryFill`). */
  pvMmuUpdateEntry: number;
}

export const DEFAULT_COSTS: Readonly<CostModel> = Object.freeze({
  alu: 1,
  mul: 3,
  div: 20,
  load: 2,
  store: 2,
  atomic: 20,
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
  worldSwitch: 1350,
  vmmWalkRef: 40,
  shadowEntryFill: 50,
  ptWriteEmulate: 300,
  btPtCallout: 391,
  pmlLogEntry: 20,
  dirtyHarvestEntry: 2,
  btTranslateTu: 3000,
  btCallout: 200,
  vmExit: 1350,
  pvHypercall: 500,
  pvMmuUpdateEntry: 50,
});

export function makeCostModel(overrides: Partial<CostModel> = {}): CostModel {
  return { ...DEFAULT_COSTS, ...overrides };
}

/** Per-opcode cycles indexed by opcode number (undefined opcodes cost `alu`). */
export function opcodeCostTable(m: CostModel): Int32Array {
  const t = new Int32Array(256).fill(m.alu);
  const byClass: Record<CostClass, number> = {
    alu: m.alu, mul: m.mul, div: m.div, load: m.load, store: m.store, atomic: m.atomic, branch: m.branch,
    jump: m.jump, trap: m.trap, system: m.system, io: m.io, halt: m.halt,
  };
  for (const o of OPCODES) t[o.opcode] = byClass[o.costClass];
  return t;
}
