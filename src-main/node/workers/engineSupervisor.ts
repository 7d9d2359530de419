/**
 * engineSupervisor — keeps an engine worker running for its owner (browser-mode server, Electron main):
 * when the worker stops unexpectedly it starts a new one, which offers the last autosave back with the
 * reason (`lab.recovery`), and tells the clients to reload (`lab.loaded`).
 *
 * - `await EngineSupervisor.start(init)` → an `EngineLink` (`request`, `onEvent`) that always talks to
 *   the current worker; `autosave()` (on quit); `close()`.
 * - `restarts`: how many times a worker was replaced.
 *
 * Rules: requests made while a worker is being replaced are answered E_TRANSPORT (never left
 * hanging); after RESTART_LIMIT crashes within RESTART_WINDOW_MS the supervisor stops replacing (a
 * worker that crashes at start would otherwise loop) and every request is answered E_TRANSPORT.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';
import { apiError } from '@shared/api/errors';
import { EngineWorkerClient, defaultWorkerPath } from './engineWorkerClient';
import type { WorkerInit } from './workerProtocol';

const RESTART_LIMIT = 3;
const RESTART_WINDOW_MS = 60_000;

export class EngineSupervisor {
  private current: EngineWorkerClient | undefined;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly crashTimes: number[] = [];
  private closed = false;
  private stoppedFor: string | undefined;
  restarts = 0;

  private constructor(private readonly init: WorkerInit, private readonly where: ReturnType<typeof defaultWorkerPath>) {}

  static async start(init: WorkerInit, where = defaultWorkerPath()): Promise<EngineSupervisor> {
    const s = new EngineSupervisor(init, where);
    s.attach(await EngineWorkerClient.spawn(init, where));
    return s;
  }

  /** The worker in use (tests reach it to simulate a crash). */
  get worker(): EngineWorkerClient | undefined {
    return this.current;
  }

  private attach(client: EngineWorkerClient): void {
    this.current = client;
    client.onEvent((e) => { for (const l of this.listeners) l(e); });
    client.onExit((reason) => { void this.replace(reason); });
  }

  private async replace(reason: string): Promise<void> {
    if (this.closed) return;
    this.current = undefined;
    const now = Date.now();
    this.crashTimes.push(now);
    while (this.crashTimes.length && now - this.crashTimes[0] > RESTART_WINDOW_MS) this.crashTimes.shift();
    if (this.crashTimes.length > RESTART_LIMIT) {
      this.stoppedFor = `${reason}; it stopped ${this.crashTimes.length} times within a minute, so it is not restarted`;
      return;
    }
    try {
      // The new worker must not take over the crashed session's clock or replace its autosave: it starts
      // the scenario afresh and OFFERS the autosave (restore/discard flags are for the first start only).
      const init: WorkerInit = { ...this.init, restoreAutosave: false, discardAutosave: false, engineCrash: reason };
      const client = await EngineWorkerClient.spawn(init, this.where);
      if (this.closed) { await client.close(); return; }
      this.restarts++;
      this.attach(client);
      const event: EngineEvent = { type: 'lab.loaded', scenario: init.scenario };
      for (const l of this.listeners) l(event);
    } catch (e) {
      this.stoppedFor = `${reason}; a new engine worker could not start: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  request(message: { id: number } & Record<string, unknown>): Promise<ResponseMessage> {
    if (!this.current) {
      const why = this.stoppedFor ?? 'the engine worker is restarting; try again in a moment';
      return Promise.resolve({ id: message.id, ok: false, error: apiError('E_TRANSPORT', why) });
    }
    return this.current.request(message);
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  autosave(timeoutMs?: number): Promise<{ saved: boolean; error?: string }> {
    return this.current ? this.current.autosave(timeoutMs) : Promise.resolve({ saved: false, error: 'no engine worker is running' });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.current?.close();
    this.current = undefined;
  }
}
