/**
 * vcpuSlot — one vCPU of a machine: its CPU (registers, MMU/TLB, monitor), whether it has been
 * started, and its virtual clock.
 *
 * Interface: `new VcpuSlot(index, cpu, nsPerCycle)`; `started`; `nowNs()`; `rebase(ns)`;
 * `save()` → `VcpuSlotState` (the CPU is saved by the machine).
 * Virtual time: a vCPU's time is `epochNs + (cycles executed since the epoch) × ns per cycle`.
 * The epoch moves only when the host resumes the vCPU later than its own time (it was
 * descheduled, halted or parked): then `rebase(hostNowNs)`. Counting whole cycles from an
 * epoch makes time independent of how a run is sliced (run(a) + run(b) = run(a + b)).
 * Rules: `cycles executed` includes the instruction in flight when the CPU reports it (I/O),
 * so a port access sees the exact time of the instruction that makes it.
 */
import type { Cpu } from '../cpu/index';

export interface VcpuSlotState {
  started: boolean;
  epochNs: number;
  epochCycles: number;
}

export class VcpuSlot {
  started = false;
  epochNs = 0;
  /** cpu.counters.cycles at the epoch. */
  epochCycles = 0;

  constructor(readonly index: number, public cpu: Cpu, readonly nsPerCycle: number) {}

  /** Cycles executed since the epoch, including the current interpreter run's cycles so far. */
  cyclesSinceEpoch(): number {
    return this.cpu.counters.cycles + this.cpu.cyclesInFlight() - this.epochCycles;
  }

  nowNs(): number {
    return this.epochNs + this.cyclesSinceEpoch() * this.nsPerCycle;
  }

  rebase(ns: number): void {
    this.epochNs = ns;
    this.epochCycles = this.cpu.counters.cycles + this.cpu.cyclesInFlight();
  }

  save(): VcpuSlotState {
    return { started: this.started, epochNs: this.epochNs, epochCycles: this.epochCycles };
  }
}
