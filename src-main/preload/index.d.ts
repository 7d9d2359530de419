// window.hvlab, as the preload exposes it (the renderer declares the same in its env.d.ts).
import type { HvlabBridge } from '../../src-shared/api/protocol';

declare global {
  interface Window {
    hvlab?: HvlabBridge;
  }
}
export {};
