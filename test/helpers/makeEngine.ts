// Test helper: an engine on the built-in scenarios, seeded and paused, called directly (no transport).
import { createEngine } from '../../src-main/engine/index';
import type { Engine } from '../../src-main/engine/index';
import { loadScenarioSources, loadGuestSources } from '../../src-main/node/resources';

export function makeEngine(scenario = 'lab-small', seed = 1): Engine {
  const engine = createEngine({ scenarios: loadScenarioSources(), guestSources: loadGuestSources() }, { scenario, seed });
  engine.handle({ v: 1, id: 0, kind: 'command', name: 'sim.pause', params: {} });
  return engine;
}
