/**
 * monitors — virtual machine monitors that plug into the CPU's monitor seam:
 * `interp` (bare-hardware reference) and `te` (trap-and-emulate). Issues 4/5 add bt, pv, hw.
 * `createMonitor(kind)` builds one by name.
 */
import type { Monitor } from '../cpu/index';
import { InterpMonitor } from './interp';
import { TrapAndEmulateMonitor } from './trapAndEmulate';

export type { Monitor, TrapDecision, TrapEvent } from '../cpu/index';
export { InterpMonitor } from './interp';
export { TrapAndEmulateMonitor, type TeState } from './trapAndEmulate';

export type MonitorKind = 'interp' | 'te';
export const MONITOR_KINDS: readonly MonitorKind[] = ['interp', 'te'];

export function createMonitor(kind: MonitorKind): Monitor {
  switch (kind) {
    case 'interp': return new InterpMonitor();
    case 'te': return new TrapAndEmulateMonitor();
  }
}
