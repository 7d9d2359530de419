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
 *
 * Rules: requests never reject (typed error responses); the password in `host.add` goes to the manager
 * only (sealed or kept in memory there) and is in no answer, event or log.
 */
import type { ResponseMessage } from '@shared/api/protocol';
import { validateRequest } from '@shared/api/validate';
import type { FramedRequest } from '@shared/api/validate';
import { ApiException, apiError } from '@shared/api/errors';
import { namespaceOfId } from '@shared/model/ids';
import type { Backend } from '../backend';
import type { CompositeBackend } from '../compositeBackend';
import type { AddHostSpec, HostManager } from './hostManager';
import { realHostBackend } from './realHostBackend';

export interface RealHostsBackend extends Backend {
  restore(): Promise<void>;
}

export function withRealHosts(composite: CompositeBackend, manager: HostManager): RealHostsBackend {
  async function handle(message: FramedRequest, name: string): Promise<ResponseMessage> {
    const v = validateRequest(message);
    if (!v.ok) return { id: message.id, ok: false, error: v.error };
    const params = v.request.params as Record<string, unknown>;
    try {
      if (name === 'host.identify') {
        const p = params as { kind: 'libvirt' | 'vim25'; address: string; port?: number };
        return { id: message.id, ok: true, result: await manager.identify(p) };
      }
      if (name === 'host.add') {
        const service = await manager.add(params as unknown as AddHostSpec);
        await composite.add(realHostBackend(service));
        return { id: message.id, ok: true, result: { namespace: service.namespace, hostId: service.inventory().hosts[0]?.id } };
      }
      const hostId = String(params.hostId);
      const ns = namespaceOfId(hostId) ?? '';
      if (ns === '' || !composite.has(ns)) {
        return { id: message.id, ok: false, error: apiError(ns === '' ? 'E_INVALID_ARGUMENT' : 'E_NOT_FOUND', ns === '' ? `${hostId} is a simulated host; Remove from Inventory applies to real hosts` : `no real host owns ${hostId}`, 'params.hostId') };
      }
      await composite.remove(ns);
      manager.remove(ns);
      return { id: message.id, ok: true, result: { namespace: ns } };
    } catch (e) {
      return { id: message.id, ok: false, error: e instanceof ApiException ? e.error : apiError('E_HOST_ERROR', e instanceof Error ? e.message : String(e)) };
    }
  }

  return {
    namespace: composite.namespace,
    request(message) {
      const name = typeof message.name === 'string' ? message.name : '';
      if ((message.kind === 'query' && name === 'host.identify') || (message.kind === 'command' && (name === 'host.add' || name === 'host.remove'))) {
        return handle(message, name);
      }
      return composite.request(message);
    },
    onEvent: (listener) => composite.onEvent(listener),
    close: () => composite.close(),
    autosave: (timeoutMs) => composite.autosave?.(timeoutMs) ?? Promise.resolve({ saved: false }),
    async restore() {
      for (const service of await manager.restore()) await composite.add(realHostBackend(service));
    },
  };
}
