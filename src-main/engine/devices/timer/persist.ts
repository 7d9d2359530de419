/**
 * timer/persist — the timer's saved state (plain data) and its restore (the Persist rule).
 *
 * Interface: `TimerState`, `saveTimer(t)`, `restoreTimer(irq, timing, s)`.
 * Rules: every field that affects future behaviour is saved, so save → restore → run equals
 * running straight through; the IRQ line is re-asserted from `pending`.
 */
import type { IrqLine } from '../deviceModel';
import type { DeviceTiming } from '../deviceTiming';
import { TimerDevice, type TimerMetrics } from './device';

export interface TimerState {
  ctrl: number; periodUs: number; startNs: number; gridTicks: number; backlog: number; pending: boolean;
  nextAllowedNs: number; lastNs: number; ticks: number; missed: number; droppedSinceEnable: number;
  guestClockNs: number; everEnabled: boolean; metrics: TimerMetrics;
  /** Tickless idle (SKIP); absent in saves from before it (restored as 0: disarmed). */
  skipLeft?: number; skipped?: number;
}

export function saveTimer(t: TimerDevice): TimerState {
  return {
    ctrl: t.ctrl, periodUs: t.periodUs, startNs: t.startNs, gridTicks: t.gridTicks, backlog: t.backlog, pending: t.pending,
    nextAllowedNs: t.nextAllowedNs, lastNs: t.lastNs, ticks: t.ticks, missed: t.missed, droppedSinceEnable: t.droppedSinceEnable,
    guestClockNs: t.guestClockNs, everEnabled: t.everEnabled, metrics: { ...t.metrics }, skipLeft: t.skipLeft, skipped: t.skipped,
  };
}

export function restoreTimer(irq: IrqLine, timing: DeviceTiming, s: TimerState): TimerDevice {
  const t = new TimerDevice(irq, timing);
  Object.assign(t, { ...s, skipLeft: s.skipLeft ?? 0, skipped: s.skipped ?? 0, metrics: { ...s.metrics, skipped: s.metrics.skipped ?? 0 } });
  irq.restoreLevel(t.pending);
  return t;
}
