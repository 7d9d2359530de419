/**
 * moveOrders — the plain data a live migration sends to the hosts' owners (`HostOwner`'s migration
 * calls): what the destination needs to make a VM's incoming memory and to start its machine at the
 * switch, what a saved post-copy source holds, and what the source host reads from it at load.
 *
 * Rules: structured-cloneable (no machine, pool or function); the guest's config is the VM's without the
 * pool (the owner adds its own), as in `GuestStartOrder`.
 */
import type { VmId } from '@shared/model/ids';
import type { GuestOrderConfig } from './guestFactory';
import type { DirtyLogShareState } from './dirtyLogShare';
import type { DiskChainsState } from '../snapshot/index';
import type { GuestResumeOrder } from './hostOwner';

/** Make the VM's empty incoming memory on the destination's pool. */
export interface IncomingOrder {
  vmId: VmId;
  config: GuestOrderConfig;
}

/** The switch on the destination: build the machine from `core` and the incoming memory, then schedule it. */
export interface IncomingStartOrder extends GuestResumeOrder {
  config: GuestOrderConfig;
  /** The source machine's `saveCore()` (device state: registers, control state). */
  core: unknown;
  hostClockHz: number;
  /** The VM's dirty log, carried from the source's side (absent: this host holds it already). */
  dirtyLog?: DirtyLogShareState;
  /** The VM's live disks, carried from the source's side (absent: this host holds them already). */
  disks?: DiskChainsState;
}

/** A leaving machine's saved state and the bytes of its pages the source held outside it (post-copy saved). */
export interface OutgoingSaved {
  state: unknown;
  away: [number, Uint8Array][];
}

/** Rebuild a saved paused source on the source host for a moment and read `pages` from it. */
export interface SavedSourceRead {
  vmId: VmId;
  config: GuestOrderConfig;
  state: unknown;
  away: [number, Uint8Array][];
  pages: readonly number[];
  hostClockHz: number;
}
