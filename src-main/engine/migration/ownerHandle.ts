/**
 * ownerHandle — what every migration handle on a host owner's part is (the sender half, the receiver
 * half, the destination machines after the switch): a host id and a key, with every call one call to that host's
 * owner, found through the lab's context at each call. Rule: a handle holds nothing of the part itself
 * (the owner does), so on a host worker each call becomes a message to that host's worker. A handle is
 * closed once: the mechanism and the lab's env both close it as a move ends (each for its own reasons),
 * and only the first close is sent to the owner (`closing()`).
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { OpContext } from '../lab/index';
import type { HostOwnerCalls } from '../vm/index';

export abstract class OwnerHandle {
  private closed = false;

  protected constructor(private readonly ctx: OpContext, readonly hostId: HostId, readonly key: VmId) {}

  /** The owner of the host that holds the part (it must still exist). */
  protected owner(): HostOwnerCalls {
    const o = this.ownerIfAny();
    if (!o) throw new Error(`no host ${this.hostId}`);
    return o;
  }

  /** The owner, or undefined where the host is gone (closing is safe then). */
  private ownerIfAny(): HostOwnerCalls | undefined {
    return this.ctx.host(this.hostId);
  }

  /** The owner to send the close to: at the first close only, and only where the host still exists. */
  protected closing(): HostOwnerCalls | undefined {
    if (this.closed) return undefined;
    this.closed = true;
    return this.ownerIfAny();
  }
}
