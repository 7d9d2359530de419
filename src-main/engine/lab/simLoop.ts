/**
 * simLoop — the simulation loop: all hosts advance in virtual time in lockstep quanta.
 *
 * `advanceLab(lab, ms)` moves the lab to now + ms through segments. A segment ends at the next of: the
 * quantum grid (SIM_QUANTUM_NS, multiples of 10 ms), a task becoming due, a scenario action, a 20 s
 * sampling boundary, or the target. In each segment every host's scheduler runs [t0, t1) on its own —
 * hosts never touch each other inside a segment — and then, at the barrier, the lab alone acts:
 * guests that crashed or powered themselves off, quantum bookkeeping (min/max usage, console output),
 * task progress and effects, timed scenario actions, and real-time samples with their rollups.
 *
 * Rules: hosts are independent within a segment, so the order in which they run does not matter, and
 * they could run on separate worker threads with a barrier per segment (docs/ARCHITECTURE.md,
 * "Simulation loop and scaling"). Everything crossing hosts happens at barriers, in id order.
 */
import type { Lab } from './lab';
import { SIM_QUANTUM_NS } from '../params';
import { REALTIME_PERIOD_MS } from '../metrics/sampleStore';
import { collectSamples, endQuantum } from '../metrics/collector';
import { guestStopped } from '../vm/powerOps';

const QUANTUM_MS = SIM_QUANTUM_NS / 1e6;

export function advanceLab(lab: Lab, ms: number): void {
  const target = lab.clock.nowMs + ms;
  lab.tasks.advance(lab.clock.nowMs); // tasks queued by commands since the last advance start now
  while (lab.clock.nowMs < target) {
    const now = lab.clock.nowMs;
    let next = Math.min(target, (Math.floor(now / QUANTUM_MS) + 1) * QUANTUM_MS, lab.nextSampleMs);
    const due = lab.tasks.nextDueMs();
    if (due !== undefined && due > now) next = Math.min(next, due);
    const action = lab.timeline.nextAtMs();
    if (action !== undefined && action > now) next = Math.min(next, action);
    // 1. Every host runs the segment on its own (parallelisable).
    const t0 = now * 1e6;
    const t1 = next * 1e6;
    for (const sched of lab.schedulers.values()) sched.runSegment(t0, t1);
    lab.clock.advanceTo(next);
    // 2. Barrier: the lab acts, in id order.
    for (const sched of lab.schedulers.values()) {
      for (const s of sched.stoppedVms()) guestStopped(lab, s.id, s.crashed);
    }
    if (next % QUANTUM_MS === 0) endQuantum(lab, QUANTUM_MS);
    lab.timeline.runDue(lab, next);
    lab.tasks.advance(next);
    if (next >= lab.nextSampleMs) {
      collectSamples(lab, next);
      lab.nextSampleMs += REALTIME_PERIOD_MS;
    }
  }
  lab.tasks.advance(lab.clock.nowMs);
}
