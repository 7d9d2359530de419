/**
 * Real-time sample store: one sample per entity per 20 virtual seconds, kept for one hour (180 samples),
 * as vSphere's real-time interval. Powered-off VMs produce no samples (their slots stay null).
 *
 * - `record(entityId, timeMs, values)`; `query(entityId, counters, maxSamples)` → MetricSeriesDto.
 *
 * Rule: values are whatever the sampler counted for that 20 s period; nothing is interpolated.
 */
import type { ManagedEntityId } from '@shared/model/ids';
import type { MetricSeriesDto } from '@shared/model/metrics';
import { INTERVALS } from '@shared/model/metrics';

const REALTIME = INTERVALS.realtime;
export const REALTIME_PERIOD_MS = REALTIME.periodSeconds * 1000;
const REALTIME_SAMPLES = REALTIME.lengthSeconds / REALTIME.periodSeconds;

interface Sample { timeMs: number; values: Record<string, number> }

export class SampleStore {
  private readonly byEntity = new Map<ManagedEntityId, Sample[]>();

  record(entityId: ManagedEntityId, timeMs: number, values: Record<string, number>): void {
    let list = this.byEntity.get(entityId);
    if (!list) { list = []; this.byEntity.set(entityId, list); }
    list.push({ timeMs, values });
    if (list.length > REALTIME_SAMPLES) list.splice(0, list.length - REALTIME_SAMPLES);
  }

  query(entityId: ManagedEntityId, counters: string[], maxSamples = REALTIME_SAMPLES): MetricSeriesDto {
    const list = (this.byEntity.get(entityId) ?? []).slice(-maxSamples);
    const values: Record<string, (number | null)[]> = {};
    for (const c of counters) values[c] = list.map((s) => (c in s.values ? s.values[c] : null));
    return { entityId, interval: 'realtime', timestampsMs: list.map((s) => s.timeMs), values };
  }

  forget(entityId: ManagedEntityId): void {
    this.byEntity.delete(entityId);
  }
}
