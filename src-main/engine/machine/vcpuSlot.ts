/**
 * vcpuSlot — one vCPU of a machine: its CPU (registers, MMU/TLB, monitor), whether it has been
 * started, its virtual clock, and whether it waits for a page that is not present here.
 *
 * Interface: `new VcpuSlot(index, cpu, nsPerCycle)`; `started`; `nowNs()`; `rebase(ns)`;
 * not-present pages: `waitingFor` (gpfn or -1), `waitingForFrame` (it waits for a free host frame
 * for that page, not for its contents), `waitServed` (the page arrived while it waited and was taken
 * away again before it looked), `waitSinceNs`, `wakeHintNs`, `pageFaults`
 * (`NotPresentCounters`: faults, supplied, waits, waitedNs, stallCycles, frameWaits, frameWaitedNs);
 * `save()` → `VcpuSlotState` (the CPU is saved by the machine).
 * Virtual time: a vCPU's time is `epochNs + (cycles executed since the epoch) × ns per cycle`.
 * The epoch moves only when the host resumes the vCPU later than its own time (it was
 * descheduled, halted or parked): then `rebase(hostNowNs)`. Counting whole cycles from an
 * epoch makes time independent of how a run is sliced (run(a) + run(b) = run(a + b)).
 * Rules: `cycles executed` includes the instruction in flight when the CPU reports it (I/O),
 * so a port access sees the exact time of the instruction that makes it.
 */
import type { Cpu } from '../cpu/index';

/** Faults on pages not present here, per vCPU (cumulative). */
export interface NotPresentCounters {
  /** Accesses that met a not-present page (CPU, its walks, the DMA and monitor work it ran). */
  faults: number;
  /** Of those, supplied on the spot (e.g. a swap-in); the vCPU was charged the stall. */
  supplied: number;
  /** Of those, the vCPU waited for the page (e.g. a post-copy remote fault). */
  waits: number;
  /** VM time spent waiting, from the fault to the first run after the page arrived. */
  waitedNs: number;
  /** Cycles charged for pages supplied on the spot. */
  stallCycles: number;
  /** Writes that found no free host frame (the host's low state): the vCPU waited for one. */
  frameWaits: number;
  /** VM time spent waiting for a host frame. */
  frameWaitedNs: number;
}

export function newNotPresentCounters(): NotPresentCounters {
  return { faults: 0, supplied: 0, waits: 0, waitedNs: 0, stallCycles: 0, frameWaits: 0, frameWaitedNs: 0 };
}

export interface VcpuSlotState {
  started: boolean;
  epochNs: number;
  epochCycles: number;
  /** The page the vCPU waits for (absent = none; older saves). */
  waitingFor?: number;
  /** It waits for a free host frame for that page, not for the page's contents. */
  waitingForFrame?: boolean;
  /** The page arrived during the wait and was taken away again: the wait is over (absent = false). */
  waitServed?: boolean;
  waitSinceNs?: number;
  wakeHintNs?: number;
  pageFaults?: NotPresentCounters;
}

export class VcpuSlot {
  started = false;
  epochNs = 0;
  /** cpu.counters.cycles at the epoch. */
  epochCycles = 0;
  /** Guest page this vCPU waits for (not present here), or -1: it runs again once the page is present. */
  waitingFor = -1;
  /** The wait is for a free host frame to write `waitingFor` into (the host's low state), not for its contents. */
  waitingForFrame = false;
  /**
   * The page arrived while the vCPU waited and the host took it away again (reclamation sampled or
   * swapped it) before the vCPU's next look: the wait is over all the same. It runs the instruction
   * again, which faults anew to whoever holds the page now — the one it waited on may be gone.
   */
  waitServed = false;
  /** VM time at which it started waiting. */
  waitSinceNs = 0;
  /** When the page is expected (VM time; NaN = unknown): the scheduler's next look. */
  wakeHintNs = Number.NaN;
  /** Host time of the last look at a waiting vCPU (the next poll counts from here). */
  waitLookNs = Number.NaN;
  pageFaults: NotPresentCounters = newNotPresentCounters();

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
    const s: VcpuSlotState = { started: this.started, epochNs: this.epochNs, epochCycles: this.epochCycles };
    if (this.pageFaults.faults > 0) s.pageFaults = { ...this.pageFaults };
    if (this.waitingFor >= 0) {
      s.waitingFor = this.waitingFor;
      if (this.waitingForFrame) s.waitingForFrame = true;
      if (this.waitServed) s.waitServed = true;
      s.waitSinceNs = this.waitSinceNs;
      if (!Number.isNaN(this.wakeHintNs)) s.wakeHintNs = this.wakeHintNs;
    }
    return s;
  }

  /** Applies a saved state (the CPU is restored separately). */
  restore(s: VcpuSlotState): void {
    this.started = s.started;
    this.epochNs = s.epochNs;
    this.epochCycles = s.epochCycles;
    this.waitingFor = s.waitingFor ?? -1;
    this.waitingForFrame = this.waitingFor >= 0 && s.waitingForFrame === true;
    this.waitServed = this.waitingFor >= 0 && !this.waitingForFrame && s.waitServed === true;
    this.waitSinceNs = s.waitSinceNs ?? 0;
    this.wakeHintNs = s.wakeHintNs ?? Number.NaN;
    this.pageFaults = { ...newNotPresentCounters(), ...s.pageFaults };
  }
}
