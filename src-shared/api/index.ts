/**
 * The engine contract: the one door every client and transport goes through.
 *
 * - `HvlabApi`: the typed client interface (`command`, `query`, `onEvent`) built over an `HvlabBridge`.
 * - Re-exports commands, queries, events, errors, protocol, channels and the validator.
 */
import type { CommandName, CommandParams, CommandResult } from './commands';
import type { QueryName, QueryParams, QueryResult } from './queries';
import type { EngineEvent } from './events';

export * from './channels';
export * from './commands';
export * from './queries';
export * from './events';
export * from './errors';
export * from './protocol';
export * from './validate';

export interface HvlabApi {
  readonly apiVersion: number;
  /** Runs a command; rejects with `ApiException` carrying a typed `ApiError`. */
  command<K extends CommandName>(name: K, params: CommandParams<K>): Promise<CommandResult<K>>;
  /** Runs a query; rejects with `ApiException`. */
  query<K extends QueryName>(name: K, params: QueryParams<K>): Promise<QueryResult<K>>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
}
