/**
 * The IPC request path without Electron objects, so it can be tested without an Electron binary:
 * trust check on the sending frame, framing (`checkFrame`), forwarding to the backend — whose door
 * validates the request and which keeps callers' ids apart.
 *
 * - `createIpcRequestHandler(backend)` → `(senderUrl, raw) => Promise<ResponseMessage>`.
 */
import { checkFrame } from '@shared/api/validate';
import { apiError } from '@shared/api/errors';
import type { ResponseMessage } from '@shared/api/protocol';
import type { Backend } from '../node/backends/index';

/** Only our own pages (loaded from the app's files) may talk to the engine. */
export function isTrustedSenderUrl(url: string): boolean {
  return url.startsWith('file://');
}

export function createIpcRequestHandler(backend: Pick<Backend, 'request'>): (senderUrl: string, raw: unknown) => Promise<ResponseMessage> {
  return async (senderUrl, raw) => {
    if (!isTrustedSenderUrl(senderUrl)) return { id: -1, ok: false, error: apiError('E_UNAUTHORIZED', 'request from an untrusted frame') };
    const frame = checkFrame(raw);
    if (!frame.ok) return { id: frame.id, ok: false, error: frame.error };
    // The window's user is the lab's own user: the renderer cannot name another initiator.
    const { initiator: _ignored, ...message } = frame.message;
    return backend.request(message as typeof frame.message);
  };
}
