/**
 * rtc/metrics — the RTC's counters: `rtc.alarmsSet`, `rtc.alarmsFired`, `rtc.reads`
 * (cumulative since power-on).
 */
import type { RtcDevice } from './device';

export function rtcMetrics(r: RtcDevice): Record<string, number> {
  return { 'rtc.alarmsSet': r.metrics.alarmsSet, 'rtc.alarmsFired': r.metrics.alarmsFired, 'rtc.reads': r.metrics.reads };
}
