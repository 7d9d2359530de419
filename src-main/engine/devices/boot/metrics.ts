/** boot/metrics — `boot.reads`: reads of the boot parameter ports (cumulative). */
import type { BootPortsDevice } from './device';

export function bootMetrics(b: BootPortsDevice): Record<string, number> {
  return { 'boot.reads': b.reads };
}
