/**
 * settingsDoor — the SDK endpoint's settings at the backend seam: in front of the lab's backend, it
 * answers `vim25.settings` (query) and `vim25.configure` (command) from the controller and passes
 * everything else through, so the client reaches them over the same contract in both browser mode and
 * Electron.
 *
 * - `withVim25Settings(backend, controller)` → a `Backend` (autosave and close pass through).
 *
 * Rules: requests are validated by the contract's schemas first (errors name the field); requests never
 * reject (typed error responses); the password goes to the controller only and is in no answer or log.
 */
import type { ResponseMessage } from '@shared/api/protocol';
import { validateRequest } from '@shared/api/validate';
import { ApiException, apiError } from '@shared/api/errors';
import type { Vim25SettingsForm } from '@shared/model/vim25Settings';
import type { Backend } from '../backends/index';
import type { Vim25Controller } from './endpointController';

export function withVim25Settings(backend: Backend, controller: Vim25Controller): Backend {
  async function handle(message: Parameters<Backend['request']>[0]): Promise<ResponseMessage> {
    const v = validateRequest(message);
    if (!v.ok) return { id: message.id, ok: false, error: v.error };
    try {
      if (v.request.kind === 'query') return { id: message.id, ok: true, result: controller.status() };
      return { id: message.id, ok: true, result: await controller.configure(v.request.params as Vim25SettingsForm) };
    } catch (e) {
      return { id: message.id, ok: false, error: e instanceof ApiException ? e.error : apiError('E_INTERNAL', e instanceof Error ? e.message : String(e)) };
    }
  }
  return {
    namespace: backend.namespace,
    request(message) {
      if ((message.kind === 'query' && message.name === 'vim25.settings') || (message.kind === 'command' && message.name === 'vim25.configure')) return handle(message);
      return backend.request(message);
    },
    onEvent: (listener) => backend.onEvent(listener),
    close: async () => { await controller.close(); await backend.close(); },
    ...(backend.autosave ? { autosave: (timeoutMs?: number) => backend.autosave!(timeoutMs) } : {}),
  };
}
