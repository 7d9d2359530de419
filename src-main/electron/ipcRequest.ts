/**
 * The IPC request path without Electron objects, so it can be tested without an Electron binary:
 * trust check on the sending frame, validation at the boundary, id remapping, forwarding to the engine.
 *
 * - `createIpcRequestHandler(engine)` → `(senderUrl, raw) => Promise<ResponseMessage>`.
 */
import { validateRequest } from '@shared/api/validate';
import { apiError } from '@shared/api/errors';
import type { ResponseMessage } from '@shared/api/protocol';
import type { EngineLink } from '../node/server/labServer';

/** Only our own pages (loaded from the app's files) may talk to the engine. */
export function isTrustedSenderUrl(url: string): boolean {
  return url.startsWith('file://');
}

export function createIpcRequestHandler(engine: EngineLink): (senderUrl: string, raw: unknown) => Promise<ResponseMessage> {
  let nextInternalId = 1;
  return async (senderUrl, raw) => {
    if (!isTrustedSenderUrl(senderUrl)) return { id: -1, ok: false, error: apiError('E_UNAUTHORIZED', 'request from an untrusted frame') };
    const v = validateRequest(raw);
    if (!v.ok) return { id: v.id, ok: false, error: v.error };
    // The window's user is the lab's own user: the renderer cannot name another initiator.
    const { initiator: _ignored, ...request } = v.request;
    const reply = await engine.request({ ...request, id: nextInternalId++ });
    return { ...reply, id: v.request.id };
  };
}
