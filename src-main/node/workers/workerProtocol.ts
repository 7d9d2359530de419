/**
 * Messages between the engine worker thread and its owner (the simulated backend, `node/backends/`).
 *
 * owner → worker: `{ type: 'request', message }` (a framed request; the engine validates it)
 * worker → owner: `{ type: 'ready' }`, `{ type: 'response', message }`, `{ type: 'event', event }`,
 *                 `{ type: 'fatal', message }`.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';

export interface WorkerInit {
  scenario: string;
  seed: number;
  paused: boolean;
}

export type ToWorker = { type: 'request'; message: unknown };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'response'; message: ResponseMessage }
  | { type: 'event'; event: EngineEvent }
  | { type: 'fatal'; message: string };
