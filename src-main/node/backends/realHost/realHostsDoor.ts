/**
 * realHostsDoor — the lab's real hosts at the backend seam: in front of the composite, it answers the
 * requests that add and remove whole backends (Add Host's `host.identify` and `host.add`, and
 * `host.remove`), and passes everything else to the composite, where each real host is one more member
 * routed by its id namespace.
 *
 * - `withRealHosts(composite, manager)` → a `Backend` plus `restore()` (brings back the hosts added
 *   before; one that is down shows as not responding, and the lab starts anyway).
 * - `host.identify` → the host's key fingerprint or certificate thumbprint, read before any credential;
 *   `host.add` → `{ namespace, hostId }` once the host answered with the accepted identity and the
 *   credentials worked (else a typed error, nothing recorded); `host.remove` → `{ namespace }`.
 * - `backends.list`: the composite's list, with `host.add` among the default backend's commands: hosts
 *   are added from its datacenters (each real host then comes as a backend of its own), so the client
 *   offers Add Host there because the data says so.
 *
 * - Adding and removing a host are Recent Tasks, as vCenter's "Add host" and "Remove host" tasks are
 *   (queued → running → completed or failed, with their target and initiator, and a HostAddedEvent /
 *   HostRemovedEvent): `hostTaskLog.ts`, a member of the composite, records them. Add host's target is
 *   the datacenter or cluster the user chose (`locationId`; else the lab's first datacenter), Remove
 *   host's the host. A request refused before anything started (malformed, unknown location or host) has
 *   no task. Reconnect is the host's own task (its backend exists throughout).
 *
 * Rules: requests never reject (typed error responses); the password in `host.add` goes to the manager
 * only (sealed or kept in memory there) and is in no answer, task, event or log.
 */
import type { ResponseMessage } from '@shared/api/protocol';
import { validateRequest } from '@shared/api/validate';
import type { FramedRequest } from '@shared/api/validate';
import { ApiException, apiError } from '@shared/api/errors';
import { namespaceOfId } from '@shared/model/ids';
import type { BackendInfo } from '@shared/model/backends';
import type { InventoryDto } from '@shared/model/inventory';
import { LAB_USER } from '@shared/model/task';
import { API_VERSION } from '@shared/api/channels';
import type { Backend } from '../backend';
import type { CompositeBackend } from '../compositeBackend';
import type { AddHostSpec, HostManager } from './hostManager';
import { realHostBackend } from './realHostBackend';
import { HostTaskLog, HOST_TASKS_NAMESPACE } from './hostTaskLog';

export interface RealHostsBackend extends Backend {
  restore(): Promise<void>;
}

/** The default backend's entry of a `backends.list` answer also lists `host.add` (this door carries it out). */
function withAddHost(response: ResponseMessage): ResponseMessage {
  if (!response.ok || !Array.isArray(response.result)) return response;
  const list = (response.result as BackendInfo[]).map((b) => (b.namespace === '' && !b.capabilities.commands.includes('host.add')
    ? { ...b, capabilities: { ...b.capabilities, commands: [...b.capabilities.commands, 'host.add' as const] } }
    : b));
  return { ...response, result: list };
}

export function withRealHosts(composite: CompositeBackend, manager: HostManager): RealHostsBackend {
  const taskLog = new HostTaskLog();
  // The log joins before any request is answered (adding it only lists its empty inventory).
  const logJoined = composite.add(taskLog.backend);

  async function inventory(): Promise<InventoryDto> {
    const r = await composite.request({ v: API_VERSION, id: 0, kind: 'query', name: 'inventory.get', params: {} });
    if (!r.ok) throw new ApiException(r.error);
    return r.result as InventoryDto;
  }

  /** Add host's target: the datacenter or cluster named, else the lab's first (simulated) datacenter. */
  async function locationOf(locationId: string | undefined): Promise<{ id: string; name: string }> {
    const inv = await inventory();
    const found = locationId
      ? [...inv.datacenters, ...inv.clusters].find((x) => x.id === locationId)
      : inv.datacenters.find((d) => namespaceOfId(d.id) === '');
    if (!found) {
      throw new ApiException(apiError('E_NOT_FOUND', locationId ? `no datacenter or cluster ${locationId} in the lab` : 'the lab has no datacenter to add a host from', 'params.locationId'));
    }
    return { id: found.id, name: found.name };
  }

  async function handle(message: FramedRequest, name: string): Promise<ResponseMessage> {
    const v = validateRequest(message);
    if (!v.ok) return { id: message.id, ok: false, error: v.error };
    const params = v.request.params as Record<string, unknown>;
    const initiator = (v.request as { initiator?: string }).initiator ?? LAB_USER;
    try {
      await logJoined;
      if (name === 'host.identify') {
        const p = params as { kind: 'libvirt' | 'vim25'; address: string; port?: number };
        return { id: message.id, ok: true, result: await manager.identify(p) };
      }
      if (name === 'host.add') {
        const { locationId, ...spec } = params as unknown as AddHostSpec & { locationId?: string };
        const target = await locationOf(locationId);
        const result = await taskLog.run('host.add', target, initiator, async () => {
          const service = await manager.add(spec);
          await composite.add(realHostBackend(service));
          const host = service.inventory().hosts[0];
          return {
            result: { namespace: service.namespace, hostId: host?.id },
            event: {
              type: 'HostAddedEvent', message: `Added host ${host?.name ?? service.info().name} (${service.info().kind === 'libvirt' ? 'KVM' : 'ESXi'}) to the inventory, in datacenter ${service.info().name}`,
              ...(host ? { entity: { id: host.id, name: host.name } } : {}),
            },
          };
        });
        return { id: message.id, ok: true, result };
      }
      const hostId = String(params.hostId);
      const ns = namespaceOfId(hostId) ?? '';
      if (ns === '' || ns === HOST_TASKS_NAMESPACE || !composite.has(ns)) {
        return { id: message.id, ok: false, error: apiError(ns === '' ? 'E_INVALID_ARGUMENT' : 'E_NOT_FOUND', ns === '' ? `${hostId} is a simulated host; Remove from Inventory applies to real hosts` : `no real host owns ${hostId}`, 'params.hostId') };
      }
      const host = (await inventory()).hosts.find((h) => h.id === hostId);
      const target = { id: hostId, name: host?.name ?? hostId };
      const result = await taskLog.run('host.remove', target, initiator, async () => {
        await composite.remove(ns);
        manager.remove(ns);
        return { result: { namespace: ns }, event: { type: 'HostRemovedEvent', message: `Removed host ${target.name} from the inventory (its VMs keep running on it)`, entity: target } };
      });
      return { id: message.id, ok: true, result };
    } catch (e) {
      return { id: message.id, ok: false, error: e instanceof ApiException ? e.error : apiError('E_HOST_ERROR', e instanceof Error ? e.message : String(e)) };
    }
  }

  return {
    namespace: composite.namespace,
    async request(message) {
      const name = typeof message.name === 'string' ? message.name : '';
      if ((message.kind === 'query' && name === 'host.identify') || (message.kind === 'command' && (name === 'host.add' || name === 'host.remove'))) {
        return handle(message, name);
      }
      if (message.kind === 'query' && name === 'backends.list') return withAddHost(await composite.request(message));
      return composite.request(message);
    },
    onEvent: (listener) => composite.onEvent(listener),
    close: () => composite.close(),
    autosave: (timeoutMs) => composite.autosave?.(timeoutMs) ?? Promise.resolve({ saved: false }),
    async restore() {
      await logJoined;
      for (const service of await manager.restore()) await composite.add(realHostBackend(service));
    },
  };
}
