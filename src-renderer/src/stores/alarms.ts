/**
 * Alarms (the Alarms pane, the header's counts, Monitor › Issues and Alarms): every triggered alarm of
 * the lab from `alarm.triggered`, fetched again whenever the engine logs an alarm event (a status
 * change, an acknowledgement, a definition edit), after a lab is loaded and after a reconnect.
 *
 * - `triggered`, `red`, `yellow`; `revision` (+1 per refetch, so views of one object refetch theirs);
 *   `showPane()` asks the bottom pane to open its Alarms tab (`paneRequests` counts the asks).
 * - `acknowledge(alarm)`, `reset(alarm)`, `updateDefinition(change)`: the contract's commands; errors
 *   are thrown as the contract's typed `ApiError`.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { TriggeredAlarmDto } from '@shared/model/alarms';
import type { CommandParams } from '@shared/api/commands';
import { useApi } from '@renderer/api/client';
import { useConnectionStore } from './connection';

export const useAlarmsStore = defineStore('alarms', () => {
  const api = useApi();
  const triggered = shallowRef<TriggeredAlarmDto[]>([]);
  const revision = ref(0);
  const paneRequests = ref(0);
  const showPane = (): void => { paneRequests.value++; };
  let loading = false;
  let again = false;

  async function load(): Promise<void> {
    // One fetch at a time; events during a fetch ask for one more afterwards.
    if (loading) { again = true; return; }
    loading = true;
    try {
      do {
        again = false;
        triggered.value = await api.query('alarm.triggered', {});
        revision.value++;
      } while (again);
    } catch {
      /* shown by the connection banner */
    } finally {
      loading = false;
    }
  }

  api.onEvent((e) => {
    if ((e.type === 'event.logged' && e.event.type.startsWith('Alarm')) || e.type === 'lab.loaded') void load();
  });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void load(); }, { immediate: true });

  const red = computed(() => triggered.value.filter((a) => a.status === 'red').length);
  const yellow = computed(() => triggered.value.filter((a) => a.status === 'yellow').length);

  async function acknowledge(a: TriggeredAlarmDto): Promise<void> {
    await api.command('alarm.acknowledge', { alarmKey: a.alarmKey, entityId: a.entityId });
    await load();
  }
  async function reset(a: TriggeredAlarmDto): Promise<void> {
    await api.command('alarm.reset', { alarmKey: a.alarmKey, entityId: a.entityId });
    await load();
  }
  async function updateDefinition(change: CommandParams<'alarm.updateDefinition'>): Promise<void> {
    await api.command('alarm.updateDefinition', change);
  }

  return { triggered, revision, paneRequests, showPane, red, yellow, load, acknowledge, reset, updateDefinition };
});
