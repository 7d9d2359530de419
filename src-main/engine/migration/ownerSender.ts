/**
 * ownerSender — the lab's way to a migration's sender half: the `MigrationSender` the mechanism holds is
 * this, a host id and a key, and every call is one call to the source host's owner (`HostOwner`'s
 * "migration sender half" group), which made and holds the half (`SenderSide`: XBZRLE cache, dedup
 * index, packet, records buffer) beside the leaving machines it reads. Orders and replies are plain data
 * (`senderCalls.ts`): the link's state, the counters and the bitmaps in and out, record batches out
 * (transferable); dedup's confirming compare comes back through the port given at `open`.
 *
 * `OwnerSender.open(ctx, sourceHostId, order, port)` makes the half on the source's owner and returns its
 * handle; `close()` drops it there (safe when the host or the half is gone). Holds nothing of the half:
 * on a host worker each call becomes a synchronous message to the source's owner at the barrier, and the
 * port a synchronous call back (to the destination's owner, through the mechanism).
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { OpContext } from '../lab/index';
import type { SenderOrder } from '../vm/index';
import { OwnerHandle } from './ownerHandle';
import type { MigrationSender } from './migrationEnv';
import type {
  ReceiverPort, SenderFlushOrder, SenderIndexOrder, SenderIndexReply, SenderPushOrder, SenderPushReply, SenderReply, SenderStepOrder,
  SenderStepReply,
} from './senderCalls';

export class OwnerSender extends OwnerHandle implements MigrationSender {
  private constructor(ctx: OpContext, hostId: HostId, key: VmId) { super(ctx, hostId, key); }

  static open(ctx: OpContext, hostId: HostId, order: SenderOrder, port: ReceiverPort): OwnerSender {
    const s = new OwnerSender(ctx, hostId, order.members[0]);
    s.owner().openSender(order, port);
    return s;
  }

  index(order: SenderIndexOrder): SenderIndexReply { return this.owner().senderIndex(this.key, order); }
  step(order: SenderStepOrder): SenderStepReply { return this.owner().senderStep(this.key, order); }
  flush(order: SenderFlushOrder): SenderReply { return this.owner().senderFlush(this.key, order); }
  postcopy(zero: ArrayBuffer[]): void { this.owner().senderPostcopy(this.key, zero); }
  push(order: SenderPushOrder): SenderPushReply { return this.owner().senderPush(this.key, order); }
  close(): void { this.closing()?.closeSender(this.key); }
}
