/**
 * labAccess — the one file that knows how the exercise checker and the reports reach a lab from Node:
 * an engine in this process behind the contract, a saved lab folder, or a fresh lab for an exercise.
 * Everything else talks to the `HvlabApi` these return (when the engine moves behind other backends,
 * only this file changes).
 *
 * - `apiOf(engine)` → `HvlabApi` over a direct bridge (`engine.handle`, the same validation as any client).
 * - `openSavedLab(dir)` → (async) `{ engine, api, progress, manifest }`: the lab loaded (format and checksums
 *   verified by the lab store), with real guest execution, paused.
 * - `startExerciseLab(exercise, options?)` → `{ engine, api }`: the exercise's scenario at its seed, paused;
 *   `options.pageCodecs` (the host's codecs, `loadPageCodecs()`) lets its migrations compress, as in the app.
 * - `engineWithScenarios(name, seed)`: an engine knowing built-in and exercise-folder scenarios.
 *
 * Every engine made here has the exact placement solver (HiGHS in a worker thread, shared by this process
 * and started on first use), so `placement.solve` with `exact` proves the optimum as in the app — the
 * consolidation practical's answers depend on it. The worker does not keep the process alive.
 */
import { createApiClient } from '@shared/api/client';
import { API_VERSION } from '@shared/api/channels';
import type { HvlabApi } from '@shared/api/index';
import type { ExerciseProgress } from '@shared/api/commands';
import type { Exercise } from '@shared/exercise/index';
import { createEngine } from '../../engine/index';
import type { Engine, LabState, PageCodecPort } from '../../engine/index';
import { loadLab } from '../storage/labStore';
import { defaultGuestFactory } from '../guestFactories';
import type { GuestFactoryChoice } from '../guestFactories';
import { loadScenarioSources } from '../resources';
import { exerciseScenarioSources } from './exerciseFiles';
import { createHighsSolver, type HighsSolver } from '../solver/highsSolver';

let sharedSolver: HighsSolver | undefined;
/** One HiGHS worker for every lab this process opens (it starts on the first exact solve). */
function milpSolver(): HighsSolver {
  sharedSolver ??= createHighsSolver();
  return sharedSolver;
}

export function apiOf(engine: Engine): HvlabApi {
  return createApiClient({
    apiVersion: API_VERSION,
    transport: 'direct',
    request: async (m) => engine.handle(m),
    onEvent: (listener) => engine.onEvent(listener),
  });
}

function pause(engine: Engine): void {
  engine.handle({ v: API_VERSION, id: 0, kind: 'command', name: 'sim.pause', params: {} });
}

export function engineWithScenarios(scenario: string, seed: number, guests: GuestFactoryChoice = defaultGuestFactory(), pageCodecs?: PageCodecPort): Engine {
  const scenarios = { ...loadScenarioSources(), ...exerciseScenarioSources() };
  const engine = createEngine({ scenarios, guestFactory: guests.factory, guestCatalog: guests.catalogue, milpSolver: milpSolver(), pageCodecs }, { scenario, seed });
  pause(engine);
  return engine;
}

export function startExerciseLab(exercise: Exercise, options: { guests?: GuestFactoryChoice; pageCodecs?: PageCodecPort } = {}): { engine: Engine; api: HvlabApi } {
  const engine = engineWithScenarios(exercise.scenario, exercise.seed ?? 1, options.guests, options.pageCodecs);
  return { engine, api: apiOf(engine) };
}

export async function openSavedLab(dir: string): Promise<{ engine: Engine; api: HvlabApi; progress: ExerciseProgress | null; manifest: { scenario: string; virtualTimeMs: number; savedAt: string; generation: number } }> {
  const { state, manifest } = loadLab(dir);
  const s = state as LabState;
  const guests = defaultGuestFactory();
  const engine = createEngine(
    { scenarios: { [s.scenario.name]: { file: dir, content: s.scenario } }, guestFactory: guests.factory, guestCatalog: guests.catalogue, milpSolver: milpSolver() },
    { scenario: s.scenario.name, seed: s.seed },
  );
  const err = engine.loadState(state);
  if (err) throw new Error(`${dir}: ${err.message}`);
  pause(engine);
  const api = apiOf(engine);
  return { engine, api, progress: await api.query('exercise.progress.get', {}), manifest };
}
