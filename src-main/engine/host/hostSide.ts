/**
 * hostSide — everything one host holds on its own side of the `HostOwner` seam, in one object: its CPU
 * scheduler, its memory pool (the hypervisor's reserve charged at creation), the guest machines running
 * there (VmId → machine), the VMs' dirty-log shares beside them (`vm/dirtyLogShares.ts`), the live disks
 * lent to it (`vm/diskStore.ts`: of the VMs whose machine last started here) and the makers of its memory reclamation and its migration halves. It is what a
 * host worker thread will hold: built from plain data (`HostSideData`: the host's id, name, CPU shape,
 * memory size and reclamation seed) and the engine's ports (`HostSidePorts`: the guest factory, the page
 * codecs), and it implements `HostOwnerEnv`, so `new HostOwner(id, new HostSide(data, ports))` is the
 * whole host.
 *
 * Interface: `new HostSide(data, ports)` (throws when the host's memory cannot hold the hypervisor's
 * reserve); the `HostOwnerEnv` members (`scheduler()`, `memory()`, `guest(vmId)` / `setGuest`,
 * `guestIds()`, `dirtyLogs()`, `disks()`, `setScheduler`, `cpuShape()`, `reclamation()`, the migration makers).
 *
 * Rules: the coordinator (`lab/lab.ts`) holds no scheduler, pool or guest machine: it reaches them only
 * through the owner's calls, and the side reaches nothing of the coordinator's: a machine's disk is the one
 * lent to this side's disk store with the order that builds it. `guestIds()` lists this host's machines in the order they became this host's; the lab
 * assembles save and digest parts in its own order, so that order shows nowhere.
 */
import type { HostId, VmId } from '@shared/model/ids';
import { HostScheduler, type HostCpuShape } from '../scheduler/index';
import { HostMemory } from '../vm/guestFactory';
import type { GuestFactory } from '../vm/guestFactory';
import type { GuestMachine, GuestPages, IncomingGuestMemory } from '../vm/guestMachine';
import type { HostOwnerEnv, HeldPagesReply } from '../vm/index';
import { HostReclamation } from '../overcommit/index';
import { VMKERNEL_FRAMES, VMKERNEL_MEMORY_OWNER } from '../metrics/index';
import { DestinationMachines, PageCodecs, PageReceiver, SenderSide, writeHeldPages } from '../migration/index';
import type { MigrationDestination, MigrationReceiver, MigrationSender, ReceiverPort, SourcePageRead } from '../migration/index';
import type { MigrationOptions } from '@shared/model/migration';
import type { PageCodecName, PageCodecPort } from '../ports';
import { DirtyLogShares, DiskStore } from '../vm/index';

/** The plain data a host's side is built from (what a worker is sent). */
export interface HostSideData {
  hostId: HostId;
  /** For messages only. */
  name: string;
  cpu: HostCpuShape;
  memoryBytes: number;
  /** The seed of the host's memory reclamation (`hostReclaimSeed(labSeed, hostId)`). */
  reclaimSeed: number;
}

/** The engine's ports a host's side works with (a worker builds its own). */
export interface HostSidePorts {
  guestFactory: GuestFactory | undefined;
  pageCodecs: PageCodecPort | undefined;
}

export class HostSide implements HostOwnerEnv {
  private sched: HostScheduler;
  private readonly pool: HostMemory;
  private readonly guests = new Map<VmId, GuestMachine>();
  private readonly shares = new DirtyLogShares();
  private readonly diskStore = new DiskStore();
  private readonly codecs: PageCodecs;
  private readonly shape: HostCpuShape;

  constructor(private readonly data: HostSideData, private readonly ports: HostSidePorts) {
    const { sockets, coresPerSocket, threadsPerCore, cpuMhz } = data.cpu;
    this.shape = { sockets, coresPerSocket, threadsPerCore, cpuMhz };
    this.sched = new HostScheduler(this.shape);
    this.pool = new HostMemory({ capacityBytes: data.memoryBytes });
    if (!this.pool.chargeOverhead(VMKERNEL_MEMORY_OWNER, VMKERNEL_FRAMES)) {
      throw new Error(`host ${data.name} has less memory than the hypervisor reserves for itself`);
    }
    this.codecs = new PageCodecs(ports.pageCodecs);
  }

  scheduler(): HostScheduler {
    return this.sched;
  }

  memory(): HostMemory {
    return this.pool;
  }

  guestFactory(): GuestFactory | undefined {
    return this.ports.guestFactory;
  }

  guest(vmId: VmId): GuestMachine | undefined {
    return this.guests.get(vmId);
  }

  setGuest(vmId: VmId, guest: GuestMachine | undefined): void {
    if (guest) this.guests.set(vmId, guest);
    else this.guests.delete(vmId);
  }

  reclamation(): HostReclamation {
    return new HostReclamation(this.data.hostId, this.data.reclaimSeed, { pool: () => this.pool, guest: (vmId) => this.guests.get(vmId) });
  }

  guestIds(): readonly VmId[] {
    return [...this.guests.keys()];
  }

  disks(): DiskStore {
    return this.diskStore;
  }

  cpuShape(): HostCpuShape {
    return this.shape;
  }

  setScheduler(scheduler: HostScheduler): void {
    this.sched = scheduler;
  }

  dirtyLogs(): DirtyLogShares {
    return this.shares;
  }

  receiverHalf(incoming: IncomingGuestMemory[], destinationVms: GuestPages[], compression: PageCodecName | undefined): MigrationReceiver {
    return new PageReceiver(incoming, destinationVms, this.codecs, compression);
  }

  destinationSide(machines: GuestMachine[], held: MigrationReceiver): MigrationDestination {
    return new DestinationMachines(machines, held);
  }

  writeHeldPages(pages: readonly ArrayBuffer[], read: SourcePageRead): HeldPagesReply {
    return writeHeldPages(pages, read);
  }

  senderHalf(read: SourcePageRead, pageCounts: readonly number[], options: MigrationOptions, port: ReceiverPort): MigrationSender {
    return new SenderSide(read, pageCounts, this.codecs, options, port);
  }
}
