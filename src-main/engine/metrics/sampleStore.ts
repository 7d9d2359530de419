/**
 * Sample store: every entity's counter history in vSphere's five intervals — real-time (20 s samples,
 * 1 h), past day (5 min, 1 day), week (30 min), month (2 h), year (1 day) — each coarser interval derived
 * from the next finer one with the counter's rollup type (`rollup.ts`).
 *
 * - `record(entityId, timeMs, values)`: one real-time sample. Powered-off VMs are simply not recorded.
 * - `rollUp(timeMs)`: at each interval boundary, makes the coarser samples for every entity from the
 *   finer samples in (timeMs − period, timeMs] (call after recording the real-time samples of timeMs).
 * - `query(entityId, counters, interval, maxSamples)` → MetricSeriesDto (null where a sample lacks one).
 * - `forget(entityId)`; `save()` / `SampleStore.restore(state)`.
 *
 * Rule: values are whatever the collector counted; nothing is interpolated or invented.
 */
import type { ManagedEntityId } from '@shared/model/ids';
import type { IntervalKey, MetricSeriesDto } from '@shared/model/metrics';
import { INTERVALS, INTERVAL_KEYS } from '@shared/model/metrics';
import type { Sample } from './rollup';
import { rollupSamples } from './rollup';

export const REALTIME_PERIOD_MS = INTERVALS.realtime.periodSeconds * 1000;

type Series = Record<IntervalKey, Sample[]>;

const emptySeries = (): Series => ({ realtime: [], day: [], week: [], month: [], year: [] });

export interface SampleStoreState { entries: [ManagedEntityId, Series][] }

export class SampleStore {
  private readonly byEntity = new Map<ManagedEntityId, Series>();

  record(entityId: ManagedEntityId, timeMs: number, values: Record<string, number>): void {
    let s = this.byEntity.get(entityId);
    if (!s) { s = emptySeries(); this.byEntity.set(entityId, s); }
    push(s.realtime, { timeMs, values }, 'realtime');
  }

  rollUp(timeMs: number): void {
    for (let i = 1; i < INTERVAL_KEYS.length; i++) {
      const key = INTERVAL_KEYS[i];
      const finer = INTERVAL_KEYS[i - 1];
      const periodMs = INTERVALS[key].periodSeconds * 1000;
      if (timeMs % periodMs !== 0) continue;
      for (const s of this.byEntity.values()) {
        const src = s[finer].filter((x) => x.timeMs > timeMs - periodMs && x.timeMs <= timeMs);
        if (src.length) push(s[key], { timeMs, values: rollupSamples(src) }, key);
      }
    }
  }

  query(entityId: ManagedEntityId, counters: string[], interval: IntervalKey = 'realtime', maxSamples?: number): MetricSeriesDto {
    const all = this.byEntity.get(entityId)?.[interval] ?? [];
    const list = maxSamples ? all.slice(-maxSamples) : all;
    const values: Record<string, (number | null)[]> = {};
    for (const c of counters) values[c] = list.map((s) => (c in s.values ? s.values[c] : null));
    return { entityId, interval, timestampsMs: list.map((s) => s.timeMs), values };
  }

  /** The newest real-time sample of an entity, if any. */
  latest(entityId: ManagedEntityId): Sample | undefined {
    const rt = this.byEntity.get(entityId)?.realtime;
    return rt && rt.length ? rt[rt.length - 1] : undefined;
  }

  forget(entityId: ManagedEntityId): void {
    this.byEntity.delete(entityId);
  }

  entityIds(): ManagedEntityId[] {
    return [...this.byEntity.keys()];
  }

  save(): SampleStoreState {
    const copy = (s: Series): Series => ({ realtime: [...s.realtime], day: [...s.day], week: [...s.week], month: [...s.month], year: [...s.year] });
    return { entries: [...this.byEntity].map(([id, s]) => [id, copy(s)]) };
  }

  static restore(state: SampleStoreState): SampleStore {
    const st = new SampleStore();
    for (const [id, s] of state.entries) {
      st.byEntity.set(id, { realtime: [...s.realtime], day: [...s.day], week: [...s.week], month: [...s.month], year: [...s.year] });
    }
    return st;
  }
}

function push(list: Sample[], sample: Sample, key: IntervalKey): void {
  list.push(sample);
  // Retention by time (vSphere: real-time keeps one hour, day one day, …), so gaps don't stretch it.
  const oldest = sample.timeMs - INTERVALS[key].lengthSeconds * 1000;
  let drop = 0;
  while (drop < list.length && list[drop].timeMs <= oldest) drop++;
  if (drop) list.splice(0, drop);
}
