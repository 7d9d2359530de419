/**
 * A tiny hash router: `#/<kind>/<id>/<tab>[/<section>]` (hash history, so file:// works in Electron).
 *
 * - `route`: reactive current route; `startRouter()` listens to `hashchange`.
 * - `navigate(partial)`: writes the hash (which updates `route`); `parseHash` / `buildHash` are pure.
 * - `TABS`: the tabs of each object type, in vSphere's order and words.
 *
 * Rule: the URL is the source of truth for what is selected, so back/forward and reload work.
 */
import { shallowRef } from 'vue';

export type RouteKind = 'home' | 'vm' | 'host' | 'cluster' | 'resgroup' | 'datacenter' | 'datastore' | 'network';

export interface Route {
  kind: RouteKind;
  id?: string;
  tab: string;
  section?: string;
}

export interface TabDef {
  key: string;
  label: string;
}

export const TABS: Record<Exclude<RouteKind, 'home'>, TabDef[]> = {
  vm: [
    { key: 'summary', label: 'Summary' }, { key: 'monitor', label: 'Monitor' }, { key: 'configure', label: 'Configure' },
    { key: 'datastores', label: 'Datastores' }, { key: 'networks', label: 'Networks' }, { key: 'snapshots', label: 'Snapshots' },
  ],
  host: [
    { key: 'summary', label: 'Summary' }, { key: 'monitor', label: 'Monitor' }, { key: 'configure', label: 'Configure' },
    { key: 'vms', label: 'VMs' }, { key: 'datastores', label: 'Datastores' }, { key: 'networks', label: 'Networks' },
  ],
  cluster: [
    { key: 'summary', label: 'Summary' }, { key: 'monitor', label: 'Monitor' },
    { key: 'configure', label: 'Configure' }, { key: 'hosts', label: 'Hosts' }, { key: 'vms', label: 'VMs' },
  ],
  // A resource pool (its ids are vCenter's `resgroup-N`).
  resgroup: [{ key: 'summary', label: 'Summary' }, { key: 'monitor', label: 'Monitor' }, { key: 'vms', label: 'VMs' }],
  datacenter: [
    { key: 'summary', label: 'Summary' }, { key: 'monitor', label: 'Monitor' }, { key: 'configure', label: 'Configure' },
    { key: 'hosts-clusters', label: 'Hosts & Clusters' }, { key: 'vms', label: 'VMs' },
    { key: 'datastores', label: 'Datastores' }, { key: 'networks', label: 'Networks' },
  ],
  datastore: [{ key: 'summary', label: 'Summary' }, { key: 'files', label: 'Files' }, { key: 'vms', label: 'VMs' }, { key: 'hosts', label: 'Hosts' }],
  network: [{ key: 'summary', label: 'Summary' }, { key: 'hosts', label: 'Hosts' }, { key: 'vms', label: 'VMs' }],
};

const KINDS: RouteKind[] = ['vm', 'host', 'cluster', 'resgroup', 'datacenter', 'datastore', 'network'];

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
  const kind = parts[0] as RouteKind;
  if (!KINDS.includes(kind) || !parts[1]) return { kind: 'home', tab: 'summary' };
  const tabs = TABS[kind as Exclude<RouteKind, 'home'>];
  const tab = tabs.some((t) => t.key === parts[2]) ? parts[2] : 'summary';
  return parts[3] ? { kind, id: parts[1], tab, section: parts[3] } : { kind, id: parts[1], tab };
}

export function buildHash(r: Route): string {
  if (r.kind === 'home' || !r.id) return '#/';
  const segs = [r.kind, r.id, r.tab, ...(r.section ? [r.section] : [])];
  return `#/${segs.map(encodeURIComponent).join('/')}`;
}

export const route = shallowRef<Route>(typeof window === 'undefined' ? { kind: 'home', tab: 'summary' } : parseHash(window.location.hash));

let started = false;
export function startRouter(): void {
  if (started) return;
  started = true;
  window.addEventListener('hashchange', () => {
    route.value = parseHash(window.location.hash);
  });
}

export function navigate(r: Route): void {
  const hash = buildHash(r);
  route.value = parseHash(hash);
  if (window.location.hash !== hash) window.location.hash = hash;
}
