/**
 * Validation of everything that enters the engine: the envelope, the operation name and its parameters.
 *
 * - `validateRequest(raw)` → `{ ok: true, request }` or `{ ok: false, error, id }` with a typed ApiError
 *   whose `field` names the offending input (e.g. `params.vmId`).
 * - `checkFrame(raw)` → framing only: a plain object with a non-negative integer `id`, which is all a
 *   transport needs to forward a request and route its answer.
 *
 * Rule: `validateRequest` runs once per request, at the engine's door (`engine/api/dispatcher.ts`; the
 * backend composite uses it for the few requests it answers itself). Transports check framing with
 * `checkFrame` and authentication, and forward.
 */
import { API_VERSION } from './channels';
import { COMMAND_SCHEMAS } from './commands';
import { QUERY_SCHEMAS } from './queries';
import type { ApiError } from './errors';
import { apiError } from './errors';
import type { RequestMessage } from './protocol';
import { isPlainObject } from './schema';
import type { Schema } from './schema';

export type ValidatedRequest =
  | { ok: true; request: RequestMessage }
  | { ok: false; id: number; error: ApiError };

/** Who may be named as a request's initiator: a user name, as vSphere shows it in Recent Tasks. */
const INITIATOR = /^[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}$/;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function schemaFor(kind: 'command' | 'query', name: string): Schema<unknown> | undefined {
  const table: Record<string, Schema<unknown>> = kind === 'command' ? COMMAND_SCHEMAS : QUERY_SCHEMAS;
  return hasOwn(table, name) ? table[name] : undefined;
}

export type FramedRequest = { id: number } & Record<string, unknown>;

export function checkFrame(raw: unknown): { ok: true; message: FramedRequest } | { ok: false; id: number; error: ApiError } {
  if (!isPlainObject(raw)) return { ok: false, id: -1, error: apiError('E_BAD_MESSAGE', 'a request must be a JSON object') };
  const id = typeof raw.id === 'number' && Number.isInteger(raw.id) && raw.id >= 0 ? raw.id : -1;
  if (id < 0) return { ok: false, id, error: apiError('E_BAD_MESSAGE', 'request id must be a non-negative integer', 'id') };
  return { ok: true, message: raw as FramedRequest };
}

export function validateRequest(input: unknown): ValidatedRequest {
  const frame = checkFrame(input);
  if (!frame.ok) return frame;
  const raw = frame.message;
  const id = raw.id;
  for (const k of Object.keys(raw)) {
    if (!['v', 'id', 'kind', 'name', 'params', 'initiator'].includes(k)) {
      return { ok: false, id, error: apiError('E_BAD_MESSAGE', `unknown envelope field "${k}"`, k) };
    }
  }
  if (raw.v !== API_VERSION) {
    return { ok: false, id, error: apiError('E_VERSION', `API version ${String(raw.v)} is not supported (engine speaks ${API_VERSION})`, 'v') };
  }
  if (raw.kind !== 'command' && raw.kind !== 'query') {
    return { ok: false, id, error: apiError('E_BAD_MESSAGE', 'kind must be "command" or "query"', 'kind') };
  }
  if (typeof raw.name !== 'string') return { ok: false, id, error: apiError('E_BAD_MESSAGE', 'name must be a string', 'name') };
  const schema = schemaFor(raw.kind, raw.name);
  if (!schema) return { ok: false, id, error: apiError('E_UNKNOWN_OPERATION', `unknown ${raw.kind} "${raw.name.slice(0, 64)}"`, 'name') };
  const params = raw.params === undefined ? {} : raw.params;
  const problem = schema.check(params, 'params');
  if (problem) return { ok: false, id, error: apiError('E_INVALID_ARGUMENT', problem.message, problem.field) };
  if (raw.initiator !== undefined && (typeof raw.initiator !== 'string' || !INITIATOR.test(raw.initiator))) {
    return { ok: false, id, error: apiError('E_BAD_MESSAGE', 'initiator must be 1–64 letters, digits or . _ @ \\ -', 'initiator') };
  }
  const request: RequestMessage = { v: API_VERSION, id, kind: raw.kind, name: raw.name, params };
  if (typeof raw.initiator === 'string') request.initiator = raw.initiator;
  return { ok: true, request };
}
