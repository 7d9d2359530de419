/**
 * hostReclamation — memory reclamation as a host's owner holds it: the host's `HostReclaimer` and the
 * `ReclaimViewCopy` it reads configuration from, made on the host's side (on a host worker thread, beside
 * the guests whose not-present handler it is) and reached only through the owner's plain-data calls.
 *
 * Interface: `new HostReclamation(hostId, seed, env)` (`env`: the host's pool and guests); the guest hooks
 * `started(vmId, guest, seed, captured?)` → whether the reclaimer was made by it, `stopped(vmId)`,
 * `capture(vmId)`, `awayBytes(vmId, gpfn)`; the barrier `step(order)` → the state changes
 * (`reclaimOrders.ts`); `vmIds()` (what the coordinator's view is built for); `part()` / `restore(order)`
 * (a saved lab's `HostReclaimerState`, unchanged); the sample's figures `vmSample(vmId)` / `hostSample()`;
 * `reclaimer` / `viewCopy` (one thread: tests).
 * Rules: the reclaimer is made on first need, as the coordinator made it before (a guest joining, the
 * barrier, a restore naming the host): a host never reclaimed has none, so a saved lab lists the hosts
 * it had. A state change is only made inside `step` (the reclaimer's barrier pass), so the changes a
 * reply carries are all of them, in order.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { GuestMachine } from '../vm/guestMachine';
import type { HostMemory } from '../vm/guestFactory';
import { HostReclaimer, type CapturedPages, type HostReclaimerState } from './hostReclaimer';
import type { MemState } from './memState';
import { NO_CHANGE_REPLY, type ReclaimRestoreOrder, type ReclaimRestoreReply, type ReclaimStateChange, type ReclaimStepOrder, type ReclaimStepReply } from './reclaimOrders';
import { takeHostReclaimSample, takeVmReclaimSample, type HostReclaimSample, type VmReclaimSample } from './reclaimSample';
import { ReclaimViewCopy } from './reclaimView';

/** The host's own objects the reclaimer works on. */
export interface HostReclamationEnv {
  pool(): HostMemory | undefined;
  guest(vmId: VmId): GuestMachine | undefined;
}

export class HostReclamation {
  private held: HostReclaimer | undefined;
  private copy: ReclaimViewCopy | undefined;
  /** The state changes of the pass running (`step` hands them back). */
  private changes: ReclaimStateChange[] = [];

  constructor(readonly hostId: HostId, private readonly seed: number, private readonly env: HostReclamationEnv) {}

  /** The host's reclaimer (undefined: never needed yet); one thread only: tests read it. */
  get reclaimer(): HostReclaimer | undefined {
    return this.held;
  }

  /** The copy of the host and VM fields the reclaimer reads (tests). */
  get viewCopy(): ReclaimViewCopy | undefined {
    return this.copy;
  }

  get state(): MemState {
    return this.held?.state ?? 'high';
  }

  private open(): HostReclaimer {
    if (this.held) return this.held;
    const copy = new ReclaimViewCopy();
    this.copy = copy;
    this.held = new HostReclaimer(this.hostId, {
      host: () => copy.host(),
      pool: () => this.env.pool(),
      vm: (id) => copy.vm(id),
      guest: (id) => this.env.guest(id),
      stateChanged: (from, to, freeFrames, minFree) => { this.changes.push({ from, to, freeFrames, minFree }); },
    }, this.seed);
    return this.held;
  }

  /** A guest started here (boot, resume, revert, a migration's arrival): true when this made the reclaimer. */
  started(vmId: VmId, guest: GuestMachine, seed: number, captured?: CapturedPages): boolean {
    const opened = !this.held;
    const r = this.open();
    if (captured) r.adopt(vmId, guest, seed, captured);
    else r.attach(vmId, guest, seed);
    return opened;
  }

  stopped(vmId: VmId): void {
    this.held?.detach(vmId);
  }

  capture(vmId: VmId): CapturedPages | undefined {
    return this.held?.capture(vmId);
  }

  awayBytes(vmId: VmId, gpfn: number): Uint8Array | undefined {
    return this.held?.awayBytes(vmId, gpfn);
  }

  /** The VMs attached, in the reclaimer's order (the view the coordinator sends covers these). */
  vmIds(): VmId[] {
    return this.held ? this.held.vmIds() : [];
  }

  /** The barrier's pass: the view applied first, then the reclaimer; the state changes it made. */
  step(o: ReclaimStepOrder): ReclaimStepReply {
    const r = this.open();
    if (o.view) this.copy!.apply(o.view);
    r.atBarrier(o.nowMs);
    if (this.changes.length === 0) return NO_CHANGE_REPLY;
    const stateChanges = this.changes;
    this.changes = [];
    return { stateChanges };
  }

  /** This host's part of a saved lab (undefined: no reclaimer). */
  part(): HostReclaimerState | undefined {
    return this.held?.save();
  }

  /** A saved lab: the saved reclaimer over this host's rebuilt guests, then guests it did not know attached fresh. */
  restore(o: ReclaimRestoreOrder): ReclaimRestoreReply {
    const seeds = new Map(o.seeds);
    const seedOf = (vmId: VmId): number => seeds.get(vmId) ?? 0;
    if (o.state) {
      const guests = new Map<VmId, GuestMachine>();
      for (const vs of o.state.vms) {
        const g = this.env.guest(vs.vmId);
        if (g) guests.set(vs.vmId, g);
      }
      this.open().restore(o.state, guests, seedOf);
    }
    const attached: VmId[] = [];
    for (const vmId of o.fresh) {
      const g = this.env.guest(vmId);
      if (!g || this.held?.vm(vmId)) continue;
      this.open().attach(vmId, g, seedOf(vmId));
      attached.push(vmId);
    }
    return { state: this.state, attached };
  }

  /** A VM's figures at a sample (undefined: not reclaimed from, or no guest); moves its baselines to now. */
  vmSample(vmId: VmId): VmReclaimSample | undefined {
    const guest = this.env.guest(vmId);
    const r = this.held?.vm(vmId);
    if (!guest || !this.held || !r) return undefined;
    return takeVmReclaimSample(r, guest, this.held.sharing.zeroPagesOf(vmId));
  }

  /** The host's figures at a sample. */
  hostSample(): HostReclaimSample {
    return takeHostReclaimSample(this.held, this.env.pool(), (id) => this.env.guest(id));
  }
}
