/**
 * Messages between the engine worker thread and its owner (the WebSocket server or Electron main).
 *
 * owner → worker: `{ type: 'request', message }` (a RequestMessage, validated again by the engine)
 * worker → owner: `{ type: 'ready' }`, `{ type: 'response', message }`, `{ type: 'event', event }`,
 *                 `{ type: 'fatal', message }`.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';

export interface WorkerInit {
  scenario: string;
  seed: number;
  paused: boolean;
  /** Folder of the lab library (File › Save / Open). */
  libraryDir?: string;
}

export type ToWorker = { type: 'request'; message: unknown } | { type: 'shutdown' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'response'; message: ResponseMessage }
  | { type: 'event'; event: EngineEvent }
  | { type: 'fatal'; message: string };
