/**
 * The inventory as the engine reports it, indexed for the navigator and the object views.
 *
 * - `snapshot`: the last `inventory.get` with every change since applied (frozen, not deep-reactive:
 *   2,000 VMs must stay cheap), with maps by id; `tree(view)`: the navigator tree for *Hosts and
 *   Clusters*, *VMs and Templates*, *Storage* or *Networking* (each built when first asked for);
 *   `vm`, `host`, `cluster`, `datacenter`, `datastore`, `network`, `resourcePool`: one object by id.
 * - `load()`: fetches the whole inventory. The first load takes the answer to the `inventory.outline` the
 *   entry sent before the app was loaded (`api/firstInventory.ts`), with the events recorded since, shows
 *   it (`outline`: every list whole but the VMs, which carry their tree fields only) and asks
 *   `inventory.get` once that has painted (at once if the outline failed), so the whole answer is built,
 *   sent and parsed while the user already sees the tree. The trees and the lookups of everything but VMs
 *   read the outline meanwhile; `snapshot` (and `vm()`) stay empty until the whole inventory is in, so no
 *   view sees a cut VM. `listing`: the inventory's lists as the outline has them (VMs cut to their tree
 *   fields), from whichever is in, for views that read no more than that (a datacenter's Summary).
 * - `error`: why the last load failed, in words; what was shown (the outline, or the last inventory)
 *   stays, and `load()` asks again.
 * - Follows the change feed (`model/inventoryChanges.ts`): `inventory.changed` updates are applied as
 *   they come (batched per FLUSH_MS), never refetched; a gap in versions (missed events) or a reconnect
 *   asks `inventory.changesSince` for what it missed, and only its `resync` answer (or `lab.loaded`)
 *   fetches everything again. Events that arrive while a fetch is in flight wait and are applied after.
 *
 * Rule: the store holds engine data only; nothing here is computed that the engine did not say.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { ComputedRef } from 'vue';
import type {
  ClusterDto, DatacenterDto, DatastoreDto, EntityDto, HostDto, InventoryDto, NetworkDto, VmDto,
} from '@shared/model/inventory';
import type { ResourcePoolDto } from '@shared/model/resourcePool';
import type { InventoryOutlineDto } from '@shared/model/inventoryOutline';
import type { ManagedEntityId } from '@shared/model/ids';
import type { EntityUpdate, InventoryChanges } from '@shared/model/inventoryChanges';
import { applyUpdates } from '@shared/model/inventoryChanges';
import type { EngineEvent } from '@shared/api/events';
import { useApi } from '@renderer/api/client';
import { takeFirstInventory } from '@renderer/api/firstInventory';
import { buildTree } from '@renderer/logic/inventoryTree';
import type { InventoryTree, InventoryView } from '@renderer/logic/inventoryTree';
import { useConnectionStore } from './connection';
import { message } from './sim';

export type { EntityDto };

export interface InventorySnapshot {
  version: number;
  inventory: InventoryDto;
  vms: Map<string, VmDto>;
  hosts: Map<string, HostDto>;
  clusters: Map<string, ClusterDto>;
  datacenters: Map<string, DatacenterDto>;
  datastores: Map<string, DatastoreDto>;
  networks: Map<string, NetworkDto>;
  resourcePools: Map<string, ResourcePoolDto>;
}

export function indexInventory(inv: InventoryDto): InventorySnapshot {
  const map = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x] as const));
  return markRaw({
    version: inv.version, inventory: inv,
    vms: map(inv.vms), hosts: map(inv.hosts), clusters: map(inv.clusters),
    datacenters: map(inv.datacenters), datastores: map(inv.datastores), networks: map(inv.networks),
    resourcePools: map(inv.resourcePools ?? []),
  });
}

/** The outline, indexed like a snapshot for the lookups it can answer (no VMs: they are cut). */
export type OutlineSnapshot = Omit<InventorySnapshot, 'inventory' | 'vms'> & { inventory: InventoryOutlineDto };

export function indexOutline(inv: InventoryOutlineDto): OutlineSnapshot {
  const { vms: _cut, ...rest } = indexInventory(inv as InventoryDto);
  return markRaw({ ...rest, inventory: inv });
}

/** A snapshot with feed updates applied, now at `version`. */
export function applyToSnapshot(snap: InventorySnapshot, updates: readonly EntityUpdate[], version: number): InventorySnapshot {
  return indexInventory(applyUpdates(snap.inventory, updates, version));
}

/** Events are applied at most this often (one snapshot rebuild per batch). */
const FLUSH_MS = 50;
/** The outline's frame is waited for at most this long (a hidden page paints no frames). */
const OUTLINE_PAINT_WAIT_MS = 100;

/** Resolves once the frame being built now has painted (or after `OUTLINE_PAINT_WAIT_MS`). */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, OUTLINE_PAINT_WAIT_MS);
    if (typeof requestAnimationFrame !== 'function') return;
    // rAF runs before the frame's paint; the task after it runs once the frame is out.
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(fallback); resolve(); }, 0));
  });
}

export const useInventoryStore = defineStore('inventory', () => {
  const api = useApi();
  const snapshot = shallowRef<InventorySnapshot | null>(null);
  /** The first load's outline, shown until `snapshot` is set (then dropped). */
  const outline = shallowRef<OutlineSnapshot | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** `inventory.changed` events not applied yet. */
  let pending: { version: number; updates: EntityUpdate[] }[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** A fetch (load or catch-up) is in flight: events wait for it. */
  let fetching = false;
  let fetchSeq = 0;

  /**
   * `earlyOutline`: the answer to the outline the entry asked for before the store existed
   * (api/firstInventory.ts): shown, then the whole inventory is asked once it has painted.
   */
  async function load(earlyOutline?: Promise<InventoryOutlineDto>): Promise<void> {
    const seq = ++fetchSeq;
    fetching = true;
    loading.value = true;
    try {
      const o = earlyOutline && await earlyOutline.catch(() => null); // without it: the whole inventory at once
      if (seq !== fetchSeq) return;
      if (o && !snapshot.value) {
        outline.value = indexOutline(o);
        await afterNextPaint();
        if (seq !== fetchSeq) return;
      }
      const inv = await api.query('inventory.get', {});
      if (seq !== fetchSeq) return;
      snapshot.value = indexInventory(inv);
      outline.value = null;
      error.value = null;
    } catch (e) {
      if (seq === fetchSeq) error.value = message(e);
    } finally {
      if (seq === fetchSeq) {
        loading.value = false;
        fetching = false;
        schedule();
      }
    }
  }

  /** Asks what changed after `version` and applies it; a resync answer (or a failure) loads everything. */
  async function catchUp(version: number): Promise<void> {
    const seq = ++fetchSeq;
    fetching = true;
    let answer: InventoryChanges | undefined;
    try {
      answer = await api.query('inventory.changesSince', { version });
    } catch {
      answer = undefined;
    }
    if (seq !== fetchSeq) return; // a newer fetch took over
    const snap = snapshot.value;
    if (!answer || answer.resync || !snap || snap.version !== version) return load();
    snapshot.value = applyToSnapshot(snap, answer.updates, answer.version);
    fetching = false;
    schedule();
  }

  function schedule(): void {
    if (!flushTimer && pending.length) flushTimer = setTimeout(flush, FLUSH_MS);
  }

  /** Applies waiting events in version order; a missing version means events were missed: catch up. */
  function flush(): void {
    flushTimer = null;
    const snap = snapshot.value;
    if (fetching || !snap) return;
    const batch = pending.filter((e) => e.version > snap.version).sort((a, b) => a.version - b.version);
    pending = [];
    let version = snap.version;
    const updates: EntityUpdate[] = [];
    for (let i = 0; i < batch.length; i++) {
      if (batch[i].version !== version + 1) {
        pending = batch.slice(i);
        break;
      }
      version = batch[i].version;
      updates.push(...batch[i].updates);
    }
    if (updates.length || version !== snap.version) snapshot.value = applyToSnapshot(snap, updates, version);
    if (pending.length) void catchUp(version);
  }

  const onEvent = (e: EngineEvent): void => {
    if (e.type === 'inventory.changed') {
      pending.push({ version: e.version, updates: e.updates });
      schedule();
    } else if (e.type === 'lab.loaded') {
      pending = [];
      snapshot.value = null;
      outline.value = null;
      void load();
    }
  };
  // The entry asked for the inventory before this store existed: its answer is the first load, and the
  // events since it was asked are applied as if this store had heard them (unless another lab was loaded
  // meanwhile, which makes that answer stale: then the first load asks again).
  const first = takeFirstInventory();
  const seen = first?.events ?? [];
  const lastLabLoaded = seen.map((e) => e.type).lastIndexOf('lab.loaded');
  let early = first && lastLabLoaded < 0 ? first.outline : undefined;
  for (const e of seen.slice(lastLabLoaded + 1)) onEvent(e);
  api.onEvent(onEvent);

  const conn = useConnectionStore();
  // First connection: fetch everything (the entry's early answer, once); after a reconnect, only what was missed.
  watch(() => conn.generation, (g) => {
    if (g <= 0) return;
    const snap = snapshot.value;
    if (snap) void catchUp(snap.version);
    else {
      void load(early);
      early = undefined;
    }
  }, { immediate: true });

  /** What the trees and the lookups of non-VM objects read: the whole inventory, else the outline. */
  const shown = (): InventorySnapshot | OutlineSnapshot | null => snapshot.value ?? outline.value;
  const treeOf = (view: InventoryView) => computed<InventoryTree | null>(() => {
    const s = shown();
    return s ? buildTree(s.inventory, view) : null;
  });
  const trees: Record<InventoryView, ComputedRef<InventoryTree | null>> = {
    hosts: treeOf('hosts'), vms: treeOf('vms'), storage: treeOf('storage'), networks: treeOf('networks'),
  };
  const tree = (view: InventoryView): InventoryTree | null => trees[view].value;
  const listing = computed<InventoryOutlineDto | null>(() => shown()?.inventory ?? null);

  function entity(id: string | undefined): EntityDto | undefined {
    const s = shown();
    if (!s || !id) return undefined;
    return vm(id) ?? s.hosts.get(id) ?? s.clusters.get(id) ?? s.datacenters.get(id) ?? s.datastores.get(id) ?? s.networks.get(id) ?? s.resourcePools.get(id);
  }
  const vm = (id: string | undefined) => (id ? snapshot.value?.vms.get(id) : undefined);
  const host = (id: string | undefined) => (id ? shown()?.hosts.get(id) : undefined);
  const cluster = (id: string | undefined) => (id ? shown()?.clusters.get(id) : undefined);
  const datacenter = (id: string | undefined) => (id ? shown()?.datacenters.get(id) : undefined);
  const datastore = (id: string | undefined) => (id ? shown()?.datastores.get(id) : undefined);
  const network = (id: string | undefined) => (id ? shown()?.networks.get(id) : undefined);
  const resourcePool = (id: string | undefined) => (id ? shown()?.resourcePools.get(id) : undefined);
  const nameOf = (id: string | undefined): string => (entity(id) as { name?: string } | undefined)?.name ?? id ?? '';

  return { snapshot, outline, listing, loading, error, load, tree, entity, vm, host, cluster, datacenter, datastore, network, resourcePool, nameOf };
});

export type { ManagedEntityId };
