/**
 * useLiveSeries(entityId, counters, interval): samples of some counters for one object, refetched
 * when the engine samples again (bounded by the metrics store's tick). Overlapping requests are
 * dropped, so a slow answer never overwrites a newer one.
 */
import { ref, shallowRef, watch } from 'vue';
import type { Ref } from 'vue';
import type { IntervalKey, MetricSeriesDto } from '@shared/model/metrics';
import type { ManagedEntityId } from '@shared/model/ids';
import { useMetricsStore } from '@renderer/stores/metrics';
import { message } from '@renderer/stores/sim';

export function useLiveSeries(entityId: Ref<string | undefined>, counters: Ref<string[]>, interval: Ref<IntervalKey>) {
  const metrics = useMetricsStore();
  const series = shallowRef<MetricSeriesDto | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  let seq = 0;

  async function refresh(): Promise<void> {
    const id = entityId.value;
    if (!id || counters.value.length === 0) {
      series.value = null;
      return;
    }
    const my = ++seq;
    loading.value = true;
    try {
      const s = await metrics.query(id as ManagedEntityId, counters.value, interval.value);
      if (my !== seq) return;
      series.value = s;
      error.value = null;
    } catch (e) {
      if (my === seq) error.value = message(e);
    } finally {
      if (my === seq) loading.value = false;
    }
  }

  watch([entityId, counters, interval], () => {
    series.value = null;
    void refresh();
  }, { immediate: true });
  watch(() => metrics.sampleTick, () => void refresh());

  return { series, error, loading, refresh };
}
