/**
 * guestFactory — how the datacenter layer obtains a GuestMachine for a VM: one builder for boot AND
 * restore (Firecracker's rule), injected from outside through `EnginePorts.guestFactory`.
 *
 * Interface (with vm/guestMachine.ts, the seam: the only file of the guest machine the datacenter
 * imports, and of the datacenter the guest machine imports):
 *  - `GuestConfig`: the VM's hardware and software as the machine needs it (`GuestHardware`; the machine
 *    converts it in one place, `machine/machineConfig.ts` `machineConfigOfVm`), plus `disk` (the VM's first
 *    virtual disk, a copy-on-write `BlockStore` the machine's block device should read and write),
 *    `nowNs` (the guest's time base at boot: the machine's clock starts here) and, when present,
 *    `restoreState` — a value previously returned by `GuestMachine.save()`: the factory must then
 *    rebuild that exact machine instead of booting.
 *  - `GuestFactory = (config, hostClockHz, seed) => GuestMachine`. May throw for a program that does
 *    not assemble or load; the power-on task then fails with E_GUEST_PROGRAM. A factory that can build
 *    a machine from a page stream also has `incomingMemory(config)`: an empty IncomingGuestMemory on
 *    `config.hostMemory` to fill page by page; the machine is then built with `restoreState` = the
 *    source's `saveCore()` and `incoming` = that memory (which it takes over).
 *  - re-exported for both sides: `BlockStore` (snapshot/), `HostMemory` (memory/).
 *
 * Rules: when no factory is supplied, powered-on VMs have no guest execution: they show guestState
 * `notRunning`, consume no CPU and touch no memory (honest zeros, not invented load).
 * Time convention: the scheduler passes `hostNowNs` in the VM's own time base (host virtual time minus
 * the time the VM spent suspended / the shift applied on snapshot revert), and `guestClockNs()` counts
 * from 0 at boot. The engine computes the clock-lag counter as (now − boot) − guestClockNs.
 */
import type { GuestHardware } from '@shared/model/vmHardware';
import type { GuestMachine, IncomingGuestMemory } from './guestMachine';
import type { BlockStore } from '../snapshot/index';
import type { HostMemory } from '../memory/index';

// What crosses the seam besides the machine itself: the disk store a machine's block device reads and
// writes, and the host's memory pool. HostMemory is a guest-machine type (frames, refcounts, copy-on-write)
// that each host owns one of: the datacenter creates and keeps it through this file, never memory/.
export type { BlockStore } from '../snapshot/index';
export { HostMemory } from '../memory/index';

/** What an order to a host's owner says of the machine to build (plain data): the owner adds its own pool
 *  and the VM's disk (`HostOwnerEnv.disk`). */
export type GuestOrderConfig = Omit<GuestConfig, 'hostMemory' | 'disk'>;

/** The VM's hardware as the machine is built from it (`GuestHardware`, @shared/model/vmHardware), and where it runs. */
export interface GuestConfig extends GuestHardware {
  vmId: string;
  name: string;
  /** The VM's first virtual disk, when it has one. */
  disk?: BlockStore;
  /**
   * The memory of the host the VM runs on: every frame the machine maps (and its overhead) comes from this
   * pool, so the host's counters are counts of its frames. Absent only for standalone machines (CLI runs),
   * which then get a private pool.
   */
  hostMemory?: HostMemory;
  /** Guest time at boot (ns, VM time base). */
  nowNs: number;
  /** A value from `GuestMachine.save()`: restore that machine instead of booting (or from `saveCore()`, with `incoming`). */
  restoreState?: unknown;
  /** The memory a `saveCore()` state is built on (from `GuestFactory.incomingMemory`). */
  incoming?: IncomingGuestMemory;
}

export interface GuestFactory {
  (config: GuestConfig, hostClockHz: number, seed: number): GuestMachine;
  /** An empty memory for `config` on `config.hostMemory`, to receive a machine's pages before it is built. */
  incomingMemory?(config: GuestConfig): IncomingGuestMemory;
}
