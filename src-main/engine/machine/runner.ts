/**
 * runner — drives a machine on its own, as if each vCPU had a dedicated physical CPU: the CLI
 * (`hvlab run`), tests and benchmarks use it; inside the lab the host scheduler drives machines.
 *
 * Interface: `runMachine(machine, { untilNs?, maxCycles?, quantumNs? })` → `RunOutcome`
 * {stoppedBy: 'halted' | 'off' | 'crashed' | 'time' | 'cycles', endNs, cycles, instructions};
 * `pagingStructureBytes(machine)` → the monitor memory its shadow or nested tables hold (reports).
 * Algorithm: lockstep quanta of `quantumNs` (default 100 µs) of VM time; in each quantum every
 * started vCPU runs up to the quantum's end through `runVcpu`; a halted vCPU skips ahead to its
 * next event (exact, from `machine.nextEventNs`) if that falls inside the quantum. The run ends
 * when the guest powers off or crashes, when every started vCPU is halted with nothing that can
 * wake it (the program is finished), at `untilNs`, or after `maxCycles` cycles in total.
 * Rules: deterministic; the quantum only bounds how finely vCPUs interleave (a single-vCPU
 * result does not depend on it).
 */
import { PagingContext } from '../mmu/index';
import type { Machine } from './machine';

export interface RunOptions {
  /** Stop at this VM time (ns). Default: bootNs + 1 s. */
  untilNs?: number;
  /** Stop after this many cycles summed over the vCPUs. */
  maxCycles?: number;
  /** Interleaving quantum (ns). */
  quantumNs?: number;
}

export interface RunOutcome {
  stoppedBy: 'halted' | 'off' | 'crashed' | 'time' | 'cycles';
  /** VM time reached (the latest vCPU time). */
  endNs: number;
  cycles: number;
  instructions: number;
}

export const DEFAULT_RUN_QUANTUM_NS = 100_000;

export function runMachine(m: Machine, opts: RunOptions = {}): RunOutcome {
  const until = opts.untilNs ?? m.config.bootNs + 1e9;
  const maxCycles = opts.maxCycles ?? Infinity;
  const q = opts.quantumNs ?? DEFAULT_RUN_QUANTUM_NS;
  let cycles = 0;
  let instructions = 0;
  let t = Math.min(...m.slots.map((s, i) => (s.started ? m.vcpuNowNs(i) : Infinity)), until);
  const over = (): boolean => m.crash !== undefined || m.poweredOff;
  const outcome = (stoppedBy: RunOutcome['stoppedBy']): RunOutcome => ({ stoppedBy, endNs: m.latestNs, cycles, instructions });
  for (;;) {
    if (m.crash) return outcome('crashed');
    if (m.poweredOff) return outcome('off');
    if (cycles >= maxCycles) return outcome('cycles');
    if (t >= until) return outcome('time');
    const end = Math.min(t + q, until);
    let finished = true;
    for (let i = 0; i < m.vcpuCount; i++) {
      for (let guard = 0; guard < 1000; guard++) {
        if (!m.slots[i].started || over() || cycles >= maxCycles) break;
        let start = Math.max(m.vcpuNowNs(i), t);
        if (m.isHalted(i)) {
          const w = m.nextEventNs(i);
          if (w >= end) break;
          start = Math.max(start, w);
        }
        if (start >= end) break;
        const budget = Math.min(Math.max(1, Math.ceil((end - start) * m.cyclesPerNs)), maxCycles - cycles);
        const r = m.runVcpu(i, budget, start);
        cycles += r.cyclesUsed;
        instructions += r.instructions;
        if (r.crashed || r.poweredOff) break;
        if (!r.halted && m.vcpuNowNs(i) >= end) break;
      }
      if (m.slots[i].started && (!m.isHalted(i) || m.nextEventNs(i) !== Infinity)) finished = false;
    }
    if (m.crash) return outcome('crashed');
    if (m.poweredOff) return outcome('off');
    if (finished) return outcome('halted');
    t = end;
  }
}

/** Monitor memory held by the machine's shadow page tables and nested page table (0 where the paging mode has none). */
export function pagingStructureBytes(m: Machine): { shadowTableBytes: number; nestedTableBytes: number } {
  const ctx = PagingContext.existing(m.mem);
  return { shadowTableBytes: ctx?.shadowTablesIfAny?.bytes ?? 0, nestedTableBytes: ctx?.nestedTableIfAny?.bytes ?? 0 };
}
