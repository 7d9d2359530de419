/**
 * `createApiClient(bridge)`: turns a low-level `HvlabBridge` into the typed `HvlabApi`.
 *
 * Used by the renderer (over Electron IPC or the WebSocket) and by tests and the CLI (over a direct
 * bridge). Errors come back as `ApiException` carrying the engine's typed `ApiError`.
 */
import type { HvlabApi } from './index';
import type { HvlabBridge } from './protocol';
import { API_VERSION } from './channels';
import { ApiException } from './errors';

export function createApiClient(bridge: HvlabBridge): HvlabApi {
  let nextId = 1;
  async function call(kind: 'command' | 'query', name: string, params: unknown): Promise<never> {
    const id = nextId++;
    const reply = await bridge.request({ v: API_VERSION, id, kind, name, params });
    if (!reply.ok) throw new ApiException(reply.error);
    return reply.result as never;
  }
  return {
    apiVersion: API_VERSION,
    command: (name, params) => call('command', name, params),
    query: (name, params) => call('query', name, params),
    onEvent: (listener) => bridge.onEvent(listener),
  };
}
