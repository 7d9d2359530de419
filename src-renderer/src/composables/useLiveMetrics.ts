/**
 * useLiveMetrics(entityId, counters): the latest real-time value of a few counters (Summary meters),
 * refetched when new samples exist (`metrics.sampled`, coalesced by the metrics store).
 *
 * Returns `latest` (counter → value or null), `offered` (counters the catalogue has for the entity
 * type), `units`, `error`. Counters the engine does not offer stay absent: the UI shows "—".
 */
import { ref, shallowRef, watch } from 'vue';
import type { Ref } from 'vue';
import type { CounterInfo } from '@shared/model/metrics';
import type { ManagedEntityId } from '@shared/model/ids';
import { useMetricsStore, entityTypeOf } from '@renderer/stores/metrics';
import { message } from '@renderer/stores/sim';

export function useLiveMetrics(entityId: Ref<string | undefined>, counters: readonly string[]) {
  const metrics = useMetricsStore();
  const latest = shallowRef<Record<string, number | null>>({});
  const info = shallowRef<Record<string, CounterInfo>>({});
  const error = ref<string | null>(null);
  const loaded = ref(false);
  let seq = 0;

  async function refresh(): Promise<void> {
    const id = entityId.value;
    const type = id ? entityTypeOf(id) : undefined;
    if (!id || !type) return;
    const my = ++seq;
    try {
      const catalog = await metrics.catalog(type);
      const offered = Object.fromEntries(catalog.filter((c) => counters.includes(c.name)).map((c) => [c.name, c] as const));
      const series = await metrics.query(id as ManagedEntityId, Object.keys(offered), 'realtime', 1);
      if (my !== seq) return;
      info.value = offered;
      const out: Record<string, number | null> = {};
      for (const c of Object.keys(offered)) {
        const vals = series?.values[c] ?? [];
        out[c] = vals.length ? vals[vals.length - 1] : null;
      }
      latest.value = out;
      error.value = null;
    } catch (e) {
      if (my === seq) error.value = message(e);
    } finally {
      if (my === seq) loaded.value = true;
    }
  }

  watch([entityId, () => metrics.sampleTick], ([id], [oldId]) => {
    if (id !== oldId) {
      latest.value = {};
      loaded.value = false;
    }
    void refresh();
  }, { immediate: true });

  return { latest, info, error, loaded, refresh };
}
