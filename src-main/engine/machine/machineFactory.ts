/**
 * machineFactory — the `GuestFactory` (vm/guestFactory.ts) that runs real guests: it turns a VM's
 * GuestConfig into a Machine, booting the named guest program or restoring a saved machine.
 *
 * Interface: `createMachineFactory(library, options?)` → GuestFactory, where `library` is
 * {sources: file → text (resources/guests, loaded by node/resources.ts), catalogue}.
 * Mapping: `workload` names a catalogue guest (its `source` — its `-pv.s` build under monitor `pv` —, and `cmdline` + the VM's
 * `workloadParams` as `k=v`, keys sorted) or, failing that, a source file (`name` or `name.s`);
 * the VM's hardware → the machine's config through `machineConfigOfVm` (machineConfig.ts: vcpus,
 * memoryBytes, pageTableLevels, monitor, and monitor + paging → the paging the machine runs);
 * `hostClockHz` → clockHz; `nowNs` → bootNs; `disk` → the block device's store. With `restoreState`
 * the saved machine is rebuilt (with the VM's disk attached again, and the paging it was booted with:
 * its saved config); with `restoreState` = a `saveCore()` value and `incoming` = memory from the
 * factory's `incomingMemory(config)` (an IncomingMemory on `config.hostMemory`, filled page by page),
 * the machine is assembled on that memory. `hostMemory` → the pool every frame comes from.
 * Rules: throws (→ the power-on task fails with E_GUEST_PROGRAM) for an unknown guest, a program
 * that does not assemble or load, or an unavailable monitor. Images are assembled once per factory.
 * `seed` is not used: a machine has no randomness of its own.
 */
import type { GuestFactory } from '../vm/guestFactory';
import type { Monitor } from '../cpu/index';
import { buildMachine } from './builder';
import { IncomingMemory } from './incomingMemory';
import { HostMemory } from '../memory/index';
import { commandLine, findGuest, type GuestCatalogue } from './guestCatalogue';
import { GuestImageCache, GuestProgramError, type GuestSources } from './guestProgram';
import type { MachineConfigInput } from './machineConfig';
import { machineConfigOfVm } from './machineConfig';
import type { MachineCoreState, MachineState } from './machineState';

export interface GuestLibrary {
  sources: GuestSources;
  catalogue: GuestCatalogue;
}

export interface MachineFactoryOptions {
  /** Defaults for what GuestConfig does not carry (disk size, RTC epoch, cost overrides…). */
  defaults?: MachineConfigInput;
  createMonitor?: (kind: string) => Monitor | undefined;
}

/** Resolves a guest name to its source file and base command line. */
export function resolveGuest(lib: GuestLibrary, name: string): { source: string; cmdline: string } {
  const entry = findGuest(lib.catalogue, name);
  if (entry) return { source: entry.source, cmdline: entry.cmdline };
  for (const f of [name, `${name}.s`]) if (Object.prototype.hasOwnProperty.call(lib.sources, f)) return { source: f, cmdline: name.replace(/\.s$/, '') };
  const known = lib.catalogue.guests.map((g) => g.name);
  throw new GuestProgramError(`unknown guest "${name}"${known.length ? ` (catalogue: ${known.join(', ')})` : ''}`);
}

export function createMachineFactory(lib: GuestLibrary, options: MachineFactoryOptions = {}): GuestFactory {
  const images = new GuestImageCache(lib.sources);
  const factory: GuestFactory = (config, hostClockHz) => {
    const env = { disk: config.disk, hostMemory: config.hostMemory, createMonitor: options.createMonitor };
    if (config.restoreState !== undefined && config.incoming !== undefined) {
      if (!(config.incoming instanceof IncomingMemory)) throw new RangeError('incoming memory from another guest factory');
      return buildMachine({ kind: 'assemble', core: config.restoreState as MachineCoreState, memory: config.incoming }, { ...env, hostMemory: config.incoming.host });
    }
    if (config.restoreState !== undefined) return buildMachine({ kind: 'restore', state: config.restoreState as MachineState }, env);
    const g = resolveGuest(lib, config.workload);
    // Under `pv` a guest runs its paravirtualized build when it has one (X.s → X-pv.s; docs/monitors.md).
    const pv = g.source.replace(/\.s$/, '-pv.s');
    const image = images.get(config.monitor === 'pv' && Object.prototype.hasOwnProperty.call(lib.sources, pv) ? pv : g.source);
    const cmdline = commandLine(g.cmdline, config.workloadParams);
    return buildMachine({
      kind: 'boot',
      image,
      config: machineConfigOfVm(config, { clockHz: hostClockHz, bootNs: config.nowNs, cmdline }, options.defaults),
    }, env);
  };
  // A standalone machine (no host pool) receives its pages into a private pool, as it would boot on one.
  factory.incomingMemory = (config) => new IncomingMemory(config.hostMemory ?? new HostMemory(), config.memoryBytes);
  return factory;
}
