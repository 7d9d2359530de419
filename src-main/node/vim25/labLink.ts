/**
 * The endpoint's door to the lab: `request(name, params, initiator?)` → result, and `onEvent(listener)`.
 *
 * - `linkToEngine(client)`: wraps anything that speaks the contract's request/response messages (the
 *   engine worker client, exactly as the browser-mode server uses it) in this interface. Switching the
 *   endpoint to another backend is writing one more function like this one.
 * - Commands and queries are told apart by name (the contract's tables); failures reject with
 *   `ApiException` carrying the lab's typed `ApiError`.
 *
 * Rule: the endpoint never reaches into the engine; everything goes through the contract.
 */
import { API_VERSION } from '@shared/api/channels';
import { COMMAND_SCHEMAS } from '@shared/api/commands';
import { ApiException } from '@shared/api/errors';
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';

export interface LabLink {
  request<T = unknown>(name: string, params: Record<string, unknown>, initiator?: string): Promise<T>;
  onEvent(listener: (e: EngineEvent) => void): () => void;
}

/** What the engine worker client (and the in-process EngineHost, wrapped) offer. */
export interface ContractPeer {
  request(message: { id: number } & Record<string, unknown>): Promise<ResponseMessage> | ResponseMessage;
  onEvent(listener: (e: EngineEvent) => void): () => void;
}

export function linkToEngine(peer: ContractPeer): LabLink {
  // The worker client matches replies by id and the browser-mode server numbers its requests from 1:
  // this link numbers from 2^40 so the two can share one client without ever colliding.
  let nextId = 2 ** 40;
  return {
    async request<T>(name: string, params: Record<string, unknown>, initiator?: string): Promise<T> {
      const kind = Object.prototype.hasOwnProperty.call(COMMAND_SCHEMAS, name) ? 'command' : 'query';
      const message: { id: number } & Record<string, unknown> = { v: API_VERSION, id: nextId++, kind, name, params };
      if (initiator !== undefined) message.initiator = initiator;
      const reply = await peer.request(message);
      if (!reply.ok) throw new ApiException(reply.error);
      return reply.result as T;
    },
    onEvent: (listener) => peer.onEvent(listener),
  };
}
