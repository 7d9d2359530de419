/**
 * useLiveVm(id) / useLiveHost(id): one VM or host for its Summary tab, as the inventory store holds it.
 * The change feed keeps that copy current: operations publish their changes at once, and what moves
 * with the virtual clock alone (uptime, the guest going from running to halted) is swept into the feed
 * at every 20 s sample — the cadence at which vSphere refreshes a Summary's quick stats.
 */
import { computed } from 'vue';
import type { Ref } from 'vue';
import { useInventoryStore } from '@renderer/stores/inventory';

export function useLiveVm(id: Ref<string | undefined>) {
  const inventory = useInventoryStore();
  return computed(() => inventory.vm(id.value));
}

export function useLiveHost(id: Ref<string | undefined>) {
  const inventory = useInventoryStore();
  return computed(() => inventory.host(id.value));
}
