/**
 * Durations in exercise files: a number of seconds, or a string `500ms`, `30s`, `5m`, `1.5h`, `1d`
 * (the same spelling as scenario files' `at:`).
 *
 * - `durationMs(value)` → milliseconds, or NaN when the value is not a duration (`model/duration.ts`,
 *   shared with the engine's scenario files).
 * - `formatDuration(ms)` → the short form a student reads (`90 s`, `5 min`).
 */
export { durationMs } from '../model/duration';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 6000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
