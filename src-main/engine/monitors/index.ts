/**
 * monitors — virtual machine monitors that plug into the CPU's monitor seam:
 * `interp` (bare-hardware reference), `te` (trap-and-emulate), `bt` (binary
 * translation), `hw` (hardware assist, VM exits) and `pv` (paravirtualization, hypercalls).
 * `createMonitor(kind)` builds one by name; docs/monitors.md describes each.
 */
import type { Monitor } from '../cpu/index';
import { InterpMonitor } from './interp';
import { TrapAndEmulateMonitor } from './trapAndEmulate';
import { BinaryTranslationMonitor } from './binaryTranslation';
import { HardwareAssistMonitor } from './hardwareAssist';
import { ParavirtMonitor } from './paravirt';

export type { Monitor, TrapDecision, TrapEvent } from '../cpu/index';
export { InterpMonitor } from './interp';
export { TrapAndEmulateMonitor, type TeState } from './trapAndEmulate';
export { BinaryTranslationMonitor, scratchBtCpu, type BtState } from './binaryTranslation';
export { ParavirtMonitor, type PvOptions, type PvState } from './paravirt';
export { HC, HYPERCALL_NAMES, PV_LAYOUT, PV_PORT, TLB_OP } from './hypercalls';
export { HardwareAssistMonitor, DEFAULT_HW_EXITS, HW_EXIT_REASONS, type HwExitConfig, type HwExitReason, type HwOptions, type HwState } from './hardwareAssist';

export type MonitorKind = 'interp' | 'te' | 'bt' | 'hw' | 'pv';
export const MONITOR_KINDS: readonly MonitorKind[] = ['interp', 'te', 'bt', 'hw', 'pv'];

export function createMonitor(kind: MonitorKind): Monitor {
  switch (kind) {
    case 'interp': return new InterpMonitor();
    case 'te': return new TrapAndEmulateMonitor();
    case 'bt': return new BinaryTranslationMonitor();
    case 'hw': return new HardwareAssistMonitor();
    case 'pv': return new ParavirtMonitor();
  }
}
