/**
 * memoryOvercommit — the lab's memory-overcommitment service: one `HostReclaimer` per host, run as the
 * barrier service `memory.reclaim`, and the counters the collector samples from it.
 *
 * Interface: `new MemoryOvercommit(sources)`; `service` (the BarrierService); guest lifecycle hooks
 * `guestStarted(vm, guest, captured?)`, `guestStopped(vmId)`, `capture(vmId)` (pages out, for a
 * snapshot or suspend); `reclaimer(hostId)`, `viewCopy(hostId)`; `viewTransport` (how a view reaches a
 * reclaimer's copy: a plain deep copy by default); counters `vmValues(vm, coveredS)` / `hostValues(host,
 * periodS)` (vSphere names, KB and KBps; `mem.state.latest`); `hostState(hostId)`; `awayBytes(vm, gpfn)` /
 * `hostAwayBytes(hostId, vmId, gpfn)` (the bytes of a page the host took from a VM).
 * Rules: a reclaimer reads host and VM configuration only from its `ReclaimViewCopy` (reclaimView.ts):
 * at each barrier, before the reclaimers run, a host whose fields changed is sent a new view through
 * `viewTransport` (the message a host worker would receive). Every value is a count of frames, pages or
 * events at the sample, never a formula; a VM's
 * consumed memory is its share of the frames its pages map (a frame mapped by r pages counts 1/r to
 * each) plus the frames the host holds for it (compression cache, pages out for sampling), so the VMs'
 * consumed memory, the overhead and the free memory add up to the host's memory exactly.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { Host, Registry, Vm } from '../cluster/index';
import type { EventLog } from '../cluster/index';
import type { GuestMachine } from '../vm/guestMachine';
import type { HostMemory } from '../vm/guestFactory';
import { clonePlain, type BarrierService } from '../sim/index';
import { PAGE_SIZE_BYTES } from '../params';
import { HostReclaimer, type CapturedPages, type HostReclaimerState } from './hostReclaimer';
import { memStateNumber, minFreeFrames, type MemState } from './memState';
import { ReclaimViewCopy, ReclaimViewSender, type HostReclaimView } from './reclaimView';
import { AWAY_SWAP, AWAY_ZIP } from './vmReclaim';

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
  /** A VM's memory counters at a sample (KB, KBps, %); `coveredS` = seconds the sample covers. */
  vmValues(vm: Vm, coveredS: number): Record<string, number> {
    const guest = this.src.guest(vm.id);
    const r = vm.hostId ? this.hosts.get(vm.hostId)?.vm(vm.id) : undefined;
    const sharing = vm.hostId ? this.hosts.get(vm.hostId)?.sharing : undefined;
    if (!guest || !r) return {};
    let consumed = 0;
    let mapped = 0;
    let shared = 0;
    guest.scanPages((_g, hfn, refs) => {
      if (hfn < 0) return;
      mapped++;
      consumed += 1 / refs;
      if (refs > 1) shared++;
    });
    const zero = sharing?.zeroPagesOf(vm.id) ?? 0;
    const held = r.heldFrames();
    const swapped = r.countKind(AWAY_SWAP);
    const zipped = r.zipCount;
    const c = r.c;
    const fs = guest.frameStats();
    const delta = (k: string, v: number) => { const d = v - (r.last[k] ?? v); r.last[k] = v; return d; };
    const vcpus = Math.max(1, vm.vcpus);
    const cfgKB = vm.memoryBytes / 1024;
    const v: Record<string, number> = {
      'mem.consumed.average': (consumed + held) * FRAME_KB,
      'mem.granted.average': (mapped + zero) * FRAME_KB,
      'mem.shared.average': (shared + zero) * FRAME_KB,
      'mem.zero.average': zero * FRAME_KB,
      'mem.vmmemctl.average': (guest.balloon?.size ?? 0) * FRAME_KB,
      'mem.vmmemctltarget.average': r.balloonTarget * FRAME_KB,
      'mem.swapped.average': swapped * FRAME_KB,
      'mem.swaptarget.average': r.swapTarget * FRAME_KB,
      'mem.swapin.average': c.swapIn * FRAME_KB,
      'mem.swapout.average': c.swapOut * FRAME_KB,
      'mem.swapinRate.average': (delta('swapIn', c.swapIn) * FRAME_KB) / coveredS,
      'mem.swapoutRate.average': (delta('swapOut', c.swapOut) * FRAME_KB) / coveredS,
      'mem.compressed.average': zipped * FRAME_KB,
      'mem.zipped.latest': zipped * FRAME_KB,
      'mem.zipSaved.latest': Math.max(0, zipped - Math.ceil(zipped / 2)) * FRAME_KB,
      'mem.compressionRate.average': (delta('zipped', c.zipped) * FRAME_KB) / coveredS,
      'mem.decompressionRate.average': (delta('unzipped', c.unzipped) * FRAME_KB) / coveredS,
      // waiting for swapped or compressed pages, and (low state) for a free frame to write a new page into
      'mem.latency.average': Math.min(100, ((delta('stallNs', c.stallNs) + delta('frameWaitNs', fs.frameWaitNs ?? 0)) / (coveredS * 1e9 * vcpus)) * 100),
      'engine.sharedCowBreaks.summation': delta('sharedBreaks', fs.sharedBreaks),
      'engine.doublePaging.summation': delta('doublePaging', c.doublePaging),
    };
    if (r.activeKnown) {
      v['mem.active.average'] = r.activeFraction * cfgKB;
      v['mem.usage.average'] = r.activeFraction * 100;
    }
    return v;
  }

  /** A host's memory-overcommitment counters (the VM sums are added by the collector). */
  hostValues(host: Host): Record<string, number> {
    const r = this.hosts.get(host.id);
    const pool = this.src.hostMemory(host.id);
    const frames = new Set<number>();
    if (r) {
      for (const vmId of r.vmIds()) {
        this.src.guest(vmId)?.scanPages((_g, hfn, refs) => { if (hfn >= 0 && refs > 1) frames.add(hfn); });
      }
    }
    // minFree follows the host's configured memory: computed here, where the host is (the reclaimer's copy may be a barrier behind)
    const minFree = r ? minFreeFrames(host.memoryBytes) : 0;
    return {
      'mem.state.latest': memStateNumber(r?.state ?? 'high'),
      'mem.sharedcommon.average': frames.size * FRAME_KB,
      'mem.swapused.average': r ? r.vmIds().reduce((n, id) => n + (r.vm(id)?.countKind(AWAY_SWAP) ?? 0), 0) * FRAME_KB : 0,
      'engine.memFree.latest': (pool?.freeFrames ?? 0) * FRAME_KB,
      'engine.memMinFree.latest': minFree * FRAME_KB,
    };
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
