/**
 * ownerDestination — the lab's way to a migration's destination machines after the switch: the
 * `MigrationDestination` the mechanism holds is this, a host id and a key, and every call is one call to
 * the destination host's owner (`HostOwner`'s "migration after the switch" group), which holds the
 * machines (a `DestinationMachines` over them and the receiver half's held pages). Arguments and replies
 * are plain data (`destinationCalls.ts`); the source's checks cross with their hash buffers.
 *
 * `OwnerDestination.open(ctx, destHostId, members)` makes the destination side on the owner (the
 * machines started there at the switch) and returns its handle; `close()` drops it there. Holds no
 * machine of its own. On a host worker: the calls the mechanism makes at a barrier step (verify,
 * arrivals, requests, waits) become synchronous messages to the destination's worker at the barrier;
 * a fault that cannot wait happens during the destination host's segment and is answered there (the
 * held copies are on that worker), the mechanism's part of it (its bitmap, link and counters) reaching
 * the mechanism at the barrier; a fault that waits is already a request the barrier step takes.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { OpContext } from '../lab/index';
import { OwnerHandle } from './ownerHandle';
import type { MigrationDestination } from './migrationEnv';
import type { SourceCheck, SwitchVerdict } from './verify';
import type { ArrivalCounts, DestinationWaits, UrgentFaultPort } from './destinationCalls';

export class OwnerDestination extends OwnerHandle implements MigrationDestination {
  private constructor(ctx: OpContext, hostId: HostId, key: VmId) { super(ctx, hostId, key); }

  static open(ctx: OpContext, hostId: HostId, members: VmId[]): OwnerDestination {
    const d = new OwnerDestination(ctx, hostId, members[0]);
    d.owner().openDestination(members);
    return d;
  }

  verify(checks: SourceCheck[], postcopy: boolean): SwitchVerdict { return this.owner().destinationVerify(this.key, checks, postcopy); }
  startPostcopy(urgent: UrgentFaultPort): number[] { return this.owner().destinationStartPostcopy(this.key, urgent); }
  takeRequests(): number[] { return this.owner().destinationRequests(this.key); }
  arrive(pages: number[]): ArrivalCounts { return this.owner().destinationArrive(this.key, pages); }
  waits(): DestinationWaits { return this.owner().destinationWaits(this.key); }
  endPostcopy(): void { this.owner().destinationEndPostcopy(this.key); }
  /** The destination side is dropped on the owner (safe when the host is gone). */
  close(): void { this.closing()?.closeDestination(this.key); }
}
