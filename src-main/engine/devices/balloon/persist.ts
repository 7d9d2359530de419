/**
 * balloon/persist — the balloon device's saved state (plain data) and its restore.
 *
 * Interface: `BalloonState`, `saveBalloon(b)`, `restoreBalloon(pageCount, s)` (no state: a fresh
 * device, for saves made before the device existed).
 */
import { BalloonDevice, type BalloonMetrics } from './device';

export interface BalloonState {
  ctrl: number;
  status: number;
  target: number;
  held: number[];
  pending: number[];
  metrics: BalloonMetrics;
}

export function saveBalloon(b: BalloonDevice): BalloonState {
  return { ctrl: b.ctrl, status: b.status, target: b.target, held: [...b.held], pending: [...b.pending], metrics: { ...b.metrics } };
}

export function restoreBalloon(pageCount: number, s: BalloonState | undefined): BalloonDevice {
  const b = new BalloonDevice(pageCount);
  if (!s) return b;
  b.ctrl = s.ctrl;
  b.status = s.status;
  b.target = s.target;
  for (const g of s.held) if (g >= 0 && g < pageCount) b.held.add(g);
  for (const g of s.pending) if (b.held.has(g)) b.pending.add(g);
  b.metrics = { ...s.metrics };
  return b;
}
