/**
 * blockingCallProtocol — the messages of a blocking call to a worker thread (`blockingCallClient.ts` on
 * the coordinator, `blockingCallServer.ts` in the worker), and their checks.
 *
 * Interface:
 *  - `CallRequest` `{ id, method, args, callbacks? }` → `CallReply` `{ id, ok: true, reply }` |
 *    `{ id, ok: false, error }`. `callbacks` (`[{ index, cb }]`) names the arguments that are functions on
 *    the coordinator: the worker puts in their place a function that asks (below), `cb` the callback's id.
 *  - `CallbackAsk` `{ ask, cb, arg }` (worker → coordinator, inside a call) → `CallbackAnswer`
 *    `{ answer, ok: true, value }` | `{ answer, ok: false, error }` (coordinator → worker); `ask` is the
 *    worker's id for the ask, `answer` repeats it.
 *  - `BlockingCallEnd`: what the worker gets at start (in `workerData`, the port in the transfer list):
 *    its end of the channel, the shared signal and the bound of its waits. Signal words: `REPLIES` counts
 *    messages the worker posted (replies and asks: the coordinator waits on it), `EXITED` is set by a
 *    worker that exits, `TO_WORKER` counts messages the coordinator posted while the worker may be
 *    blocked in an ask (calls and answers: the worker waits on it).
 *  - `requestProblem` / `replyProblem` / `askProblem` / `answerProblem`: why a message is not one
 *    (undefined: it is); `carriesError(msg)`: whether a reply or answer is a well-formed error outcome.
 *  - `asRemote(e)`: a thrown value as the `RemoteError` an outcome carries; `nestedTooDeep()`: the error of
 *    a call or answer refused past `WORKER_CALL_NEST_MAX` (both sides build their errors from these).
 *
 * Rules: every message crossing is checked on the side that receives it; a method is looked up in an
 * allow-list (a Set, never the target's own properties: `constructor` is on every object). A message is
 * posted before its signal word moves, so the side that wakes finds it with `receiveMessageOnPort`.
 */
import type { MessagePort } from 'node:worker_threads';
import { WORKER_CALL_NEST_MAX } from '../limits';

export interface CallbackSlot { index: number; cb: number }
export interface CallRequest { id: number; method: string; args: unknown[]; callbacks?: CallbackSlot[] }
export interface RemoteError { name: string; message: string }
export type CallReply =
  | { id: number; ok: true; reply: unknown }
  | { id: number; ok: false; error: RemoteError };
export interface CallbackAsk { ask: number; cb: number; arg: unknown }
export type CallbackAnswer =
  | { answer: number; ok: true; value: unknown }
  | { answer: number; ok: false; error: RemoteError };

export interface BlockingCallEnd {
  port: MessagePort;
  signal: Int32Array;
  /** How long the worker waits for the answer to an ask (`WORKER_CALL_TIMEOUT_MS` by default). */
  timeoutMs?: number;
}

/** Signal word: messages the worker has posted (replies and asks). */
export const REPLIES = 0;
/** Signal word: 1 once the worker has exited. */
export const EXITED = 1;
/** Signal word: messages the coordinator has posted to the worker (calls and answers). */
export const TO_WORKER = 2;
export const SIGNAL_WORDS = 3;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isId = (x: unknown): boolean => Number.isSafeInteger(x);
/** Whether `msg` is a failed outcome with a well-formed `RemoteError`. */
export const carriesError = (msg: Record<string, unknown>): boolean =>
  msg.ok === false && isRecord(msg.error) && typeof msg.error.message === 'string' && typeof msg.error.name === 'string';

/** A thrown value as an outcome's error (its name and message; a non-Error: 'Error' and its text). */
export const asRemote = (e: unknown): RemoteError => ({ name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) });

/** The error of a call or an answer refused because calls already nest `WORKER_CALL_NEST_MAX` deep. */
export const nestedTooDeep = (): RemoteError => ({ name: 'NestedTooDeep', message: `calls nest at most ${WORKER_CALL_NEST_MAX} deep` });

export const isAsk = (msg: unknown): boolean => isRecord(msg) && 'ask' in msg;
export const isAnswer = (msg: unknown): boolean => isRecord(msg) && 'answer' in msg;

export function requestProblem(msg: unknown, allowed: ReadonlySet<string>): string | undefined {
  if (!isRecord(msg)) return 'a call is an object';
  if (!isId(msg.id)) return 'a call\'s id is an integer';
  if (typeof msg.method !== 'string' || !allowed.has(msg.method)) return `no method ${JSON.stringify(String(msg.method)).slice(0, 80)}`;
  if (!Array.isArray(msg.args)) return 'a call\'s args are an array';
  if (msg.callbacks !== undefined) {
    const args = msg.args;
    if (!Array.isArray(msg.callbacks) || !msg.callbacks.every((c: unknown) => isRecord(c) && isId(c.cb) && isId(c.index) && (c.index as number) >= 0 && (c.index as number) < args.length)) {
      return 'a call\'s callbacks are { index, cb } within its args';
    }
  }
  return undefined;
}

/** A reply or an answer: its id under `idKey`, then ok or an error. */
function outcomeProblem(msg: unknown, idKey: 'id' | 'answer', what: 'a reply' | 'an answer'): string | undefined {
  if (!isRecord(msg)) return `${what} is an object`;
  if (!isId(msg[idKey])) return `${what}'s id is an integer`;
  if (msg.ok === true) return undefined;
  return carriesError(msg) ? undefined : `${what} is ok or carries an error`;
}

export const replyProblem = (msg: unknown): string | undefined => outcomeProblem(msg, 'id', 'a reply');

export function askProblem(msg: unknown): string | undefined {
  if (!isRecord(msg)) return 'an ask is an object';
  if (!isId(msg.ask) || !isId(msg.cb)) return 'an ask\'s ids are integers';
  return undefined;
}

export const answerProblem = (msg: unknown): string | undefined => outcomeProblem(msg, 'answer', 'an answer');
