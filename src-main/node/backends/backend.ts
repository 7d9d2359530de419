/**
 * Backend — what stands behind the engine contract for a set of inventory entities, in the contract's
 * own terms: a request in, a response out, pushed events, and a lifecycle. The simulated engine in its
 * worker thread is one (`simulatedBackend.ts`); real hosts (libvirt over SSH, ESXi over vim25) will be
 * others; `compositeBackend.ts` puts several behind one, routing by id namespace.
 *
 * - `namespace`: the id namespace of the entities the backend owns ('' for the default backend, whose ids
 *   carry none; else e.g. `kvm1`, whose ids look like `kvm1:vm-3` — `src-shared/model/ids.ts`).
 * - `request(message)`: any framed request (`checkFrame`); the backend's own door validates it and
 *   answers with the caller's id. Never rejects: failures are typed error responses (E_TRANSPORT when
 *   the backend is gone).
 * - `onEvent(listener)` → unsubscribe. `close()` stops it; requests after that get E_TRANSPORT.
 * - `autosave()` (optional): saves what the backend holds so the next start can offer it back (the
 *   simulated lab on quit); `{ saved, error? }`.
 *
 * Rule: a backend answers in its own namespace — every id it sends (under the contract's id keys) is
 * its own — and a transport never needs to know which backend, or how many, stand behind it.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';
import type { FramedRequest } from '@shared/api/validate';

export interface Backend {
  readonly namespace: string;
  request(message: FramedRequest): Promise<ResponseMessage>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  close(): Promise<void>;
  autosave?(timeoutMs?: number): Promise<{ saved: boolean; error?: string }>;
}
