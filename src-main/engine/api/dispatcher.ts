/**
 * The dispatcher: validates every request (again — no path skips it) and routes it to its handler.
 *
 * - `dispatch(lab, raw, initiator?)` → ResponseMessage; never throws: an unexpected exception becomes
 *   E_INTERNAL. `initiator` (`lab-user`, `scenario`) is handed to the command handler, which passes it to
 *   the operations: it is recorded on the tasks the request starts. Nothing on the lab is mutated for it.
 * - `COMMAND_HANDLERS` / `QUERY_HANDLERS` are typed mapped objects, so a contract entry without a handler
 *   is a compile error.
 */
import type { ResponseMessage } from '@shared/api/protocol';
import { validateRequest } from '@shared/api/validate';
import { apiError } from '@shared/api/errors';
import type { ApiError } from '@shared/api/errors';
import type { CommandName, CommandParams, CommandResult } from '@shared/api/commands';
import type { QueryName, QueryParams, QueryResult } from '@shared/api/queries';
import type { Lab } from '../lab/index';
import { COMMAND_HANDLERS } from './handlers/commandHandlers';
import { QUERY_HANDLERS } from './handlers/queryHandlers';

export type Outcome<T> = T | { error: ApiError };

export type CommandHandlers = { [K in CommandName]: (lab: Lab, params: CommandParams<K>, initiator: string) => Outcome<CommandResult<K>> };
export type QueryHandlers = { [K in QueryName]: (lab: Lab, params: QueryParams<K>) => Outcome<QueryResult<K>> };

function isFailure(x: unknown): x is { error: ApiError } {
  return typeof x === 'object' && x !== null && 'error' in x && Object.keys(x).length === 1;
}

export function dispatch(lab: Lab, raw: unknown, initiator = 'lab-user'): ResponseMessage {
  const v = validateRequest(raw);
  if (!v.ok) return { id: v.id, ok: false, error: v.error };
  const { id, kind, name, params } = v.request;
  try {
    const handler = kind === 'command'
      ? (COMMAND_HANDLERS as unknown as Record<string, (l: Lab, p: unknown, who: string) => unknown>)[name]
      : (QUERY_HANDLERS as unknown as Record<string, (l: Lab, p: unknown) => unknown>)[name];
    const out = handler(lab, params, initiator);
    lab.flushChanges();
    if (isFailure(out)) return { id, ok: false, error: out.error };
    return { id, ok: true, result: out };
  } catch (e) {
    return { id, ok: false, error: apiError('E_INTERNAL', e instanceof Error ? e.message : String(e)) };
  }
}
