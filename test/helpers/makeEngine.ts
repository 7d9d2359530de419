// Test helper: an engine on the built-in scenarios, seeded and paused, called directly (no transport).
import { createEngine } from '../../src-main/engine/index';
import type { Engine } from '../../src-main/engine/index';
import { loadScenarioSources } from '../../src-main/node/resources';
import { API_VERSION } from '../../src-shared/api/channels';

export function makeEngine(scenario = 'lab-small', seed = 1): Engine {
  const engine = createEngine({ scenarios: loadScenarioSources() }, { scenario, seed });
  engine.handle({ v: API_VERSION, id: 0, kind: 'command', name: 'sim.pause', params: {} });
  return engine;
}
