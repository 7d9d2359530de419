/**
 * disk/metrics — the disk's counters, named as the engine's catalogue reads them
 * (metrics/catalog.ts DISK_COUNTER_KEYS: `disk.reads`, `disk.writes`, `disk.readBytes`,
 * `disk.writeBytes`) plus `disk.errors`, `disk.rejected`, `disk.busyNs`. Cumulative since power-on.
 */
import type { DiskDevice } from './device';

export function diskMetrics(d: DiskDevice): Record<string, number> {
  const m = d.metrics;
  return {
    'disk.reads': m.reads, 'disk.writes': m.writes, 'disk.readBytes': m.readBytes, 'disk.writeBytes': m.writeBytes,
    'disk.errors': m.errors, 'disk.rejected': m.rejected, 'disk.busyNs': m.busyNs,
  };
}
