/**
 * console/metrics — the console's counters: `console.bytesOut`, `console.bytesIn`,
 * `console.emptyReads` (cumulative since power-on).
 */
import type { ConsoleDevice } from './device';

export function consoleMetrics(c: ConsoleDevice): Record<string, number> {
  return { 'console.bytesOut': c.metrics.bytesOut, 'console.bytesIn': c.metrics.bytesIn, 'console.emptyReads': c.metrics.emptyReads };
}
