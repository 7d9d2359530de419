// Test helper: a Backend (node/backends/backend.ts) over an engine running in-process, so backend and
// transport tests drive virtual time themselves (`engine.advance`) instead of a worker's wall clock.
import type { Engine } from '../../src-main/engine/index';
import type { Backend } from '../../src-main/node/backends/index';

export function engineBackend(engine: Engine): Backend {
  return {
    namespace: '',
    request: async (message) => engine.handle(message),
    onEvent: (listener) => engine.onEvent(listener),
    close: async () => undefined,
  };
}
