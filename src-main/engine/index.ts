/**
 * The engine's only door: `createEngine(ports, options)`.
 *
 * - `engine.handle(request)` → ResponseMessage: every command and query of the contract (validated).
 * - `engine.onEvent(listener)` → unsubscribe: pushed EngineEvents.
 * - `engine.advance(ms)`: moves virtual time; the HOST decides how much per wall-clock slice from
 *   `engine.simStatus()` (running, speed) — the engine never reads a clock.
 * - `engine.saveState()` → plain lab state (everything, incl. guests, snapshots, counter history);
 *   `engine.loadState(state)` replaces the lab with a saved one (or returns a typed error). The node side
 *   writes/reads the files (`node/storage/`).
 * - `engine.digestInput()` → plain data describing the final state, for hashing (`lab/labDigest.ts`).
 * - `validateScenario(source)` checks a scenario object: shape (schema) and references (hosts,
 *   templates, action targets), with the path of the bad field.
 * - For the Node side's standalone tools: the assembler, one guest machine built and run on its own,
 *   the guest catalogue and the machine's GuestFactory. Node code imports the engine only from here
 *   (lint: hvlab/import-boundaries).
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
import { Lab } from './lab/index';
import type { LabState } from './lab/index';
import { digestInput } from './lab/index';
import { dispatch } from './api/index';
import { scenarioSchema } from './scenario/index';
import type { Scenario } from './scenario/index';
import { ScenarioProblem } from './cluster/index';
import { placementSolve } from './placement/index';

export type { EnginePorts, ScenarioSource } from './ports';
export { durationMs, type Scenario } from './scenario/index';
export type { GuestFactory, GuestConfig } from './vm/guestFactory';
export type { GuestMachine } from './vm/guestMachine';
export type { LabState } from './lab/index';
export type { MilpSolverPort } from './ports';
export { DEFAULT_CLOCK_HZ } from './params';

// The guest machine on its own, for the Node side's tools (`hvlab asm`, `hvlab run`), its guest
// catalogue, and the GuestFactory it wires into the lab (node/guestFactories.ts).
export { assemble, disassemble, formatDiagnostics, type AsmImage, type AssembleResult } from './isa/index';
export {
  assembleGuest, buildMachine, commandLine, createMachineFactory, findGuest, GuestCatalogueError, GuestProgramError, pagingStructureBytes,
  parseGuestCatalogue, runMachine, type GuestCatalogue, type Machine, type MachineConfigInput, type RunOutcome,
} from './machine/index';
export { MONITOR_KINDS } from './monitors/index';
export type { PagingMode, PagingOptions } from './mmu/index';

export interface EngineOptions {
  /** Name of a scenario in `ports.scenarios`. */
  scenario: string;
  seed: number;
}

export interface Engine {
  handle(request: unknown): ResponseMessage;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  advance(virtualMs: number): void;
  simStatus(): SimStatus;
  saveState(): LabState;
  loadState(state: unknown): ApiError | undefined;
  digestInput(): unknown;
  /** Name of the scenario the current lab came from. */
  scenarioName(): string;
}

/** Validates a parsed scenario; errors name the file and the path of the bad field. */
export function validateScenario(source: ScenarioSource): { scenario: Scenario } | { error: ApiError } {
  const problem = scenarioSchema.check(source.content, 'scenario');
  if (problem) return { error: apiError('E_SCENARIO', `${source.file}: ${problem.field}: ${problem.message}`, problem.field) };
  const scenario = source.content as Scenario;
  try {
    new Lab(scenario, 0, () => {}); // builds the inventory and resolves the timeline: reference errors surface here
  } catch (e) {
    if (e instanceof ScenarioProblem) return { error: apiError('E_SCENARIO', `${source.file}: ${e.field}: ${e.message}`, e.field) };
    throw e;
  }
  return { scenario };
}

export function createEngine(ports: EnginePorts, options: EngineOptions): Engine {
  const listeners = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent) => { for (const l of listeners) l(e); };
  // The lab runs its scenario's timed actions through the same dispatcher as every request.
  const labOptions = { guestFactory: ports.guestFactory, commands: dispatch, pageCodecs: ports.pageCodecs };

  function build(name: string, seed: number): Lab | ApiError {
    const source = ports.scenarios[name];
    if (!source) return apiError('E_NOT_FOUND', `no built-in scenario "${name}"`, 'params.scenario');
    const v = validateScenario(source);
    if ('error' in v) return v.error;
    return new Lab(v.scenario, seed, emit, labOptions);
  }

  const first = build(options.scenario, options.seed);
  if (!(first instanceof Lab)) throw new Error(`cannot start the engine: ${first.message}`);
  let lab: Lab = first;

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
        const list = Object.entries(ports.scenarios).map(([name, src]) => {
          const c = isPlainObject(src.content) ? src.content : {};
          return { name, title: String(c.title ?? name), description: String(c.description ?? '') };
        });
        return { id: v.request.id, ok: true, result: list };
      }
      if (v.ok && v.request.kind === 'query' && v.request.name === 'guests.list') {
        return { id: v.request.id, ok: true, result: (ports.guestCatalog ?? []).map((g) => ({ name: g.name, description: g.description })) };
      }
      if (v.ok && v.request.kind === 'query' && v.request.name === 'placement.solve') {
        // Needs the exact-solver port, which only the facade holds.
        const out = placementSolve(lab, v.request.params as Parameters<typeof placementSolve>[1], ports.milpSolver);
        return 'error' in out ? { id: v.request.id, ok: false, error: out.error } : { id: v.request.id, ok: true, result: out };
      }
      return v.ok && v.request.initiator ? dispatch(lab, raw, v.request.initiator) : dispatch(lab, raw);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advance(ms: number) {
      if (!(ms > 0)) return;
      lab.advance(ms);
    },
    simStatus: () => lab.clock.status(),
    saveState: () => lab.save(),
    loadState(state: unknown): ApiError | undefined {
      try {
        lab = Lab.restore(state as LabState, emit, labOptions);
      } catch (e) {
        return apiError('E_INVALID_STATE', `cannot load the lab: ${e instanceof Error ? e.message : String(e)}`);
      }
      emit({ type: 'lab.loaded', scenario: lab.scenario.name });
      return undefined;
    },
    digestInput: () => digestInput(lab),
    scenarioName: () => lab.scenario.name,
  };
}
export { solveModel } from './placement/index';
export type { ModelRun, Value } from './placement/index';
export { formatSourceDiagnostics } from './placement/index';
export { PLACEMENT_DEFAULT_TIME_LIMIT_S, PLACEMENT_MAX_TIME_LIMIT_S } from './params';
export { PLACEMENT_ALGOS, HEURISTIC_TITLES, lowerBound, solvePlacement } from './placement/index';
export type { PlacementAlgo, PlacementOutcome } from './placement/index';
export { STANDARD_CLASSES, standardInstance } from './placement/index';
export type { StandardClass } from './placement/index';
export { readInstances, instanceProblem, writeBpplib } from './placement/index';
export type { Instance } from './placement/index';
export type { MilpModel, MilpResult, MilpSolveOptions } from './placement/index';
export type { MilpStatus } from './placement/index';
export { paramValue } from './machine/index';
export type { PageCodecName, PageCodecPort } from './ports';
