/**
 * collector — turns what the engine counted into vSphere counters, once per real-time period (20 s),
 * for every powered-on VM, every host, cluster and datacenter; then rolls the history up. It owns every
 * piece of counter state: the sample history, the vmop counts, the per-quantum cluster usage range, the
 * next sampling time and each running guest's counter baseline — and saves and restores it.
 *
 * Sources (`CollectorSources`, read only): each host through its owner (`vm/hostOwner.ts`), one call per
 * host per sample — `sample(order)` replies plain data (`vm/hostSample.ts`): the scheduler's accounting
 * (run / ready / co-stop / wait ns, cycles, instructions, min/max usage per quantum), the pool's frames
 * (consumed, overhead, VMkernel) and each powered-on VM's overhead and guest figures (memory statistics,
 * cumulative counters for disk and engine.*, guest clock, pages written since the last sample, memory
 * reclamation's figures, `overcommit/reclaimSample.ts`) and the host's reclamation figures — and
 * `endQuantum` once per quantum; the VMs' time bases (runtimes), the lab (uptime) and the documented
 * models (`resourceModels.ts`). Console output is copied every 100 ms
 * as the owners' `readConsole` replies. Every host's `endQuantum` and every VM's `readConsole` go as one
 * fan-out each (`sources.callEachHost`: on host workers one message per worker, in one thread each owner
 * in turn), the replies taken in the hosts' and the VMs' order.
 *
 * - `new Collector(sources)`; `samples` (the history queries read); `hostTransport` (how a sample order
 *   and its reply travel: as they are in one thread; a test sends them through a real MessageChannel);
 *   `vmop(vm, kind)` counts a VM
 *   operation; `guestStarted(vmId, counters, nowMs)` resets a guest's baseline (power-on, resume, revert);
 *   `forget(vmId)` drops a deleted VM.
 * - Two barrier services (`sim/barrier.ts`), registered apart because tasks run between them:
 *   `quantum` ('collector.quantum': per-quantum bookkeeping at the quantum grid) and `sampler`
 *   ('collector.sample': one real-time sample per entity at each 20 s boundary, then the rollups). Each
 *   saves and restores its own part of the state.
 *
 * Rules: powered-off and suspended VMs produce no samples; a counter a source does not provide is
 * absent, never zero; rates are over the time the VM actually ran in the period (power-on mid-period).
 * Host memory counters are counts of the frames the host's pool holds at the sample, never a formula:
 * consumed = guest frames + overhead frames (VMs' and the VMkernel's) + frames memory reclamation holds
 * (compression caches), overhead = overhead frames, sysUsage = the VMkernel's frames, granted =
 * guest-physical pages mapped for the host's VMs; a VM's memory counters (consumed as its share of the
 * frames it maps, shared, zero, balloon, swap, compression, latency, active by sampling) come from memory
 * reclamation's counts in the host's sample (`reclaimCounters.ts` names them), a host's as their sums
 * plus its free-memory state.
 */
import type { ClusterId, DatacenterId, HostId, ManagedEntityId, VmId } from '@shared/model/ids';
import type { EngineEvent } from '@shared/api/events';
import type { Host, Registry, Vm } from '../cluster/index';
import type { HostCall, HostFanOut, HostOwner, HostSample, HostSampleOrder, VmRuntime } from '../vm/index';
import type { BarrierService } from '../sim/index';
import { uptimeMs } from '../vm/index';
import { PAGE_SIZE_BYTES, SIM_QUANTUM_NS } from '../params';
import { COUNTER_BY_NAME, DISK_COUNTER_KEYS, ENGINE_COUNTER_SOURCES } from './catalog';
import { hostReclaimCounters, vmReclaimCounters } from './reclaimCounters';
import { hostWatts } from './resourceModels';
import { REALTIME_PERIOD_MS, SampleStore } from './sampleStore';
import type { SampleStoreState } from './sampleStore';

/** Counters a cluster and a datacenter sum over their hosts. */
const POWER_SUMS = ['power.power.average', 'power.energy.summation'];

type Values = Record<string, number>;
const KB = 1024;
const FRAME_KB = PAGE_SIZE_BYTES / KB;
const QUANTUM_MS = SIM_QUANTUM_NS / 1e6;
/** Console output is copied every this many quanta (100 ms), not every quantum. */
const CONSOLE_POLL_QUANTA = 10;
const CONSOLE_POLL_MS = CONSOLE_POLL_QUANTA * QUANTUM_MS;
const NO_VMS: readonly Vm[] = Object.freeze([]);

export const VMOP_KINDS = [
  'poweron', 'poweroff', 'suspend', 'reset', 'create', 'destroy', 'clone', 'deploy', 'reconfigure', 'rebootGuest', 'shutdownGuest',
  'vmotion',
] as const;
export type VmopKind = (typeof VMOP_KINDS)[number];

/** Each kind's counter, vSphere's name for it: `poweron` → `vmop.numPoweron.latest`, `vmotion` → `vmop.numVMotion.latest`. */
const VMOP_COUNTERS: [VmopKind, string][] = VMOP_KINDS.map((k) => [k, `vmop.num${k === 'vmotion' ? 'VMotion' : k[0].toUpperCase() + k.slice(1)}.latest`]);

/** What the collector reads; the lab provides it. */
export interface CollectorSources {
  readonly reg: Registry;
  /** Per host its owner, in the loop's order: the collector's only way to the host's scheduler, pool and guests. */
  readonly owners: ReadonlyMap<HostId, Pick<HostOwner, 'endQuantum' | 'sample'>>;
  /** The VMs' time bases (offset, boot time), the coordinator's side of each VM. */
  readonly runtimes: ReadonlyMap<VmId, Pick<VmRuntime, 'offsetNs' | 'bootGuestNs' | 'guestConsoleOffset'>>;
  nowMs(): number;
  nowNs(): number;
  emit(e: EngineEvent): void;
  /** The barrier's calls to every host (on host workers at once; in one thread each owner in turn). */
  readonly callEachHost: HostFanOut;
  /** A VM's `readConsole` reply from such a fan-out, taken in (its console offset moves, new text published). */
  takeConsole(vm: Vm, r: { text: string; nextOffset: number } | undefined): void;
  /** Cluster-service counters of a cluster (failover level, DRS imbalance), when the lab runs the services. */
  clusterServiceCounters?(clusterId: ClusterId): Values;
}

/** VM memory counters a host reports as the sum over its VMs. */
const HOST_SUMMED_MEMORY = [
  'mem.shared.average', 'mem.zero.average', 'mem.vmmemctl.average', 'mem.swapin.average', 'mem.swapout.average',
  'mem.swapinRate.average', 'mem.swapoutRate.average', 'mem.compressed.average', 'mem.compressionRate.average',
  'mem.decompressionRate.average', 'engine.sharedCowBreaks.summation', 'engine.doublePaging.summation',
];

/** Per-VM rates and engine counters a host reports as the sum over its VMs (after HOST_SUMMED_MEMORY). */
const HOST_SUMMED_ACTIVITY = [
  'disk.read.average', 'disk.write.average', 'disk.usage.average', 'engine.instructions.summation', 'engine.mips.average',
  'engine.dirtyRate.average', 'mem.activewrite.average',
  ...Object.keys(ENGINE_COUNTER_SOURCES).filter((k) => k !== 'engine.droppedTicks.summation'),
];

/** A running guest's cumulative counters at the last sample, and the start of the time the next one covers. */
interface GuestBaseline { counters: Record<string, number>; sinceMs: number }

export interface CollectorQuantumState { clusterGrid: [ManagedEntityId, { min: number; max: number }][] }

export interface CollectorSampleState {
  nextSampleMs: number;
  samples: SampleStoreState;
  vmops: [ManagedEntityId, Partial<Record<VmopKind, number>>][];
  baselines: [VmId, GuestBaseline][];
  /** Network bytes per host since the last sample (live migration); absent = none. */
  net?: [HostId, { tx: number; rx: number }][];
}

/** A host's CPU capacity over its logical CPUs (hyper-threads included), in MHz. */
function logicalMhz(h: Host): number {
  return h.sockets * h.coresPerSocket * h.threadsPerCore * h.cpuMhz;
}

/** A host's CPU capacity over its physical cores, in MHz (vSphere's totalCapacity and effective CPU). */
function coreMhz(h: Host): number {
  return h.sockets * h.coresPerSocket * h.cpuMhz;
}

export class Collector {
  samples = new SampleStore();
  private readonly vmops = new Map<ManagedEntityId, Partial<Record<VmopKind, number>>>();
  /** Per cluster: min/max usage over the quanta since the last sample. */
  private readonly clusterGrid = new Map<ManagedEntityId, { min: number; max: number }>();
  private nextSampleMs = REALTIME_PERIOD_MS;
  private readonly baselines = new Map<VmId, GuestBaseline>();
  private readonly net = new Map<HostId, { tx: number; rx: number }>();

  readonly quantum: BarrierService<CollectorQuantumState>;
  readonly sampler: BarrierService<CollectorSampleState>;
  /** How a sample order reaches a host's owner and its reply comes back: in one thread as they are (the
   *  owner's reply is plain data, built for this sample); a test sends both through a real MessageChannel. */
  hostTransport: <T>(message: T) => T = (message) => message;

  constructor(private readonly src: CollectorSources) {
    const self = this;
    this.quantum = {
      name: 'collector.quantum',
      atBarrier(nowMs) { if (nowMs % QUANTUM_MS === 0) self.endQuantum(nowMs); },
      // each quantum's `endQuantum` is a per-host step; the consoles are read every CONSOLE_POLL_QUANTA
      quietUntilMs: (nowMs) => (Math.floor(nowMs / CONSOLE_POLL_MS) + 1) * CONSOLE_POLL_MS,
      save: () => ({ clusterGrid: [...this.clusterGrid].map(([k, v]) => [k, { ...v }]) }),
      restore: (s) => { this.clusterGrid.clear(); for (const [k, v] of s.clusterGrid) this.clusterGrid.set(k, { ...v }); },
    };
    this.sampler = {
      name: 'collector.sample',
      nextDueMs: () => this.nextSampleMs,
      quietUntilMs: () => this.nextSampleMs,
      atBarrier(nowMs) {
        if (nowMs < self.nextSampleMs) return;
        self.collectSamples(nowMs);
        self.nextSampleMs += REALTIME_PERIOD_MS;
      },
      save: () => ({
        nextSampleMs: this.nextSampleMs, samples: this.samples.save(),
        vmops: [...this.vmops].map(([k, v]) => [k, { ...v }]),
        baselines: [...this.baselines].map(([k, b]) => [k, { counters: { ...b.counters }, sinceMs: b.sinceMs }]),
        ...(this.net.size ? { net: [...this.net].map(([k, v]) => [k, { ...v }]) } : {}),
      }),
      restore: (s) => {
        this.nextSampleMs = s.nextSampleMs;
        this.samples = SampleStore.restore(s.samples);
        this.vmops.clear();
        for (const [k, v] of s.vmops) this.vmops.set(k, { ...v });
        this.baselines.clear();
        for (const [k, b] of s.baselines) this.baselines.set(k, { counters: { ...b.counters }, sinceMs: b.sinceMs });
        this.net.clear();
        for (const [k, v] of s.net ?? []) this.net.set(k, { ...v });
      },
    };
  }

  /** Counts a VM operation for the VM's cluster and datacenter (vmop.* counters). */
  vmop(vm: Vm, kind: VmopKind): void {
    const host = vm.hostId ? this.src.reg.hosts.get(vm.hostId) : undefined;
    for (const id of [host?.clusterId, vm.datacenterId]) {
      if (!id) continue;
      const c = this.vmops.get(id) ?? {};
      c[kind] = (c[kind] ?? 0) + 1;
      this.vmops.set(id, c);
    }
  }

  /** Bytes a host sent and received on the network (live migration), for the net.* counters of the next sample. */
  netBytes(hostId: HostId, tx: number, rx: number): void {
    const n = this.net.get(hostId) ?? { tx: 0, rx: 0 };
    n.tx += tx;
    n.rx += rx;
    this.net.set(hostId, n);
  }

  /** The vmop counts per cluster / datacenter, for a run's digest. */
  vmopEntries(): [ManagedEntityId, Partial<Record<VmopKind, number>>][] {
    return [...this.vmops].map(([k, v]) => [k, { ...v }]);
  }

  /** A guest (or a guestless powered-on VM) starts: counters count from here, rates from now. */
  guestStarted(vmId: VmId, counters: Record<string, number>, nowMs: number): void {
    this.baselines.set(vmId, { counters, sinceMs: nowMs });
  }

  forget(vmId: VmId): void {
    this.samples.forget(vmId);
    this.baselines.delete(vmId);
  }

  /** Per cluster, the cycles and clock of the quantum being closed (reused: `endQuantum` runs at every quantum). */
  private readonly quantumSums = new Map<ClusterId, { cycles: number; hz: number; quantum: number }>();
  /** Counts `endQuantum` calls: a sum belongs to the quantum being closed when its `quantum` is this count. */
  private quantumSeq = 0;
  /** The clusters of the quantum being closed, in the order their first host was met. */
  private readonly quantumClusters: ClusterId[] = [];

  private endQuantum(nowMs: number): void {
    const lab = this.src;
    const order = this.quantumClusters;
    order.length = 0;
    const seq = ++this.quantumSeq;
    // forEach and an indexed loop rather than for-of: this runs at every quantum, and a Map's for-of allocates
    // an iterator and an entry per host wherever V8 does not optimize them away.
    const fanOut = lab.callEachHost;
    const cyclesOfHosts = fanOut(Array.from(lab.owners.keys(), (id) => [id, 'endQuantum', [SIM_QUANTUM_NS]] as const)) as number[];
    let at = 0;
    lab.owners.forEach((_owner, hostId) => {
      const cycles = cyclesOfHosts[at++];
      const host = lab.reg.hosts.get(hostId);
      if (!host?.clusterId) return;
      let c = this.quantumSums.get(host.clusterId);
      if (!c) { c = { cycles: 0, hz: 0, quantum: 0 }; this.quantumSums.set(host.clusterId, c); }
      if (c.quantum !== seq) { c.quantum = seq; c.cycles = 0; c.hz = 0; order.push(host.clusterId); }
      c.cycles += cycles;
      c.hz += logicalMhz(host) * 1e6;
    });
    for (let i = 0; i < order.length; i++) {
      const id = order[i];
      const c = this.quantumSums.get(id)!;
      const u = c.hz > 0 ? (c.cycles / (c.hz * (QUANTUM_MS / 1000))) * 100 : 0;
      const g = this.clusterGrid.get(id);
      if (g) { g.min = Math.min(g.min, u); g.max = Math.max(g.max, u); } else this.clusterGrid.set(id, { min: u, max: u });
    }
    if (Math.round(nowMs / QUANTUM_MS) % CONSOLE_POLL_QUANTA === 0) {
      // every VM: its host's owner answers nothing for a VM that runs no machine
      this.pollConsoles(fanOut);
    }
  }

  /** Every VM's console read as one fan-out, the replies taken in the VMs' order (a VM on no host runs no machine: not asked). */
  private pollConsoles(fanOut: HostFanOut): void {
    const lab = this.src;
    const vms: Vm[] = [];
    const calls: HostCall[] = [];
    // the runtimes' ids, each runtime read for its console offset alone (the collector reaches no guest)
    for (const id of lab.runtimes.keys()) {
      const vm = lab.reg.vms.get(id)!;
      if (!vm.hostId || !lab.owners.has(vm.hostId)) continue;
      vms.push(vm);
      calls.push([vm.hostId, 'readConsole', [vm.id, lab.runtimes.get(id)!.guestConsoleOffset]]);
    }
    if (calls.length === 0) return;
    const replies = fanOut(calls) as ({ text: string; nextOffset: number } | undefined)[];
    for (let i = 0; i < vms.length; i++) lab.takeConsole(vms[i], replies[i]);
  }

  private collectSamples(timeMs: number): void {
    const lab = this.src;
    const periodS = REALTIME_PERIOD_MS / 1000;
    const hostValues = new Map<HostId, Values>();
    const onHost = new Map<HostId, Vm[]>();
    for (const vm of lab.reg.vms.values()) {
      if (vm.powerState !== 'poweredOn' || !vm.hostId) continue;
      const list = onHost.get(vm.hostId);
      if (list) list.push(vm); else onHost.set(vm.hostId, [vm]);
    }
    for (const host of lab.reg.hosts.values()) {
      const hostVms = onHost.get(host.id) ?? NO_VMS;
      const sample = this.sampleHost(host.id, timeMs * 1e6, hostVms);
      const hs = sample.cpu;
      const nsPerCycle = 1e9 / (host.cpuMhz * 1e6);
      const sum: Values = {};
      let grantedKB = 0; let activeKB = 0; let reservedMhz = 0;
      const latency: number[] = [];
      for (let i = 0; i < hostVms.length; i++) {
        const vm = hostVms[i];
        const rt = lab.runtimes.get(vm.id)!;
        const baseline = this.baselines.get(vm.id) ?? { counters: {}, sinceMs: 0 };
        const coveredS = Math.max(0.001, (timeMs - Math.max(timeMs - REALTIME_PERIOD_MS, baseline.sinceMs)) / 1000);
        const { cpu, guest, overheadFrames } = sample.vms[i];
        const vcpus = cpu?.vcpus ?? vm.vcpus;
        const usagemhz = (cpu?.cycles ?? 0) / coveredS / 1e6;
        const v: Values = {
          'cpu.usagemhz.average': usagemhz,
          'cpu.usage.average': (usagemhz / (vcpus * host.cpuMhz)) * 100,
          'cpu.ready.summation': (cpu?.readyNs ?? 0) / 1e6,
          'cpu.costop.summation': (cpu?.costopNs ?? 0) / 1e6,
          'cpu.wait.summation': (cpu?.waitNs ?? 0) / 1e6,
          'cpu.idle.summation': (cpu?.waitNs ?? 0) / 1e6,
          'cpu.run.summation': (cpu?.runNs ?? 0) / 1e6,
          'cpu.used.summation': ((cpu?.cycles ?? 0) * nsPerCycle) / 1e6,
          'cpu.maxlimited.summation': (cpu?.limitedNs ?? 0) / 1e6,
          'sys.uptime.latest': Math.floor(uptimeMs(vm, timeMs) / 1000),
          'mem.overhead.average': overheadFrames * FRAME_KB,
        };
        if (cpu && !Number.isNaN(cpu.usageMin)) { v['cpu.usage.minimum'] = cpu.usageMin; v['cpu.usage.maximum'] = cpu.usageMax; }
        v['mem.consumed.average'] = guest ? guest.touchedBytes / KB : 0;
        v['mem.granted.average'] = v['mem.consumed.average'];
        v['mem.active.average'] = guest ? guest.activeBytes / KB : 0;
        v['mem.usage.average'] = (v['mem.active.average'] / (vm.memoryBytes / KB)) * 100;
        // counted by memory reclamation where it tracks the guest: frames shared, ballooned, swapped, …
        if (guest?.reclaim) Object.assign(v, vmReclaimCounters(guest.reclaim, vm, coveredS));
        const active = v['mem.active.average'];
        if (guest) {
          v['engine.instructions.summation'] = cpu?.instructions ?? 0;
          v['engine.mips.average'] = (cpu?.instructions ?? 0) / coveredS / 1e6;
          v['engine.clockLag.latest'] = Math.max(0, (lab.nowNs() - rt.offsetNs - rt.bootGuestNs - guest.guestClockNs) / 1e6);
          const now = guest.counters;
          const base = baseline.counters;
          for (const [name, keys] of Object.entries(ENGINE_COUNTER_SOURCES)) {
            const k = firstKey(now, keys);
            if (k === undefined) continue;
            const d = now[k] - (base[k] ?? 0);
            v[name] = name.endsWith('.average') ? d / coveredS : d;
          }
          // The dirty log (started at power-on, vm/guestLifecycle.ts) is read and cleared once per
          // sample by the owner: distinct pages written in the period, as QEMU's dirty-pages-rate counts them.
          const dirty = guest.dirtyPages;
          if (dirty !== undefined) {
            v['engine.dirtyRate.average'] = dirty / coveredS;
            v['mem.activewrite.average'] = (dirty * PAGE_SIZE_BYTES) / KB;
          }
          if (DISK_COUNTER_KEYS.readBytes in now) {
            const d = (k: string) => (now[k] ?? 0) - (base[k] ?? 0);
            const readKBps = d(DISK_COUNTER_KEYS.readBytes) / KB / coveredS;
            const writeKBps = d(DISK_COUNTER_KEYS.writeBytes) / KB / coveredS;
            v['virtualDisk.read.average'] = readKBps;
            v['virtualDisk.write.average'] = writeKBps;
            v['virtualDisk.numberReadAveraged.average'] = d(DISK_COUNTER_KEYS.reads) / coveredS;
            v['virtualDisk.numberWriteAveraged.average'] = d(DISK_COUNTER_KEYS.writes) / coveredS;
            v['disk.read.average'] = readKBps;
            v['disk.write.average'] = writeKBps;
            v['disk.usage.average'] = readKBps + writeKBps;
          }
          baseline.counters = now;
        }
        baseline.sinceMs = timeMs;
        this.baselines.set(vm.id, baseline);
        this.record(vm.id, timeMs, v);
        grantedKB += v['mem.granted.average']; activeKB += active; reservedMhz += vm.cpuReservationMhz;
        add(sum, v, HOST_SUMMED_MEMORY);
        latency.push(v['mem.latency.average'] ?? 0);
        add(sum, v, HOST_SUMMED_ACTIVITY);
      }
      if (host.powerState !== 'poweredOn') {
        // A host in standby or off counts only what it draws (standby watts, or 0).
        const w = hostWatts(host, 0);
        const h: Values = { 'power.power.average': w, 'power.energy.summation': w * periodS };
        hostValues.set(host.id, h);
        this.record(host.id, timeMs, h);
        continue;
      }
      const capMhz = hs.pcpus * host.cpuMhz;
      const usagemhz = hs.cycles / periodS / 1e6;
      const util = hs.busyNs / (hs.pcpus * periodS * 1e9);
      const watts = hostWatts(host, util);
      // Counted from the host's pool (frames it holds now), not from a model.
      const frames = sample.pool ?? { framesAllocated: 0, overheadFrames: 0, heldFrames: 0, vmkernelFrames: 0 };
      const overheadKB = frames.overheadFrames * FRAME_KB;
      const sysKB = frames.vmkernelFrames * FRAME_KB;
      // guest frames + overhead + frames memory reclamation holds for VMs (compression caches)
      const totalKB = (frames.framesAllocated + frames.heldFrames) * FRAME_KB + overheadKB;
      const h: Values = {
        ...sum,
        'cpu.usagemhz.average': usagemhz,
        'cpu.usage.average': (usagemhz / capMhz) * 100,
        'cpu.ready.summation': hs.readyNs / 1e6,
        'cpu.costop.summation': hs.costopNs / 1e6,
        'cpu.wait.summation': hs.waitNs / 1e6,
        'cpu.idle.summation': Math.max(0, hs.pcpus * periodS * 1e9 - hs.busyNs) / 1e6,
        'cpu.run.summation': hs.runNs / 1e6,
        'cpu.used.summation': (hs.cycles * nsPerCycle) / 1e6,
        'cpu.utilization.average': Math.min(100, util * 100),
        'cpu.totalCapacity.average': coreMhz(host),
        'cpu.reservedCapacity.average': reservedMhz,
        'mem.consumed.average': totalKB,
        'mem.granted.average': grantedKB,
        'mem.active.average': activeKB,
        'mem.overhead.average': overheadKB,
        'mem.sysUsage.average': sysKB,
        'mem.usage.average': (totalKB / (host.memoryBytes / KB)) * 100,
        'mem.totalCapacity.average': host.memoryBytes / (1024 * 1024),
        'power.power.average': watts,
        'power.energy.summation': watts * periodS,
        'sys.uptime.latest': Math.floor((timeMs - host.bootedAtMs) / 1000),
        ...hostReclaimCounters(sample.reclaim, host),
      };
      h['mem.latency.average'] = latency.length ? latency.reduce((a, b) => a + b, 0) / latency.length : 0;
      if (!Number.isNaN(hs.usageMin)) { h['cpu.usage.minimum'] = hs.usageMin; h['cpu.usage.maximum'] = hs.usageMax; }
      const net = this.net.get(host.id) ?? { tx: 0, rx: 0 };
      h['net.transmitted.average'] = net.tx / KB / periodS;
      h['net.received.average'] = net.rx / KB / periodS;
      h['net.usage.average'] = (net.tx + net.rx) / KB / periodS;
      this.net.delete(host.id);
      hostValues.set(host.id, h);
      this.record(host.id, timeMs, h);
    }
    for (const cl of lab.reg.clusters.values()) {
      const v: Values = {};
      let capMhz = 0; let memKB = 0; let effCpu = 0; let effMemMB = 0;
      for (const host of lab.reg.hosts.values()) {
        if (host.clusterId !== cl.id) continue;
        const hv = hostValues.get(host.id);
        if (hv) add(v, hv, ['cpu.usagemhz.average', 'cpu.reservedCapacity.average', 'mem.consumed.average', 'mem.granted.average', 'mem.active.average', 'mem.overhead.average', ...POWER_SUMS]);
        capMhz += logicalMhz(host);
        memKB += host.memoryBytes / KB;
        if (host.connectionState === 'connected' && !host.inMaintenanceMode) {
          effCpu += coreMhz(host);
          effMemMB += host.memoryBytes / (1024 * 1024);
        }
      }
      v['cpu.usage.average'] = capMhz ? ((v['cpu.usagemhz.average'] ?? 0) / capMhz) * 100 : 0;
      v['mem.usage.average'] = memKB ? ((v['mem.consumed.average'] ?? 0) / memKB) * 100 : 0;
      v['clusterServices.effectivecpu.average'] = effCpu;
      v['clusterServices.effectivemem.average'] = effMemMB;
      Object.assign(v, lab.clusterServiceCounters?.(cl.id) ?? {});
      const g = this.clusterGrid.get(cl.id);
      if (g) { v['cpu.usage.minimum'] = g.min; v['cpu.usage.maximum'] = g.max; }
      this.clusterGrid.delete(cl.id);
      this.addVmops(cl.id, v);
      this.record(cl.id, timeMs, v);
    }
    for (const dc of lab.reg.datacenters.values()) {
      const v: Values = {};
      for (const host of lab.reg.hosts.values()) {
        const hv = host.datacenterId === dc.id ? hostValues.get(host.id) : undefined;
        if (hv) add(v, hv, POWER_SUMS);
      }
      this.addVmops(dc.id, v);
      this.record(dc.id, timeMs, v);
    }
    this.samples.rollUp(timeMs);
    lab.emit({ type: 'metrics.sampled', timeMs });
  }

  /** One host's sample through its owner: the order and the reply cross `hostTransport` (one message each way). */
  private sampleHost(hostId: HostId, timeNs: number, vms: readonly Vm[]): HostSample {
    const nowNs = this.src.nowNs();
    const order: HostSampleOrder = { timeNs, vms: vms.map((vm) => ({ vmId: vm.id, vmNowNs: nowNs - this.src.runtimes.get(vm.id)!.offsetNs })) };
    const owner = this.src.owners.get(hostId);
    if (!owner) throw new Error(`host ${hostId} has no owner to sample`);
    return this.hostTransport(owner.sample(this.hostTransport(order)));
  }

  private addVmops(id: ClusterId | DatacenterId, v: Values): void {
    const c = this.vmops.get(id) ?? {};
    for (const [kind, name] of VMOP_COUNTERS) v[name] = c[kind] ?? 0;
  }

  private record(id: ManagedEntityId, timeMs: number, v: Values): void {
    for (const k of Object.keys(v)) if (!COUNTER_BY_NAME.has(k)) throw new Error(`sampled counter ${k} is not in the catalogue`);
    this.samples.record(id, timeMs, v);
  }
}

function add(to: Values, from: Values, keys: string[]): void {
  for (const k of keys) if (k in from) to[k] = (to[k] ?? 0) + from[k];
}

function firstKey(counters: Record<string, number>, keys: string[]): string | undefined {
  return keys.find((k) => k in counters);
}

