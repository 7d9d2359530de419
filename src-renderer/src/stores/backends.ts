/**
 * The backends behind the contract (`backends.list`: the simulated engine today, real hosts later) and
 * what each can do, so components ask "does the backend of this entity support X" instead of
 * special-casing a kind of backend.
 *
 * - `list`; `of(entityId)` → the owning backend (by the id's namespace); `supports(entityId, command)`;
 *   `capabilities(entityId)`; `realTime(id)`: times of that entity, task or event are a host's wall clock
 *   (a backend without virtual time), not the lab's virtual time.
 *
 * Rule: until the list has loaded (or for an entity of an unlisted backend) everything is offered and
 * the backend's answer is final, as for every other precondition. The list is read again when the
 * inventory feed brings or takes entities of a backend it does not list or no longer has (a real host
 * added or removed), so a new backend's capabilities apply at once.
 */
import { defineStore } from 'pinia';
import { shallowRef, watch } from 'vue';
import type { CommandName } from '@shared/api/commands';
import type { BackendCapabilities, BackendInfo } from '@shared/model/backends';
import { backendOf, supports as backendSupports } from '@shared/model/backends';
import type { EntityUpdate } from '@shared/model/inventoryChanges';
import { kindOfId, namespaceOfId } from '@shared/model/ids';
import { useApi } from '@renderer/api/client';
import { useConnectionStore } from './connection';

export const useBackendsStore = defineStore('backends', () => {
  const api = useApi();
  const list = shallowRef<BackendInfo[]>([]);

  async function load(): Promise<void> {
    try {
      list.value = await api.query('backends.list', {});
    } catch {
      /* shown by the banner; everything stays offered */
    }
  }

  const of = (entityId: string): BackendInfo | undefined => backendOf(list.value, entityId);
  const supports = (entityId: string, command: CommandName): boolean => backendSupports(of(entityId), command);
  const capabilities = (entityId: string): BackendCapabilities | undefined => of(entityId)?.capabilities;
  // Only the default backend (the simulated engine) keeps the lab's virtual clock; any namespaced id is
  // of something that lives in real time (a real host, or the log of adding and removing them), also once
  // its backend has left the list (a removed host's last task), unless its backend says it is simulated.
  const realTime = (id: string | undefined): boolean => {
    const ns = id === undefined ? undefined : namespaceOfId(id);
    if (ns === undefined) return false;
    const listed = of(id!);
    return listed ? listed.capabilities.virtualTime === false : ns !== '';
  };

  /** Whether an update is about a backend the list does not describe (new) or a whole backend leaving. */
  const changesBackends = (u: EntityUpdate): boolean => {
    const ns = namespaceOfId(u.id);
    if (ns === undefined) return false;
    if (u.op === 'enter') return list.value.length > 0 && !list.value.some((b) => b.namespace === ns);
    return u.op === 'leave' && ns !== '' && kindOfId(u.id) === 'host';
  };
  api.onEvent((e) => {
    if (e.type === 'lab.loaded' || (e.type === 'inventory.changed' && e.updates.some(changesBackends))) void load();
  });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void load(); }, { immediate: true });

  return { list, load, of, supports, capabilities, realTime };
});
