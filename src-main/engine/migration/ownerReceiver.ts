/**
 * ownerReceiver — the lab's way to a migration's destination half: the `MigrationReceiver` the mechanism
 * holds is this, a host id and a key, and every call is one call to the destination host's owner
 * (`HostOwner`'s "migration halves" group), which made and holds the half (`PageReceiver`) beside the
 * incoming memories it fills. Arguments and replies are plain data: a record batch's buffer goes to the
 * owner and comes back (transferable), held pages and dedup places come back as bytes to read at once.
 *
 * `openOwnerReceiver(ctx, destHostId, order)` makes the half on the destination's owner and returns its
 * handle; `close()` drops the half there (the move is over, or rolled back). Holds no machine, memory or
 * half of its own: on a host worker the same calls become synchronous messages to the destination's
 * owner at the barrier (where every migration step runs).
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { OpContext } from '../lab/index';
import { OwnerHandle } from './ownerHandle';
import type { ReceiverOrder } from '../vm/index';
import type { MigrationReceiver } from './migrationEnv';
import type { DedupPlace } from './dedupIndex';
import type { RecordBatch } from './recordBuffer';

export class OwnerReceiver extends OwnerHandle implements MigrationReceiver {
  private constructor(ctx: OpContext, hostId: HostId, key: VmId) { super(ctx, hostId, key); }

  static open(ctx: OpContext, hostId: HostId, order: ReceiverOrder): OwnerReceiver {
    const r = new OwnerReceiver(ctx, hostId, order.members[0]);
    r.owner().openReceiver(order);
    return r;
  }

  announce(): Float64Array { return this.owner().receiverAnnounce(this.key); }
  apply(batch: RecordBatch): ArrayBuffer { return this.owner().receiverApply(this.key, batch); }
  holdPostcopy(batch: RecordBatch): void { this.owner().receiverHold(this.key, batch); }
  markNotPresent(member: number, pages: readonly number[]): void { this.owner().receiverDiscard(this.key, member, pages); }
  release(): void { this.owner().receiverRelease(this.key); }
  heldPage(member: number, gpfn: number): Uint8Array | undefined { return this.owner().receiverHeldPage(this.key, member, gpfn); }
  dropHeld(member: number, gpfn: number): void { this.owner().receiverDropHeld(this.key, member, gpfn); }
  dropAllHeld(): void { this.owner().receiverDropAllHeld(this.key); }
  /** The destination owner's answer is the bytes (read at once); `out` is not sent. */
  readPlace(place: DedupPlace, _out: Uint8Array): Uint8Array | undefined { return this.owner().receiverReadPlace(this.key, place); }

  /** The move is over: the half is dropped on the destination (safe when it never opened or is gone). */
  close(): void { this.closing()?.closeReceiver(this.key); }
}
