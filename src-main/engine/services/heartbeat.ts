/**
 * heartbeat — vSphere HA's datastore heartbeating: which datastores a cluster heartbeats through, and
 * whether a host's heartbeat is seen there. The HA master uses it to tell an isolated host (management
 * network cut, still writing its datastore heartbeats) from a failed one (no heartbeat anywhere).
 *
 * - `heartbeatDatastores(reg, clusterId, settings)` → the datastores in use, in order.
 * - `heartbeatSeen(reg, host, datastores)` → the datastores on which the host's heartbeat is seen.
 * - `heartbeatProblem(reg, clusterId, settings)` → the configuration check `cluster.configure` makes.
 * - `heartbeatDto(...)` → Monitor › vSphere HA › Heartbeat.
 *
 * Rules (the lab's, after vSphere's):
 *  - Feasible datastores are those every host of the cluster mounts. Automatic selection
 *    (`allFeasibleDs`) takes HEARTBEAT_DATASTORES_PER_CLUSTER of them, accessible ones first, then in
 *    registry order (vSphere also prefers datastores on different arrays; the lab has no arrays). As vSphere
 *    does, it selects again when one becomes inaccessible, so automatic heartbeating is lost only when no
 *    feasible datastore is left.
 *  - `userSelectedDs` uses exactly the specified datastores, accessible or not (no fallback).
 *  - `allFeasibleDsWithUserPreference` uses the accessible specified ones, then completes automatically.
 *  - A host's heartbeat is seen on a heartbeat datastore when the host is powered on (not crashed), mounts
 *    it, and the datastore is accessible. The management network plays no part: an isolated host keeps
 *    writing.
 */
import type { HeartbeatDatastoreSettings, HeartbeatDto } from '@shared/model/clusterServices';
import { HEARTBEAT_DATASTORES_PER_CLUSTER } from '@shared/model/clusterServices';
import type { ClusterId, DatastoreId } from '@shared/model/ids';
import type { Datastore, Host, Registry } from '../cluster/index';

function clusterHosts(reg: Registry, clusterId: ClusterId): Host[] {
  const out: Host[] = [];
  for (const h of reg.hosts.values()) if (h.clusterId === clusterId) out.push(h);
  return out;
}

/** Datastores every host of the cluster mounts (none for a cluster without hosts). */
export function feasibleDatastores(reg: Registry, clusterId: ClusterId): Datastore[] {
  const hosts = clusterHosts(reg, clusterId);
  if (hosts.length === 0) return [];
  const out: Datastore[] = [];
  for (const ds of reg.datastores.values()) if (hosts.every((h) => ds.hostIds.includes(h.id))) out.push(ds);
  return out;
}

const accessible = (ds: Datastore): boolean => ds.inaccessibleSinceMs === undefined;

/** The heartbeat datastores in use now, in order. */
export function heartbeatDatastores(reg: Registry, clusterId: ClusterId, settings: HeartbeatDatastoreSettings): Datastore[] {
  const specified = settings.datastoreIds.map((id) => reg.datastores.get(id)).filter((d): d is Datastore => d !== undefined);
  if (settings.policy === 'userSelectedDs') return specified;
  const feasible = feasibleDatastores(reg, clusterId);
  const ranked = [...feasible.filter(accessible), ...feasible.filter((d) => !accessible(d))];
  const chosen = settings.policy === 'allFeasibleDsWithUserPreference' ? specified.filter(accessible) : [];
  for (const ds of ranked) {
    if (chosen.length >= HEARTBEAT_DATASTORES_PER_CLUSTER) break;
    if (!chosen.includes(ds)) chosen.push(ds);
  }
  return chosen;
}

/** The heartbeat datastores on which `host`'s heartbeat is seen (empty: none). */
export function heartbeatSeen(host: Host, datastores: readonly Datastore[]): DatastoreId[] {
  if (host.powerState !== 'poweredOn' || host.fault?.kind === 'crash') return [];
  return datastores.filter((ds) => accessible(ds) && ds.hostIds.includes(host.id)).map((ds) => ds.id);
}

/** What is wrong with the specified list for this cluster: a message and the index of the entry, or undefined. */
export function heartbeatProblem(reg: Registry, clusterId: ClusterId, settings: HeartbeatDatastoreSettings): { index?: number; message: string } | undefined {
  if (settings.policy === 'userSelectedDs' && settings.datastoreIds.length === 0) {
    return { message: 'Choose at least one heartbeat datastore, or let vSphere HA select them automatically.' };
  }
  const feasible = new Set(feasibleDatastores(reg, clusterId).map((d) => d.id));
  for (const [i, id] of settings.datastoreIds.entries()) {
    const ds = reg.datastores.get(id);
    if (!ds) return { index: i, message: `There is no datastore ${id}.` };
    if (!feasible.has(id)) return { index: i, message: `Datastore ${ds.name} is not mounted on every host of the cluster, so it cannot be a heartbeat datastore.` };
    if (settings.datastoreIds.indexOf(id) < i) return { index: i, message: `Datastore ${ds.name} is listed twice.` };
  }
  return undefined;
}

export function heartbeatDto(reg: Registry, clusterId: ClusterId, settings: HeartbeatDatastoreSettings): HeartbeatDto {
  const inUse = heartbeatDatastores(reg, clusterId, settings);
  const dto: HeartbeatDto = {
    policy: settings.policy,
    datastores: inUse.map((ds) => ({ datastoreId: ds.id, name: ds.name, accessible: accessible(ds), specified: settings.datastoreIds.includes(ds.id) })),
    hosts: clusterHosts(reg, clusterId).map((h) => {
      const via = heartbeatSeen(h, inUse);
      return { hostId: h.id, hostName: h.name, seen: via.length > 0, via };
    }),
  };
  const usable = inUse.filter(accessible).length;
  if (usable < HEARTBEAT_DATASTORES_PER_CLUSTER) {
    dto.problem = `The number of vSphere HA heartbeat datastores for this cluster is ${usable}, which is less than required: ${HEARTBEAT_DATASTORES_PER_CLUSTER}`;
  }
  return dto;
}
