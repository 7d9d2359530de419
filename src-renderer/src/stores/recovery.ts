/**
 * The autosave offer (`lab.recovery`): after an unsaved quit or a crash of the engine, the host offers
 * the last autosave back until the user chooses Restore or Discard.
 *
 * - `info` (refetched whenever the connection opens and whenever the lab is replaced), `visible`,
 *   `restore()`, `discard()`, `busy`, `error` (a refusal, in the engine's words).
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { RecoveryInfo } from '@shared/api/queries';
import { useApi } from '@renderer/api/client';
import { useConnectionStore } from './connection';
import { message } from './sim';

export const useRecoveryStore = defineStore('recovery', () => {
  const api = useApi();
  const info = ref<RecoveryInfo | null>(null);
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    try {
      info.value = await api.query('lab.recovery', {});
    } catch {
      info.value = null; // a host without autosave (or an older one): nothing to offer
    }
  }

  async function act(name: 'lab.recovery.restore' | 'lab.recovery.discard'): Promise<void> {
    busy.value = true;
    try {
      await api.command(name, {});
      error.value = null;
    } catch (e) {
      error.value = message(e);
    } finally {
      busy.value = false;
      await load();
    }
  }

  const visible = computed(() => !!info.value && ((info.value.offered && !!info.value.autosave) || !!info.value.engineCrash));

  api.onEvent((e) => { if (e.type === 'lab.loaded') void load(); });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void load(); }, { immediate: true });

  return { info, visible, busy, error, load, restore: () => act('lab.recovery.restore'), discard: () => act('lab.recovery.discard') };
});
