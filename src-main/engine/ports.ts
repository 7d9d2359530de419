/**
 * What the engine needs from outside, injected by its host (worker, CLI, tests). The engine itself never
 * touches files, clocks or the network: everything external arrives through these ports.
 *
 * - `scenarios`: built-in scenario objects (already parsed from YAML/JSON by node/resources.ts), by name.
 * - `guestFactory`: builds (or restores) the guest machine of a powered-on VM (`vm/guestFactory.ts`).
 *   Absent → VMs power on without guest execution (guestState `notRunning`, no CPU use).
 * - `guestCatalog`: the guest programs VMs can run (name + description), for `guests.list`.
 */
import type { GuestFactory } from './vm/guestFactory';

export interface ScenarioSource {
  /** File the scenario came from, for error messages. */
  file: string;
  /** Parsed but NOT yet validated content. */
  content: unknown;
}

export interface EnginePorts {
  scenarios: Record<string, ScenarioSource>;
  guestFactory?: GuestFactory;
  guestCatalog?: { name: string; description: string }[];
}
