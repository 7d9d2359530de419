/**
 * memoryOvercommit — the lab's memory-overcommitment service: one `HostReclaimer` per host, run as the
 * barrier service `memory.reclaim`, and the counters the collector samples from it.
 *
 * Interface: `new MemoryOvercommit(sources)`; `service` (the BarrierService); guest lifecycle hooks
 * `guestStarted(vm, guest, captured?)`, `guestStopped(vmId)`, `capture(vmId)` (pages out, for a
 * snapshot or suspend); `reclaimer(hostId)`, `viewCopy(hostId)`; `viewTransport` (how a view reaches a
 * reclaimer's copy: a plain deep copy by default); a sample's figures `vmSample(hostId, vmId)` /
 * `hostSample(hostId)` (plain counts read on the host's side, reclaimSample.ts; the collector names them,
 * metrics/reclaimCounters.ts); `hostState(hostId)`; `awayBytes(vm, gpfn)` /
 * `hostAwayBytes(hostId, vmId, gpfn)` (the bytes of a page the host took from a VM).
 * Rules: a reclaimer reads host and VM configuration only from its `ReclaimViewCopy` (reclaimView.ts):
 * at each barrier, before the reclaimers run, a host whose fields changed is sent a new view through
 * `viewTransport` (the message a host worker would receive). Every value is a count of frames, pages or
 * events at the sample, never a formula; a VM's
 * consumed memory is its share of the frames its pages map (a frame mapped by r pages counts 1/r to
 * each) plus the frames the host holds for it (compression cache, pages out for sampling), so the VMs'
 * consumed memory, the overhead and the free memory add up to the host's memory exactly. A sample is
 * asked for by the host's owner (`vm/hostSample.ts`), so the collector reads no guest or reclaimer.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { Registry, Vm } from '../cluster/index';
import type { EventLog } from '../cluster/index';
import type { GuestMachine } from '../vm/guestMachine';
import type { HostMemory } from '../vm/guestFactory';
import { clonePlain, type BarrierService } from '../sim/index';
import { PAGE_SIZE_BYTES } from '../params';
import { HostReclaimer, type CapturedPages, type HostReclaimerState } from './hostReclaimer';
import { memStateNumber, type MemState } from './memState';
import { takeHostReclaimSample, takeVmReclaimSample, type HostReclaimSample, type VmReclaimSample } from './reclaimSample';
import { ReclaimViewCopy, ReclaimViewSender, type HostReclaimView } from './reclaimView';
import { AWAY_ZIP } from './vmReclaim';

const FRAME_KB = PAGE_SIZE_BYTES / 1024;

export interface OvercommitSources {
  readonly reg: Registry;
  readonly events: EventLog;
  readonly seed: number;
  hostMemory(hostId: HostId): HostMemory | undefined;
  guest(vmId: VmId): GuestMachine | undefined;
  nowMs(): number;
  markChanged(...ids: (HostId | VmId)[]): void;
}

export interface MemoryOvercommitState {
  hosts: [HostId, HostReclaimerState][];
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function idNumber(id: string): number {
  return Number(id.replace(/^\D+/, '')) || 0;
}

export class MemoryOvercommit {
  private readonly hosts = new Map<HostId, HostReclaimer>();
  private readonly copies = new Map<HostId, ReclaimViewCopy>();
  private readonly views = new ReclaimViewSender();
  /** How a view travels to a reclaimer's copy: what it receives is all it knows (a copy, never the inventory's
   *  objects). In one thread a plain deep copy; a test sends it through a real MessageChannel. */
  viewTransport: (view: HostReclaimView) => HostReclaimView = (view) => clonePlain(view);
  readonly service: BarrierService<MemoryOvercommitState | undefined>;

  constructor(private readonly src: OvercommitSources) {
    this.service = {
      name: 'memory.reclaim',
      stateOptional: true,
      atBarrier: (nowMs) => {
        // the fields the reclaimers read go out first (a change made in the segment is seen now, as before)
        for (const host of this.src.reg.hosts.values()) this.sendView(host.id);
        for (const host of this.src.reg.hosts.values()) this.reclaimer(host.id).atBarrier(nowMs);
      },
      save: (): MemoryOvercommitState => ({ hosts: [...this.hosts].map(([id, r]) => [id, r.save()]) }),
      restore: (s) => {
        const guests = new Map<VmId, GuestMachine>();
        for (const vm of this.src.reg.vms.values()) {
          const g = this.src.guest(vm.id);
          if (g) guests.set(vm.id, g);
        }
        for (const [id, hs] of s?.hosts ?? []) this.reclaimer(id).restore(hs, guests, (vmId) => this.vmSeed(vmId));
        // guests the saved state did not know (a lab saved before this service existed) are attached fresh
        for (const [vmId, g] of guests) {
          const vm = this.src.reg.vms.get(vmId);
          if (vm?.hostId && !this.reclaimer(vm.hostId).vm(vmId)) this.reclaimer(vm.hostId).attach(vmId, g, this.vmSeed(vmId));
        }
      },
    };
  }

  reclaimer(hostId: HostId): HostReclaimer {
    let r = this.hosts.get(hostId);
    if (!r) {
      const copy = new ReclaimViewCopy();
      r = new HostReclaimer(hostId, {
        host: () => copy.host(),
        pool: () => this.src.hostMemory(hostId),
        vm: (id) => copy.vm(id),
        guest: (id) => this.src.guest(id),
        stateChanged: (from, to, free, minFree) => this.stateChanged(hostId, from, to, free, minFree),
      }, mix(this.src.seed, idNumber(hostId) + 0x4d454d));
      this.hosts.set(hostId, r);
      this.copies.set(hostId, copy);
      this.sendView(hostId);
    }
    return r;
  }

  /** The copy of the host and VM fields `hostId`'s reclaimer reads (tests). */
  viewCopy(hostId: HostId): ReclaimViewCopy | undefined {
    return this.copies.get(hostId);
  }

  /** Sends `hostId`'s reclaimer a new view if what it reads changed since the last one. */
  private sendView(hostId: HostId): void {
    const host = this.src.reg.hosts.get(hostId);
    const r = this.hosts.get(hostId);
    const copy = this.copies.get(hostId);
    if (!host || !r || !copy) return;
    const view = this.views.changed(hostId, host, r.vmIds(), (id) => this.src.reg.vms.get(id));
    if (view) copy.apply(this.viewTransport(view));
  }

  hostState(hostId: HostId): MemState {
    return this.hosts.get(hostId)?.state ?? 'high';
  }

  private vmSeed(vmId: VmId): number {
    const vm = this.src.reg.vms.get(vmId);
    return mix(mix(this.src.seed, idNumber(vmId)), vm?.bootCount ?? 0);
  }

  private stateChanged(hostId: HostId, from: MemState, to: MemState, free: number, minFree: number): void {
    const host = this.src.reg.hosts.get(hostId);
    if (!host) return;
    const worse = memStateNumber(to) > memStateNumber(from);
    const what: Record<MemState, string> = {
      high: 'page sharing only', clear: 'page sharing only', soft: 'ballooning starts',
      hard: 'memory compression and hypervisor swapping start', low: 'allocations that cannot be satisfied block',
    };
    this.src.events.log(this.src.nowMs(), to === 'low' || to === 'hard' ? 'warning' : 'info', 'HostMemoryStateChangedEvent',
      `Host ${host.name} free memory state ${from} → ${to}: ${Math.round((free * FRAME_KB) / 1024)} MB free of a minFree of ${Math.round((minFree * FRAME_KB) / 1024)} MB` +
      (worse ? ` (${what[to]})` : ''), { id: host.id, name: host.name });
    this.src.markChanged(hostId);
  }

  /** A guest started on its host (boot, resume, revert): its reclamation starts; `captured` = pages out at capture. */
  guestStarted(vm: Vm, guest: GuestMachine, captured?: CapturedPages): void {
    if (!vm.hostId) return;
    const r = this.reclaimer(vm.hostId);
    if (captured) r.adopt(vm.id, guest, this.vmSeed(vm.id), captured);
    else r.attach(vm.id, guest, this.vmSeed(vm.id));
  }

  guestStopped(vm: Vm): void {
    if (vm.hostId) this.hosts.get(vm.hostId)?.detach(vm.id);
  }

  capture(vm: Vm): CapturedPages | undefined {
    return vm.hostId ? this.hosts.get(vm.hostId)?.capture(vm.id) : undefined;
  }

  // ------------------------------------------------------------------ counters
  /** A VM's reclamation figures at a sample, read on its host's side (undefined: the host does not
   *  reclaim from it or it runs no guest); moves the VM's "since the last sample" baselines to now. */
  vmSample(hostId: HostId, vmId: VmId): VmReclaimSample | undefined {
    const guest = this.src.guest(vmId);
    const reclaimer = this.hosts.get(hostId);
    const r = reclaimer?.vm(vmId);
    if (!guest || !reclaimer || !r) return undefined;
    return takeVmReclaimSample(r, guest, reclaimer.sharing.zeroPagesOf(vmId));
  }

  /** A host's reclamation figures at a sample (its state, frames shared, swap used, free frames). */
  hostSample(hostId: HostId): HostReclaimSample {
    return takeHostReclaimSample(this.hosts.get(hostId), this.src.hostMemory(hostId), (id) => this.src.guest(id));
  }

  /** The bytes of a page the host took from the VM (swapped, compressed, out for sampling), or undefined:
   *  what the guest would read there (digests hash guest-visible memory with it). */
  awayBytes(vm: Vm, gpfn: number): Uint8Array | undefined {
    return vm.hostId ? this.hosts.get(vm.hostId)?.awayBytes(vm.id, gpfn) : undefined;
  }

  /** `awayBytes` read from one host's reclamation: its owner's digest part asks for its own guests only. */
  hostAwayBytes(hostId: HostId, vmId: VmId, gpfn: number): Uint8Array | undefined {
    return this.hosts.get(hostId)?.awayBytes(vmId, gpfn);
  }

  /** Pages of a VM in its compression cache (tests). */
  zipPages(vm: Vm): number {
    return vm.hostId ? this.hosts.get(vm.hostId)?.vm(vm.id)?.countKind(AWAY_ZIP) ?? 0 : 0;
  }
}
