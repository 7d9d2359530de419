/**
 * labMigrationEnv — the `MigrationEnv` of a migration in the lab: VMs (one, or a gang) moving from one
 * host to another through the operation context. It holds the source machines for the whole migration
 * (the runtime's `guest` becomes the destination's at the switch), the incoming memories on the
 * destination's pool, the destination overhead it charged at setup, and the pause timing.
 *
 * What the lab sees: events (by the task kind), the VM's `hostId` changing at the switch, both hosts'
 * memory pools (the destination fills as pages arrive, the source empties at the end), host network
 * bytes for `net.*` (reported by the task kind), the scheduler's throttle during auto-converge (an order
 * queued on the source host's `HostOwner`). Overhead charges and releases, pause, resume and a lost VM go
 * through the hosts' owners; the source and incoming machines themselves still cross (`sources`,
 * `incomings`, the runtime's `guest` at the switch) — the part of the move not behind the owner yet.
 *
 * Memory reclamation (`ctx.overcommit`): until the switch the source host may compress, swap or sample
 * the VM's pages like any other; the stream reads them through `sourceAway` (the bytes the host keeps).
 * At the switch the VM leaves the source's reclamation: the bytes of its pages still away are taken
 * into this migration (`away`, saved with it in post-copy) for whatever must still read the source.
 * It joins the destination's once its memory there is whole (at once after pre-copy, at the end of
 * post-copy: until then the remote faults own its not-present pages).
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import type { CaptureTiming } from '../scheduler/index';
import type { GuestMachine, GuestPages, IncomingGuestMemory } from '../vm/guestMachine';
import { assembleGuestOn, incomingMemoryFor, pauseGuest, resumeGuestOn } from '../vm/index';
import { chargeOverhead, setGuestFacts } from '../vm/index';
import type { MigrationEnv } from './migrationEnv';

export const MIGRATION_DIRTY_READER = 'migration';

export class LabMigrationEnv implements MigrationEnv {
  readonly sources: GuestMachine[];
  readonly incomings: IncomingGuestMemory[];
  timings: (CaptureTiming | undefined)[] = [];
  paused = false;
  switched = false;
  /** Per member, the bytes of its source pages the source host held when the VM left its reclamation (the switch). */
  away: Map<number, Uint8Array>[] | undefined;
  private released = false;

  constructor(private readonly ctx: OpContext, readonly vmIds: readonly VmId[], readonly sourceHostId: HostId, readonly destHostId: HostId) {
    this.sources = vmIds.map((id) => ctx.runtime(id).guest!);
    this.incomings = [];
    try {
      for (const vm of this.vms()) {
        this.incomings.push(incomingMemoryFor(ctx, vm, destHostId));
        // The destination charges the VM's overhead while it receives it (released on failure).
        const moved = { ...vm, hostId: destHostId };
        if (!chargeOverhead(ctx, moved)) throw new Error(`host ${destHostId} cannot hold the overhead of ${vm.name}`);
      }
    } catch (e) {
      this.releaseDestination();
      throw e;
    }
    for (const id of vmIds) ctx.runtime(id).dirty.attach(MIGRATION_DIRTY_READER);
  }

  vms(): Vm[] {
    return this.vmIds.map((id) => {
      const vm = this.ctx.reg.vms.get(id);
      if (!vm) throw new Error(`the migrating VM ${id} no longer exists`);
      return vm;
    });
  }

  get memberCount(): number { return this.vmIds.length; }
  source(m: number): GuestMachine { return this.sources[m]; }
  incoming(m: number): IncomingGuestMemory { return this.incomings[m]; }

  readDirty(m: number, nowNs: number): readonly number[] {
    const rt = this.ctx.runtime(this.vmIds[m]);
    return rt.dirty.read(this.sources[m], nowNs - rt.offsetNs, MIGRATION_DIRTY_READER) ?? [];
  }

  pauseSource(): void {
    this.timings = this.vms().map((vm) => pauseGuest(this.ctx, vm));
    this.paused = true;
  }

  resumeSource(): void {
    if (!this.paused) return;
    this.vms().forEach((vm, m) => resumeGuestOn(this.ctx, vm, this.sources[m], this.timings[m]));
    this.paused = false;
    this.ctx.markChanged(...this.vmIds);
  }

  sourceAway(m: number, gpfn: number): Uint8Array | undefined {
    if (this.away) return this.away[m]?.get(gpfn);
    const vm = this.ctx.reg.vms.get(this.vmIds[m]);
    return vm ? this.ctx.overcommit.awayBytes(vm, gpfn) : undefined;
  }

  startDestination(cores: readonly unknown[], nowNs: number): GuestMachine[] {
    const out: GuestMachine[] = [];
    // The VMs leave the source's reclamation (while the runtime still holds the source machine), keeping
    // the bytes of the pages it holds.
    this.away = this.vms().map((vm, m) => {
      const held = new Map<number, Uint8Array>();
      this.sources[m].scanPages((g, hfn) => {
        const bytes = hfn < 0 ? this.ctx.overcommit.awayBytes(vm, g) : undefined;
        if (bytes) held.set(g, bytes);
      });
      this.ctx.overcommit.guestStopped(vm);
      return held;
    });
    this.vms().forEach((vm, m) => {
      const machine = assembleGuestOn(this.ctx, vm, this.destHostId, cores[m], this.incomings[m]);
      this.ctx.host(this.sourceHostId)?.releaseOverhead(vm.id);
      vm.hostId = this.destHostId;
      resumeGuestOn(this.ctx, vm, machine, this.timings[m]);
      out.push(machine);
    });
    void nowNs;
    this.switched = true;
    this.paused = false;
    this.ctx.markChanged(...this.vmIds, this.sourceHostId, this.destHostId);
    return out;
  }

  finishSource(): void {
    for (const s of this.sources) s.dispose();
    this.away = undefined;
    this.detach();
    // The destination's memory is whole: the VMs join its host's reclamation (not a VM post-copy lost).
    for (const vm of this.vms()) {
      const g = this.ctx.runtime(vm.id).guest;
      if (g && vm.powerState === 'poweredOn' && vm.hostId === this.destHostId) this.ctx.overcommit.guestStarted(vm, g);
    }
  }

  loseVms(reason: string): void {
    for (const vm of this.vms()) {
      const owner = vm.hostId ? this.ctx.host(vm.hostId) : undefined;
      if (owner) owner.drop(vm.id, this.ctx.nowNs());
      else {
        const rt = this.ctx.runtime(vm.id);
        rt.guest?.dispose();
        rt.guest = undefined;
      }
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

  destinationVms(): readonly GuestPages[] {
    const out: GuestPages[] = [];
    for (const vm of this.ctx.reg.vmsOnHost(this.destHostId)) {
      if (this.vmIds.includes(vm.id)) continue;
      const g = this.ctx.runtime(vm.id).guest;
      if (g && vm.powerState === 'poweredOn') out.push(g);
    }
    return out;
  }

  /** A failed or cancelled migration: the destination gives back what it took. Safe to call twice. */
  releaseDestination(): void {
    if (this.released || this.switched) return;
    this.released = true;
    for (const inc of this.incomings) { try { inc.release(); } catch { /* already released by the mechanism */ } }
    const owner = this.ctx.host(this.destHostId);
    for (const id of this.vmIds) owner?.releaseOverhead(id);
    this.detach();
  }

  /** Frames the destination still has to give for this migration (admission of concurrent ones). */
  pendingFrames(needed: number): number {
    if (this.switched || this.released) return 0;
    let held = 0;
    for (const inc of this.incomings) { try { held += inc.frameStats().mappedPages; } catch { /* released */ } }
    return Math.max(0, needed - held);
  }

  private detach(): void {
    for (const id of this.vmIds) this.ctx.runtime(id).dirty.detach(MIGRATION_DIRTY_READER);
  }
}
