/**
 * boot/persist — the boot ports hold no state of their own (they mirror the machine's
 * configuration); only the access count is saved.
 *
 * Interface: `BootPortsState`, `saveBootPorts(b)`, `restoreBootPorts(memoryBytes, levels, s)`.
 */
import { BootPortsDevice } from './device';

export interface BootPortsState {
  reads: number;
}

export function saveBootPorts(b: BootPortsDevice): BootPortsState {
  return { reads: b.reads };
}

export function restoreBootPorts(memoryBytes: number, levels: number, s: BootPortsState): BootPortsDevice {
  const b = new BootPortsDevice(memoryBytes, levels);
  b.reads = s.reads;
  return b;
}
