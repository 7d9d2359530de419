/**
 * Durations in exercise files: a number of seconds, or a string `500ms`, `30s`, `5m`, `1.5h`, `1d`
 * (the same spelling as scenario files' `at:`).
 *
 * - `durationMs(value)` → milliseconds, or NaN when the value is not a duration.
 * - `formatDuration(ms)` → the short form a student reads (`90 s`, `5 min`).
 */
import type { Duration } from './format';

const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(value: Duration): number {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : Number.NaN;
  const m = DURATION.exec(value.trim());
  if (!m) return Number.NaN;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 6000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
