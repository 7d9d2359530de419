/**
 * blockingCallProtocol — the messages of a blocking call to a worker thread (`blockingCallClient.ts` on
 * the coordinator, `blockingCallServer.ts` in the worker), and their checks.
 *
 * Interface:
 *  - `CallRequest` `{ id, method, args }` → `CallReply` `{ id, ok: true, reply }` | `{ id, ok: false, error }`.
 *  - `BlockingCallEnd`: what the worker gets at start (in `workerData`, the port in the transfer list):
 *    its end of the channel and the shared signal. Signal words: `REPLIES` counts replies posted (the
 *    coordinator waits on it), `EXITED` is set by a worker that exits.
 *  - `requestProblem(msg, allowed)` / `replyProblem(msg)`: why a message is not one (undefined: it is).
 *
 * Rules: every message crossing is checked on the side that receives it; a method is looked up in an
 * allow-list (a Set, never the target's own properties: `constructor` is on every object).
 */
import type { MessagePort } from 'node:worker_threads';

export interface CallRequest { id: number; method: string; args: unknown[] }
export type CallReply =
  | { id: number; ok: true; reply: unknown }
  | { id: number; ok: false; error: { name: string; message: string } };

export interface BlockingCallEnd {
  port: MessagePort;
  signal: Int32Array;
}

/** Signal word: replies the worker has posted. */
export const REPLIES = 0;
/** Signal word: 1 once the worker has exited. */
export const EXITED = 1;
export const SIGNAL_WORDS = 2;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function requestProblem(msg: unknown, allowed: ReadonlySet<string>): string | undefined {
  if (!isRecord(msg)) return 'a call is an object';
  if (!Number.isSafeInteger(msg.id)) return 'a call\'s id is an integer';
  if (typeof msg.method !== 'string' || !allowed.has(msg.method)) return `no method ${JSON.stringify(String(msg.method)).slice(0, 80)}`;
  if (!Array.isArray(msg.args)) return 'a call\'s args are an array';
  return undefined;
}

export function replyProblem(msg: unknown): string | undefined {
  if (!isRecord(msg)) return 'a reply is an object';
  if (!Number.isSafeInteger(msg.id)) return 'a reply\'s id is an integer';
  if (msg.ok === true) return undefined;
  if (msg.ok !== false || !isRecord(msg.error) || typeof msg.error.message !== 'string' || typeof msg.error.name !== 'string') return 'a reply is ok or carries an error';
  return undefined;
}
