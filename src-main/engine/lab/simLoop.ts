/**
 * simLoop — the simulation loop: all hosts advance in virtual time in lockstep quanta, and between
 * segments the lab's barrier services act.
 *
 * `advanceLab(lab, ms)` moves the lab to now + ms through segments. A segment ends at the next of: the
 * quantum grid (SIM_QUANTUM_NS, multiples of 10 ms), the earliest time a barrier service asked for (a
 * task's wake-up, a scenario action, a 20 s sampling boundary: `BarrierService.nextDueMs`), or the
 * target. In each segment every host's scheduler runs [t0, t1) on its own — hosts never touch each other
 * inside a segment — and then, at the barrier, the lab alone acts: each service of `lab.services` in
 * registry order (guests that stopped, per-quantum bookkeeping, scenario actions, tasks, samples).
 * Services with `settle` also run at the start and end of the advance (tasks queued by commands since
 * the last advance start at the time they were queued).
 *
 * Rules: hosts are independent within a segment, so the order in which they run does not matter, and
 * they may run on separate worker threads with a barrier per segment (`lab/hostOwners.ts`,
 * docs/ARCHITECTURE.md, "Simulation loop and scaling"). Everything crossing hosts happens at barriers,
 * in registry order. (Indexed loops rather than for-of below: this runs at every segment.)
 */
import type { Lab } from './lab';
import { SIM_QUANTUM_NS } from '../params';

const QUANTUM_MS = SIM_QUANTUM_NS / 1e6;

export function advanceLab(lab: Lab, ms: number): void {
  const services = lab.services;
  const target = lab.clock.nowMs + ms;
  for (const s of services) s.settle?.(lab.clock.nowMs);
  while (lab.clock.nowMs < target) {
    const now = lab.clock.nowMs;
    let next = Math.min(target, (Math.floor(now / QUANTUM_MS) + 1) * QUANTUM_MS);
    for (let i = 0; i < services.length; i++) {
      const due = services[i].nextDueMs?.(now);
      if (due !== undefined && due > now && due < next) next = due;
    }
    // 1. Every host runs the segment on its own (parallelisable).
    const t0 = now * 1e6;
    const t1 = next * 1e6;
    // Each host through its owner, which applies its queued orders (CPU policy, throttle) first; with host
    // workers (`LabOptions.hostOwners`) every worker's hosts at once, the loop going on when all are done.
    lab.runHostSegments(t0, t1);
    lab.clock.advanceTo(next);
    // 2. Barrier: the lab acts, service by service.
    for (let i = 0; i < services.length; i++) services[i].atBarrier(next);
  }
  for (const s of services) s.settle?.(lab.clock.nowMs);
}
