/**
 * console/persist — the console's saved state (plain data) and its restore.
 *
 * Interface: `ConsoleState`, `saveConsole(c)`, `restoreConsole(irq, s)`.
 * Rules: the retained output, its absolute base offset, the input queue and CTRL are saved; the
 * IRQ line's level is re-derived from them (the CPU's saved request lines are authoritative).
 */
import type { IrqLine } from '../deviceModel';
import { CON_CTRL_INPUT_IRQ } from '../portMap';
import { ConsoleDevice, type ConsoleMetrics } from './device';

export interface ConsoleState {
  ctrl: number;
  out: string;
  outBase: number;
  inQueue: number[];
  metrics: ConsoleMetrics;
}

export function saveConsole(c: ConsoleDevice): ConsoleState {
  return { ctrl: c.ctrl, out: c.out, outBase: c.outBase, inQueue: [...c.inQueue], metrics: { ...c.metrics } };
}

export function restoreConsole(irq: IrqLine, s: ConsoleState): ConsoleDevice {
  const c = new ConsoleDevice(irq);
  c.ctrl = s.ctrl;
  c.out = s.out;
  c.outBase = s.outBase;
  c.inQueue = [...s.inQueue];
  c.metrics = { ...s.metrics };
  irq.restoreLevel((c.ctrl & CON_CTRL_INPUT_IRQ) !== 0 && c.inQueue.length > 0);
  return c;
}
