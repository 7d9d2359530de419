/**
 * Messages between the engine worker thread and its owner (the simulated backend, `node/backends/`).
 *
 * owner → worker: `{ type: 'request', message }` (a framed request; the engine validates it)
 *                 `{ type: 'autosave' }` (save the lab to its autosave now: the owner is quitting).
 * worker → owner: `{ type: 'ready' }`, `{ type: 'response', message }`, `{ type: 'event', event }`,
 *                 `{ type: 'autosaved', saved, error? }`, `{ type: 'fatal', message }`.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';

export interface WorkerInit {
  scenario: string;
  seed: number;
  paused: boolean;
  /** Folder of the lab library (File › Save / Open). */
  libraryDir?: string;
  /** The lab's data folder (autosave on); absent: no autosave. */
  dataDir?: string;
  restoreAutosave?: boolean;
  discardAutosave?: boolean;
  /** Host worker threads for each lab's hosts (`--workers N`; 0 or absent: the hosts on the engine's thread). */
  workers?: number;
  /** Set when this worker replaces one that stopped unexpectedly: why it stopped. */
  engineCrash?: string;
}

export type ToWorker = { type: 'request'; message: unknown } | { type: 'autosave' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'response'; message: ResponseMessage }
  | { type: 'event'; event: EngineEvent }
  | { type: 'autosaved'; saved: boolean; error?: string }
  | { type: 'fatal'; message: string };
