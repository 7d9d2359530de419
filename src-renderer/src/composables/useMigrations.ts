/**
 * useMigrations(vmId?): the lab's live migrations (`migration.list`, of one VM or all), newest first,
 * refreshed while the view that uses it is mounted: every `POLL_RUNNING_MS` while one is running (the
 * monitor is live), every `POLL_IDLE_MS` otherwise (a migration started elsewhere appears), and at once
 * when a Relocate task changes state.
 *
 * Returns `{ list, error, refresh }`. Rule: the engine has no migration event; polling stops on unmount.
 * `requestMigration(taskId)` / `requestedMigration`: which migration the monitor should show next (a
 * Relocate task's "Migration details" link in Recent Tasks).
 */
import { onBeforeUnmount, ref, shallowRef } from 'vue';
import type { Ref } from 'vue';
import type { MigrationStats } from '@shared/model/migration';
import type { VmId } from '@shared/model/ids';
import { idNumber } from '@shared/model/ids';
import { ApiException } from '@shared/api/errors';
import { useApi } from '@renderer/api/client';
import { isMigrationRunning } from '@renderer/logic/migrationView';

/** The migration a link asked the monitor to show (consumed by the monitor). */
export const requestedMigration = shallowRef<string | null>(null);
export function requestMigration(taskId: string): void {
  requestedMigration.value = taskId;
}

export const POLL_RUNNING_MS = 500;
export const POLL_IDLE_MS = 3000;

export function useMigrations(vmId: Ref<string | undefined>) {
  const api = useApi();
  const list = shallowRef<MigrationStats[] | null>(null);
  const error = ref('');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let alive = true;
  let inFlight = false;

  async function refresh(): Promise<void> {
    if (inFlight) return;
    inFlight = true;
    try {
      const id = vmId.value;
      const got = await api.query('migration.list', id ? { vmId: id as VmId } : {});
      list.value = [...got].sort((a, b) => idNumber(b.taskId) - idNumber(a.taskId));
      error.value = '';
    } catch (e) {
      error.value = e instanceof ApiException ? e.error.message : String(e);
    } finally {
      inFlight = false;
    }
    schedule();
  }

  function schedule(): void {
    clearTimeout(timer);
    if (!alive) return;
    const running = list.value?.some((m) => isMigrationRunning(m.status)) ?? false;
    timer = setTimeout(() => void refresh(), running ? POLL_RUNNING_MS : POLL_IDLE_MS);
  }

  const off = api.onEvent((e) => {
    if (e.type === 'task.updated' && e.task.operation === 'vm.migrate') void refresh();
    else if (e.type === 'lab.loaded') void refresh();
  });
  void refresh();
  onBeforeUnmount(() => {
    alive = false;
    clearTimeout(timer);
    off();
  });
  return { list, error, refresh };
}
