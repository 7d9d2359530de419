/**
 * diskStore — the VMs' disks one host's side holds (`host/hostSide.ts`), per VM: its live `DiskChain`s
 * and, per snapshot id, the layer chains that snapshot names, kept together because they share sealed
 * layers by reference (a snapshot's chain is a prefix of the live chain it was sealed from) and the saved
 * lab numbers layers by identity. A VM's disks follow its machine between hosts as plain data
 * (`DiskChainsState`, `snapshot/diskChainsState.ts`: one layer table, the live disks, the snapshots'
 * chains keyed by snapshot id), like the dirty logs (`dirtyLogShares.ts`).
 *
 * Interface: `put(vmId, state)` (replaces what the store held for the VM; a snapshot key repeated is
 * refused naming it); `take(vmId)` → the whole state, the VM's disks gone from here (undefined: none held);
 * `has(vmId)`; `disk(vmId)` → the VM's first live disk (the one a guest machine reads and writes);
 * `capacities(vmId)`; `seal(vmId, snapshotId)` (Take Snapshot: every live disk's writable layer sealed,
 * the chains recorded under the id) → the sealed layers' bytes per disk; `revert(vmId, snapshotId,
 * capacities)` (the live disks rebuilt on the snapshot's chains, empty tops); `forgetSnapshot(vmId, id)`;
 * `remove(vmId, doomedIds)` (Delete: the snapshots go and each one's own layer is consolidated, in the
 * order given — the tree's — as `snapshotTree.ts` does, `snapshot/snapshotDisks.ts`); `removeAll(vmId)`
 * (Delete All: every snapshot goes, each live chain committed into one base layer).
 *
 * Rules: a VM's disks are held by at most one host's store (the coordinator records which). `take` does
 * not hand over a transfer list: a full clone's flattened layer shares its source's block buffers
 * (`mergeLayers`), so a message carrying disks copies them (transferring would detach the other VM's
 * blocks). A bad state is refused with the field it names, and the store is left unchanged.
 */
import type { SnapshotId, VmId } from '@shared/model/ids';
import { commitAll, consolidateDeleted, DiskChain, exportDisks, importDisks, layerBytes } from '../snapshot/index';
import type { DiskChainsState, DiskLayer } from '../snapshot/index';
import type { BlockStore } from './guestFactory';

interface HeldDisks {
  disks: DiskChain[];
  /** Per snapshot id: its layer chain per disk (base first). */
  snapshots: Map<string, DiskLayer[][]>;
}

export class DiskStore {
  private readonly held = new Map<VmId, HeldDisks>();

  put(vmId: VmId, state: DiskChainsState): void {
    const { disks, extra } = importDisks(state);
    const snapshots = new Map<string, DiskLayer[][]>();
    for (const [key, chains] of extra) {
      if (snapshots.has(key)) throw new RangeError(`disk chains state: extra names snapshot ${key} twice`);
      snapshots.set(key, chains);
    }
    this.held.set(vmId, { disks, snapshots });
  }

  take(vmId: VmId): DiskChainsState | undefined {
    const held = this.held.get(vmId);
    if (!held) return undefined;
    this.held.delete(vmId);
    return exportDisks(held.disks, [...held.snapshots]).state;
  }

  has(vmId: VmId): boolean {
    return this.held.has(vmId);
  }

  disk(vmId: VmId): BlockStore | undefined {
    return this.held.get(vmId)?.disks[0];
  }

  capacities(vmId: VmId): number[] {
    return this.of(vmId).disks.map((d) => d.capacityBytes);
  }

  seal(vmId: VmId, snapshotId: SnapshotId): number[] {
    const held = this.of(vmId);
    if (held.snapshots.has(snapshotId)) throw new RangeError(`disk store: ${vmId} already has snapshot ${snapshotId}`);
    const chains = held.disks.map((d) => { d.seal(); return d.chain(); });
    held.snapshots.set(snapshotId, chains);
    return chains.map((c) => (c.length ? layerBytes(c[c.length - 1]) : 0));
  }

  revert(vmId: VmId, snapshotId: SnapshotId, capacities: readonly number[]): void {
    const held = this.of(vmId);
    const chains = held.snapshots.get(snapshotId);
    if (!chains) throw new RangeError(`disk store: ${vmId} has no snapshot ${snapshotId}`);
    held.disks = chains.map((chain, i) => DiskChain.onChain(capacities[i] ?? held.disks[i].capacityBytes, chain));
  }

  forgetSnapshot(vmId: VmId, snapshotId: SnapshotId): void {
    this.of(vmId).snapshots.delete(snapshotId);
  }

  remove(vmId: VmId, doomedIds: readonly SnapshotId[]): void {
    const held = this.of(vmId);
    const doomed = doomedIds.map((id) => {
      const chains = held.snapshots.get(id);
      if (!chains) throw new RangeError(`disk store: ${vmId} has no snapshot ${id}`);
      return chains;
    });
    for (const id of doomedIds) held.snapshots.delete(id);
    const survivors = [...held.snapshots.keys()];
    const after = consolidateDeleted(doomed, survivors.map((id) => held.snapshots.get(id)!), held.disks.map((d) => d.chain()));
    survivors.forEach((id, i) => held.snapshots.set(id, after.survivors[i]));
    held.disks.forEach((d, i) => d.replaceChain(after.live[i]));
  }

  removeAll(vmId: VmId): void {
    const held = this.of(vmId);
    held.snapshots.clear();
    const live = commitAll(held.disks.map((d) => d.chain()));
    held.disks.forEach((d, i) => d.replaceChain(live[i]));
  }

  private of(vmId: VmId): HeldDisks {
    const held = this.held.get(vmId);
    if (!held) throw new RangeError(`disk store: this host holds no disks of ${vmId}`);
    return held;
  }
}
