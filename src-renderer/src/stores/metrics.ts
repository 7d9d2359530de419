/**
 * Performance data access: the counter catalogue per entity type and a coalesced "new samples" tick.
 *
 * - `catalog(type)`: `metrics.catalog` once per entity type (cached; reactive via `catalogs`).
 * - `sampleTick`: increases at most every `TICK_MS` after `metrics.sampled`, so live charts and meters
 *   refetch at a bounded rate even when the simulation runs at max speed.
 * - `query(entityId, counters, interval, maxSamples)`: `metrics.query`, filtered to offered counters.
 *
 * Rule: only counters the catalogue offers for the entity type are requested; the UI never makes up
 * a value for a counter the engine does not have.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { CounterInfo, EntityType, IntervalKey, MetricSeriesDto } from '@shared/model/metrics';
import type { ManagedEntityId } from '@shared/model/ids';
import { kindOfId } from '@shared/model/ids';
import { useApi } from '@renderer/api/client';

export const TICK_MS = 500;

export function entityTypeOf(id: string): EntityType | undefined {
  const kind = kindOfId(id);
  return (['vm', 'host', 'cluster', 'datacenter', 'datastore'] as const).find((k) => k === kind);
}

export const useMetricsStore = defineStore('metrics', () => {
  const api = useApi();
  const catalogs = shallowRef<Partial<Record<EntityType, CounterInfo[]>>>({});
  const catalogErrors = shallowRef<Partial<Record<EntityType, string>>>({});
  const inflight = new Map<EntityType, Promise<CounterInfo[]>>();
  const sampleTick = ref(0);
  const lastSampleMs = ref(0);
  let tickTimer: ReturnType<typeof setTimeout> | null = null;

  function catalog(type: EntityType): Promise<CounterInfo[]> {
    const have = catalogs.value[type];
    if (have) return Promise.resolve(have);
    const running = inflight.get(type);
    if (running) return running;
    const p = api.query('metrics.catalog', { entityType: type }).then((list) => {
      catalogs.value = { ...catalogs.value, [type]: list };
      return list;
    }).catch((e: unknown) => {
      catalogErrors.value = { ...catalogErrors.value, [type]: e instanceof Error ? e.message : String(e) };
      return [] as CounterInfo[];
    }).finally(() => inflight.delete(type));
    inflight.set(type, p);
    return p;
  }

  async function query(entityId: ManagedEntityId, counters: string[], interval: IntervalKey, maxSamples?: number): Promise<MetricSeriesDto | null> {
    const type = entityTypeOf(entityId);
    if (!type || counters.length === 0) return null;
    const offered = new Set((await catalog(type)).map((c) => c.name));
    const wanted = counters.filter((c) => offered.has(c));
    if (wanted.length === 0) return null;
    return api.query('metrics.query', maxSamples ? { entityId, counters: wanted, interval, maxSamples } : { entityId, counters: wanted, interval });
  }

  api.onEvent((e) => {
    if (e.type === 'metrics.sampled') {
      lastSampleMs.value = e.timeMs;
      if (!tickTimer) {
        tickTimer = setTimeout(() => {
          tickTimer = null;
          sampleTick.value++;
        }, TICK_MS);
      }
    } else if (e.type === 'lab.loaded') {
      catalogs.value = {};
      sampleTick.value++;
    }
  });

  return { catalogs, catalogErrors, catalog, query, sampleTick, lastSampleMs };
});
