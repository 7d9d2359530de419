/**
 * hostDriver — what the lab needs from a real hypervisor, whatever protocol reaches it: a libvirt host
 * over SSH (`libvirt/libvirtHost.ts`) or an ESXi/vCenter over vim25 (`vim25/vim25Host.ts`). The
 * contract adapter (`realHostBackend.ts`) turns any driver into a lab backend; the CLI's `host probe`
 * prints a driver's inventory.
 *
 * - `RealInventory`: hosts and VMs in the driver's own keys (libvirt UUIDs, vim25 managed-object ids),
 *   facts only — what the remote side reported, in the contract's units (bytes, MHz).
 * - `HostDriver`: connect/close and connection state, `inventory()`, power and snapshot operations,
 *   reconfigure, clone, `sample()` (counter values for the 20 s interval that just ended), the serial
 *   console, and `onChange` (the remote side says something changed: refresh).
 * - `DriverCapabilities`: what this driver can do, as data (the backend's `BackendCapabilities` are
 *   built from it; the UI reads them, never the driver's kind).
 *
 * Rules: every operation either completes on the remote side or rejects with a `DriverError` whose
 * message says what the remote side answered; a driver never reports a state it did not read.
 */
import type { HostDto, VmPowerState } from '@shared/model/inventory';

export type DriverKind = 'libvirt' | 'vim25';

/** The hardware facts a host shows in the inventory, as the remote side states them (`hypervisorVersion`:
 *  product and version, e.g. `QEMU 7.2.22 (libvirt 9.0.0)`, `VMware ESXi 6.7.0`). */
export interface RealHostFacts extends Pick<HostDto,
  'name' | 'vendor' | 'model' | 'cpuModel' | 'sockets' | 'coresPerSocket' | 'threadsPerCore' | 'cpuMhz' | 'memoryBytes' | 'hypervisorVersion'> {
  key: string;
  /** Where the host sits in the remote inventory (vim25); a libvirt host has none. */
  datacenterKey?: string;
  clusterKey?: string;
  connected: boolean;
  inMaintenanceMode: boolean;
  /** Wall-clock ms since the host booted, when the remote side says. */
  uptimeMs?: number;
}

/** A hard disk (CD/DVD drives are not disks); `datastoreKey` names the RealDatastore holding it. */
export interface RealDisk { label: string; capacityBytes: number; datastoreKey: string }
/** A network adapter; `networkKey` names the RealNetwork it attaches to. */
export interface RealNic { label: string; macAddress: string; networkKey: string; connected: boolean }
/** Where disks live: a vSphere datastore, or on a libvirt host the file system holding disk images. */
export interface RealDatastore {
  key: string; name: string; capacityBytes: number; freeBytes: number; hostKeys: string[];
  /** The file system as the host names it (vSphere's summary.type); absent: not reported. */
  type?: string;
}
/** What NICs attach to: a vSphere network, or a libvirt network, bridge or user-mode networking. */
export interface RealNetwork { key: string; name: string; hostKeys: string[] }

export interface RealSnapshot {
  key: string;
  name: string;
  description: string;
  /** Wall-clock ms since the Unix epoch. */
  createdAtMs: number;
  memory: boolean;
  quiesced: boolean;
  powerState: VmPowerState;
  parentKey?: string;
}

export interface RealVm {
  key: string;
  name: string;
  hostKey: string;
  powerState: VmPowerState;
  /** The hypervisor's own words for the state, e.g. `paused (user)`, `running (booted)`. */
  stateDetail: string;
  vcpus: number;
  memoryBytes: number;
  guestOs: string;
  disks: RealDisk[];
  nics: RealNic[];
  isTemplate: boolean;
  hasConsole: boolean;
  snapshots: RealSnapshot[];
  currentSnapshotKey?: string;
  ipAddress?: string;
  toolsRunning?: boolean;
}

export interface RealDatacenter { key: string; name: string }
export interface RealCluster { key: string; name: string; datacenterKey: string }

export interface RealInventory {
  datacenters: RealDatacenter[];
  clusters: RealCluster[];
  hosts: RealHostFacts[];
  vms: RealVm[];
  datastores: RealDatastore[];
  networks: RealNetwork[];
}

export type PowerOperation = 'powerOn' | 'powerOff' | 'suspend' | 'reset' | 'shutdownGuest' | 'rebootGuest';

export interface DriverCapabilities {
  power: PowerOperation[];
  snapshots: boolean;
  /** A snapshot can capture memory (the running state). */
  snapshotMemory: boolean;
  /** A running VM can be snapshotted without its memory. */
  snapshotDiskOnlyWhileOn: boolean;
  snapshotQuiesce: boolean;
  clone: boolean;
  reconfigure: boolean;
  /** vCPUs and memory can change while the VM runs (the host applies its own hot-add rules). */
  reconfigureWhileOn: boolean;
  rename: boolean;
  renameWhileOn: boolean;
  console: boolean;
  consoleInput: boolean;
}

/** Counter values of one entity for the interval that ended at `timeMs` (wall clock). */
export interface EntitySample { kind: 'host' | 'vm'; key: string; values: Record<string, number> }
export interface DriverSample { timeMs: number; entities: EntitySample[] }

export interface ConsoleStream {
  onData(listener: (text: string) => void): void;
  onClose(listener: () => void): void;
  write(text: string): void;
  close(): void;
}

export type DriverState = 'connecting' | 'connected' | 'disconnected' | 'notResponding' | 'closed';

/** A refusal or failure reported by the remote side (or the link to it), in words a user can act on. */
export class DriverError extends Error {
  constructor(
    readonly kind: 'invalidState' | 'notFound' | 'unsupported' | 'remote' | 'disconnected' | 'auth' | 'hostKey',
    message: string,
    /** For a refused identity: what the host presented and what the lab knew (fingerprints or thumbprints). */
    readonly details?: Record<string, string | string[]>,
  ) {
    super(message);
    this.name = 'DriverError';
  }
}

/** How the host proved who it is: an SSH host key, or a TLS certificate's SHA-1 thumbprint. */
export type HostIdentity = { type: string; fingerprint: string } | { thumbprint: string };

export interface HostDriver {
  readonly kind: DriverKind;
  /** `user@host:port`, for messages. */
  readonly target: string;
  /** Set once the host's identity was verified. */
  readonly identity: HostIdentity | undefined;
  readonly capabilities: DriverCapabilities;
  readonly state: DriverState;
  /** Why the driver is not connected, when it is not. */
  readonly stateReason: string | undefined;
  onState(listener: (state: DriverState, reason?: string) => void): () => void;
  /** Something changed on the remote side (an event); `vmKeys` when the driver knows which VMs. */
  onChange(listener: (vmKeys?: string[]) => void): () => void;
  connect(): Promise<void>;
  reconnect(): Promise<void>;
  close(): Promise<void>;
  inventory(): Promise<RealInventory>;
  power(vmKey: string, op: PowerOperation): Promise<void>;
  snapshotCreate(vmKey: string, spec: { name: string; description: string; memory: boolean; quiesce: boolean }): Promise<void>;
  snapshotRevert(vmKey: string, snapshotKey: string): Promise<void>;
  snapshotRemove(vmKey: string, snapshotKey: string, removeChildren: boolean): Promise<void>;
  reconfigure(vmKey: string, changes: { vcpus?: number; memoryBytes?: number }): Promise<void>;
  rename(vmKey: string, name: string): Promise<void>;
  clone(vmKey: string, name: string): Promise<void>;
  sample(): Promise<DriverSample>;
  openConsole(vmKey: string): Promise<ConsoleStream>;
}
