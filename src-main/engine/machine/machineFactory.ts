/**
 * machineFactory — the `GuestFactory` (vm/guestFactory.ts) that runs real guests: it turns a VM's
 * GuestConfig into a Machine, booting the named guest program or restoring a saved machine.
 *
 * Interface: `createMachineFactory(library, options?)` → GuestFactory, where `library` is
 * {sources: file → text (resources/guests, loaded by node/resources.ts), catalogue}.
 * Mapping: `workload` names a catalogue guest (its `source` — its `-pv.s` build under monitor `pv` —, and `cmdline` + the VM's
 * `workloadParams` as `k=v`, keys sorted) or, failing that, a source file (`name` or `name.s`);
 * vcpus, memoryBytes, pageTableLevels, monitor → the machine; monitor + paging → `paging.mode`, the
 * paging the machine runs (`effectivePaging`, @shared/model/mmuVirtualization: interp and pv native,
 * te and bt shadow, hw the VM's setting; no `paging` at all when native); `hostClockHz` → clockHz;
 * `nowNs` → bootNs; `disk` → the block device's store. With `restoreState` the saved machine is
 * rebuilt (with the VM's disk attached again, and the paging it was booted with: its saved config).
 * Rules: throws (→ the power-on task fails with E_GUEST_PROGRAM) for an unknown guest, a program
 * that does not assemble or load, or an unavailable monitor. Images are assembled once per factory.
 * `seed` is not used: a machine has no randomness of its own.
 */
import { effectivePaging } from '@shared/model/mmuVirtualization';
import type { GuestFactory } from '../vm/guestFactory';
import type { Monitor } from '../cpu/index';
import { buildMachine } from './builder';
import { commandLine, findGuest, type GuestCatalogue } from './guestCatalogue';
import { GuestImageCache, GuestProgramError, type GuestSources } from './guestProgram';
import type { MachineConfigInput } from './machineConfig';
import type { MachineState } from './machineState';

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
  return (config, hostClockHz) => {
    const env = { disk: config.disk, hostMemory: config.hostMemory, createMonitor: options.createMonitor };
    if (config.restoreState !== undefined) return buildMachine({ kind: 'restore', state: config.restoreState as MachineState }, env);
    const g = resolveGuest(lib, config.workload);
    // Under `pv` a guest runs its paravirtualized build when it has one (X.s → X-pv.s; docs/monitors.md).
    const pv = g.source.replace(/\.s$/, '-pv.s');
    const image = images.get(config.monitor === 'pv' && Object.prototype.hasOwnProperty.call(lib.sources, pv) ? pv : g.source);
    // The VM decides the mode, and only the mode: large pages and TLB tags stay off (guest-visible
    // machine parameters the lab does not offer); `defaults.paging` may add options such as debugChecks.
    // Native with no defaults leaves `paging` out, so a native machine's config is what it always was.
    const mode = effectivePaging(config.monitor, config.paging);
    const paging = mode === 'native' && !options.defaults?.paging ? undefined : { ...options.defaults?.paging, mode };
    return buildMachine({
      kind: 'boot',
      image,
      config: {
        ...options.defaults, vcpus: config.vcpus, memoryBytes: config.memoryBytes, levels: config.pageTableLevels, monitor: config.monitor,
        clockHz: hostClockHz, bootNs: config.nowNs, cmdline: commandLine(g.cmdline, config.workloadParams),
        ...(paging ? { paging } : {}),
      },
    }, env);
  };
}
