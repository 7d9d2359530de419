/**
 * slicePacer — how one slice of the engine host's pacing loop runs the clock: how much virtual time to
 * advance, in which chunks, and when to give the thread back to requests.
 *
 * - `runSlice(speed, wallElapsedMs, startMs, clock, advance)` → the virtual ms advanced in this slice.
 *   `speed`: a fixed multiple of real time or 'max'; `wallElapsedMs`: wall time since the previous slice
 *   began; `clock()`: the wall clock in ms; `advance(ms)`: moves the engine's clock by `ms`.
 * - SLICE_MS, SLICE_BUDGET_MS, CHUNK_MS, MAX_CATCH_UP_MS: the loop's period and bounds (one place).
 *
 * The rule for 'max' — "Max is never slower than a fixed multiple": every slice, at any speed, may spend
 * at most SLICE_BUDGET_MS of wall time, advancing the engine in chunks of at most CHUNK_MS of virtual
 * time and looking at the clock after each chunk. A fixed speed stops as soon as it has run what the
 * elapsed wall time owes it (or at the budget, when the lab cannot keep up); 'max' stops only at the
 * budget, with chunks of the full size. So in the same slice 'max' runs at least as many chunks, each at
 * least as long, as any fixed multiple would: with the same lab on the same machine it advances at least
 * as much virtual time, i.e. it runs at least as fast as the largest fixed multiple the machine sustains
 * (ties at the budget: a fixed multiple the lab cannot keep up with runs exactly as 'max' does).
 * Pure: the wall clock and the engine come in as functions, so the rule is tested with a scripted clock.
 */

/** Wall-clock period of the pacing loop. */
export const SLICE_MS = 50;
/** Most wall time one slice may spend advancing (then requests are answered), at any speed. */
export const SLICE_BUDGET_MS = 40;
/** Virtual time per chunk, at 'max' and at a fixed speed alike: the granularity of the budget check. */
export const CHUNK_MS = 100;
/** The most virtual time one slice may cover at a fixed speed: protects against a suspended laptop waking up. */
export const MAX_CATCH_UP_MS = 5_000;

export function runSlice(
  speed: number | 'max', wallElapsedMs: number, startMs: number, clock: () => number, advance: (ms: number) => void,
): number {
  const deadline = startMs + SLICE_BUDGET_MS;
  let advanced = 0;
  if (speed === 'max') {
    do {
      advance(CHUNK_MS);
      advanced += CHUNK_MS;
    } while (clock() < deadline);
    return advanced;
  }
  // The virtual time this slice owes, in chunks, until the wall budget is spent: when the lab cannot keep
  // up with the speed asked (busy guests at 100×), it runs slower than asked rather than hold requests for
  // seconds; what was not run is not owed to the next slice.
  let owed = Math.min(MAX_CATCH_UP_MS, Math.round(wallElapsedMs * speed));
  while (owed > 0) {
    const chunk = Math.min(owed, CHUNK_MS);
    advance(chunk);
    advanced += chunk;
    owed -= chunk;
    if (clock() >= deadline) break;
  }
  return advanced;
}
