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
 * Stretches: when the lab's hosts run on workers (`HostOwnerMaker.runStretch`) and every service is quiet
 * for a while (`BarrierService.quietUntilMs`: at the barriers before then a service calls no host but for
 * a quantum's per-host steps), the hosts run up to SIM_STRETCH_MAX_QUANTA quanta in one call, each
 * quantum's per-host steps made beside them; then the coordinator takes every barrier of the stretch in,
 * in order, each service's `atBarrier` at the barrier's time as in the lockstep loop, the hosts' answers
 * coming from the steps (`stretchBarrier`). No stretch starts an advance or follows a barrier at which a
 * service was due (an action there, or a command before the advance, may have changed what the steps
 * read); a host whose guests stopped ends its part there, its barrier the coordinator's, and runs on after
 * it (`afterStretchBarrier`). The result is the lockstep loop's, for any worker count.
 *
 * Rules: hosts are independent within a segment, so the order in which they run does not matter, and
 * they may run on separate worker threads with a barrier per segment (`lab/hostOwners.ts`,
 * docs/ARCHITECTURE.md, "Simulation loop and scaling"). Everything crossing hosts happens at barriers,
 * in registry order. (Indexed loops rather than for-of below: this runs at every segment.)
 */
import type { Lab } from './lab';
import type { BarrierService } from '../sim/index';
import { SIM_QUANTUM_NS, SIM_STRETCH_MAX_QUANTA } from '../params';

const QUANTUM_MS = SIM_QUANTUM_NS / 1e6;

export function advanceLab(lab: Lab, ms: number, stretchMaxQuanta = SIM_STRETCH_MAX_QUANTA): void {
  const services = lab.services;
  const target = lab.clock.nowMs + ms;
  const stretches = lab.canStretch && stretchMaxQuanta > 1;
  // The last barrier was one at which no service was due (false at the start: commands came before).
  let ordinary = false;
  for (const s of services) s.settle?.(lab.clock.nowMs);
  while (lab.clock.nowMs < target) {
    const now = lab.clock.nowMs;
    const grid = (Math.floor(now / QUANTUM_MS) + 1) * QUANTUM_MS;
    let next = Math.min(target, grid);
    let due = false;
    for (let i = 0; i < services.length; i++) {
      const d = services[i].nextDueMs?.(now);
      if (d !== undefined && d > now && d <= next) { next = d; due = true; }
    }
    if (stretches && ordinary && next === grid && now % QUANTUM_MS === 0) {
      const ends = stretchEnds(services, now, target, stretchMaxQuanta);
      if (ends.length > 1) {
        ordinary = runStretch(lab, now, ends);
        continue;
      }
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
    ordinary = !due;
  }
  for (const s of services) s.settle?.(lab.clock.nowMs);
}

/** Until when every service is quiet (−Infinity: one is never quiet, having no `quietUntilMs`). */
function quietUntil(services: readonly BarrierService[], now: number): number {
  let until = Infinity;
  for (let i = 0; i < services.length; i++) {
    const q = services[i].quietUntilMs?.(now);
    if (q === undefined) return -Infinity;
    if (q < until) until = q;
  }
  return until;
}

/** The quantum-grid barriers of a stretch from `now` (on the grid): up to the cap, the target, and the
 *  first time a service is not quiet (a barrier there may act: it is the stretch's last). */
function stretchEnds(services: readonly BarrierService[], now: number, target: number, maxQuanta: number): number[] {
  const limit = Math.min(target, quietUntil(services, now), now + maxQuanta * QUANTUM_MS);
  const ends: number[] = [];
  for (let t = now + QUANTUM_MS; t <= limit; t += QUANTUM_MS) ends.push(t);
  return ends;
}

/** A stretch: the hosts run its quanta, then each barrier is taken in, in order; true when its last
 *  barrier was an ordinary one (no service due there). */
function runStretch(lab: Lab, now: number, ends: readonly number[]): boolean {
  const services = lab.services;
  const last = ends.length - 1;
  // a service due at the stretch's end acts there (nothing is due before it: quiet never outlasts due)
  let dueAtEnd = false;
  for (let i = 0; i < services.length; i++) if (services[i].nextDueMs?.(now) === ends[last]) dueAtEnd = true;
  lab.runHostStretch(now, ends);
  for (let i = 0; i <= last; i++) {
    const t = ends[i];
    lab.stretchBarrier(i);
    lab.clock.advanceTo(t);
    for (let k = 0; k < services.length; k++) services[k].atBarrier(t);
    // hosts a guest's stop held at this barrier run on: with the steps while every service stays quiet
    lab.afterStretchBarrier(i, ends, i < last && quietUntil(services, t) >= ends[last]);
  }
  return !dueAtEnd;
}
