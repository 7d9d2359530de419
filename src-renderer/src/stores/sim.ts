/**
 * The simulation clock as the header shows it: virtual time, run/pause, speed; and its controls.
 *
 * - `status` (from `sim.status`, then `sim.ticked` events); `stepFromMs`: the virtual time a step in
 *   progress started at (for its progress bar); `run(speed?)`, `pause()`, `step(seconds)`,
 *   `setSpeed(speed)`; `error` holds the last refusal to show next to the controls.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { SimStatus } from '@shared/api/commands';
import { ApiException } from '@shared/api/errors';
import { useApi } from '@renderer/api/client';
import { useConnectionStore } from './connection';

export const SPEEDS: readonly (number | 'max')[] = [1, 10, 100, 'max'];

export const useSimStore = defineStore('sim', () => {
  const api = useApi();
  const status = ref<SimStatus | null>(null);
  const error = ref<string | null>(null);
  const busy = ref(false);
  const stepFromMs = ref<number | undefined>(undefined);
  // A step's start is the virtual time when its end first appears; it ends when the end goes away.
  watch(status, (s, old) => {
    if (s?.stepToMs === undefined) stepFromMs.value = undefined;
    else if (stepFromMs.value === undefined || old?.stepToMs !== s.stepToMs) stepFromMs.value = s.virtualTimeMs;
  });

  async function load(): Promise<void> {
    try {
      status.value = await api.query('sim.status', {});
      error.value = null;
    } catch (e) {
      error.value = message(e);
    }
  }

  async function exec(fn: () => Promise<SimStatus>): Promise<void> {
    busy.value = true;
    try {
      status.value = await fn();
      error.value = null;
    } catch (e) {
      error.value = message(e);
    } finally {
      busy.value = false;
    }
  }

  const run = (speed?: number | 'max') => exec(() => api.command('sim.run', speed === undefined ? {} : { speed }));
  const pause = () => exec(() => api.command('sim.pause', {}));
  const step = (seconds: number) => exec(() => api.command('sim.step', { seconds }));
  const setSpeed = (speed: number | 'max') => exec(() => api.command('sim.setSpeed', { speed }));

  api.onEvent((e) => {
    if (e.type === 'sim.ticked') status.value = e.status;
    else if (e.type === 'lab.loaded') void load();
  });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void load(); }, { immediate: true });

  /** Virtual "now" for rows the UI creates itself (refusals shown in Recent Tasks). */
  const nowMs = (): number => status.value?.virtualTimeMs ?? 0;

  return { status, stepFromMs, error, busy, load, run, pause, step, setSpeed, nowMs };
});

export function message(e: unknown): string {
  if (e instanceof ApiException) return e.error.message;
  return e instanceof Error ? e.message : String(e);
}
