/**
 * Connection state of the transport, for the "Disconnected — reconnecting…" banner and for refetches.
 *
 * - `status`: connecting | open | reconnecting | closed; `generation`: +1 each time the link opens,
 *   which stores watch to (re)load what they may have missed.
 * - `transport`, `problem` (e.g. no token in the page address).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { connectionStatus, onConnectionChange, startProblem, transportKind } from '@renderer/api/client';
import type { ConnectionStatus } from '@renderer/api/client';

export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>(connectionStatus());
  const generation = ref(status.value === 'open' ? 1 : 0);
  const everOpened = ref(status.value === 'open');
  const transport = transportKind();
  const problem = startProblem();
  onConnectionChange((s) => {
    if (s === 'open' && status.value !== 'open') {
      generation.value++;
      everOpened.value = true;
    }
    status.value = s;
  });
  return { status, generation, everOpened, transport, problem };
});
