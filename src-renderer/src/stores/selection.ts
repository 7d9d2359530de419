/**
 * What the user is looking at: the selected object and tab (from the URL), the navigator view, its
 * expanded nodes and filter.
 *
 * - `selectedId`, `kind`, `tab`, `section`; `select(id, tab?)`, `openTab(tab, section?)`.
 * - `view` (*Hosts and Clusters* | *VMs and Templates* | *Storage* | *Networking*), `expanded`, `toggle(id)`,
 *   `reveal(id)`, `filter`. Selecting a datastore or a network from a link shows the view that holds it.
 * - `revealRequest`: bumped by every `select`, so the navigator expands the object's ancestors and
 *   scrolls it into view even when the object was already selected (a link followed after the user
 *   collapsed its folder).
 *
 * Rule: the hash route is the source of truth for the selection; this store only reads and writes it.
 * Each object type remembers its last tab, as vSphere does.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { kindOfId } from '@shared/model/ids';
import { route, navigate, TABS } from '@renderer/router';
import type { RouteKind } from '@renderer/router';
import type { InventoryView } from '@renderer/logic/inventoryTree';
import { ancestorsOf } from '@renderer/logic/inventoryTree';
import { useInventoryStore } from './inventory';

type ObjKind = Exclude<RouteKind, 'home'>;
const isObjKind = (k: string | undefined): k is ObjKind => k !== undefined && k in TABS;
/** The navigator view an object of this kind lives in (a datacenter is in every view). */
const viewOf = (k: ObjKind): InventoryView => (k === 'datastore' ? 'storage' : k === 'network' ? 'networks' : 'hosts');
const viewHolds = (v: InventoryView, k: ObjKind): boolean =>
  k === 'datacenter' || (k === 'vm' ? v === 'hosts' || v === 'vms' : v === viewOf(k));

export const useSelectionStore = defineStore('selection', () => {
  const inventory = useInventoryStore();
  const view = ref<InventoryView>('hosts');
  const expanded = shallowRef(new Set<string>());
  const filter = ref('');
  const lastTab: Partial<Record<ObjKind, string>> = {};
  const revealRequest = ref(0);

  const selectedId = computed(() => route.value.id);
  const kind = computed(() => route.value.kind);
  const tab = computed(() => route.value.tab);
  const section = computed(() => route.value.section);

  function select(id: string, tab?: string, section?: string): void {
    const k = kindOfId(id);
    if (!isObjKind(k)) return;
    const home = viewOf(k);
    if (!viewHolds(view.value, k)) view.value = home;
    const tabs = TABS[k];
    const wanted = tab ?? (route.value.kind === k ? route.value.tab : lastTab[k]) ?? 'summary';
    const t = tabs.some((x) => x.key === wanted) ? wanted : 'summary';
    const sec = section ?? (route.value.kind === k && route.value.tab === t ? route.value.section : undefined);
    lastTab[k] = t;
    revealRequest.value++;
    navigate(sec ? { kind: k, id, tab: t, section: sec } : { kind: k, id, tab: t });
  }

  function openTab(tab: string, section?: string): void {
    const r = route.value;
    if (r.kind === 'home' || !r.id) return;
    lastTab[r.kind] = tab;
    navigate(section ? { ...r, tab, section } : { kind: r.kind, id: r.id, tab });
  }

  function setExpanded(id: string, open: boolean): void {
    if (expanded.value.has(id) === open) return;
    const next = new Set(expanded.value);
    if (open) next.add(id);
    else next.delete(id);
    expanded.value = next;
  }
  const toggle = (id: string): void => setExpanded(id, !expanded.value.has(id));

  /** Expands the ancestors of `id` in the current view so its row is visible. */
  function reveal(id: string): void {
    const tree = inventory.tree(view.value);
    if (!tree || !tree.nodes.has(id as never)) return;
    const path = ancestorsOf(tree, id as never);
    if (path.every((p) => expanded.value.has(p))) return;
    const next = new Set(expanded.value);
    for (const p of path) next.add(p);
    expanded.value = next;
  }

  // First load (the outline when it comes first): expand the roots and their children (datacenter and
  // clusters), select the first datacenter.
  watch(() => inventory.snapshot ?? inventory.outline, (snap, old) => {
    if (!snap || old) return;
    const tree = inventory.tree('hosts');
    if (!tree) return;
    const next = new Set(expanded.value);
    for (const r of tree.rootIds) {
      next.add(r);
      for (const c of tree.nodes.get(r)?.childIds ?? []) if (tree.nodes.get(c)?.kind === 'cluster') next.add(c);
    }
    expanded.value = next;
    if (route.value.kind === 'home' && tree.rootIds[0]) select(tree.rootIds[0]);
    else if (route.value.id) reveal(route.value.id);
  });
  watch(view, () => { if (route.value.id) reveal(route.value.id); });

  return { view, expanded, filter, revealRequest, selectedId, kind, tab, section, select, openTab, toggle, setExpanded, reveal };
});
