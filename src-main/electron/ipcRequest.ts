/**
 * The IPC request path without Electron objects, so it can be tested without an Electron binary:
 * trust check on the sending frame, a size bound, framing (`checkFrame`), forwarding to the backend —
 * whose door validates the request and which keeps callers' ids apart.
 *
 * - `createIpcRequestHandler(backend, appUrl)` → `(senderFrame, raw) => Promise<ResponseMessage>`;
 *   `appUrl` is the file URL of the app's own index.html (the only page that may talk to the engine).
 * - `exceedsMessageLimits(value, maxBytes, maxDepth)`: whether a structured-clone value is larger
 *   than a WebSocket message may be (MAX_MESSAGE_BYTES, node/limits.ts), measured without serializing
 *   it and stopping as soon as the bound is passed.
 */
import { checkFrame } from '@shared/api/validate';
import { apiError } from '@shared/api/errors';
import type { ResponseMessage } from '@shared/api/protocol';
import type { Backend } from '../node/backends/index';
import { MAX_MESSAGE_BYTES, MAX_MESSAGE_DEPTH } from '../node/limits';
import { isTrustedSender, type SenderFrame } from './security';

/** Approximate encoded size of `value` (UTF-16 strings, 8-byte numbers), counted up to the bound only. */
export function exceedsMessageLimits(value: unknown, maxBytes = MAX_MESSAGE_BYTES, maxDepth = MAX_MESSAGE_DEPTH): boolean {
  let bytes = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > maxDepth) return true;
    if (typeof v === 'string') bytes += 2 + v.length * 2;
    else if (typeof v === 'number' || typeof v === 'bigint') bytes += 8;
    else if (typeof v === 'boolean' || v === null || v === undefined) bytes += 4;
    else if (ArrayBuffer.isView(v)) bytes += v.byteLength;
    else if (v instanceof ArrayBuffer) bytes += v.byteLength;
    else if (typeof v === 'object') {
      bytes += 2;
      if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
      else if (v instanceof Map) for (const [k, x] of v) stack.push([k, depth + 1], [x, depth + 1]);
      else if (v instanceof Set) for (const x of v) stack.push([x, depth + 1]);
      else for (const k of Object.keys(v)) { bytes += 2 + k.length * 2; stack.push([(v as Record<string, unknown>)[k], depth + 1]); }
    }
    if (bytes > maxBytes) return true;
  }
  return false;
}

export function createIpcRequestHandler(backend: Pick<Backend, 'request'>, appUrl: string): (senderFrame: SenderFrame | null | undefined, raw: unknown) => Promise<ResponseMessage> {
  return async (senderFrame, raw) => {
    if (!isTrustedSender(senderFrame, appUrl)) return { id: -1, ok: false, error: apiError('E_UNAUTHORIZED', 'request from an untrusted frame') };
    if (exceedsMessageLimits(raw)) return { id: -1, ok: false, error: apiError('E_BAD_MESSAGE', `request larger than ${MAX_MESSAGE_BYTES} bytes or nested deeper than ${MAX_MESSAGE_DEPTH} levels`) };
    const frame = checkFrame(raw);
    if (!frame.ok) return { id: frame.id, ok: false, error: frame.error };
    // The window's user is the lab's own user: the renderer cannot name another initiator.
    const { initiator: _ignored, ...message } = frame.message;
    return backend.request(message as typeof frame.message);
  };
}
