/**
 * What the header says about the clock's real pace, from the host's measurement (`SimStatus.achievedSpeed`):
 *
 * - `speedReport(status)` → `{ text, behind }` or undefined: "running 10×" when the lab keeps up,
 *   "asked 10×, running 2.1×" (behind) when it cannot, "Max: running 37×" at Max; nothing while
 *   paused or before the host has measured.
 * - `stepProgress(fromMs, status)` → 0–1 for a `sim.step` in progress (virtual time covered of the step).
 *
 * Rule: numbers shown are the host's measurement, never the asked speed restated.
 */
import type { SimStatus } from '@shared/api/commands';

/** Below this share of the asked speed the header says the lab is behind. */
export const BEHIND_RATIO = 0.9;

export function formatSpeed(x: number): string {
  if (x >= 100) return `${Math.round(x)}×`;
  if (x >= 10) return `${Number(x.toFixed(1))}×`;
  return `${Number(x.toFixed(2))}×`;
}

export function speedReport(status: SimStatus | null | undefined): { text: string; behind: boolean } | undefined {
  if (!status?.running || status.achievedSpeed === undefined) return undefined;
  const achieved = formatSpeed(status.achievedSpeed);
  if (status.speed === 'max') return { text: `Max: running ${achieved}`, behind: false };
  const behind = status.achievedSpeed < status.speed * BEHIND_RATIO;
  return behind ? { text: `asked ${formatSpeed(status.speed)}, running ${achieved}`, behind } : { text: `running ${achieved}`, behind };
}

export function stepProgress(fromMs: number | undefined, status: SimStatus | null | undefined): number | undefined {
  if (!status || status.stepToMs === undefined || fromMs === undefined) return undefined;
  const span = status.stepToMs - fromMs;
  if (span <= 0) return 1;
  return Math.max(0, Math.min(1, (status.virtualTimeMs - fromMs) / span));
}
