/**
 * smp/persist — the SMP ports' saved state (per-vCPU START latches, IPI line levels, metrics)
 * and its restore. Which vCPUs are started is machine state (saved by the machine).
 *
 * Interface: `SmpState`, `saveSmp(s)`, `restoreSmp(host, ipiLines, s)`.
 */
import type { IrqLine } from '../deviceModel';
import { SmpDevice, type SmpHost, type SmpMetrics } from './device';

export interface SmpState {
  entry: number[];
  arg: number[];
  ipiPending: boolean[];
  metrics: SmpMetrics;
}

export function saveSmp(s: SmpDevice): SmpState {
  return { entry: [...s.entry], arg: [...s.arg], ipiPending: s.ipi.map((l) => l.level), metrics: { ...s.metrics } };
}

export function restoreSmp(host: SmpHost, ipi: IrqLine[], st: SmpState): SmpDevice {
  const s = new SmpDevice(host, ipi);
  s.entry = [...st.entry];
  s.arg = [...st.arg];
  s.metrics = { ...st.metrics };
  ipi.forEach((l, i) => l.restoreLevel(st.ipiPending[i] ?? false));
  return s;
}
