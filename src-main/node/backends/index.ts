/**
 * Backends: what the transports (Electron IPC, the browser-mode WebSocket, later the vim25 endpoint) talk
 * to. One interface (`backend.ts`), the simulated engine as the first backend, a composite that routes by
 * id namespace so more backends are additions.
 *
 * - `startLabBackend(init, realHosts?)` (`init`: `{ scenario, seed, paused, dataDir?, libraryDir? }`) → the lab's backend: a composite over the simulated engine,
 *   ready. With `realHosts` (`{ dataDir, secrets }`: where added hosts, known host keys and thumbprints
 *   are remembered, and where passwords are sealed), real hosts join it at run time (`host.identify`,
 *   `host.add`, `host.remove`, `realHost/realHostsDoor.ts`) and the hosts added before come back (one
 *   that is down shows as not responding; the lab starts anyway). Without it, those requests reach the
 *   simulated engine, which refuses them.
 * - `Backend`, `createCompositeBackend`, `startSimulatedBackend`, `namespacedBackend`.
 */
import type { Backend } from './backend';
import { createCompositeBackend } from './compositeBackend';
import { startSimulatedBackend } from './simulatedBackend';
import type { WorkerInit } from '../workers/workerProtocol';
import { HostManager } from './realHost/hostManager';
import { withRealHosts } from './realHost/realHostsDoor';
import type { SecretStore } from './realHost/secretStore';

export type { Backend } from './backend';
export { createCompositeBackend } from './compositeBackend';
export { startSimulatedBackend } from './simulatedBackend';
export { namespacedBackend } from './namespacedBackend';

export { memorySecretStore, sealedSecretStore } from './realHost/secretStore';
export type { SecretStore } from './realHost/secretStore';
export { labDataDir } from './realHost/hostTarget';

export async function startLabBackend(init: WorkerInit, realHosts?: { dataDir: string; secrets: SecretStore }): Promise<Backend> {
  const composite = createCompositeBackend([await startSimulatedBackend(init)]);
  if (!realHosts) return composite;
  const backend = withRealHosts(composite, new HostManager(realHosts));
  await backend.restore();
  return backend;
}
