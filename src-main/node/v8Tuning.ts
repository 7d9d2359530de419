/**
 * v8Tuning — the one place where the product sets V8's own flags (they are process-wide: one call in any
 * thread sets them for every thread of the process).
 *
 * Interface: `applyEngineTiering()` sets `ENGINE_V8_FLAGS` (limits.ts: how V8 tiers up the engine's code —
 * feedback from a function's first call, so bt's generated region functions are optimised sooner) and
 * returns the flags it set (none when `HVLAB_V8_TUNING=off`). Idempotent.
 * Called where guests run: the engine worker, each host worker, the CLI's entry (its in-process paths:
 * `scenario run`, `run`, `serve`/`start` without workers) and the benches that measure bt's first seconds.
 * Rules: call it before the engine's code first runs — a flag on feedback allocation applies to the
 * functions compiled after it, so generated code made later is covered, code already run is not. Flags only
 * change how fast V8 runs the engine, never what it computes (results are compared with and without in
 * test/main/v8Tuning.test.ts). Other V8 or heap settings go here too, each in its own function named for what
 * it tunes.
 */
import { setFlagsFromString } from 'node:v8';
import { ENGINE_V8_FLAGS, V8_TUNING_ENV } from './limits';

let applied: readonly string[] | undefined;

export function applyEngineTiering(): readonly string[] {
  if (applied !== undefined) return applied;
  applied = process.env[V8_TUNING_ENV] === 'off' ? [] : ENGINE_V8_FLAGS;
  for (const flag of applied) setFlagsFromString(flag);
  return applied;
}
