/**
 * power/persist — the power device's saved state (plain data) and its restore.
 *
 * Interface: `PowerState`, `savePower(p)`, `restorePower(host, irq, s)`.
 */
import type { IrqLine } from '../deviceModel';
import { POWER_CTRL_IRQ, POWER_REQUEST_NONE } from '../portMap';
import { PowerDevice, type PowerHost, type PowerMetrics } from './device';

export interface PowerState {
  ctrl: number;
  request: number;
  exitCode: number | null;
  debugText: string;
  metrics: PowerMetrics;
}

export function savePower(p: PowerDevice): PowerState {
  return { ctrl: p.ctrl, request: p.request, exitCode: p.exitCode, debugText: p.debugText, metrics: { ...p.metrics } };
}

export function restorePower(host: PowerHost, irq: IrqLine, s: PowerState): PowerDevice {
  const p = new PowerDevice(host, irq);
  p.ctrl = s.ctrl;
  p.request = s.request;
  p.exitCode = s.exitCode;
  p.debugText = s.debugText;
  p.metrics = { ...s.metrics };
  irq.restoreLevel(p.request !== POWER_REQUEST_NONE && (p.ctrl & POWER_CTRL_IRQ) !== 0);
  return p;
}
