/**
 * The browser-mode transport: an `HvlabBridge` over one WebSocket to `hvlab serve` (`/api/ws?token=…`).
 *
 * - `createWsBridge({ url, WebSocketImpl?, onStatus? })` → bridge + `close()`.
 * - Sends `RequestMessage` JSON; receives `ResponseMessage` (matched by id) or `EventMessage`.
 * - Reconnects with exponential backoff (250 ms doubling to 10 s) after any close; status goes
 *   connecting → open → reconnecting → open…, which the banner shows as "Disconnected — reconnecting…".
 *
 * Rules: a request waiting for its answer when the socket closes is rejected with an `E_TRANSPORT`
 * reply (never left hanging); requests made while the socket is not open are queued and sent on open,
 * or rejected at the next close. Events missed while disconnected are not replayed here: when the status
 * returns to open the stores catch up through the contract (they watch the connection generation): the
 * inventory with `inventory.changesSince`, unfinished tasks with `task.get`, the log with `events.since`.
 */
import { API_VERSION } from '@shared/api/channels';
import type { EngineEvent } from '@shared/api/events';
import type { EventMessage, HvlabBridge, RequestMessage, ResponseMessage } from '@shared/api/protocol';
import { apiError } from '@shared/api/errors';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WsBridgeOptions {
  url: string;
  WebSocketImpl?: typeof WebSocket;
  onStatus?: (status: ConnectionStatus) => void;
  /** First retry delay; doubles to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface WsBridge extends HvlabBridge {
  readonly status: ConnectionStatus;
  close(): void;
}

interface Pending {
  message: RequestMessage;
  resolve: (r: ResponseMessage) => void;
  sent: boolean;
}

const OPEN = 1;

export function createWsBridge(options: WsBridgeOptions): WsBridge {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const minBackoff = options.minBackoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const listeners = new Set<(e: EngineEvent) => void>();
  const pending = new Map<number, Pending>();
  let socket: WebSocket | null = null;
  let status: ConnectionStatus = 'connecting';
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closedByUser = false;

  const setStatus = (s: ConnectionStatus): void => {
    if (s === status) return;
    status = s;
    options.onStatus?.(s);
  };

  const send = (p: Pending): void => {
    if (!socket || socket.readyState !== OPEN) return;
    socket.send(JSON.stringify(p.message));
    p.sent = true;
  };

  const failAll = (reason: string): void => {
    for (const [id, p] of pending) p.resolve({ id, ok: false, error: apiError('E_TRANSPORT', reason) });
    pending.clear();
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as Partial<EventMessage> & Partial<{ id: number; ok: boolean }>;
    if (m.kind === 'event' && m.event) {
      for (const l of [...listeners]) {
        try {
          l(m.event);
        } catch (err) {
          console.error('hvlab: event listener failed', err);
        }
      }
      return;
    }
    if (typeof m.id === 'number' && typeof m.ok === 'boolean') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      p.resolve(msg as ResponseMessage);
    }
  };

  const connect = (): void => {
    retryTimer = null;
    let ws: WebSocket;
    try {
      ws = new Impl(options.url);
    } catch {
      scheduleRetry();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setStatus('open');
      for (const p of pending.values()) if (!p.sent) send(p);
    };
    ws.onmessage = (ev: MessageEvent) => onMessage(ev.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failAll('the connection to the lab was closed');
      if (closedByUser) {
        setStatus('closed');
        return;
      }
      setStatus('reconnecting');
      scheduleRetry();
    };
    ws.onerror = () => {
      /* a close event always follows */
    };
  };

  const scheduleRetry = (): void => {
    if (closedByUser || retryTimer) return;
    const delay = Math.min(maxBackoff, minBackoff * 2 ** attempt);
    attempt++;
    retryTimer = setTimeout(connect, delay);
  };

  connect();

  return {
    apiVersion: API_VERSION,
    transport: 'websocket',
    get status() {
      return status;
    },
    request(message: RequestMessage): Promise<ResponseMessage> {
      return new Promise((resolve) => {
        if (closedByUser) {
          resolve({ id: message.id, ok: false, error: apiError('E_TRANSPORT', 'the connection to the lab is closed') });
          return;
        }
        const p: Pending = { message, resolve, sent: false };
        pending.set(message.id, p);
        send(p);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closedByUser = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      socket = null;
      failAll('the connection to the lab was closed');
      setStatus('closed');
      ws?.close();
    },
  };
}
