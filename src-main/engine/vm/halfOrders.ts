/**
 * halfOrders — a migration's receiver half as the destination host's owner holds it (`HostOwner`'s
 * "migration halves" calls): the order that makes it, and the shape of the half the owner keeps.
 *
 * `ReceiverOrder` is plain data (structured-cloneable): which incoming memories the half fills (the
 * members, in the mechanism's order), which VMs already on the host it may deduplicate against (their
 * machines are the owner's), and the stream's compression codec. The half is keyed by the first
 * member's id (a VM is in one migration at a time). `ReceiverHalf` is what the owner calls on it
 * (`migration/pageReceiver.ts` is the one implementation, made through `HostOwnerEnv.receiverHalf`):
 * every argument and reply is plain data, a record batch's buffer transferable.
 */
import type { VmId } from '@shared/model/ids';
import type { PageCodecName } from '../ports';
import type { RecordBatch } from '../migration/index';

export type { RecordBatch };

/** Make a migration's receiver half on the destination, over its members' incoming memories. */
export interface ReceiverOrder {
  /** The members, in the mechanism's order (member m is `members[m]`); the half's key is `members[0]`. */
  members: VmId[];
  /** VMs already running on this host whose pages the stream may reference (dedup), in place order. */
  destinationVms: VmId[];
  compression: PageCodecName | undefined;
}

/** A page the stream references (dedup): member ≥ 0 is a member's incoming memory, −1 − i the i-th destination VM. */
export interface HalfPlace { member: number; gpfn: number }

/** The receiver half as its owner holds it (`PageReceiver`). */
export interface ReceiverHalf {
  announce(): Float64Array;
  apply(batch: RecordBatch): void;
  markNotPresent(member: number, pages: readonly number[]): void;
  release(): void;
  holdPostcopy(batch: RecordBatch): void;
  heldPage(member: number, gpfn: number): Uint8Array | undefined;
  dropHeld(member: number, gpfn: number): void;
  dropAllHeld(): void;
  readPlace(place: HalfPlace, out: Uint8Array): Uint8Array | undefined;
}
