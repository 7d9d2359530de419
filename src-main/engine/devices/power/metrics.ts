/**
 * power/metrics — the power device's counters: `power.requests` (host shutdown/reboot requests
 * accepted), `power.debugBytes`, `power.resets` (cumulative since power-on).
 */
import type { PowerDevice } from './device';

export function powerMetrics(p: PowerDevice): Record<string, number> {
  return { 'power.requests': p.metrics.requests, 'power.debugBytes': p.metrics.debugBytes, 'power.resets': p.metrics.resets };
}
