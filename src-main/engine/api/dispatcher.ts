/**
 * The engine's door: `dispatch(lab, raw, initiator?, context?)` validates a request with
 * `validateRequest` — the one place requests are validated: transports check only framing and
 * authentication, and forward — and routes it to its handler.
 *
 * - Never throws: an unexpected exception becomes E_INTERNAL. The initiator — the request's own
 *   `initiator` when it names one (the vim25 endpoint's logged-in user), else the caller's (`lab-user`,
 *   `scenario`) — is handed to the command handler, which passes it to the operations: it is recorded
 *   on the tasks the request starts. Nothing on the lab is mutated for it.
 * - `HandlerContext`: what the engine facade lends handlers beyond the lab — its ports (built-in
 *   scenarios, the guest catalogue, the exact solver, the lab library), `loadLab` / `loadState` to
 *   replace the lab (the facade owns the Lab instance), the change feed's `changesSince`, and the open
 *   lab's `document` (File › Save / Open). Commands the lab sends itself (scenario actions) get
 *   `insideLab(lab)`: no ports, a detached document, and a lab cannot replace itself.
 * - `COMMAND_HANDLERS` / `QUERY_HANDLERS` are typed mapped objects, so a contract entry without a handler
 *   is a compile error. Command handlers receive `(lab, params, initiator, context)`, query handlers `(lab, params, context)`.
 */
import type { ResponseMessage } from '@shared/api/protocol';
import { validateRequest } from '@shared/api/validate';
import { apiError } from '@shared/api/errors';
import type { ApiError } from '@shared/api/errors';
import { LAB_USER } from '@shared/model/task';
import type { CommandName, CommandParams, CommandResult } from '@shared/api/commands';
import type { QueryName, QueryParams, QueryResult } from '@shared/api/queries';
import type { InventoryChanges } from '@shared/model/inventoryChanges';
import type { Lab } from '../lab/index';
import type { EnginePorts } from '../ports';
import { LabDocument } from './labDocument';
import { COMMAND_HANDLERS } from './handlers/commandHandlers';
import { QUERY_HANDLERS } from './handlers/queryHandlers';

export type Outcome<T> = T | { error: ApiError };

export interface HandlerContext {
  readonly ports: EnginePorts;
  /** Replaces the lab with a new one from a built-in scenario; a typed error (and no change) otherwise. */
  loadLab(scenario: string, seed: number): ApiError | undefined;
  /** Replaces the lab with a saved one (the autosave a recovery restores); a typed error (and no change) otherwise. */
  loadState(state: unknown): ApiError | undefined;
  /** The inventory change feed: updates after `version`, or resync. */
  changesSince(version: number): InventoryChanges;
  /** The open lab as a document (name in the lab library, unsaved changes): File › Save and Open set it. */
  readonly document: LabDocument;
}

export type CommandHandlers = { [K in CommandName]: (lab: Lab, params: CommandParams<K>, initiator: string, context: HandlerContext) => Outcome<CommandResult<K>> };
export type QueryHandlers = { [K in QueryName]: (lab: Lab, params: QueryParams<K>, context: HandlerContext) => Outcome<QueryResult<K>> };

/** The context of a command the lab sends itself (a scenario's timed action). */
export function insideLab(lab: Lab): HandlerContext {
  return {
    ports: { scenarios: {} },
    loadLab: () => apiError('E_INVALID_STATE', 'a scenario action cannot replace the lab it runs in', 'params.scenario'),
    loadState: () => apiError('E_INVALID_STATE', 'a scenario action cannot replace the lab it runs in'),
    changesSince: () => ({ version: lab.reg.version, resync: true, updates: [] }),
    document: new LabDocument(() => {}, () => lab),
  };
}

function isFailure(x: unknown): x is { error: ApiError } {
  return typeof x === 'object' && x !== null && 'error' in x && Object.keys(x).length === 1;
}

type AnyCommandHandler = (lab: Lab, params: unknown, initiator: string, context: HandlerContext) => unknown;
type AnyQueryHandler = (lab: Lab, params: unknown, context: HandlerContext) => unknown;

export function dispatch(lab: Lab, raw: unknown, initiator = LAB_USER, context: HandlerContext = insideLab(lab)): ResponseMessage {
  const v = validateRequest(raw);
  if (!v.ok) return { id: v.id, ok: false, error: v.error };
  const { id, kind, name, params } = v.request;
  try {
    const handler = kind === 'command'
      ? (COMMAND_HANDLERS as unknown as Record<string, AnyCommandHandler>)[name]
      : (QUERY_HANDLERS as unknown as Record<string, AnyQueryHandler>)[name];
    const out = kind === 'command'
      ? (handler as AnyCommandHandler)(lab, params, v.request.initiator ?? initiator, context)
      : (handler as AnyQueryHandler)(lab, params, context);
    if (isFailure(out)) return { id, ok: false, error: out.error };
    return { id, ok: true, result: out };
  } catch (e) {
    return { id, ok: false, error: apiError('E_INTERNAL', e instanceof Error ? e.message : String(e)) };
  }
}
