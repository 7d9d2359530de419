/**
 * v8Tuning — the one place where the product sets V8's own flags (they are process-wide: one call in any
 * thread sets them for every thread of the process) and looks into V8's tiering.
 *
 * Interface: `applyEngineTiering()` sets `ENGINE_V8_FLAGS` (limits.ts: how V8 tiers up the engine's code —
 * feedback from a function's first call, so bt's generated region functions are optimised sooner), installs
 * the engine's region tier probe (below) in this thread, and returns the flags it set (none, and no probe,
 * when `HVLAB_V8_TUNING=off`). Idempotent per thread.
 * Called where guests run: the engine worker, each host worker, the CLI's entry (its in-process paths:
 * `scenario run`, `run`, `serve`/`start` without workers) and the benches that measure bt's first seconds.
 * The region tier probe (engine translator/tierProbe.ts): asks V8 to optimise a region function and tells
 * whether it has, through V8's intrinsics (`%OptimizeFunctionOnNextCall`, `%GetOptimizationStatus`), so bt
 * runs a region on its exact interpreter path until its optimised code is there rather than in V8's lower
 * tiers. Security: V8's intrinsics are reachable only from the probe's two functions — `V8_NATIVES_FLAG` is
 * set while they are compiled and unset at once, so no other code of the process (generated region code
 * included) is parsed with it; guests never supply JavaScript (region code is generated from their words as
 * numbers). Should V8 ever re-parse the probe without the flag (bytecode flushed), the call throws and the
 * probe answers "optimised" from then on: regions call their functions as without a probe.
 * Rules: call it before the engine's code first runs — a flag on feedback allocation applies to the
 * functions compiled after it, so generated code made later is covered, code already run is not. Flags and
 * the probe only change how fast V8 runs the engine, never what it computes (results are compared with and
 * without in test/main/v8Tuning.test.ts). Other V8 or heap settings go here too, each in its own function
 * named for what it tunes.
 */
import { setFlagsFromString } from 'node:v8';
import { FN_COMPILING, FN_IDLE, FN_OPTIMIZED, setRegionTierProbe, type RegionTierProbe } from '../engine/index';
import { ENGINE_V8_FLAGS, V8_NATIVES_FLAG, V8_TUNING_ENV } from './limits';

/** `%GetOptimizationStatus`'s bits (V8's OptimizationStatus): runs optimised code; a concurrent compile under way. */
const V8_STATUS_OPTIMIZED = 1 << 4;
const V8_STATUS_OPTIMIZING_CONCURRENTLY = 1 << 10;

let applied: readonly string[] | undefined;

export function applyEngineTiering(): readonly string[] {
  if (applied !== undefined) return applied;
  applied = process.env[V8_TUNING_ENV] === 'off' ? [] : ENGINE_V8_FLAGS;
  for (const flag of applied) setFlagsFromString(flag);
  if (applied.length > 0) setRegionTierProbe(v8RegionTierProbe());
  return applied;
}

/** V8's region tier probe (header), or undefined if V8 refuses its intrinsics. */
export function v8RegionTierProbe(): RegionTierProbe | undefined {
  let request: (f: object) => void;
  let status: (f: object) => number;
  setFlagsFromString(V8_NATIVES_FLAG);
  try {
    request = new Function('f', '%PrepareFunctionForOptimization(f); %OptimizeFunctionOnNextCall(f, "concurrent");') as typeof request;
    status = new Function('f', 'return %GetOptimizationStatus(f);') as typeof status;
    // Compiled in full now, while the flag is set (a function is otherwise compiled at its first call).
    const scratch = new Function('return 0;');
    status(scratch);
    request(scratch);
  } catch {
    return undefined;
  } finally {
    setFlagsFromString(`--no-${V8_NATIVES_FLAG.slice(2)}`);
  }
  let working = true;
  return {
    request(fn: object): void {
      if (!working) return;
      try { request(fn); } catch { working = false; }
    },
    state(fn: object): number {
      if (!working) return FN_OPTIMIZED;
      try {
        const s = status(fn);
        return (s & V8_STATUS_OPTIMIZED) !== 0 ? FN_OPTIMIZED : (s & V8_STATUS_OPTIMIZING_CONCURRENTLY) !== 0 ? FN_COMPILING : FN_IDLE;
      } catch {
        working = false;
        return FN_OPTIMIZED;
      }
    },
  };
}
