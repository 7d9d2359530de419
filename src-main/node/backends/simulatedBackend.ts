/**
 * The simulated engine as a backend: the engine runs in its worker thread (`node/workers/`), paced
 * against the wall clock there, and this side forwards requests and events.
 *
 * - `await startSimulatedBackend({ scenario, seed, paused })` → a ready `Backend` in the default
 *   namespace (rejects with the worker's message, e.g. an invalid scenario).
 */
import type { Backend } from './backend';
import { EngineWorkerClient } from '../workers/engineWorkerClient';
import type { WorkerInit } from '../workers/workerProtocol';

export async function startSimulatedBackend(init: WorkerInit): Promise<Backend> {
  const worker = await EngineWorkerClient.spawn(init);
  return {
    namespace: '',
    request: (message) => worker.request(message),
    onEvent: (listener) => worker.onEvent(listener),
    close: () => worker.close(),
  };
}
