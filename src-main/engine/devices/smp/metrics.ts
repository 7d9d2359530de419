/** smp/metrics — `smp.starts`, `smp.startsIgnored`, `smp.ipisSent`, `smp.ipisAcked` (cumulative). */
import type { SmpDevice } from './device';

export function smpMetrics(s: SmpDevice): Record<string, number> {
  const m = s.metrics;
  return { 'smp.starts': m.starts, 'smp.startsIgnored': m.startsIgnored, 'smp.ipisSent': m.ipisSent, 'smp.ipisAcked': m.ipisAcked };
}
