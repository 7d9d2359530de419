/**
 * balloon/metrics — the balloon device's counters: `balloon.size` and `balloon.target` (pages now),
 * `balloon.inflated`, `balloon.deflated`, `balloon.refused` (cumulative since power-on).
 */
import type { BalloonDevice } from './device';

export function balloonMetrics(b: BalloonDevice): Record<string, number> {
  return {
    'balloon.size': b.size, 'balloon.target': b.target, 'balloon.inflated': b.metrics.inflated, 'balloon.deflated': b.metrics.deflated,
    'balloon.refused': b.metrics.refused,
  };
}
