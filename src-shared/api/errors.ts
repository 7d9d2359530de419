/**
 * Typed errors of the contract: one table of codes, each with its meaning next to it.
 *
 * - `ApiError`: plain data `{ code, message, field? }` that crosses every transport.
 * - `ERROR_CODES`: the closed table. `field` names the offending input (`params.vmId`, `spec.memoryBytes`).
 * - `apiError(code, message, field?)`: constructor; `isApiError(x)`: guard.
 *
 * Rule: a request that fails validation or a precondition changes nothing in the engine.
 */

export const ERROR_CODES = {
  /** The message is not an object of the contract's shape (wrong envelope, unknown kind). */
  E_BAD_MESSAGE: 'malformed message',
  /** The client speaks another API version. */
  E_VERSION: 'unsupported API version',
  /** No such command or query name. */
  E_UNKNOWN_OPERATION: 'unknown operation',
  /** A parameter is missing, of the wrong type or out of range; `field` names it. */
  E_INVALID_ARGUMENT: 'invalid argument',
  /** The referenced object does not exist; `field` names the id parameter. */
  E_NOT_FOUND: 'object not found',
  /** The object exists but the operation is not valid in its current state (e.g. suspend a powered-off VM). */
  E_INVALID_STATE: 'operation not valid in the current state',
  /** A name is already used where names must be unique. */
  E_DUPLICATE_NAME: 'duplicate name',
  /** Not enough host resources (memory, CPU reservations) to admit the operation. */
  E_INSUFFICIENT_RESOURCES: 'insufficient resources',
  /** The destination cannot run the VM: its host lacks a capability the VM's monitor needs, or its CPU differs. */
  E_INCOMPATIBLE: 'incompatible host',
  /** A bounded queue is full (e.g. console input the guest has not read yet): nothing changed; retry later. */
  E_BUSY: 'busy: try again later',
  /** A guest program failed to assemble or load; message carries file:line:col. */
  E_GUEST_PROGRAM: 'guest program error',
  /** A scenario file is invalid; `field` carries the path of the bad field. */
  E_SCENARIO: 'invalid scenario',
  /** The task was cancelled. */
  E_CANCELLED: 'cancelled',
  /** The lab library could not be read or written (a save that fails leaves the previous save loadable). */
  E_STORAGE: 'lab library failure',
  /** A real host (libvirt, ESXi, vCenter) is disconnected or not responding: the operation was not started. */
  E_HOST_DISCONNECTED: 'the host is disconnected or not responding',
  /** A real host refused or failed the operation; the message carries the host's own words. */
  E_HOST_ERROR: 'the host refused or failed the operation',
  /** The connection was refused (token) or closed. */
  E_UNAUTHORIZED: 'unauthorized',
  E_TRANSPORT: 'transport failure',
  /** A bug: an unexpected exception inside the engine, reported instead of thrown across the boundary. */
  E_INTERNAL: 'internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Dotted path of the offending field, e.g. `params.spec.vcpus`. */
  field?: string;
}

export function apiError(code: ErrorCode, message: string, field?: string): ApiError {
  return field === undefined ? { code, message } : { code, message, field };
}

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, v.code) && typeof v.message === 'string';
}

/** An Error carrying an ApiError, thrown by typed clients so callers can `catch`. */
export class ApiException extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.field ? `${error.code}: ${error.message} (${error.field})` : `${error.code}: ${error.message}`);
    this.name = 'ApiException';
    this.error = error;
  }
}
