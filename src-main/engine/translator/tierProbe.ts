/**
 * tierProbe — the host's optional view of how far its JavaScript engine has compiled one of bt's region
 * functions, injected from outside the engine (node/v8Tuning.ts installs V8's): the executor keeps running a
 * region exactly through the interpreter (exactWarmUp.ts) after its warm-up, until the host says the
 * function's optimised code is there, instead of running it in V8's lower tiers meanwhile.
 *
 * Interface: `RegionTierProbe` { `request(fn)`: compile `fn`'s optimised code (in the background if the host
 * can), started at `fn`'s next call; `state(fn)`: `FN_OPTIMIZED` (runs optimised code now), `FN_COMPILING`
 * (its compile is under way) or `FN_IDLE` (neither: the host may have dropped a request — a full queue —
 * and needs another, and a call) };
 * `setRegionTierProbe(probe | undefined)`; `regionTierProbe()` (read by each executor at construction).
 * Rules: host performance only — a probe never changes what runs, only whether a region is run by its
 * function or by the exact interpreter path, which give the same results; absent (tests, `HVLAB_V8_TUNING=off`,
 * a host without one) the executor behaves as without this module. The engine knows nothing of V8 beyond this.
 */

export const FN_IDLE = 0;
export const FN_COMPILING = 1;
export const FN_OPTIMIZED = 2;

export interface RegionTierProbe {
  request(fn: object): void;
  state(fn: object): number;
}

let probe: RegionTierProbe | undefined;

export function setRegionTierProbe(p: RegionTierProbe | undefined): void {
  probe = p;
}

export function regionTierProbe(): RegionTierProbe | undefined {
  return probe;
}
