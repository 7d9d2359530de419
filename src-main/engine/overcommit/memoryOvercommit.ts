/**
 * memoryOvercommit — the lab's memory-overcommitment service on the coordinator: runs the hosts'
 * reclaimers as the barrier service `memory.reclaim` through their owners, sends each the host and VM
 * fields it reads, logs the free-memory state changes they reply, and assembles save and restore.
 *
 * Interface: `new MemoryOvercommit(sources)`; `service` (the BarrierService); `viewTransport` (how a view
 * travels in a step order: a plain deep copy by default); `vmSeed(vm)` (the seed a guest's reclamation
 * starts with, put in the start order); `reclaiming(hostId)` (a host's owner replied it made its reclaimer:
 * its place in a saved lab); `hostState(hostId)` (the state the host's last reply said).
 * Rules:
 *  - No reclaimer is here: each host's `HostReclaimer` is made and held by its owner
 *    (`overcommit/hostReclamation.ts`, reached through `HostOwner`'s "memory reclamation" calls with
 *    the plain data of `reclaimOrders.ts`); the guest hooks, the bytes of pages out and the sample's
 *    figures are answered there too.
 *  - At each barrier every host's view goes out first (`ReclaimViewSender`: only when what its reclaimer
 *    reads changed, for the VMs its owner says the reclaimer holds), then each host's step in the
 *    inventory's order, its state changes logged (`HostMemoryStateChangedEvent`) and marked as each
 *    reply comes, before the next host runs: the order the events had when the reclaimers ran here.
 *    The calls go as two fan-outs (`sources.callEachHost`: on host workers one message per worker, in one
 *    thread each owner in turn) — every host's `reclaimVmIds`, then every host's step — and the replies
 *    are logged in the hosts' order: no host's order depends on another's reply, and logging a change
 *    touches no host.
 *  - A saved lab lists the hosts in the order their reclaimers were made (the first guest joining, the
 *    first barrier, a restore): the coordinator keeps that order from the replies, never a reclaimer.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { Host, Registry, Vm } from '../cluster/index';
import type { EventLog } from '../cluster/index';
import { clonePlain, type BarrierService } from '../sim/index';
import { PAGE_SIZE_BYTES } from '../params';
import type { HostReclaimerState } from './hostReclaimer';
import { memStateNumber, type MemState } from './memState';
import { vmReclaimSeed, type ReclaimCalls, type ReclaimStateChange, type ReclaimStepReply } from './reclaimOrders';
import { ReclaimViewSender, type HostReclaimView } from './reclaimView';

const FRAME_KB = PAGE_SIZE_BYTES / 1024;

export interface OvercommitSources {
  readonly reg: Registry;
  readonly events: EventLog;
  readonly seed: number;
  /** The host's owner (where its reclaimer is): its "memory reclamation" calls. */
  owner(hostId: HostId): ReclaimCalls | undefined;
  /** The barrier's calls to every host (host workers: one message per worker; one thread: each owner in turn). */
  readonly callEachHost: (calls: readonly (readonly [HostId, 'reclaimVmIds' | 'reclaimStep', readonly unknown[]])[]) => unknown[];
  nowMs(): number;
  markChanged(...ids: (HostId | VmId)[]): void;
}

export interface MemoryOvercommitState {
  hosts: [HostId, HostReclaimerState][];
}

const WHAT: Record<MemState, string> = {
  high: 'page sharing only', clear: 'page sharing only', soft: 'ballooning starts',
  hard: 'memory compression and hypervisor swapping start', low: 'allocations that cannot be satisfied block',
};

export class MemoryOvercommit {
  private readonly views = new ReclaimViewSender();
  /** Hosts whose owner holds a reclaimer, in the order they were made (a saved lab's order). */
  private readonly made = new Set<HostId>();
  /** Each host's free-memory state, as its replies said. */
  private readonly states = new Map<HostId, MemState>();
  /** How a view travels to a reclaimer's copy: what it receives is all it knows (a copy, never the inventory's
   *  objects). In one thread a plain deep copy; a test sends it through a real MessageChannel. */
  viewTransport: (view: HostReclaimView) => HostReclaimView = (view) => clonePlain(view);
  readonly service: BarrierService<MemoryOvercommitState | undefined>;

  constructor(private readonly src: OvercommitSources) {
    this.service = {
      name: 'memory.reclaim',
      stateOptional: true,
      // the fields the reclaimers read go out with each host's step (a change made in the segment is seen now)
      atBarrier: (nowMs) => this.step(nowMs),
      // Each host's pass with no new view is a per-host step; a view goes out only after something changed
      // what the reclaimers read, which only another service's action or a command does (the loop starts
      // no stretch after those: \`lab/simLoop.ts\`), and a view to a host past the barrier fails loudly.
      quietUntilMs: () => Infinity,
      save: (): MemoryOvercommitState => {
        const hosts: [HostId, HostReclaimerState][] = [];
        for (const id of this.made) {
          const part = this.src.owner(id)?.reclaimPart();
          if (part) hosts.push([id, part]);
        }
        return { hosts };
      },
      restore: (s) => this.restore(s),
    };
  }

  /** A saved lab: the saved hosts in their order, then the others; guests the saved state did not know
   *  (a lab saved before this service existed) are attached fresh, a host made in the order of its first. */
  private restore(s: MemoryOvercommitState | undefined): void {
    const freshOf = new Map<HostId, VmId[]>();
    for (const vm of this.src.reg.vms.values()) {
      if (!vm.hostId) continue;
      let ids = freshOf.get(vm.hostId);
      if (!ids) freshOf.set(vm.hostId, (ids = []));
      ids.push(vm.id);
    }
    const seedOf = (vmId: VmId): [VmId, number] => [vmId, vmReclaimSeed(this.src.seed, vmId, this.src.reg.vms.get(vmId)?.bootCount ?? 0)];
    const attached = new Set<VmId>();
    const ask = (hostId: HostId, state: HostReclaimerState | undefined): void => {
      const owner = this.src.owner(hostId);
      if (!owner) return;
      const fresh = freshOf.get(hostId) ?? [];
      const named = state ? state.vms.map((v) => v.vmId) : [];
      const reply = owner.restoreReclaimPart({ ...(state ? { state } : {}), seeds: [...named, ...fresh].map(seedOf), fresh });
      if (state) this.made.add(hostId);
      for (const id of reply.attached) attached.add(id);
      this.states.set(hostId, reply.state);
    };
    const saved = new Set<HostId>();
    for (const [id, hs] of s?.hosts ?? []) { saved.add(id); ask(id, hs); }
    for (const hostId of freshOf.keys()) if (!saved.has(hostId)) ask(hostId, undefined);
    // a host with no saved reclaimer was made by the first fresh guest of the inventory's order on it
    for (const vm of this.src.reg.vms.values()) if (vm.hostId && attached.has(vm.id)) this.made.add(vm.hostId);
  }

  /** The seed a guest's memory reclamation starts with (per boot: the VM's boot count). */
  vmSeed(vm: Vm): number {
    return vmReclaimSeed(this.src.seed, vm.id, vm.bootCount);
  }

  /** The host's owner made its reclaimer (a guest joined it first): its place in a saved lab's order. */
  reclaiming(hostId: HostId): void {
    this.made.add(hostId);
  }

  /** The host's free-memory state as its last reply said ('high' before any). */
  hostState(hostId: HostId): MemState {
    return this.states.get(hostId) ?? 'high';
  }

  /** The barrier's pass as two fan-outs: every host's VM ids, then every host's step (no host's arguments
   *  depend on another's reply); each reply handled in the hosts' order. */
  private step(nowMs: number): void {
    const callEach = this.src.callEachHost;
    const hosts: Host[] = [];
    for (const host of this.src.reg.hosts.values()) if (this.src.owner(host.id)) hosts.push(host);
    const ids = callEach(hosts.map((h) => [h.id, 'reclaimVmIds', []] as const)) as VmId[][];
    const orders = hosts.map((host, i) => {
      const view = this.views.changed(host.id, host, ids[i], (id) => this.src.reg.vms.get(id));
      return [host.id, 'reclaimStep', [view ? { nowMs, view: this.viewTransport(view) } : { nowMs }]] as const;
    });
    const replies = callEach(orders) as ReclaimStepReply[];
    for (let i = 0; i < hosts.length; i++) {
      this.made.add(hosts[i].id);
      for (const c of replies[i].stateChanges) this.stateChanged(hosts[i].id, c);
    }
  }

  private stateChanged(hostId: HostId, c: ReclaimStateChange): void {
    this.states.set(hostId, c.to);
    const host = this.src.reg.hosts.get(hostId);
    if (!host) return;
    const { from, to, freeFrames, minFree } = c;
    const worse = memStateNumber(to) > memStateNumber(from);
    this.src.events.log(this.src.nowMs(), to === 'low' || to === 'hard' ? 'warning' : 'info', 'HostMemoryStateChangedEvent',
      `Host ${host.name} free memory state ${from} → ${to}: ${Math.round((freeFrames * FRAME_KB) / 1024)} MB free of a minFree of ${Math.round((minFree * FRAME_KB) / 1024)} MB` +
      (worse ? ` (${WHAT[to]})` : ''), { id: host.id, name: host.name });
    this.src.markChanged(hostId);
  }
}
