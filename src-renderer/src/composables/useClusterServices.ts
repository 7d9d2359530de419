/**
 * useClusterServices — one cluster's HA / DRS settings and state (`cluster.services`), reloaded whenever
 * the inventory changes (a failover, a DRS pass, a reconfigure all mark the cluster changed), and the
 * commands the Configure and Monitor pages send, each returning the engine's error in the user's words.
 */
import { ref, watch } from 'vue';
import type { Ref } from 'vue';
import { useApi } from '@renderer/api/client';
import { useInventoryStore } from '@renderer/stores/inventory';
import type { ClusterServicesDto } from '@shared/model/clusterServices';
import type { CommandName, CommandParams } from '@shared/api/commands';

export function useClusterServices(clusterId: Ref<string>) {
  const inventory = useInventoryStore();
  const data = ref<ClusterServicesDto | null>(null);
  const error = ref<string | null>(null);
  async function load(): Promise<void> {
    try {
      data.value = await useApi().query('cluster.services', { clusterId: clusterId.value as `cluster-${number}` });
      error.value = null;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
  }
  /** Sends a command; returns null or the refusal's message (with the field it names). */
  async function send<K extends CommandName>(name: K, params: CommandParams<K>): Promise<string | null> {
    try {
      await useApi().command(name, params);
      await load();
      return null;
    } catch (e) {
      const err = (e as { error?: { message: string; field?: string } }).error;
      return err ? err.message : e instanceof Error ? e.message : String(e);
    }
  }
  watch([clusterId, () => inventory.snapshot?.version], () => { void load(); }, { immediate: true });
  return { data, error, load, send };
}
