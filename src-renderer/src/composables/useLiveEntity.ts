/**
 * useLiveVm(id) / useLiveHost(id): a fresh copy of one VM or host for its Summary tab (uptime and
 * guest state move with the virtual clock without an inventory change), refetched at the sample tick.
 * Falls back to the inventory store's copy until the first answer.
 */
import { computed, shallowRef, watch } from 'vue';
import type { Ref } from 'vue';
import type { HostDto, VmDto } from '@shared/model/inventory';
import type { HostId, VmId } from '@shared/model/ids';
import { useApi } from '@renderer/api/client';
import { useInventoryStore } from '@renderer/stores/inventory';
import { useMetricsStore } from '@renderer/stores/metrics';

export function useLiveVm(id: Ref<string | undefined>) {
  const api = useApi();
  const inventory = useInventoryStore();
  const metrics = useMetricsStore();
  const fresh = shallowRef<VmDto | null>(null);
  let seq = 0;
  watch([id, () => metrics.sampleTick, () => inventory.snapshot], async ([vmId], [oldId]) => {
    if (vmId !== oldId) fresh.value = null;
    if (!vmId) return;
    const my = ++seq;
    try {
      const vm = await api.query('vm.get', { vmId: vmId as VmId });
      if (my === seq) fresh.value = vm;
    } catch {
      /* keep the inventory copy */
    }
  }, { immediate: true });
  return computed(() => (fresh.value && fresh.value.id === id.value ? fresh.value : inventory.vm(id.value)));
}

export function useLiveHost(id: Ref<string | undefined>) {
  const api = useApi();
  const inventory = useInventoryStore();
  const metrics = useMetricsStore();
  const fresh = shallowRef<HostDto | null>(null);
  let seq = 0;
  watch([id, () => metrics.sampleTick, () => inventory.snapshot], async ([hostId], [oldId]) => {
    if (hostId !== oldId) fresh.value = null;
    if (!hostId) return;
    const my = ++seq;
    try {
      const h = await api.query('host.get', { hostId: hostId as HostId });
      if (my === seq) fresh.value = h;
    } catch {
      /* keep the inventory copy */
    }
  }, { immediate: true });
  return computed(() => (fresh.value && fresh.value.id === id.value ? fresh.value : inventory.host(id.value)));
}
