/**
 * The engine's only door: `createEngine(ports, options)`.
 *
 * - `engine.handle(request)` → ResponseMessage: every command and query of the contract (validated).
 * - `engine.onEvent(listener)` → unsubscribe: pushed EngineEvents.
 * - `engine.advance(ms)`: moves virtual time; the HOST decides how much per wall-clock slice from
 *   `engine.simStatus()` (running, speed) — the engine never reads a clock.
 * - `engine.stepSome(maxMs)`: moves a `sim.step` in progress (`simStatus().stepToMs`) toward its end by at
 *   most `maxMs`, ending on the quantum grid (so a step run in slices ends in exactly the state one
 *   unsliced advance would); true once the step has ended. `sim.step` itself only records the step, so
 *   no command holds the engine for long: the host calls this between requests.
 * - `engine.saveState()` → plain lab state (everything, incl. guests, snapshots, counter history);
 *   `engine.loadState(state)` replaces the lab with a saved one, checked field by field first
 *   (`lab/labStateCheck.ts`), or returns a typed error naming the field and keeps the current lab. The node side
 *   writes/reads the files (`node/storage/`).
 * - `lab.recovery` / `lab.recovery.restore` / `lab.recovery.discard` go to `ports.recovery` (the host's
 *   autosave); a restore replaces the lab like `loadState`.
 * - `engine.digestInput()` → plain data describing the final state, for hashing (`lab/labDigest.ts`).
 * - `validateScenario(source)` checks a scenario object: shape (schema) and references (hosts,
 *   templates, action targets), with the path of the bad field.
 *
 * Pure TypeScript: no Node, DOM or Electron imports (tsconfig.engine.json enforces it). Deterministic:
 * the same scenario + seed + sequence of requests and advances gives the same results.
 */
import type { ResponseMessage } from '@shared/api/protocol';
import type { EngineEvent } from '@shared/api/events';
import type { SimStatus } from '@shared/api/commands';
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import { validateRequest } from '@shared/api/validate';
import { isPlainObject } from '@shared/api/schema';
import type { EnginePorts, ScenarioSource } from './ports';
import { Lab } from './lab/lab';
import type { LabState } from './lab/labPersist';
import { digestInput } from './lab/labDigest';
import { labStateProblem, LabStateError } from './lab/labStateCheck';
import { dispatch } from './api/dispatcher';
import { scenarioSchema } from './scenario/scenarioSchema';
import { scenarioBoundsProblem } from './scenario/scenarioBounds';
import type { Scenario } from './scenario/scenarioSchema';
import { ScenarioProblem } from './cluster/model';
import { SIM_QUANTUM_NS } from './params';

const SIM_QUANTUM_MS = SIM_QUANTUM_NS / 1e6;

export type { EnginePorts, ScenarioSource } from './ports';
export type { Scenario } from './scenario/scenarioSchema';
export type { GuestFactory, GuestConfig } from './vm/guestFactory';
export type { GuestMachine } from './vm/guestMachine';
export type { LabState } from './lab/labPersist';

export interface EngineOptions {
  /** Name of a scenario in `ports.scenarios`. */
  scenario: string;
  seed: number;
}

export interface Engine {
  handle(request: unknown): ResponseMessage;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  advance(virtualMs: number): void;
  stepSome(maxVirtualMs: number): boolean;
  simStatus(): SimStatus;
  saveState(): LabState;
  loadState(state: unknown): ApiError | undefined;
  digestInput(): unknown;
  /** Name of the scenario the current lab came from. */
  scenarioName(): string;
}

/**
 * Validates a parsed scenario; errors name the file and the path of the bad field. Order: shape (schema),
 * then totals and workloads from the numbers alone (`scenarioBounds.ts`: nothing is built for a scenario
 * over the limits), then references, by building the inventory. `workloads`: the guest catalogue's names.
 */
export function validateScenario(source: ScenarioSource, workloads?: ReadonlySet<string>): { scenario: Scenario } | { error: ApiError } {
  const problem = scenarioSchema.check(source.content, 'scenario') ?? scenarioBoundsProblem(source.content as Scenario, workloads);
  if (problem) return { error: apiError('E_SCENARIO', `${source.file}: ${problem.field}: ${problem.message}`, problem.field) };
  const scenario = source.content as Scenario;
  try {
    new Lab(scenario, 0, () => {}, { workloads }); // builds the inventory and resolves the timeline: reference errors surface here
  } catch (e) {
    if (e instanceof ScenarioProblem) return { error: apiError('E_SCENARIO', `${source.file}: ${e.field}: ${e.message}`, e.field) };
    throw e;
  }
  return { scenario };
}

export function createEngine(ports: EnginePorts, options: EngineOptions): Engine {
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => { for (const l of listeners) l(e); };
  // Names from input are looked up in Maps, never on plain objects ("constructor" is on every object).
  const scenarios = new Map(Object.entries(ports.scenarios));
  const workloads = ports.guestCatalog ? new Set(ports.guestCatalog.map((g) => g.name)) : undefined;
  const labOptions = { guestFactory: ports.guestFactory, workloads };

  function build(name: string, seed: number): Lab | ApiError {
    const source = scenarios.get(name);
    if (!source) return apiError('E_NOT_FOUND', `no such scenario "${name}" (built-in: ${[...scenarios.keys()].join(', ')})`, 'params.scenario');
    const v = validateScenario(source, workloads);
    if ('error' in v) return v.error;
    return new Lab(v.scenario, seed, emit, labOptions);
  }

  const first = build(options.scenario, options.seed);
  if (!(first instanceof Lab)) throw new Error(`cannot start the engine: ${first.message}`);
  let lab: Lab = first;

  function loadState(state: unknown): ApiError | undefined {
    // Every value is checked before anything is built, with the limits of live input; the lab is
    // replaced only once the new one is whole.
    const problem = labStateProblem(state, workloads);
    if (problem) return apiError('E_INVALID_STATE', `cannot load the lab: ${problem.field}: ${problem.message}`, problem.field);
    const saved = state as LabState;
    const scenario = validateScenario({ file: 'the saved lab', content: saved.scenario }, workloads);
    if ('error' in scenario) return apiError('E_INVALID_STATE', `cannot load the lab: ${scenario.error.message}`, `state.${scenario.error.field ?? 'scenario'}`);
    try {
      lab = Lab.restore(saved, emit, labOptions);
    } catch (e) {
      return apiError('E_INVALID_STATE', `cannot load the lab: ${e instanceof Error ? e.message : String(e)}`, e instanceof LabStateError ? e.field : 'state');
    }
    emit({ type: 'lab.loaded', scenario: lab.scenario.name });
    return undefined;
  }

  return {
    handle(raw: unknown): ResponseMessage {
      // lab.load, lab.scenarios and guests.list need the facade (they replace the lab or read the ports); the rest goes to the Lab.
      const v = validateRequest(raw);
      if (v.ok && v.request.kind === 'command' && v.request.name === 'lab.load') {
        const p = v.request.params as { scenario: string; seed?: number };
        const next = build(p.scenario, p.seed ?? lab.seed);
        if (!(next instanceof Lab)) return { id: v.request.id, ok: false, error: next };
        lab = next;
        emit({ type: 'lab.loaded', scenario: p.scenario });
        return { id: v.request.id, ok: true, result: { ok: true } };
      }
      if (v.ok && v.request.kind === 'query' && v.request.name === 'lab.scenarios') {
        const list = [...scenarios].map(([name, src]) => {
          const c = isPlainObject(src.content) ? src.content : {};
          return { name, title: typeof c.title === 'string' ? c.title : name, description: typeof c.description === 'string' ? c.description : '' };
        });
        return { id: v.request.id, ok: true, result: list };
      }
      if (v.ok && v.request.name === 'lab.recovery') {
        return { id: v.request.id, ok: true, result: ports.recovery?.info() ?? { autosave: null, offered: false, engineCrash: null } };
      }
      if (v.ok && v.request.kind === 'command' && v.request.name === 'lab.recovery.discard') {
        ports.recovery?.discard();
        return { id: v.request.id, ok: true, result: { ok: true } };
      }
      if (v.ok && v.request.kind === 'command' && v.request.name === 'lab.recovery.restore') {
        const offer = ports.recovery?.info();
        if (!ports.recovery || !offer?.autosave) return { id: v.request.id, ok: false, error: apiError('E_NOT_FOUND', 'there is no autosaved lab to restore') };
        let state: unknown;
        try {
          state = ports.recovery.restore();
        } catch (e) {
          return { id: v.request.id, ok: false, error: apiError('E_INVALID_STATE', `the autosaved lab cannot be read: ${e instanceof Error ? e.message : String(e)}`) };
        }
        const err = loadState(state);
        if (err) return { id: v.request.id, ok: false, error: err };
        ports.recovery.restored();
        return { id: v.request.id, ok: true, result: { ok: true } };
      }
      if (v.ok && v.request.kind === 'query' && v.request.name === 'guests.list') {
        return { id: v.request.id, ok: true, result: (ports.guestCatalog ?? []).map((g) => ({ name: g.name, description: g.description })) };
      }
      return dispatch(lab, raw);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advance(ms: number) {
      if (!(ms > 0)) return;
      lab.advance(ms);
    },
    stepSome(maxMs: number) {
      const { nowMs, stepToMs } = lab.clock;
      if (stepToMs === null) return true;
      const gridEnd = Math.floor((nowMs + Math.max(maxMs, SIM_QUANTUM_MS)) / SIM_QUANTUM_MS) * SIM_QUANTUM_MS;
      lab.advance(Math.min(stepToMs, gridEnd) - nowMs);
      return lab.clock.stepToMs === null;
    },
    simStatus: () => lab.clock.status(),
    saveState: () => lab.save(),
    loadState,
    digestInput: () => digestInput(lab),
    scenarioName: () => lab.scenario.name,
  };
}
