/**
 * The engine's only door: `createEngine(ports, options)`.
 *
 * - `engine.handle(request)` → ResponseMessage: every command and query of the contract, validated once,
 *   here (`api/dispatcher.ts`); transports in front of the engine check only framing and authentication.
 * - `engine.onEvent(listener)` → unsubscribe: pushed EngineEvents. After each request and each advance
 *   the change feed (`api/changeFeed.ts`) publishes what changed in the inventory as one event.
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
 * - The open lab is a document (`api/labDocument.ts`): `lab.save` / `lab.open` / `lab.library` go to
 *   `ports.labLibrary`; `lab.document` says its name and whether it has unsaved changes (a `lab.document`
 *   event when that changes).
 * - `lab.recovery` / `lab.recovery.restore` / `lab.recovery.discard` go to `ports.recovery` (the host's
 *   autosave); a restore replaces the lab like `loadState`.
 * - `engine.digestInput()` → plain data describing the final state, for hashing (`lab/labDigest.ts`).
 * - `engine.close()`: the engine is done; its lab's hosts' threads, if any, end. `options.hostOwners`
 *   (the Node side's pool of host worker threads) gives each lab built its own maker of owners
 *   (`lab/hostOwners.ts`); a replaced lab's is closed.
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
import { LAB_USER } from '@shared/model/task';
import type { EnginePorts, ScenarioSource } from './ports';
import { Lab, labStateProblem, LabStateError, type HostOwnerMaker } from './lab/index';
import type { LabState } from './lab/index';
import { digestInput } from './lab/index';
import { dispatch, ChangeFeed, LabDocument } from './api/index';
import type { HandlerContext } from './api/index';
import { scenarioSchema, scenarioBoundsProblem } from './scenario/index';
import type { Scenario } from './scenario/index';
import { ScenarioProblem } from './cluster/index';
import { SIM_QUANTUM_NS } from './params';
import type { OwnerTransportMaker } from './vm/index';

const SIM_QUANTUM_MS = SIM_QUANTUM_NS / 1e6;

export type { EnginePorts, ScenarioSource } from './ports';
export { durationMs, type Scenario } from './scenario/index';
export type { GuestFactory, GuestConfig } from './vm/guestFactory';
export type { GuestMachine } from './vm/guestMachine';
// A host's side and owner, built on a host worker thread from the host's plain data (node/workers/hostWorker.ts).
export { HostSide, type HostSideData, type HostSidePorts } from './host/index';
export { HostOwner } from './vm/index';
export { localOwners, type HostOwnerMaker } from './lab/index';
export type { ReclaimStepReply } from './overcommit/index';
export {
  checkedLoopback, NotPlainError, OwnerCallError, ownerClient, plainCheck, FANNED_OWNER_CALLS, OWNER_CALL_NAMES, OWNER_CALLBACKS, OWNER_METHODS, OWNER_MOVES, OWNER_READS,
  type CallbackMoves, type HostCall, type HostOwnerCalls, type OwnerCallName, type OwnerMethod, type OwnerTransport, type OwnerTransportMaker, type PlainCheck, type MessageClone,
} from './vm/index';
export type { LabState } from './lab/index';
export type { LabLibraryPort, MilpSolverPort } from './ports';
// The counter catalogue, for validating exercise files that name counters (node/exercise/exerciseFiles.ts).
export { COUNTERS } from './metrics/index';
export { DEFAULT_CLOCK_HZ, SCENARIO_DEFAULT_RUN_MAX_MS, SCENARIO_MAX_AT_MS } from './params';

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
  /** Benchmarks only: labs run the core barrier services alone (`LabOptions.coreServicesOnly`). */
  coreServicesOnly?: boolean;
  /** Tests and benchmarks: how labs reach their hosts' owners (`LabOptions.ownerTransport`; absent: directly). */
  ownerTransport?: OwnerTransportMaker;
  /** Where each lab's hosts run: called once per lab built (a scenario, a loaded state) for the maker of
   *  its owners (`LabOptions.hostOwners`: the Node side's pool of host workers); absent, in this thread.
   *  A lab replaced, or one that fails to build, has its maker closed. */
  hostOwners?: () => HostOwnerMaker;
  /** Tests: most quanta a lab's stretch runs (`LabOptions.stretchMaxQuanta`; 1: the lockstep loop alone). */
  stretchMaxQuanta?: number;
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
  /** The engine is done: its lab's host threads, if any, end (the engine is not used after). */
  close(): void;
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
  const guestParams = ports.guestCatalog ? new Map(ports.guestCatalog.map((g) => [g.name, g.params ?? []] as const)) : undefined;
  // The lab runs its scenario's timed actions through the same dispatcher as every request.
  const labOptions = { guestFactory: ports.guestFactory, workloads, guestParams, commands: dispatch, pageCodecs: ports.pageCodecs, coreServicesOnly: options.coreServicesOnly, ownerTransport: options.ownerTransport, stretchMaxQuanta: options.stretchMaxQuanta };

  /** A lab with its own maker of owners (when the options give one), closed again if the lab fails to build. */
  function newLab(make: (opts: typeof labOptions & { hostOwners?: HostOwnerMaker }) => Lab): Lab {
    const hostOwners = options.hostOwners?.();
    try {
      return make(hostOwners ? { ...labOptions, hostOwners } : labOptions);
    } catch (e) {
      hostOwners?.close?.();
      throw e;
    }
  }

  function build(name: string, seed: number): Lab | ApiError {
    const source = scenarios.get(name);
    if (!source) return apiError('E_NOT_FOUND', `no such scenario "${name}" (built-in: ${[...scenarios.keys()].join(', ')})`, 'params.scenario');
    const v = validateScenario(source, workloads);
    if ('error' in v) return v.error;
    return newLab((opts) => new Lab(v.scenario, seed, emit, opts));
  }

  const first = build(options.scenario, options.seed);
  if (!(first instanceof Lab)) throw new Error(`cannot start the engine: ${first.message}`);
  let lab: Lab = first;
  let feed = new ChangeFeed(lab, emit);
  const doc = new LabDocument(emit, () => lab);

  /**
   * Makes `next` the lab. Change-feed versions go on from the replaced lab's, so a client's version from
   * before is never mistaken for one of the new lab (it gets resync). The new lab is an untitled, clean
   * document until `lab.open` names it.
   */
  function replace(next: Lab, scenario: string): void {
    next.reg.version = Math.max(next.reg.version, lab.reg.version + 1);
    lab.close();
    lab = next;
    feed = new ChangeFeed(lab, emit);
    emit({ type: 'lab.loaded', scenario });
    doc.reset(null);
  }

  const context: HandlerContext = {
    ports,
    loadLab(scenario, seed) {
      const next = build(scenario, seed);
      if (!(next instanceof Lab)) return next;
      replace(next, scenario);
      return undefined;
    },
    loadState: (state) => loadState(state),
    changesSince: (version) => feed.since(version),
    document: doc,
  };

  function loadState(state: unknown): ApiError | undefined {
    // Every value is checked before anything is built, with the limits of live input; the lab is
    // replaced only once the new one is whole.
    const problem = labStateProblem(state, workloads);
    if (problem) return apiError('E_INVALID_STATE', `cannot load the lab: ${problem.field}: ${problem.message}`, problem.field);
    const saved = state as LabState;
    const scenario = validateScenario({ file: 'the saved lab', content: saved.scenario }, workloads);
    if ('error' in scenario) return apiError('E_INVALID_STATE', `cannot load the lab: ${scenario.error.message}`, `state.${scenario.error.field ?? 'scenario'}`);
    let next: Lab;
    try {
      next = newLab((opts) => Lab.restore(saved, emit, opts));
    } catch (e) {
      return apiError('E_INVALID_STATE', `cannot load the lab: ${e instanceof Error ? e.message : String(e)}`, e instanceof LabStateError ? e.field : 'state');
    }
    replace(next, next.scenario.name);
    return undefined;
  }

  return {
    handle(raw: unknown): ResponseMessage {
      const reply = dispatch(lab, raw, LAB_USER, context);
      feed.publish(lab.takeChanges());
      // A request that succeeded was valid: its kind and name are the contract's.
      if (reply.ok) { const r = raw as { kind: string; name: string }; doc.noteRequest(r.kind, r.name, true); }
      return reply;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advance(ms: number) {
      if (!(ms > 0)) return;
      lab.advance(ms);
      feed.publish(lab.takeChanges());
      doc.noteAdvance();
    },
    stepSome(maxMs: number) {
      const { nowMs, stepToMs } = lab.clock;
      if (stepToMs === null) return true;
      const gridEnd = Math.floor((nowMs + Math.max(maxMs, SIM_QUANTUM_MS)) / SIM_QUANTUM_MS) * SIM_QUANTUM_MS;
      lab.advance(Math.min(stepToMs, gridEnd) - nowMs);
      feed.publish(lab.takeChanges());
      return lab.clock.stepToMs === null;
    },
    simStatus: () => lab.clock.status(),
    saveState: () => lab.save(),
    loadState,
    digestInput: () => digestInput(lab),
    scenarioName: () => lab.scenario.name,
    close: () => lab.close(),
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
export type { RecoveryPort } from './ports';
