/**
 * The simulated engine as a backend: the engine runs in its worker thread (`node/workers/`), paced
 * against the wall clock there and supervised (a crashed worker is replaced and offers its autosave
 * back), and this side forwards requests and events.
 *
 * - `await startSimulatedBackend({ scenario, seed, paused })` → a ready `Backend` in the default
 *   namespace (rejects with the worker's message, e.g. an invalid scenario).
 */
import type { Backend } from './backend';
import { EngineSupervisor } from '../workers/engineSupervisor';
import type { WorkerInit } from '../workers/workerProtocol';

export async function startSimulatedBackend(init: WorkerInit): Promise<Backend> {
  const engine = await EngineSupervisor.start(init);
  return {
    namespace: '',
    request: (message) => engine.request(message),
    onEvent: (listener) => engine.onEvent(listener),
    close: () => engine.close(),
    autosave: (timeoutMs) => engine.autosave(timeoutMs),
  };
}
