/**
 * halfOrders — the order that makes a migration's receiver half on the destination host's owner
 * (`HostOwner`'s "migration halves" calls).
 *
 * `ReceiverOrder` is plain data (structured-cloneable): which incoming memories the half fills (the
 * members, in the mechanism's order), which VMs already on the host it may deduplicate against (their
 * machines are the owner's), and the stream's compression codec. The half is keyed by the first
 * member's id (a VM is in one migration at a time). The half itself is a `MigrationReceiver`
 * (`migration/migrationEnv.ts`; `migration/pageReceiver.ts` is the one implementation, made through
 * `HostOwnerEnv.receiverHalf`): every argument and reply is plain data, a record batch's buffer
 * transferable.
 */
import type { VmId } from '@shared/model/ids';
import type { PageCodecName } from '../ports';

/** Make a migration's receiver half on the destination, over its members' incoming memories. */
export interface ReceiverOrder {
  /** The members, in the mechanism's order (member m is `members[m]`); the half's key is `members[0]`. */
  members: VmId[];
  /** VMs already running on this host whose pages the stream may reference (dedup), in place order. */
  destinationVms: VmId[];
  compression: PageCodecName | undefined;
}
