/**
 * Durations as files and command lines spell them: a number of seconds, or a string `500ms`, `30s`,
 * `5m`, `1.5h`, `1d` (scenario files' `at:`, exercise files, `--until`).
 *
 * - `durationMs(value)` → milliseconds, or NaN when the value is not a duration (a negative or
 *   non-finite number, an unknown unit).
 * - `durationArg(raw)` → a command-line value as a duration: a bare number is seconds (`90`), anything
 *   else its string (`90s`, `5m`).
 */

export type Duration = number | string;

const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(value: Duration): number {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : Number.NaN;
  const m = DURATION.exec(value.trim());
  if (!m) return Number.NaN;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

export function durationArg(raw: string): Duration {
  return /^[0-9]+(?:\.[0-9]+)?$/.test(raw.trim()) ? Number(raw) : raw;
}
