/**
 * guestFactories — which guest machine the node side wires into the engine (`EnginePorts.guestFactory`).
 * One place for the EngineHost (worker / Electron / browser mode), the CLI and the benchmarks.
 *
 * - `defaultGuestFactory(sources?)` → `{ factory, name, catalogue }`: the HV32 Machine (engine/machine) running
 *   the guest programs of resources/guests (labos and its workloads), assembled from source at load.
 * - `noGuestFactory()` → VMs power on without guest execution (for inventory-only labs such as the UI
 *   scale benchmark): guestState `notRunning`, no CPU use, honest zeros.
 */
import type { GuestFactory } from '../engine/index';
import type { GuestParamDto } from '@shared/model/guestParams';
import { createMachineFactory } from '../engine/index';
import { loadGuestCatalogue, loadGuestSources } from './resources';

export interface GuestFactoryChoice {
  factory?: GuestFactory;
  /** Shown in reports and benchmark JSON. */
  name: string;
  /** Guest programs VMs can name as their workload (for the `guests.list` query). */
  catalogue?: { name: string; description: string; params: GuestParamDto[] }[];
}

/** `sources`: guest sources already read by the caller (read from resources/guests otherwise). */
export function defaultGuestFactory(sources: Record<string, string> = loadGuestSources()): GuestFactoryChoice {
  const catalogue = loadGuestCatalogue();
  return {
    factory: createMachineFactory({ sources, catalogue }),
    name: 'hv32-machine (resources/guests)',
    catalogue: catalogue.guests.map((g) => ({ name: g.name, description: g.description, params: g.params })),
  };
}

export function noGuestFactory(): GuestFactoryChoice {
  return { name: 'none: VMs run no guest code' };
}
