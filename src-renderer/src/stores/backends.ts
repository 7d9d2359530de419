/**
 * The backends behind the contract (`backends.list`: the simulated engine today, real hosts later) and
 * what each can do, so components ask "does the backend of this entity support X" instead of
 * special-casing a kind of backend.
 *
 * - `list`; `of(entityId)` → the owning backend (by the id's namespace); `supports(entityId, command)`;
 *   `capabilities(entityId)`.
 *
 * Rule: until the list has loaded (or for an entity of an unlisted backend) everything is offered and
 * the backend's answer is final, as for every other precondition.
 */
import { defineStore } from 'pinia';
import { shallowRef, watch } from 'vue';
import type { CommandName } from '@shared/api/commands';
import type { BackendCapabilities, BackendInfo } from '@shared/model/backends';
import { backendOf, supports as backendSupports } from '@shared/model/backends';
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

  api.onEvent((e) => { if (e.type === 'lab.loaded') void load(); });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void load(); }, { immediate: true });

  return { list, load, of, supports, capabilities };
});
