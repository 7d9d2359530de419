/**
 * EngineHost: runs the engine and paces its virtual clock against the wall clock (1×, faster, as fast as
 * possible, or paused), outside the engine so that the engine stays deterministic.
 *
 * - `new EngineHost(options)`; `start()` begins pacing; `stop()`.
 * - `request(raw)` → ResponseMessage (synchronous, validated by the engine); `onEvent(listener)`.
 *
 * Rules: heavy engine work happens in slices of at most SLICE_BUDGET_MS wall time so requests are
 * answered between slices; `sim.ticked` is published at most TICK_EVENT_HZ times a second.
 * Used inside the engine worker thread, and directly by the CLI and tests.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ResponseMessage } from '@shared/api/protocol';
import { createEngine } from '../engine/index';
import type { Engine, EnginePorts } from '../engine/index';
import { loadScenarioSources, loadGuestSources } from './resources';
import { defaultGuestFactory } from './guestFactories';
import { createHighsSolver, type HighsSolver } from './solver/highsSolver';

/** Wall-clock period of the pacing loop. */
const SLICE_MS = 50;
/** Most wall time one slice may spend advancing at 'max' speed before yielding to requests. */
const SLICE_BUDGET_MS = 40;
/** Virtual time advanced per chunk at 'max' speed. */
const MAX_SPEED_CHUNK_MS = 100;
/** The most virtual time one slice may cover at a fixed speed: protects against a suspended laptop waking up. */
const MAX_CATCH_UP_MS = 5_000;
const TICK_EVENT_HZ = 4;

export interface EngineHostOptions {
  scenario?: string;
  seed?: number;
  ports?: Partial<EnginePorts>;
  /** Start with the clock paused (tests that step deterministically). */
  paused?: boolean;
}

export class EngineHost {
  readonly engine: Engine;
  private timer: NodeJS.Timeout | undefined;
  private lastWallMs = 0;
  private lastTickEventMs = 0;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  /** HiGHS for exact placement; its worker thread starts on the first exact solve only. */
  private readonly highs: HighsSolver | undefined;

  constructor(options: EngineHostOptions = {}) {
    // Guest sources are read once, for the ports and for the machine factory alike.
    const guestSources = options.ports?.guestSources ?? loadGuestSources();
    const guests = options.ports?.guestFactory ? { factory: undefined, catalogue: undefined } : defaultGuestFactory(guestSources);
    const ports: EnginePorts = {
      scenarios: options.ports?.scenarios ?? loadScenarioSources(),
      guestSources,
      guestFactory: options.ports?.guestFactory ?? guests.factory,
      guestCatalog: options.ports?.guestCatalog ?? guests.catalogue,
      milpSolver: options.ports?.milpSolver ?? (this.highs = createHighsSolver()),
      pageCodecs: options.ports?.pageCodecs,
      log: options.ports?.log,
    };
    this.engine = createEngine(ports, { scenario: options.scenario ?? 'lab-small', seed: options.seed ?? 1 });
    this.engine.onEvent((e) => {
      if (e.type === 'sim.ticked') return;
      for (const l of this.listeners) l(e);
    });
    if (options.paused) this.engine.handle({ v: 1, id: 0, kind: 'command', name: 'sim.pause', params: {} });
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  request(raw: unknown): ResponseMessage {
    const before = this.engine.simStatus();
    const response = this.engine.handle(raw);
    const after = this.engine.simStatus();
    if (before.running !== after.running || before.speed !== after.speed || before.virtualTimeMs !== after.virtualTimeMs) {
      this.publishTick(true);
    }
    return response;
  }

  start(): void {
    if (this.timer) return;
    this.lastWallMs = performance.now();
    this.timer = setInterval(() => this.slice(), SLICE_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.highs?.close();
  }

  private slice(): void {
    const now = performance.now();
    const wallElapsed = now - this.lastWallMs;
    this.lastWallMs = now;
    const status = this.engine.simStatus();
    if (!status.running) return;
    if (status.speed === 'max') {
      const deadline = now + SLICE_BUDGET_MS;
      do this.engine.advance(MAX_SPEED_CHUNK_MS); while (performance.now() < deadline);
    } else {
      const virtualMs = Math.min(MAX_CATCH_UP_MS, Math.round(wallElapsed * status.speed));
      if (virtualMs > 0) this.engine.advance(virtualMs);
    }
    this.publishTick(false);
  }

  private publishTick(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastTickEventMs < 1000 / TICK_EVENT_HZ) return;
    this.lastTickEventMs = now;
    const event: EngineEvent = { type: 'sim.ticked', status: this.engine.simStatus() };
    for (const l of this.listeners) l(event);
  }
}
