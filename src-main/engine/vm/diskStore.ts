/**
 * diskStore — the live disks one host's side holds (`host/hostSide.ts`): the disks of the VMs whose machine
 * last started on this host, lent by the coordinator's runtime (`vm/diskPlace.ts`). A VM's guest machine
 * reads and writes its first disk here, in the host's own thread, so a host on a worker runs real guests.
 *
 * Interface: `put(vmId, state)` (the lent disks as plain data, `DiskChainsState`: their sealed layers and
 * their writable tops; replaces what the store held for the VM); `take(vmId)` → each disk's writable top
 * (a copy), the VM's disks gone from here (undefined: none held); `tops(vmId)` → the same, the disks
 * kept (a save, a digest, a clone reads them); `seal(vmId)` → each disk's writable layer, sealed here
 * (Take Snapshot); `has(vmId)`; `disk(vmId)` → the VM's first disk (the one a guest machine uses).
 *
 * Rules: sealed layers never change (`snapshot/diskChain.ts`), so the coordinator keeps them — its snapshot
 * tree, consolidation and saved layer table work on them unchanged — and a store holds them only to read
 * (shared by reference in one thread, a copy on a worker); what is the host's alone is each disk's
 * writable top, which only ever leaves as a copy (the machine built on it may still hold the chain).
 * A bad state is refused with the field it names, and the store is left unchanged.
 */
import type { VmId } from '@shared/model/ids';
import { importDisks } from '../snapshot/index';
import type { DiskChain, DiskChainsState, DiskLayer } from '../snapshot/index';
import type { BlockStore } from './guestFactory';

export class DiskStore {
  private readonly held = new Map<VmId, DiskChain[]>();

  put(vmId: VmId, state: DiskChainsState): void {
    this.held.set(vmId, importDisks(state));
  }

  take(vmId: VmId): DiskLayer[] | undefined {
    const disks = this.held.get(vmId);
    if (!disks) return undefined;
    this.held.delete(vmId);
    return disks.map((d) => d.topLayer());
  }

  tops(vmId: VmId): DiskLayer[] {
    return this.of(vmId).map((d) => d.topLayer());
  }

  seal(vmId: VmId): DiskLayer[] {
    return this.of(vmId).map((d) => d.seal());
  }

  has(vmId: VmId): boolean {
    return this.held.has(vmId);
  }

  disk(vmId: VmId): BlockStore | undefined {
    return this.held.get(vmId)?.[0];
  }

  private of(vmId: VmId): DiskChain[] {
    const disks = this.held.get(vmId);
    if (!disks) throw new RangeError(`disk store: this host holds no disks of ${vmId}`);
    return disks;
  }
}
