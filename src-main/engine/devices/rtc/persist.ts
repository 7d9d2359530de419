/**
 * rtc/persist — the RTC's saved state (plain data) and its restore.
 *
 * Interface: `RtcState`, `saveRtc(r)`, `restoreRtc(irq, s)`.
 * Rules: an alarm that is off is saved as `alarmNs: null` (Infinity is not JSON-safe).
 */
import type { IrqLine } from '../deviceModel';
import { RtcDevice, type RtcMetrics } from './device';

export interface RtcState {
  bootNs: number;
  epochSeconds: number;
  alarmNs: number | null;
  pending: boolean;
  latchedHi: number;
  lastNs: number;
  metrics: RtcMetrics;
}

export function saveRtc(r: RtcDevice): RtcState {
  return {
    bootNs: r.bootNs, epochSeconds: r.epochSeconds, alarmNs: Number.isFinite(r.alarmNs) ? r.alarmNs : null, pending: r.pending,
    latchedHi: r.latchedHi, lastNs: r.lastNs, metrics: { ...r.metrics },
  };
}

export function restoreRtc(irq: IrqLine, s: RtcState): RtcDevice {
  const r = new RtcDevice(irq, s.bootNs, s.epochSeconds);
  r.alarmNs = s.alarmNs ?? Infinity;
  r.pending = s.pending;
  r.latchedHi = s.latchedHi;
  r.lastNs = s.lastNs;
  r.metrics = { ...s.metrics };
  irq.restoreLevel(r.pending);
  return r;
}
