/**
 * Ambient declarations for the renderer: `.vue` modules and the one global the Electron preload exposes.
 *
 * Rule: only `api/client.ts` reads `window.hvlab`; it is absent in browser mode (WebSocket transport).
 * This file stays a script (no top-level import) so its declarations are global.
 */

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface Window {
  /** Set by the Electron preload (transport 'electron'); undefined in a plain browser. */
  hvlab?: import('../../src-shared/api/protocol').HvlabBridge;
}
