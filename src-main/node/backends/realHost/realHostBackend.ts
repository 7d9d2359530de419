/**
 * realHostBackend — one real host (`RealHostService`) behind the backend seam: contract requests in
 * (validated by the contract's own door, `validateRequest`), answers and events out in the contract's
 * shapes, under the host's id namespace (`kvm1:vm-3`, minted by the service itself).
 *
 * - `realHostBackend(service)` → `Backend` (namespace = the service's). `close()` closes the service.
 * - `realHostBackendInfo(service)` → its `BackendInfo`: kind, name, connection state and capabilities
 *   derived from the driver's (`capabilityCommands`), data the client reads to decide what it offers.
 *
 * Events: a changed inventory becomes `inventory.changed` with property-level updates against the last
 * view sent (the composite re-stamps the version); tasks → `task.updated`, events → `event.logged`,
 * console output → `console.output`, a sample → `metrics.sampled`.
 *
 * Rules: requests never reject (a refusal is a typed error response); nothing here waits on the host
 * except the operations' own tasks, which run in the service.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';
import type { CommandName } from '@shared/api/commands';
import { validateRequest } from '@shared/api/validate';
import { ApiException, apiError } from '@shared/api/errors';
import { EVENTS_SINCE_DEFAULT_LIMIT } from '@shared/api/queries';
import type { EventsSinceDto } from '@shared/api/queries';
import type { BackendInfo } from '@shared/model/backends';
import type { InventoryDto, EntityDto } from '@shared/model/inventory';
import type { EventId, ManagedEntityId } from '@shared/model/ids';
import { idNumber, namespaceOfId } from '@shared/model/ids';
import type { EntityUpdate } from '@shared/model/inventoryChanges';
import { diffEntity } from '@shared/model/inventoryChanges';
import type { Backend } from '../backend';
import type { DriverCapabilities, PowerOperation } from './hostDriver';
import type { RealHostService } from './realHostService';

const POWER_COMMANDS: Record<PowerOperation, CommandName> = {
  powerOn: 'vm.powerOn', powerOff: 'vm.powerOff', suspend: 'vm.suspend', reset: 'vm.reset',
  shutdownGuest: 'vm.shutdownGuest', rebootGuest: 'vm.rebootGuest',
};

/** The contract commands a real host carries out, from what its driver can do. */
export function capabilityCommands(caps: DriverCapabilities): CommandName[] {
  const out: CommandName[] = caps.power.map((p) => POWER_COMMANDS[p]);
  if (caps.snapshots) out.push('vm.snapshot.create', 'vm.snapshot.revert', 'vm.snapshot.remove', 'vm.snapshot.removeAll');
  if (caps.reconfigure) out.push('vm.reconfigure');
  if (caps.rename) out.push('vm.rename');
  if (caps.clone) out.push('vm.clone');
  if (caps.consoleInput) out.push('vm.console.send');
  out.push('host.reconnect', 'host.remove');
  return out;
}

export function realHostBackendInfo(service: RealHostService): BackendInfo {
  const info = service.info();
  const caps = info.capabilities;
  return {
    namespace: info.namespace, kind: info.kind, name: info.name, state: info.state,
    capabilities: {
      commands: capabilityCommands(caps), snapshotMemory: caps.snapshotMemory, snapshotQuiesce: caps.snapshotQuiesce,
      consoleInput: caps.consoleInput, monitors: [], virtualTime: false,
    },
  };
}

type View = Omit<InventoryDto, 'version'>;
const LISTS = ['datacenters', 'clusters', 'hosts', 'vms', 'datastores', 'networks'] as const;

function entitiesOf(view: View): Map<string, EntityDto> {
  const m = new Map<string, EntityDto>();
  for (const l of LISTS) for (const e of view[l] as EntityDto[]) m.set(e.id, e);
  return m;
}

/** The updates that turn one view of the host into the next. */
export function inventoryUpdates(before: View, after: View): EntityUpdate[] {
  const b = entitiesOf(before);
  const a = entitiesOf(after);
  const out: EntityUpdate[] = [];
  for (const [id, obj] of a) {
    const old = b.get(id);
    if (!old) out.push({ op: 'enter', id: id as ManagedEntityId, object: obj });
    else {
      const changes = diffEntity(old, obj);
      if (changes.length > 0) out.push({ op: 'modify', id: id as ManagedEntityId, changes });
    }
  }
  for (const id of b.keys()) if (!a.has(id)) out.push({ op: 'leave', id: id as ManagedEntityId });
  return out;
}

export function realHostBackend(service: RealHostService): Backend {
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => { for (const l of [...listeners]) l(e); };
  let sent: View = service.inventory();
  let closed = false;

  const unsubscribe = service.onEvent((e) => {
    switch (e.type) {
      case 'inventory': {
        const updates = inventoryUpdates(sent, e.inventory);
        sent = e.inventory;
        if (updates.length > 0) emit({ type: 'inventory.changed', version: 0, updates });
        break;
      }
      case 'task': emit({ type: 'task.updated', task: e.task }); break;
      case 'event': emit({ type: 'event.logged', event: e.event }); break;
      case 'console': emit({ type: 'console.output', vmId: e.vmId as never, offset: e.offset, text: e.text }); break;
      case 'sampled': emit({ type: 'metrics.sampled', timeMs: e.timeMs }); break;
    }
  });

  function eventsSince(p: { cursorIds?: EventId[]; limit?: number }): EventsSinceDto {
    let after = 0;
    for (const c of p.cursorIds ?? []) if (namespaceOfId(c) === service.namespace) after = Math.max(after, idNumber(c));
    const newer = service.eventsNewestFirst().filter((e) => idNumber(e.id) > after).reverse();
    const limit = p.limit ?? EVENTS_SINCE_DEFAULT_LIMIT;
    const events = newer.slice(0, limit);
    const last = events.length > 0 ? events[events.length - 1].id : (p.cursorIds ?? []).find((c) => namespaceOfId(c) === service.namespace);
    const oldestKept = service.eventsNewestFirst().at(-1);
    const missed = oldestKept && after > 0 ? Math.max(0, idNumber(oldestKept.id) - after - 1) : 0;
    return { events, cursorIds: last ? [last] : [], more: newer.length > events.length, missed };
  }

  return {
    namespace: service.namespace,
    async request(message): Promise<ResponseMessage> {
      if (closed) return { id: message.id, ok: false, error: apiError('E_TRANSPORT', `the real host ${service.info().name} was removed`) };
      const v = validateRequest(message);
      if (!v.ok) return { id: message.id, ok: false, error: v.error };
      const { kind, name } = v.request;
      const params = (v.request.params ?? {}) as Record<string, unknown>;
      try {
        let result: unknown;
        if (kind === 'query' && name === 'backends.list') result = [realHostBackendInfo(service)];
        else if (kind === 'query' && name === 'events.since') result = eventsSince(params as { cursorIds?: EventId[]; limit?: number });
        else if (kind === 'query') result = service.query(name, params);
        else result = service.command(name, params, (v.request as { initiator?: string }).initiator ?? 'lab-user');
        return { id: message.id, ok: true, result };
      } catch (e) {
        const error = e instanceof ApiException ? e.error : apiError('E_HOST_ERROR', e instanceof Error ? e.message : String(e));
        return { id: message.id, ok: false, error };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      unsubscribe();
      await service.close();
    },
  };
}
