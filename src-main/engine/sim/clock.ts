/**
 * The lab's virtual clock: the only source of time inside the engine.
 *
 * - `nowMs` — virtual milliseconds since the lab's epoch (scenario start). Only `advanceTo` moves it.
 * - `running` / `speed` — run state chosen by the user; the HOST loop (outside the engine) reads them and
 *   decides how much virtual time to advance per wall-clock slice. The engine itself never reads a wall clock.
 * - `stepToMs` — the end of a `sim.step` in progress (null: none). The host advances toward it in slices
 *   while paused; reaching it ends the step; pausing or running cancels the rest.
 */
import type { SimStatus } from '@shared/api/commands';

export class VirtualClock {
  nowMs = 0;
  running = true;
  speed: number | 'max' = 1;
  stepToMs: number | null = null;

  advanceTo(ms: number): void {
    if (ms < this.nowMs) throw new Error(`virtual time cannot go backwards (${ms} < ${this.nowMs})`);
    this.nowMs = ms;
    if (this.stepToMs !== null && ms >= this.stepToMs) this.stepToMs = null;
  }

  status(): SimStatus {
    const status: SimStatus = { virtualTimeMs: this.nowMs, running: this.running, speed: this.speed };
    if (this.stepToMs !== null) status.stepToMs = this.stepToMs;
    return status;
  }
}
