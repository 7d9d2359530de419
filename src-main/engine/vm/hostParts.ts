/**
 * hostParts — a host's share of the lab's state digest, save and restore, as plain data: what a host's
 * `HostOwner` produces (digest, save) or takes (restore) in one piece, so that on a worker thread each
 * is one message (docs/ARCHITECTURE.md, "Spreading hosts over worker threads"). The coordinator
 * (`lab/labDigest.ts`, `lab/labPersist.ts`) asks every owner in host order and assembles the parts into
 * the digest input and the saved lab in the order they always had (the lab's runtime order for guests,
 * host order for schedulers), so neither the digests nor the saved-lab format change.
 *
 * - `HostDigestPart`: per guest machine on the host, what the digest hashes of it (`GuestDigestPart`).
 * - `HostSavePart`: per guest machine its `GuestMachine.save()`, the host scheduler's `save()`, the
 *   capture images held here by number (`captureOrders.ts`: the coordinator puts each where its handle is)
 *   and the VMs' dirty-log shares held here (the coordinator puts each in its VM's runtime state).
 * - `HostRestorePart` → `HostRestoreReply`: the overheads to charge, the machines to rebuild (the saved
 *   state, the VM's hardware and its live disks, lent; the owner adds its pool), the scheduler to restore, the
 *   capture images to hold under the numbers the coordinator gave their handles, the dirty-log shares of
 *   the VMs registered here.
 * - `HostPartTransport`: how a part crosses between coordinator and owner (`LabOptions.hostPartTransport`;
 *   in one thread the part itself, a test sends every part through a real MessageChannel).
 *
 * Rules: parts hold only structured-cloneable data (numbers, strings, plain objects, typed arrays) keyed
 * by VM id; no machine, scheduler or pool crosses. A save part's guest states share their frames
 * copy-on-write with the live machines (as `save()` always did), and so do the capture images, so they are
 * copied when they cross, never transferred: transferring would detach the running machine's memory.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { HostSchedulerState } from '../scheduler/index';
import type { GuestOrderConfig } from './guestFactory';
import type { DiskChainsState } from '../snapshot/index';
import type { GuestMachineState } from './guestMachine';
import type { CaptureImage } from './captureOrders';
import type { DirtyLogShareState } from './dirtyLogShare';

/** What the state digest reads of one guest machine (its field order is the digest's). */
export interface GuestDigestPart {
  state: GuestMachineState;
  /** `GuestMachine.digest` with the pages the host took away hashed as their contents. */
  digest: string;
  clockNs: number;
}

export interface HostDigestPart {
  hostId: HostId;
  guests: [VmId, GuestDigestPart][];
}

export interface HostSavePart {
  hostId: HostId;
  /** `GuestMachine.save()` of every machine on the host. */
  guests: [VmId, unknown][];
  scheduler: HostSchedulerState | undefined;
  /** The capture images held by the host's owner, by number (ascending). */
  captures: [number, CaptureImage][];
  /** The dirty-log shares held here with pages kept for a reader (`DirtyLogShare.save()`), by VM. */
  dirtyLogs: [VmId, DirtyLogShareState][];
}

/** One saved machine to rebuild on the host (the owner adds its pool and the VM's disk). */
export interface GuestRestoreOrder {
  vmId: VmId;
  config: GuestOrderConfig & { restoreState: unknown };
  hostClockHz: number;
  /** The VM's live disks, lent to this host with its machine (`diskPlace.ts`). */
  disks?: DiskChainsState;
}

export interface HostRestorePart {
  hostId: HostId;
  /** Each powered-on VM's whole overhead in frames, charged first, in the registry's order. */
  overheads: [VmId, number][];
  /** The saved lab's machines on this host, in the saved order. */
  guests: GuestRestoreOrder[];
  /** The saved scheduler (absent: the host keeps its new, empty one). */
  scheduler?: HostSchedulerState;
  /** Capture images of the saved lab to hold here, by the number their handles were given. */
  captures: [number, CaptureImage][];
  /** The saved dirty-log shares of the VMs registered on this host. */
  dirtyLogs: [VmId, DirtyLogShareState][];
}

export type HostRestoreReply =
  | { ok: true }
  | { ok: false; failed: 'overhead' | 'guest'; vmId: VmId; message: string }
  | { ok: false; failed: 'scheduler'; message: string };

export type HostPart = HostDigestPart | HostSavePart | HostRestorePart | HostRestoreReply;

/** How a part crosses between the coordinator and a host's owner; what arrives is all the other side gets. */
export type HostPartTransport = <T extends HostPart>(part: T) => T;

/** One thread: the part itself. */
export const sameThread: HostPartTransport = (part) => part;
