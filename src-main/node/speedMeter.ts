/**
 * SpeedMeter: the speed the lab actually runs at — virtual time advanced per wall-clock time over the
 * last seconds — measured by the host that paces the engine (the header's "asked 10×, running 2.1×").
 *
 * - `sample(wallMs, virtualMs)` after each pacing slice while running; `reset()` when the clock
 *   pauses, the speed changes or the lab is replaced; `speed()` → the multiple of real time over the
 *   window, or undefined until the window spans at least MIN_SPAN_MS of wall time.
 *
 * Rule: a measurement, not a model: both clocks are read, nothing is estimated. Pure arithmetic on the
 * samples it is given, so it is tested with made-up clocks, never by timing.
 */

/** Wall time the measurement looks back over. */
export const WINDOW_MS = 3_000;
/** Shortest wall span a speed is reported for (fewer samples would be noise). */
export const MIN_SPAN_MS = 500;

export class SpeedMeter {
  private samples: { wallMs: number; virtualMs: number }[] = [];

  sample(wallMs: number, virtualMs: number): void {
    // The clock went back (another lab was loaded): what was measured is about the old one.
    if (this.samples.length && virtualMs < this.samples[this.samples.length - 1].virtualMs) this.samples = [];
    this.samples.push({ wallMs, virtualMs });
    while (this.samples.length > 2 && wallMs - this.samples[1].wallMs >= WINDOW_MS) this.samples.shift();
  }

  reset(): void {
    this.samples = [];
  }

  speed(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const wall = last.wallMs - first.wallMs;
    if (wall < MIN_SPAN_MS) return undefined;
    return Math.max(0, (last.virtualMs - first.virtualMs) / wall);
  }
}
