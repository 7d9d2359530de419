/**
 * Message envelopes, identical over Electron IPC, the WebSocket, worker postMessage and direct calls.
 *
 * - `RequestMessage`: `{ v, id, kind: 'command' | 'query', name, params, initiator? }`; `initiator` names
 *   who asked (recorded on the tasks a command starts; e.g. the vim25 endpoint's logged-in user).
 * - `ResponseMessage`: `{ id, ok: true, result }` or `{ id, ok: false, error }`.
 * - `EventMessage`: `{ kind: 'event', event }`.
 * - `HvlabBridge`: the low-level transport every client holds (the preload exposes exactly this).
 *
 * Rule: only structured-clone-safe data; ids of requests are chosen by the client and echoed back.
 */
import type { ApiError } from './errors';
import type { EngineEvent } from './events';
import type { ReportResponseDto } from './reports';
import type { LabFileResponseDto } from './labFiles';

export interface RequestMessage {
  v: number;
  id: number;
  kind: 'command' | 'query';
  name: string;
  params: unknown;
  initiator?: string;
}

export type ResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ApiError };

export interface EventMessage {
  kind: 'event';
  event: EngineEvent;
}

/** What a transport gives the renderer: one request/response call and one event subscription. */
export interface HvlabBridge {
  readonly apiVersion: number;
  readonly transport: 'electron' | 'websocket' | 'direct';
  request(message: RequestMessage): Promise<ResponseMessage>;
  /** Returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Export report… (reports.ts): present in Electron; browser mode posts to the server instead. */
  report?(request: unknown): Promise<ReportResponseDto>;
  /** File › Open Lab… / Save As… with native dialogs (labFiles.ts): present in Electron only. */
  labFile?(request: unknown): Promise<LabFileResponseDto>;
}
