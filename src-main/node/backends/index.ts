/**
 * Backends: what the transports (Electron IPC, the browser-mode WebSocket, later the vim25 endpoint) talk
 * to. One interface (`backend.ts`), the simulated engine as the first backend, a composite that routes by
 * id namespace so more backends are additions.
 *
 * - `startLabBackend({ scenario, seed, paused })` → the lab's backend: a composite over the simulated
 *   engine (the only backend for now), ready.
 * - `Backend`, `createCompositeBackend`, `startSimulatedBackend`, `namespacedBackend`.
 */
import type { Backend } from './backend';
import { createCompositeBackend } from './compositeBackend';
import { startSimulatedBackend } from './simulatedBackend';
import type { WorkerInit } from '../workers/workerProtocol';

export type { Backend } from './backend';
export { createCompositeBackend } from './compositeBackend';
export { startSimulatedBackend } from './simulatedBackend';
export { namespacedBackend } from './namespacedBackend';

export async function startLabBackend(init: WorkerInit): Promise<Backend> {
  return createCompositeBackend([await startSimulatedBackend(init)]);
}
