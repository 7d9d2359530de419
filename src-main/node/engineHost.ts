/**
 * EngineHost: runs the engine and paces its virtual clock against the wall clock (1×, faster, as fast as
 * possible, or paused), outside the engine so that the engine stays deterministic.
 *
 * - `new EngineHost(options)`; `start()` begins pacing; `stop()`: the host is done (pacing ends, and the
 *   lab's host worker threads, if any: `workers` puts each lab's hosts on a pool of them, each lab its own).
 * - `request(raw)` → ResponseMessage (synchronous, validated by the engine); `onEvent(listener)`.
 *
 * - With `dataDir`, the host keeps an autosave of the lab (node/storage/autosave.ts): every
 *   AUTOSAVE_PERIOD_MS of wall time when the lab changed, and on `autosaveNow()` (quit). An autosave
 *   found at start is OFFERED through the `lab.recovery` port until the user restores or discards it
 *   — autosaving pauses meanwhile, so the offer is never overwritten — unless `restoreAutosave`
 *   (restore it now) or `discardAutosave` (delete it) says otherwise. `engineCrash`: why this host
 *   replaces one that stopped (shown with the offer).
 *
 * Rules: heavy engine work happens in slices of at most SLICE_BUDGET_MS wall time so requests are
 * answered between slices — running at 'max' or a fixed speed (`slicePacer.ts`: a lab that cannot keep
 * up with the speed asked runs slower, never holding requests; 'max' is never slower than a fixed
 * multiple) and a `sim.step` in progress alike (the engine only records a step; the host moves the
 * clock toward its end here, and `sim.pause` cancels the rest); `sim.ticked` is published at most
 * TICK_EVENT_HZ times a second, and when a step ends; while running it carries `achievedSpeed`, the
 * speed measured over the last seconds (SpeedMeter), so the client can say "asked 10×, running 2.1×".
 * Used inside the engine worker thread, and directly by the CLI and tests.
 */
import type { EngineEvent } from '@shared/api/events';
import { API_VERSION } from '@shared/api/channels';
import type { ResponseMessage } from '@shared/api/protocol';
import { createEngine } from '../engine/index';
import type { Engine, EnginePorts } from '../engine/index';
import { loadScenarioSources, loadGuestSources } from './resources';
import { defaultGuestFactory } from './guestFactories';
import { hostWorkerPools } from './workers/hostWorkerPool';
import { createHighsSolver, type HighsSolver } from './solver/highsSolver';
import { createLabLibrary } from './storage/labLibrary';
import { exerciseScenarioSources, loadExercises } from './exercise/exerciseFiles';
import { Autosave } from './storage/autosave';
import { AUTOSAVE_PERIOD_MS } from './limits';
import { SpeedMeter } from './speedMeter';
import { runSlice, SLICE_BUDGET_MS, SLICE_MS } from './slicePacer';
import type { RecoveryPort } from '../engine/index';

/** Exercises for `exercise.list` / `exercise.get`; an invalid file is reported once and left out. */
function loadExercisesForPorts(): NonNullable<EnginePorts['exercises']> {
  const { exercises, errors } = loadExercises();
  for (const e of errors) console.error(`hvlab: ${e}`);
  return exercises.map((x) => ({ summary: x.summary, exercise: x.exercise }));
}

/**
 * Virtual time per chunk of a `sim.step`: one quantum (the engine rounds up to it), so the wall time
 * between two chances to answer a request is one slice budget plus at most one quantum of guest work.
 */
const STEP_CHUNK_MS = 10;
const TICK_EVENT_HZ = 4;

export interface EngineHostOptions {
  scenario?: string;
  seed?: number;
  ports?: Partial<EnginePorts>;
  /** Start with the clock paused (tests that step deterministically). */
  paused?: boolean;
  /** Folder of the lab library (File › Save / Open); none → saving and opening are refused. */
  libraryDir?: string;
  /** The lab's data folder: autosave on (absent: no autosave, no recovery offer). */
  dataDir?: string;
  /** Restore the autosave at start instead of offering it (`hvlab serve --restore-autosave`). */
  restoreAutosave?: boolean;
  /** Delete the autosave at start instead of offering it (`hvlab serve --discard-autosave`). */
  discardAutosave?: boolean;
  /** The previous engine stopped unexpectedly, with this message (shown with the recovery offer). */
  engineCrash?: string;
  /** Each lab's hosts on up to this many host worker threads, given the guest machine and page codecs
   *  of this host's ports (`hostWorkerPools`); 0 or absent: on this thread. Not with `ports.guestFactory`
   *  (a worker cannot rebuild a factory given as a function). */
  workers?: number;
}

export class EngineHost {
  readonly engine: Engine;
  private timer: NodeJS.Timeout | undefined;
  private lastWallMs = 0;
  private lastTickEventMs = 0;
  private readonly meter = new SpeedMeter();
  private meteredSpeed: number | 'max' | undefined;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  /** HiGHS for exact placement; its worker thread starts on the first exact solve only. */
  private readonly highs: HighsSolver | undefined;

  private readonly autosave: Autosave | undefined;
  /** An autosave from an earlier session awaits the user's choice: do not overwrite it. */
  private offered = false;
  private engineCrash: string | null;
  private lastAutosaveWallMs = 0;
  /** What the last autosave covered: virtual time and the number of commands that had changed the lab. */
  private savedMark = '';
  private changes = 0;

  constructor(options: EngineHostOptions = {}) {
    this.autosave = options.dataDir ? new Autosave(options.dataDir) : undefined;
    this.engineCrash = options.engineCrash ?? null;
    if (this.autosave?.info()) {
      if (options.discardAutosave) this.autosave.discard();
      else if (!options.restoreAutosave) this.offered = true;
    }
    // Guest sources are read once, for the ports and for the machine factory alike.
    const guestSources = loadGuestSources();
    const guests = options.ports?.guestFactory ? { factory: undefined, catalogue: undefined } : defaultGuestFactory(guestSources);
    const exercises = options.ports?.exercises ?? loadExercisesForPorts();
    const ports: EnginePorts = {
      scenarios: options.ports?.scenarios ?? { ...loadScenarioSources(), ...exerciseScenarioSources() },
      exercises,
      guestFactory: options.ports?.guestFactory ?? guests.factory,
      guestCatalog: options.ports?.guestCatalog ?? guests.catalogue,
      milpSolver: options.ports?.milpSolver ?? (this.highs = createHighsSolver()),
      pageCodecs: options.ports?.pageCodecs,
      recovery: options.ports?.recovery ?? (this.autosave ? this.recoveryPort(this.autosave) : undefined),
      labLibrary: options.ports?.labLibrary ?? (options.libraryDir ? createLabLibrary(options.libraryDir) : undefined),
    };
    const workers = options.workers ?? 0;
    if (workers > 0 && options.ports?.guestFactory) throw new Error('host workers build the default guest machine: not with ports.guestFactory');
    const hostOwners = hostWorkerPools(workers, { machine: ports.guestFactory !== undefined, pageCodecs: ports.pageCodecs !== undefined });
    this.engine = createEngine(ports, { scenario: options.scenario ?? 'lab-small', seed: options.seed ?? 1, hostOwners });
    this.engine.onEvent((e) => {
      if (e.type === 'sim.ticked') return;
      for (const l of this.listeners) l(e);
    });
    if (options.restoreAutosave && this.autosave?.info()) {
      const err = this.engine.loadState(this.autosave.load());
      if (err) throw new Error(`the autosave in ${this.autosave.dir} cannot be restored: ${err.message}`);
    }
    if (options.paused) this.engine.handle({ v: API_VERSION, id: 0, kind: 'command', name: 'sim.pause', params: {} });
    this.savedMark = this.mark();
    this.lastAutosaveWallMs = performance.now();
  }

  private recoveryPort(autosave: Autosave): RecoveryPort {
    return {
      info: () => ({ autosave: this.offered ? autosave.info() : null, offered: this.offered, engineCrash: this.engineCrash }),
      restore: () => autosave.load(),
      restored: () => { this.offered = false; this.engineCrash = null; },
      discard: () => { if (this.offered) autosave.discard(); this.offered = false; this.engineCrash = null; },
    };
  }

  private mark(): string {
    return `${this.engine.simStatus().virtualTimeMs}/${this.changes}`;
  }

  /**
   * Saves the lab to the autosave (from the pacing loop, and on quit): false when there is nothing to do
   * (no data folder, or nothing changed since the last autosave). While an offer is pending the
   * periodic save is skipped (it would replace what is offered); on quit the offered autosave is kept
   * as `autosave-previous` and the current lab becomes the autosave — quitting loses neither.
   * Throws when the save cannot be written.
   */
  autosaveNow(when: 'periodic' | 'quit' = 'periodic'): boolean {
    if (!this.autosave) return false;
    const mark = this.mark();
    if (mark === this.savedMark) return false;
    if (this.offered) {
      if (when === 'periodic') return false;
      this.autosave.keepAsPrevious();
      this.offered = false;
    }
    this.autosave.write(this.engine.saveState());
    this.savedMark = mark;
    this.lastAutosaveWallMs = performance.now();
    return true;
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  request(raw: unknown): ResponseMessage {
    const before = this.engine.simStatus();
    const response = this.engine.handle(raw);
    if (response.ok && typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'command') this.changes++;
    const after = this.engine.simStatus();
    if (before.running !== after.running || before.speed !== after.speed || before.virtualTimeMs !== after.virtualTimeMs || before.stepToMs !== after.stepToMs) {
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
    this.engine.close();
  }

  private slice(): void {
    const now = performance.now();
    const before = this.engine.simStatus();
    if (!before.running || before.speed !== this.meteredSpeed) {
      this.meter.reset();
      this.meteredSpeed = before.running ? before.speed : undefined;
    }
    if (before.running) this.meter.sample(now, before.virtualTimeMs);
    const wallElapsed = now - this.lastWallMs;
    this.lastWallMs = now;
    if (this.autosave && now - this.lastAutosaveWallMs >= AUTOSAVE_PERIOD_MS) {
      this.lastAutosaveWallMs = now;
      try {
        this.autosaveNow();
      } catch {
        // A full disk must not stop the lab; the next period tries again, and quitting reports it.
      }
    }
    const status = this.engine.simStatus();
    if (!status.running) {
      if (status.stepToMs !== undefined) this.stepSlice(now + SLICE_BUDGET_MS);
      return;
    }
    // At 'max' and at a fixed speed alike, within the slice's wall budget (slicePacer.ts: why 'max' is
    // never slower than a fixed multiple).
    runSlice(status.speed, wallElapsed, now, () => performance.now(), (ms) => this.engine.advance(ms));
    this.publishTick(false);
  }

  /**
   * Moves a step in progress toward its end until the wall-clock deadline, STEP_CHUNK_MS of virtual time
   * at a time (the engine ends each chunk on its quantum grid). Returns true when the step has ended.
   */
  private stepSlice(deadline: number): boolean {
    while (!this.engine.stepSome(STEP_CHUNK_MS)) {
      if (performance.now() >= deadline) {
        this.publishTick(false);
        return false;
      }
    }
    this.publishTick(true);
    return true;
  }

  private publishTick(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastTickEventMs < 1000 / TICK_EVENT_HZ) return;
    this.lastTickEventMs = now;
    const status = this.engine.simStatus();
    const achieved = status.running ? this.meter.speed() : undefined;
    const event: EngineEvent = { type: 'sim.ticked', status: achieved === undefined ? status : { ...status, achievedSpeed: achieved } };
    for (const l of this.listeners) l(event);
  }
}
