/**
 * labMigrationEnv — the `MigrationEnv` of a migration in the lab: VMs (one, or a gang) moving from one
 * host to another through the operation context. It holds ids, the pause timing and flags only: the
 * source machines stay with the source host's owner for the whole move (`HostOwner.beginOutgoing` …
 * `finishOutgoing`), the incoming memories are made and held by the destination host's owner
 * (`receiveIncoming`, `startIncoming` at the switch), and every call to either is plain data
 * (`vm/moveOrders.ts`). The sender half is made and held by the source's owner beside the leaving
 * machines (`openSender`: `ownerSender.ts`, plain-data calls), the receiver half by the destination's
 * owner (`openReceiver`: `ownerReceiver.ts`, plain-data calls); the rest of the source is read through
 * the source's owner with plain values (`readDirty`, `sourceCore`, `sourceCheck`, `sourceWhole`:
 * `HostOwner`'s "migration sender" calls), never by reference, and post-copy's held pages are written
 * there (`sourceHeldPages`:
 * "migration sender (source side)"); after the switch the destination's machines are reached the
 * same way (`startDestination` returns an `OwnerDestination`: verification, post-copy's faults and
 * arrivals, the wait counters are plain-data calls to the destination's owner, which holds the machines).
 *
 * What the lab sees: events (by the task kind), the VM's `hostId` changing at the switch, both hosts'
 * memory pools (the destination fills as pages arrive, the source empties at the end), host network
 * bytes for `net.*` (reported by the task kind), the scheduler's throttle during auto-converge (an order
 * queued on the source host's `HostOwner`). Overhead charges and releases, pause, resume and a lost VM go
 * through the hosts' owners too.
 *
 * Memory reclamation: until the switch the source host may compress, swap or sample the VM's pages like
 * any other; the stream reads them through the source owner's reads (from the bytes the host keeps). At
 * the switch the VM leaves the source's reclamation: the source's owner keeps the bytes of its pages still
 * away (`leaveReclamation`, saved with the move in post-copy) for whatever must still read the source (its
 * reads answer from them). It joins the destination's once its memory there is whole (at once after
 * pre-copy, at the end of post-copy: until then the remote faults own its not-present pages).
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import type { CaptureTiming } from '../scheduler/index';
import type { GuestMachine } from '../vm/guestMachine';
import {
  pauseGuest, receiveGuest, resumeGuest, startGuestFrom, type HeldPagesReply, type HostOwnerCalls, type OutgoingSaved, type SourceCheck, type SourceWhole,
} from '../vm/index';
import { chargeOverhead, dirtyLogOwner, setGuestFacts } from '../vm/index';
import type { MigrationDestination, MigrationEnv, MigrationReceiver, MigrationSender, ReceiverSetup } from './migrationEnv';
import type { ReceiverPort, SenderSetup } from './senderCalls';
import type { PageCodecs } from './codecs';
import { OwnerReceiver } from './ownerReceiver';
import { OwnerSender } from './ownerSender';
import { OwnerDestination } from './ownerDestination';

export const MIGRATION_DIRTY_READER = 'migration';

export class LabMigrationEnv implements MigrationEnv {
  timings: (CaptureTiming | undefined)[] = [];
  paused = false;
  switched = false;
  private released = false;
  private receiver: OwnerReceiver | undefined;
  private sender: OwnerSender | undefined;

  constructor(private readonly ctx: OpContext, readonly vmIds: readonly VmId[], readonly sourceHostId: HostId, readonly destHostId: HostId) {
    try {
      const src = this.sourceOwner();
      for (const id of vmIds) src.beginOutgoing(id);
      for (const vm of this.vms()) {
        receiveGuest(ctx, vm, destHostId);
        // The destination charges the VM's overhead while it receives it (released on failure).
        const moved = { ...vm, hostId: destHostId };
        if (!chargeOverhead(ctx, moved)) throw new Error(`host ${destHostId} cannot hold the overhead of ${vm.name}`);
      }
    } catch (e) {
      this.releaseDestination();
      throw e;
    }
    for (const id of vmIds) dirtyLogOwner(ctx, id)?.attachDirtyReader(id, MIGRATION_DIRTY_READER);
  }

  vms(): Vm[] {
    return this.vmIds.map((id) => {
      const vm = this.ctx.reg.vms.get(id);
      if (!vm) throw new Error(`the migrating VM ${id} no longer exists`);
      return vm;
    });
  }

  private sourceOwner(): HostOwnerCalls {
    const o = this.ctx.host(this.sourceHostId);
    if (!o) throw new Error(`no host ${this.sourceHostId}`);
    return o;
  }

  private destOwner(): HostOwnerCalls {
    const o = this.ctx.host(this.destHostId);
    if (!o) throw new Error(`no host ${this.destHostId}`);
    return o;
  }

  get memberCount(): number { return this.vmIds.length; }
  // The source's reads: plain-data calls to the source host's owner, which holds the leaving machines.
  sourcePageCount(m: number): number { return this.sourceOwner().outgoingPageCount(this.vmIds[m]); }
  sourceCore(m: number): unknown { return this.sourceOwner().outgoingCore(this.vmIds[m]); }
  sourceCheck(m: number): SourceCheck { return this.sourceOwner().outgoingCheck(this.vmIds[m]); }
  sourceWhole(m: number): SourceWhole { return this.sourceOwner().outgoingWhole(this.vmIds[m]); }
  /** Post-copy's held pages, written by the source's owner where the paused machines are. */
  sourceHeldPages(pages: ArrayBuffer[]): HeldPagesReply { return this.sourceOwner().outgoingHeldPages({ members: [...this.vmIds], pages }); }

  /** The sender half, made and held by the source's owner beside the leaving machines (it reads their pages there). */
  openSender(setup: SenderSetup, _codecs: PageCodecs, port: ReceiverPort): MigrationSender {
    this.sender?.close();
    this.sender = OwnerSender.open(this.ctx, this.sourceHostId, { members: [...this.vmIds], options: setup.options }, port);
    return this.sender;
  }

  /** The destination half, made by the destination's owner over the incoming memories (and, for dedup, its running VMs). */
  openReceiver(setup: ReceiverSetup): MigrationReceiver {
    this.receiver?.close();
    this.receiver = OwnerReceiver.open(this.ctx, this.destHostId, {
      members: [...this.vmIds], destinationVms: setup.dedup ? this.destinationVmIds() : [], compression: setup.compression,
    });
    return this.receiver;
  }

  readDirty(m: number, nowNs: number): readonly number[] {
    const id = this.vmIds[m];
    return this.sourceOwner().outgoingDirty(id, nowNs - this.ctx.runtime(id).offsetNs, MIGRATION_DIRTY_READER);
  }

  pauseSource(): void {
    this.timings = this.vms().map((vm) => pauseGuest(this.ctx, vm));
    this.paused = true;
  }

  resumeSource(): void {
    if (!this.paused) return;
    this.vms().forEach((vm, m) => resumeGuest(this.ctx, vm, this.timings[m]));
    this.paused = false;
    this.ctx.markChanged(...this.vmIds);
  }

  startDestination(cores: readonly unknown[], nowNs: number): MigrationDestination {
    // The VMs leave the source's reclamation (while the source's owner still runs them there), the
    // source keeping the bytes of the pages it holds.
    const src = this.sourceOwner();
    for (const id of this.vmIds) src.leaveReclamation(id);
    this.vms().forEach((vm, m) => {
      src.releaseOverhead(vm.id);
      vm.hostId = this.destHostId;
      startGuestFrom(this.ctx, vm, cores[m], this.timings[m]);
    });
    void nowNs;
    this.switched = true;
    this.paused = false;
    this.ctx.markChanged(...this.vmIds, this.sourceHostId, this.destHostId);
    // The machines stay with the destination's owner: the mechanism reaches them by plain-data calls.
    return OwnerDestination.open(this.ctx, this.destHostId, [...this.vmIds]);
  }

  finishSource(): void {
    const src = this.sourceOwner();
    for (const id of this.vmIds) src.finishOutgoing(id);
    this.sender?.close();
    this.receiver?.close();
    this.detach();
    // The destination's memory is whole: the VMs join its host's reclamation (not a VM post-copy lost).
    const dest = this.destOwner();
    for (const vm of this.vms()) {
      if (vm.powerState === 'poweredOn' && vm.hostId === this.destHostId && dest.joinReclamation(vm.id, this.ctx.overcommit.vmSeed(vm))) {
        this.ctx.overcommit.reclaiming(this.destHostId);
      }
    }
  }

  /** Post-copy saved: each member's paused source and the bytes the source kept (plain data, from the source's owner). */
  saveSources(): OutgoingSaved[] {
    const src = this.sourceOwner();
    return this.vmIds.map((id) => src.saveOutgoing(id));
  }

  loseVms(reason: string): void {
    for (const vm of this.vms()) {
      const owner = vm.hostId ? this.ctx.host(vm.hostId) : undefined;
      // a VM on no host runs no machine: nothing to drop
      owner?.drop(vm.id, this.ctx.nowNs());
      vm.powerState = 'poweredOff';
      vm.uptimeCarriedMs = 0;
      setGuestFacts(vm, undefined);
      vm.crashReason = reason;
    }
    this.ctx.markChanged(...this.vmIds, this.sourceHostId, this.destHostId);
  }

  setThrottle(pct: number): void {
    // Queued on the source host's owner: the scheduler takes it before the host's next segment.
    const owner = this.ctx.host(this.sourceHostId);
    for (const id of this.vmIds) owner?.setThrottle(id, pct);
  }

  /** VMs already running on the destination host (the dedup neighbours), in the registry's order. */
  private destinationVmIds(): VmId[] {
    const out: VmId[] = [];
    for (const vm of this.ctx.reg.vmsOnHost(this.destHostId)) {
      if (this.vmIds.includes(vm.id)) continue;
      if (this.ctx.host(this.destHostId)?.guestRunState(vm.id) !== undefined && vm.powerState === 'poweredOn') out.push(vm.id);
    }
    return out;
  }

  /**
   * A failed or cancelled migration: the destination gives back what it took and the source's owner
   * stops holding the machines as leaving (they run there as before). Safe to call twice.
   */
  releaseDestination(): void {
    if (this.released || this.switched) return;
    this.released = true;
    const owner = this.ctx.host(this.destHostId);
    for (const id of this.vmIds) owner?.releaseIncoming(id);
    for (const id of this.vmIds) owner?.releaseOverhead(id);
    for (const id of this.vmIds) this.ctx.host(this.sourceHostId)?.cancelOutgoing(id);
    this.sender?.close();
    this.receiver?.close();
    this.detach();
  }

  /** Frames the destination still has to give for this migration (admission of concurrent ones). */
  pendingFrames(needed: number): number {
    if (this.switched || this.released) return 0;
    const owner = this.ctx.host(this.destHostId);
    let held = 0;
    for (const id of this.vmIds) held += owner?.incomingFrames(id) ?? 0;
    return Math.max(0, needed - held);
  }

  private detach(): void {
    // the log is held where the VM runs: the source's side before the switch, the destination's after it
    for (const id of this.vmIds) dirtyLogOwner(this.ctx, id)?.detachDirtyReader(id, MIGRATION_DIRTY_READER);
  }
}
