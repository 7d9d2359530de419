/**
 * compositeBackend — several backends behind one `Backend`: each request goes to the backend that owns
 * the entities it names, queries over the whole lab are asked of every backend and merged, and the
 * event streams become one. Adding a backend (real hosts) is adding a member, never a transport change.
 *
 * - `createCompositeBackend(members, options?)` → `CompositeBackend`. Members: exactly one default
 *   backend (namespace '') and any number of namespaced ones, namespaces unique.
 * - At run time (real hosts added and removed): `add(member)` (its entities enter the change feed as
 *   one `inventory.changed`), `remove(namespace)` (its entities leave the same way; the member is
 *   closed), `has(namespace)`. The default backend is never removed.
 * - `entitiesOf(inventory)`: every entity of an inventory, list by list.
 *
 * Routing (from the framed request; the owning backend's door validates it):
 * - by the namespace of the ids in `params` (the contract's id keys, `contractIds.ts`): one namespace →
 *   its backend; none → the default backend (sim.*, lab.*, engine.info, metrics.catalog, a vm.create
 *   that names no host); two → refused (E_INVALID_ARGUMENT: one operation never spans backends); an
 *   unknown namespace → E_NOT_FOUND naming the field.
 * - merged: `inventory.get` (lists concatenated), `inventory.outline` (the default member's own outline,
 *   the others' `inventory.get` outlined here: real hosts' members have no outline of their own), `tasks.list` / `events.list` without an entity
 *   (newest first, cut to the limit), `backends.list` (each member's entry under its namespace),
 *   `events.since` (the cursor holds one last-seen id per backend; merged oldest first).
 * - answered here: `inventory.changesSince`, from the composite's own history (validated here with the
 *   same `validateRequest`, since no backend's door sees it).
 *
 * Events: `inventory.changed` is re-stamped with the composite's version (one counter across members,
 * +1 per event) and recorded; `lab.loaded` from any member resets that history (older versions get
 * resync); `sim.ticked` passes from the default backend only (the lab's clock); the rest pass as they are.
 * `inventory.get` answers with the version current when it was asked, so a client that applies every
 * later event (idempotent, `model/inventoryChanges.ts`) converges whatever the members' timing.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';
import type { FramedRequest } from '@shared/api/validate';
import { validateRequest } from '@shared/api/validate';
import { API_VERSION } from '@shared/api/channels';
import { apiError } from '@shared/api/errors';
import type { EventsSinceDto } from '@shared/api/queries';
import { CHANGE_HISTORY_UPDATES, EVENTS_SINCE_DEFAULT_LIMIT, LIST_DEFAULT_LIMIT } from '@shared/api/queries';
import type { EntityDto, InventoryDto } from '@shared/model/inventory';
import type { InventoryOutlineDto } from '@shared/model/inventoryOutline';
import { outlineOf } from '@shared/model/inventoryOutline';
import type { TaskDto } from '@shared/model/task';
import type { EventDto } from '@shared/model/eventLog';
import type { EventId } from '@shared/model/ids';
import { namespaceOfId } from '@shared/model/ids';
import type { BackendInfo } from '@shared/model/backends';
import { ChangeHistory } from '@shared/model/inventoryChanges';
import type { EntityUpdate } from '@shared/model/inventoryChanges';
import type { Backend } from './backend';
import { forEachId } from './contractIds';

export interface CompositeOptions {
  /** Entity updates kept for `inventory.changesSince` (default: the contract's CHANGE_HISTORY_UPDATES). */
  historyUpdates?: number;
}

type Ok<T> = { id: number; ok: true; result: T };

export interface CompositeBackend extends Backend {
  add(member: Backend): Promise<void>;
  remove(namespace: string): Promise<void>;
  has(namespace: string): boolean;
}

const INVENTORY_LISTS = ['datacenters', 'clusters', 'hosts', 'vms', 'datastores', 'networks', 'resourcePools'] as const;
/** Every entity of an inventory (its lists in order; resource pools when it has any). */
export const entitiesOf = (inv: Omit<InventoryDto, 'version'>): EntityDto[] => INVENTORY_LISTS.flatMap((l) => (inv[l] ?? []) as EntityDto[]);

export function createCompositeBackend(initialMembers: Backend[], options: CompositeOptions = {}): CompositeBackend {
  const members = [...initialMembers];
  const byNamespace = new Map<string, Backend>();
  for (const m of members) {
    if (byNamespace.has(m.namespace)) throw new Error(`two backends share the namespace "${m.namespace}"`);
    byNamespace.set(m.namespace, m);
  }
  const primary = byNamespace.get('');
  if (!primary) throw new Error('a composite backend needs one default backend (namespace "")');

  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => { for (const l of [...listeners]) l(e); };
  let version = 0;
  const history = new ChangeHistory(version, options.historyUpdates ?? CHANGE_HISTORY_UPDATES);

  const changed = (updates: EntityUpdate[]) => {
    version++;
    history.record(version, updates);
    emit({ type: 'inventory.changed', version, updates });
  };
  const subscribe = (m: Backend) => m.onEvent((e) => {
    if (e.type === 'inventory.changed') {
      changed(e.updates);
    } else if (e.type === 'lab.loaded') {
      version++;
      history.reset(version);
      emit(e);
    } else if (e.type !== 'sim.ticked' || m === primary) {
      emit(e);
    }
  });
  const unsubscribe = new Map<Backend, () => void>(members.map((m) => [m, subscribe(m)]));

  /** A member's whole inventory, or nothing if it cannot answer (its entities then arrive with its next change). */
  async function inventoryOf(m: Backend): Promise<EntityDto[]> {
    const r = await m.request({ v: API_VERSION, id: 0, kind: 'query', name: 'inventory.get', params: {} } as FramedRequest);
    return r.ok ? entitiesOf(r.result as InventoryDto) : [];
  }

  /** Asks every member; the first failure (in member order) is the answer, else all results. */
  async function askAll<T>(message: FramedRequest, paramsFor: (m: Backend) => unknown = () => message.params): Promise<{ error: ResponseMessage } | { results: T[] }> {
    const replies = await Promise.all(members.map((m) => m.request({ ...message, params: paramsFor(m) })));
    const failed = replies.find((r) => !r.ok);
    if (failed) return { error: { ...failed, id: message.id } };
    return { results: replies.map((r) => (r as Ok<T>).result) };
  }

  function route(message: FramedRequest): Backend | ResponseMessage {
    let chosen: { ns: string; id: string } | undefined;
    let problem: ResponseMessage | undefined;
    forEachId(message.params, (id, field) => {
      if (problem) return;
      const ns = namespaceOfId(id)!;
      if (!byNamespace.has(ns)) {
        problem = { id: message.id, ok: false, error: apiError('E_NOT_FOUND', `no backend owns ${id} (namespace "${ns}")`, field) };
      } else if (chosen && chosen.ns !== ns) {
        problem = { id: message.id, ok: false, error: apiError('E_INVALID_ARGUMENT', `${id} and ${chosen.id} belong to different backends; one operation acts within one backend`, field) };
      } else {
        chosen = { ns, id };
      }
    });
    return problem ?? byNamespace.get(chosen?.ns ?? '')!;
  }

  /**
   * `inventory.get` or `inventory.outline` over every member. The outline is asked of the default member
   * (the engine builds it without whole VMs); the others answer `inventory.get`, outlined here.
   */
  async function inventoryGet(message: FramedRequest, outline: boolean): Promise<ResponseMessage> {
    const asOf = version;
    // The default member's door validates the request as sent; the others get the same (empty) params.
    const whole: FramedRequest = { ...message, name: 'inventory.get' };
    const replies = await Promise.all(members.map((m) => m.request(outline && m !== primary ? whole : message)));
    const failed = replies.find((x) => !x.ok);
    if (failed) return { ...failed, id: message.id };
    const results = replies.map((x, i): InventoryOutlineDto => {
      const inv = (x as Ok<InventoryDto>).result;
      return outline && members[i] !== primary ? outlineOf(inv) : inv;
    });
    // Every list of the inventory, concatenated in member order; an optional list (resource pools) stays
    // absent when no member has one, as a single backend answers.
    const merged: Record<string, unknown> = { version: asOf };
    for (const list of INVENTORY_LISTS) {
      const all = results.flatMap((i) => (i[list] ?? []) as EntityDto[]);
      if (all.length || list !== 'resourcePools') merged[list] = all;
    }
    // `inventory.get`: every member answered whole VMs, so the merge is the whole inventory.
    return { id: message.id, ok: true, result: merged as unknown as InventoryOutlineDto };
  }

  async function newestFirst<T>(message: FramedRequest, timeOf: (x: T) => number): Promise<ResponseMessage> {
    const r = await askAll<T[]>(message);
    if ('error' in r) return r.error;
    const limit = (message.params as { limit?: number } | undefined)?.limit ?? LIST_DEFAULT_LIMIT;
    const all = r.results.flatMap((list, member) => list.map((x, i) => ({ x, member, i })));
    all.sort((a, b) => timeOf(b.x) - timeOf(a.x) || a.member - b.member || a.i - b.i);
    return { id: message.id, ok: true, result: all.slice(0, limit).map((e) => e.x) };
  }

  async function backendsList(message: FramedRequest): Promise<ResponseMessage> {
    const r = await askAll<BackendInfo[]>(message);
    if ('error' in r) return r.error;
    return { id: message.id, ok: true, result: r.results.flatMap((list, i) => list.map((b) => ({ ...b, namespace: members[i].namespace }))) };
  }

  async function eventsSince(message: FramedRequest): Promise<ResponseMessage> {
    const v = validateRequest(message);
    if (!v.ok) return { id: message.id, ok: false, error: v.error };
    const p = v.request.params as { cursorIds?: EventId[]; limit?: number };
    const limit = p.limit ?? EVENTS_SINCE_DEFAULT_LIMIT;
    const cursorOf = (m: Backend) => (p.cursorIds ?? []).filter((c) => namespaceOfId(c) === m.namespace);
    const r = await askAll<EventsSinceDto>(message, (m) => ({ cursorIds: cursorOf(m), limit }));
    if ('error' in r) return r.error;
    const all = r.results.flatMap((page, member) => page.events.map((e, i) => ({ e, member, i })));
    all.sort((a, b) => a.e.timeMs - b.e.timeMs || a.member - b.member || a.i - b.i);
    const taken = all.slice(0, limit);
    const cursorIds: EventId[] = [];
    members.forEach((m, member) => {
      const last = taken.filter((t) => t.member === member).pop();
      if (last) cursorIds.push(last.e.id);
      else cursorIds.push(...cursorOf(m));
    });
    const result: EventsSinceDto = {
      events: taken.map((t) => t.e), cursorIds,
      more: taken.length < all.length || r.results.some((page) => page.more),
      missed: r.results.reduce((n, page) => n + page.missed, 0),
    };
    return { id: message.id, ok: true, result };
  }

  return {
    namespace: '',
    async request(message) {
      if (message.kind === 'query') {
        const hasEntity = typeof (message.params as { entityId?: unknown } | undefined)?.entityId === 'string';
        switch (message.name) {
          case 'inventory.changesSince': {
            const v = validateRequest(message);
            if (!v.ok) return { id: message.id, ok: false, error: v.error };
            return { id: message.id, ok: true, result: history.since((v.request.params as { version: number }).version) };
          }
          case 'inventory.get': return inventoryGet(message, false);
          case 'inventory.outline': return inventoryGet(message, true);
          case 'backends.list': return backendsList(message);
          case 'events.since': return eventsSince(message);
          case 'tasks.list': if (!hasEntity) return newestFirst<TaskDto>(message, (t) => t.queuedAtMs); break;
          case 'events.list': if (!hasEntity) return newestFirst<EventDto>(message, (e) => e.timeMs); break;
        }
      }
      const target = route(message);
      return 'request' in target ? target.request(message) : target;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      for (const u of unsubscribe.values()) u();
      unsubscribe.clear();
      await Promise.all(members.map((m) => m.close()));
    },
    has: (namespace) => byNamespace.has(namespace),
    async add(member) {
      if (member.namespace === '') throw new Error('the default backend is given at creation, not added');
      if (byNamespace.has(member.namespace)) throw new Error(`two backends share the namespace "${member.namespace}"`);
      byNamespace.set(member.namespace, member);
      members.push(member);
      unsubscribe.set(member, subscribe(member));
      const entered = await inventoryOf(member);
      if (entered.length > 0) changed(entered.map((object) => ({ op: 'enter', id: object.id, object }) as EntityUpdate));
    },
    async remove(namespace) {
      const member = byNamespace.get(namespace);
      if (!member || member === primary) throw new Error(namespace === '' ? 'the default backend cannot be removed' : `no backend has the namespace "${namespace}"`);
      const leaving = await inventoryOf(member);
      unsubscribe.get(member)?.();
      unsubscribe.delete(member);
      byNamespace.delete(namespace);
      members.splice(members.indexOf(member), 1);
      if (leaving.length > 0) changed(leaving.map((object) => ({ op: 'leave', id: object.id }) as EntityUpdate));
      await member.close();
    },
    async autosave(timeoutMs) {
      const results = await Promise.all(members.map((m) => m.autosave?.(timeoutMs)));
      const errors = results.flatMap((r) => (r?.error ? [r.error] : []));
      return { saved: results.some((r) => r?.saved === true), ...(errors.length ? { error: errors.join('; ') } : {}) };
    },
  };
}
