/**
 * guestFactories — which guest machine the node side wires into the engine (`EnginePorts.guestFactory`).
 * One place for the EngineHost (worker / Electron / browser mode), the CLI and the benchmarks.
 *
 * - `defaultGuestFactory()` → `{ factory?, name }`. Until the real guest machine (engine/machine) lands,
 *   there is none: VMs power on without guest execution (guestState `notRunning`, no CPU), and every
 *   report says so. Wire the real Machine factory here when it exists.
 */
import type { GuestFactory } from '../engine/index';

export interface GuestFactoryChoice {
  factory?: GuestFactory;
  /** Shown in reports and benchmark JSON. */
  name: string;
}

export function defaultGuestFactory(): GuestFactoryChoice {
  return { name: 'none: the guest machine is not wired into this build yet (VMs run no guest code)' };
}
