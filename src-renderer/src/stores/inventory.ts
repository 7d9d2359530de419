/**
 * The inventory as the engine reports it, indexed for the navigator and the object views.
 *
 * - `snapshot`: the last `inventory.get` (frozen, not deep-reactive: 2,000 VMs must stay cheap), with
 *   maps by id; `tree(view)`: the navigator tree for *Hosts and Clusters* or *VMs and Templates*.
 * - `load()`: full refetch; `refresh(ids)`: refetch a few objects with `vm.get` / `host.get`.
 * - Follows `inventory.changed` (coalesced; small changes patched, big ones refetched) and `lab.loaded`.
 *
 * Rule: the store holds engine data only; nothing here is computed that the engine did not say.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type {
  ClusterDto, DatacenterDto, DatastoreDto, HostDto, InventoryDto, NetworkDto, VmDto,
} from '@shared/model/inventory';
import type { ManagedEntityId } from '@shared/model/ids';
import { kindOfId } from '@shared/model/ids';
import { ApiException } from '@shared/api/errors';
import { useApi } from '@renderer/api/client';
import { buildTree } from '@renderer/logic/inventoryTree';
import type { InventoryTree, InventoryView } from '@renderer/logic/inventoryTree';
import { useConnectionStore } from './connection';
import { message } from './sim';

export type EntityDto = DatacenterDto | ClusterDto | HostDto | VmDto | DatastoreDto | NetworkDto;

export interface InventorySnapshot {
  version: number;
  inventory: InventoryDto;
  vms: Map<string, VmDto>;
  hosts: Map<string, HostDto>;
  clusters: Map<string, ClusterDto>;
  datacenters: Map<string, DatacenterDto>;
  datastores: Map<string, DatastoreDto>;
  networks: Map<string, NetworkDto>;
}

export function indexInventory(inv: InventoryDto): InventorySnapshot {
  const map = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x] as const));
  return markRaw({
    version: inv.version, inventory: inv,
    vms: map(inv.vms), hosts: map(inv.hosts), clusters: map(inv.clusters),
    datacenters: map(inv.datacenters), datastores: map(inv.datastores), networks: map(inv.networks),
  });
}

/** Replaces some VMs/hosts in a snapshot (new arrays, same order). */
export function patchSnapshot(snap: InventorySnapshot, vms: VmDto[], hosts: HostDto[], version: number): InventorySnapshot {
  const vmById = new Map(vms.map((v) => [v.id, v] as const));
  const hostById = new Map(hosts.map((h) => [h.id, h] as const));
  const inv: InventoryDto = {
    ...snap.inventory,
    version: Math.max(version, snap.version),
    vms: vmById.size ? snap.inventory.vms.map((v) => vmById.get(v.id) ?? v) : snap.inventory.vms,
    hosts: hostById.size ? snap.inventory.hosts.map((h) => hostById.get(h.id) ?? h) : snap.inventory.hosts,
  };
  return indexInventory(inv);
}

const PATCH_LIMIT = 24;

export const useInventoryStore = defineStore('inventory', () => {
  const api = useApi();
  const snapshot = shallowRef<InventorySnapshot | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const pendingIds = new Set<string>();
  let pendingVersion = 0;
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let loadSeq = 0;

  async function load(): Promise<void> {
    const seq = ++loadSeq;
    loading.value = true;
    try {
      const inv = await api.query('inventory.get', {});
      if (seq !== loadSeq) return;
      snapshot.value = indexInventory(inv);
      error.value = null;
    } catch (e) {
      if (seq === loadSeq) error.value = message(e);
    } finally {
      if (seq === loadSeq) loading.value = false;
    }
  }

  /** Refetches a few VMs/hosts; falls back to a full load for anything else. */
  async function refresh(ids: readonly string[], version = 0): Promise<void> {
    const snap = snapshot.value;
    if (!snap) return load();
    const kinds = ids.map((id) => kindOfId(id));
    const patchable = ids.length > 0 && ids.length <= PATCH_LIMIT && ids.every((id, i) =>
      (kinds[i] === 'vm' && snap.vms.has(id)) || (kinds[i] === 'host' && snap.hosts.has(id)));
    if (!patchable) return load();
    const seq = loadSeq;
    try {
      const results = await Promise.all(ids.map((id) => kindOfId(id) === 'vm'
        ? api.query('vm.get', { vmId: id as VmDto['id'] })
        : api.query('host.get', { hostId: id as HostDto['id'] })));
      if (seq !== loadSeq || snapshot.value === null) return;
      const vms = results.filter((r): r is VmDto => 'guestOs' in r);
      const hosts = results.filter((r): r is HostDto => 'cpuModel' in r);
      snapshot.value = patchSnapshot(snapshot.value, vms, hosts, version);
    } catch (e) {
      // A removed object (E_NOT_FOUND) or anything unexpected: start again from the whole inventory.
      if (e instanceof ApiException) return load();
      throw e;
    }
  }

  function flush(): void {
    flushTimer = null;
    const ids = [...pendingIds];
    pendingIds.clear();
    const version = pendingVersion;
    void refresh(ids, version);
  }

  api.onEvent((e) => {
    if (e.type === 'inventory.changed') {
      if (snapshot.value && e.version <= snapshot.value.version) return;
      if (e.entityIds.length === 0) pendingIds.add('*');
      for (const id of e.entityIds) pendingIds.add(id);
      pendingVersion = Math.max(pendingVersion, e.version);
      if (!flushTimer) flushTimer = setTimeout(flush, 60);
    } else if (e.type === 'lab.loaded') {
      snapshot.value = null;
      void load();
    }
  });

  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void load(); }, { immediate: true });

  const hostsTree = computed<InventoryTree | null>(() => (snapshot.value ? buildTree(snapshot.value.inventory, 'hosts') : null));
  const vmsTree = computed<InventoryTree | null>(() => (snapshot.value ? buildTree(snapshot.value.inventory, 'vms') : null));
  const tree = (view: InventoryView): InventoryTree | null => (view === 'hosts' ? hostsTree.value : vmsTree.value);

  function entity(id: string | undefined): EntityDto | undefined {
    const s = snapshot.value;
    if (!s || !id) return undefined;
    return s.vms.get(id) ?? s.hosts.get(id) ?? s.clusters.get(id) ?? s.datacenters.get(id) ?? s.datastores.get(id) ?? s.networks.get(id);
  }
  const vm = (id: string | undefined) => (id ? snapshot.value?.vms.get(id) : undefined);
  const host = (id: string | undefined) => (id ? snapshot.value?.hosts.get(id) : undefined);
  const cluster = (id: string | undefined) => (id ? snapshot.value?.clusters.get(id) : undefined);
  const datacenter = (id: string | undefined) => (id ? snapshot.value?.datacenters.get(id) : undefined);
  const nameOf = (id: string | undefined): string => (entity(id) as { name?: string } | undefined)?.name ?? id ?? '';

  return { snapshot, loading, error, load, refresh, tree, entity, vm, host, cluster, datacenter, nameOf };
});

export type { ManagedEntityId };
