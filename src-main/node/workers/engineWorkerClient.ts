/**
 * The owner's side of the engine worker: spawns the thread and offers `request()` / `onEvent()`.
 *
 * - `await EngineWorkerClient.spawn(init, workerPath?)` → a ready client (rejects with the worker's
 *   fatal message, e.g. an invalid scenario).
 * - `request(message)` → Promise<ResponseMessage>: any framed request (the engine validates it); the
 *   client gives each an id of its own for the worker and answers with the caller's id.
 * - `autosave(timeoutMs)` → what the worker did with the quit-time autosave ({ saved, error? }).
 * - `onExit(listener)`: the worker stopped WITHOUT `close()` (a crash): listener gets the reason.
 *
 * The worker file is the TypeScript source under tsx (`npx hvlab`) or the bundled `engineWorker.js`
 * next to Electron's main bundle.
 */
import { Worker } from 'node:worker_threads';
import { workerEntryPath } from './workerEntry';
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';
import { apiError } from '@shared/api/errors';
import type { FramedRequest } from '@shared/api/validate';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';

export function defaultWorkerPath(): { path: string; entry?: string } {
  return workerEntryPath('engineWorker');
}

export class EngineWorkerClient {
  private readonly pending = new Map<number, (r: ResponseMessage) => void>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly exitListeners = new Set<(reason: string) => void>();
  private readonly autosaveWaiters: ((r: { saved: boolean; error?: string }) => void)[] = [];
  private closed = false;
  private nextId = 1;
  private closing = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'response') {
        const resolve = this.pending.get(m.message.id);
        if (resolve) { this.pending.delete(m.message.id); resolve(m.message); }
      } else if (m.type === 'event') {
        for (const l of this.listeners) l(m.event);
      } else if (m.type === 'autosaved') {
        this.autosaveWaiters.shift()?.({ saved: m.saved, ...(m.error ? { error: m.error } : {}) });
      }
    });
    let reason = 'the engine worker stopped';
    worker.on('error', (e) => { reason = `the engine worker failed: ${e.message}`; this.failAll(reason); });
    worker.on('exit', (code) => {
      if (!this.closing && reason === 'the engine worker stopped') reason = `the engine worker stopped (exit code ${code})`;
      this.failAll(reason);
      if (!this.closing) for (const l of this.exitListeners) l(reason);
    });
  }

  static spawn(init: WorkerInit, where = defaultWorkerPath()): Promise<EngineWorkerClient> {
    const worker = new Worker(where.path, { workerData: where.entry ? { ...init, __entry: where.entry } : init });
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') { worker.off('message', onMessage); resolve(new EngineWorkerClient(worker)); }
        if (m.type === 'fatal') { worker.off('message', onMessage); void worker.terminate(); reject(new Error(m.message)); }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  /** Forwards a framed request under an id of its own (callers' ids may collide) and answers with the caller's id. */
  request(message: FramedRequest): Promise<ResponseMessage> {
    const callerId = message.id;
    if (this.closed) return Promise.resolve({ id: callerId, ok: false, error: apiError('E_TRANSPORT', 'the engine worker is not running') });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (reply) => resolve({ ...reply, id: callerId }));
      this.worker.postMessage({ type: 'request', message: { ...message, id } } satisfies ToWorker);
    });
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onExit(listener: (reason: string) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Asks the worker to write the autosave now; resolves with what it did (an error after `timeoutMs`). */
  autosave(timeoutMs = 30_000): Promise<{ saved: boolean; error?: string }> {
    if (this.closed) return Promise.resolve({ saved: false, error: 'the engine worker is not running' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.autosaveWaiters.indexOf(done);
        if (i >= 0) this.autosaveWaiters.splice(i, 1);
        resolve({ saved: false, error: `the autosave did not finish within ${timeoutMs / 1000} s` });
      }, timeoutMs);
      const done = (r: { saved: boolean; error?: string }) => { clearTimeout(timer); resolve(r); };
      this.autosaveWaiters.push(done);
      this.worker.postMessage({ type: 'autosave' } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.closed = true;
    await this.worker.terminate();
  }

  private failAll(message: string): void {
    this.closed = true;
    for (const [id, resolve] of this.pending) resolve({ id, ok: false, error: apiError('E_TRANSPORT', message) });
    this.pending.clear();
    for (const w of this.autosaveWaiters.splice(0)) w({ saved: false, error: message });
  }
}
