/**
 * The Lab: the whole simulated world behind the contract — inventory, per-VM runtimes (disks, snapshots,
 * consoles), per host its owner (behind which the host's side holds its scheduler, pool and guests), tasks, event log, virtual clock,
 * counters and the scenario's timeline — and `advance(ms)`, which moves it forward in lockstep quanta
 * (`simLoop.ts`) with the barrier services in between.
 *
 * - `new Lab(scenario, seed, emit, options)` builds from a scenario (VMs marked `powerOn` start at t = 0);
 *   `Lab.restore(state, emit, options)` rebuilds a saved lab (`labPersist.ts`); `lab.save()`.
 * - `options.guestFactory` builds guests (absent → VMs run no guest); `options.commands` runs the
 *   timeline's commands (the engine's door injects its dispatcher: the lab does not depend on the API).
 * - `ops`: the operation context (`opContext.ts`) — the only way operations change the lab.
 * - `services`: the barrier services in the order they run at each barrier — guests that stopped by
 *   themselves, the collector's per-quantum bookkeeping, the timeline, the tasks (live migrations step in
 *   theirs), the migrations' saved state (`migration/`), memory reclamation (`overcommit/`: page sharing,
 *   ballooning, compression, swapping), the cluster services (HA, DRS), the collector's samples, the alarms
 *   (evaluated on those samples). A new service (DPM) is a new entry here.
 * - `owners`: per host its `HostOwner` (`vm/hostOwner.ts`), the one way operations reach the host's
 *   scheduler, memory pool, guests and memory reclamation (`ops.host(hostId)`; the reclaimer is the owner's,
 *   `overcommit/hostReclamation.ts`, which `memory.reclaim` steps through it); the loop runs each host's segment through it
 *   (its queued CPU policy and throttle orders first), and `drainHostOrders()` applies every host's queue
 *   (a save and a digest hold what was ordered). A save, digest and restore take each host's share from its
 *   owner in one part (`vm/hostParts.ts`), crossing through `hostParts` (one thread: the part itself).
 *   With `LabOptions.ownerTransport` each owner is reached through a client sending its calls as messages
 *   (`vm/ownerTransport.ts`; tests: the checked loopback); absent, the lab holds the owner itself. With
 *   `LabOptions.hostOwners` (`hostOwners.ts`) the owners are made from each host's plain data elsewhere
 *   (a pool of host worker threads, `node/workers/hostWorkerPool.ts`), which also runs their segments.
 * - `addHostSide(host)`: the host's side (`host/hostSide.ts`: scheduler, memory pool with the hypervisor's
 *   reserve, guest machines), built from the host's plain data and the engine's ports, and its owner over
 *   it. The lab itself holds no scheduler, pool or guest machine: it is the coordinator.
 * - `advance(ms)`; `runHostSegments(t0, t1)` (the loop's step 1); `close()` (the owners' threads end);
 *   `runtime(vmId)`; `markChanged(...)` / `takeChanges()` (the engine's change feed publishes them).
 *
 * Rules: deterministic (no wall clock, no Math.random): all time comes from `clock`, randomness from the
 * seeded `rng` streams; every change that clients show is published through `emit` (tasks, events) or
 * marked for the engine's change feed (`markChanged`: inventory objects).
 */
import type { AvailabilityDesign } from '@shared/api/availabilitySchema';
import type { EngineEvent } from '@shared/api/events';
import type { ExerciseProgress } from '@shared/api/commands';
import { API_VERSION } from '@shared/api/channels';
import type { RequestMessage, ResponseMessage } from '@shared/api/protocol';
import type { ClusterId, DatastoreId, HostId, InventoryObjectId, ManagedEntityId, VmId } from '@shared/model/ids';
import { Registry } from '../cluster/index';
import type { Host, Vm } from '../cluster/index';
import { EventLog } from '../cluster/index';
import { TaskManager } from '../tasks/index';
import { VirtualClock } from '../sim/index';
import { Rng } from '../sim/index';
import type { BarrierService } from '../sim/index';
import { Collector } from '../metrics/index';
import { ClusterServices } from '../services/index';
import { hostReclaimSeed, MemoryOvercommit } from '../overcommit/index';
import { AlarmManager } from '../alarms/index';
import { buildInventory } from '../cluster/index';
import type { Scenario } from '../scenario/index';
import { Timeline } from '../scenario/index';
import type { CommandRunner } from '../scenario/index';
import type { GuestFactory } from '../vm/guestFactory';
import type { GuestParamDto } from '@shared/model/guestParams';
import type { PageCodecPort } from '../ports';
import { MigrationService, PageCodecs } from '../migration/index';
import { sameThread, VmRuntime, type HostFanOut, type HostOwnerCalls, type OwnerTransportMaker } from '../vm/index';
import { callEachInTurn, localOwners, type HostOwnerMaker } from './hostOwners';
import type { HostPartTransport } from '../vm/index';
import { startGuest, takeConsole } from '../vm/index';
import { guestStopped } from '../vm/index';
import type { OpContext } from './opContext';
import { LAB_TASK_KINDS } from './taskKinds';
import { advanceLab } from './simLoop';
import { SIM_STRETCH_MAX_QUANTA } from '../params';
import { initClusterServices } from './clusterSettings';
import { buildScenarioPools } from './scenarioPools';
import { apiError } from '@shared/api/errors';
import type { LabState } from './labPersist';
import { restoreLab, saveLab } from './labPersist';

/** Runs one request on a lab as `initiator` (the engine's dispatcher). */
export type LabCommandRunner = (lab: Lab, request: RequestMessage, initiator: string) => ResponseMessage;

export interface LabOptions {
  guestFactory?: GuestFactory;
  commands?: LabCommandRunner;
  /** The host's codecs and page hash for live migration (absent: the engine's hash, no compression). */
  pageCodecs?: PageCodecPort;
  /** Guest programs a VM may name as its workload (the catalogue, from the ports); absent = not checked. */
  workloads?: ReadonlySet<string>;
  /** The catalogue's parameter declarations by program: `vm.create` / `vm.reconfigure` enforce their ranges. */
  guestParams?: ReadonlyMap<string, readonly GuestParamDto[]>;
  /**
   * Benchmarks only (`bench/datacenter-realtime.ts --core-only`): the registry holds just the services the
   * datacenter layer had before memory overcommitment and the cluster services — guests that stopped, the
   * collector, the timeline, the tasks — so the reshaped core's own cost can be measured against the tree
   * before it. Such a lab reclaims no memory (no page sharing, activity sampling, ballooning, swapping),
   * runs no HA, DRS or alarms and steps no migrations; no user-facing path sets it.
   */
  coreServicesOnly?: boolean;
  /** How each host's part of a save, digest or restore crosses between the lab and the host's owner
   *  (`vm/hostParts.ts`); absent: the part itself (one thread). Tests send them through a MessageChannel. */
  hostPartTransport?: HostPartTransport;
  /** How the lab reaches each host's owner (`vm/ownerTransport.ts`): absent, the owner itself (one thread,
   *  no cost); a maker, a client sending each call as a message through the transport it makes (tests: the
   *  checked loopback, every call's arguments and reply checked plain and cloned). */
  ownerTransport?: OwnerTransportMaker;
  /** How the lab gets each host's owner from the host's plain data (`hostOwners.ts`): absent, built in
   *  this thread (through `ownerTransport` when given); a pool of host workers builds them on its threads
   *  and runs their segments in parallel. The lab closes it when it is dropped (`close()`). */
  hostOwners?: HostOwnerMaker;
  /** Most quanta a stretch runs (`simLoop.ts`; SIM_STRETCH_MAX_QUANTA by default; 1: the lockstep loop
   *  alone). Tests compare the two. */
  stretchMaxQuanta?: number;
}

export class Lab {
  readonly reg = new Registry();
  readonly clock = new VirtualClock();
  readonly events: EventLog;
  readonly tasks: TaskManager<OpContext>;
  readonly collector: Collector;
  readonly overcommit: MemoryOvercommit;
  readonly timeline: Timeline;
  /** vSphere HA and DRS for every cluster (`services/`). */
  readonly clusterServices: ClusterServices;
  /** vSphere's alarms on hosts, VMs and datastores (`alarms/`). */
  readonly alarms: AlarmManager;
  /** Per host, its owner (in host insertion order, the loop's order): the seam operations go through. */
  readonly owners = new Map<HostId, HostOwnerCalls>();
  /** Who builds the owners from each host's plain data, and runs their segments. */
  private readonly hostOwners: HostOwnerMaker;
  /** The barrier's calls to every host (`HostOwnerMaker.callEach`: on workers at once; in one thread each
   *  owner in turn, in the calls' order): the services' one way to fan a call out. */
  readonly callEachHost: HostFanOut;
  /** The host codecs' port each host's side is built with (absent: the engine's hash, no compression). */
  private readonly pageCodecPort: PageCodecPort | undefined;
  /** How a host's save, digest or restore part crosses between the lab and the host's owner (a test may swap it). */
  hostParts: HostPartTransport;
  readonly runtimes = new Map<VmId, VmRuntime>();
  readonly guestFactory: GuestFactory | undefined;
  readonly ops: OpContext;
  readonly services: readonly BarrierService[];
  readonly migrations: MigrationService;
  rng: Rng;
  /** Separate stream for task-duration jitter, so other consumers don't shift it. */
  taskRng: Rng;
  /** A student's guided-exercise progress (contract `exercise.progress.*`): kept and saved, never interpreted. */
  exerciseProgress: ExerciseProgress | undefined;
  /** The student's own data-center design (contract `availability.design.save`): kept and saved, evaluated on request. */
  availabilityDesign: { design: AvailabilityDesign; savedAtMs: number } | undefined;
  readonly workloads: ReadonlySet<string> | undefined;
  readonly guestParams: ReadonlyMap<string, readonly GuestParamDto[]> | undefined;
  private changed = new Set<InventoryObjectId>();
  private readonly stretchMaxQuanta: number;

  constructor(readonly scenario: Scenario, readonly seed: number, readonly emit: (e: EngineEvent) => void, options: LabOptions = {}, state?: LabState) {
    this.guestFactory = options.guestFactory;
    this.hostParts = options.hostPartTransport ?? sameThread;
    this.hostOwners = options.hostOwners ?? localOwners(options.ownerTransport);
    this.stretchMaxQuanta = options.stretchMaxQuanta ?? SIM_STRETCH_MAX_QUANTA;
    this.callEachHost = this.hostOwners.callEach?.bind(this.hostOwners) ?? ((calls) => callEachInTurn(this.owners, calls));
    this.pageCodecPort = options.pageCodecs;
    this.migrations = new MigrationService(new PageCodecs(options.pageCodecs));
    this.workloads = options.workloads;
    this.guestParams = options.guestParams;
    this.rng = new Rng(seed);
    this.taskRng = this.rng.fork('tasks');
    this.events = new EventLog((event) => emit({ type: 'event.logged', event }));
    this.ops = this.makeOpContext();
    this.tasks = new TaskManager<OpContext>(LAB_TASK_KINDS, () => this.ops, {
      publish: (task) => emit({ type: 'task.updated', task }),
      cancelled: (task, by) => this.events.log(this.clock.nowMs, 'info', 'TaskEvent',
        `Task: ${task.name} on ${task.targetName} was cancelled by ${by}; nothing was changed`, { id: task.targetId, name: task.targetName }, task.id),
    });
    this.overcommit = new MemoryOvercommit({
      reg: this.reg, events: this.events, seed,
      owner: (id) => this.owners.get(id),
      callEachHost: this.callEachHost,
      nowMs: () => this.clock.nowMs, markChanged: (...ids) => this.markChanged(...ids),
    });
    this.collector = new Collector(this);
    const runner = options.commands;
    this.clusterServices = new ClusterServices({
      ops: this.ops,
      latestSample: (id) => this.collector.samples.latest(id as ManagedEntityId)?.values,
      migrate: (vmId, hostId, initiator) => {
        if (!runner) return apiError('E_INVALID_STATE', 'this lab has no command runner to request a migration');
        const r = runner(this, { v: API_VERSION, id: 0, kind: 'command', name: 'vm.migrate', params: { vmId, hostId } }, initiator);
        if (r.ok) return undefined;
        return r.error.code === 'E_UNKNOWN_OPERATION'
          ? apiError('E_INVALID_STATE', 'live migration (vm.migrate) is not part of this engine build, so DRS can only recommend', 'params.recommendationId')
          : r.error;
      },
    });
    this.alarms = new AlarmManager({
      reg: this.reg, events: this.events, nowMs: () => this.clock.nowMs,
      latestSample: (id) => this.collector.samples.latest(id),
      datastoreUsedBytes: (id) => this.provisionedBytes(id),
      haDeclared: (hostId) => this.clusterServices.declaredOf(hostId),
      markChanged: (...ids) => this.markChanged(...ids),
    });
    const runCommand: CommandRunner | undefined = runner && ((name, params, initiator) => {
      const r = runner(this, { v: API_VERSION, id: 0, kind: 'command', name, params }, initiator);
      return r.ok ? { ok: true } : { ok: false, error: r.error };
    });
    const timelineEnv = {
      reg: this.reg, events: this.events, runCommand,
      nowMs: () => this.clock.nowMs,
      snapshotsOf: (vmId: VmId) => this.runtimes.get(vmId)?.snapshots,
    };
    const toPowerOn = state ? [] : buildInventory(this.reg, scenario);
    this.timeline = state ? new Timeline(timelineEnv, []) : Timeline.fromScenario(timelineEnv, scenario);
    // The barrier services, in the order they act at each barrier (docs/ARCHITECTURE.md has the table).
    const all: BarrierService[] = [
      // Live migrations do their work in their tasks (the tasks service); `migrations` only holds their state.
      // Reclamation comes after both, so at each barrier it sees the frames a migration step just took on
      // the destination or gave back on the source, and the sampler never samples a host between the two.
      // The cluster services act after memory reclamation: HA's admission control and restart placement and
      // DRS's demand then read host memory as reclamation left it at this barrier, and the VMs a failover
      // powers on start their first quantum with reclamation's next pass (as on ESX, where a restarted VM is
      // admitted first and its host reclaims memory afterwards). The alarms come last: their metric
      // conditions read the sample the collector has just taken at this barrier.
      this.stoppedGuests(), this.collector.quantum, this.timeline, this.tasks, this.migrations, this.overcommit.service,
      this.clusterServices, this.collector.sampler, this.alarms,
    ];
    const beyondCore = new Set<BarrierService>([this.migrations, this.overcommit.service, this.clusterServices, this.alarms]);
    this.services = options.coreServicesOnly ? all.filter((s) => !beyondCore.has(s)) : all;
    if (state) {
      restoreLab(this, state);
      return;
    }
    for (const host of this.reg.hosts.values()) this.addHostSide(host);
    initClusterServices(this.clusterServices, this.reg, scenario);
    buildScenarioPools(this.ops, scenario, toPowerOn);
    for (const a of scenario.alarms ?? []) this.alarms.configure(a.alarm, { enabled: a.enabled, warning: a.warning, critical: a.critical, durationS: a.durationS });
    for (const vm of this.reg.vms.values()) this.runtimes.set(vm.id, new VmRuntime(vm));
    for (const id of toPowerOn) this.powerOnAtStart(this.reg.vms.get(id)!);
  }

  /** Rebuilds a saved lab (see `labPersist.ts`); throws on a state it cannot restore. */
  static restore(state: LabState, emit: (e: EngineEvent) => void, options: LabOptions = {}): Lab {
    return new Lab(state.scenario, state.seed, emit, options, state);
  }

  save(): LabState {
    return saveLab(this);
  }

  nowMs(): number {
    return this.clock.nowMs;
  }

  nowNs(): number {
    return this.clock.nowMs * 1e6;
  }

  runtime(vmId: VmId): VmRuntime {
    let rt = this.runtimes.get(vmId);
    if (!rt) {
      const vm = this.reg.vms.get(vmId);
      if (!vm) throw new Error(`no runtime for ${vmId}`);
      rt = new VmRuntime(vm);
      this.runtimes.set(vmId, rt);
    }
    return rt;
  }

  /** Applies every host's queued orders (CPU policy, throttle), host by host: before a save or a digest. */
  drainHostOrders(): void {
    this.owners.forEach((owner) => owner.drain());
  }

  /**
   * A host's owner over its own side (`host/hostSide.ts`: scheduler, memory pool with the hypervisor's
   * reserve, guest machines), made by `LabOptions.hostOwners` from the host's plain data (and, in this
   * thread, the engine's ports).
   */
  addHostSide(host: Host): void {
    const { sockets, coresPerSocket, threadsPerCore, cpuMhz } = host;
    const owner = this.hostOwners.owner(
      { hostId: host.id, name: host.name, cpu: { sockets, coresPerSocket, threadsPerCore, cpuMhz }, memoryBytes: host.memoryBytes, reclaimSeed: hostReclaimSeed(this.seed, host.id) },
      { guestFactory: this.guestFactory, pageCodecs: this.pageCodecPort },
    );
    this.owners.set(host.id, owner);
  }

  /** Every host runs the segment [t0, t1): on the maker's workers at once, or here host by host. */
  runHostSegments(t0: number, t1: number): void {
    if (this.hostOwners.runSegments) this.hostOwners.runSegments(t0, t1);
    // forEach rather than for-of: this runs at every segment, and a for-of allocates an iterator and a
    // result per step wherever V8 does not optimize them away.
    else this.owners.forEach((owner) => owner.runSegment(t0, t1));
  }

  /** Whether its owners' maker runs stretches (several quanta per call: host workers). */
  get canStretch(): boolean {
    return this.hostOwners.runStretch !== undefined;
  }

  /** Every host runs the quanta ending at `endsMs` from `fromMs`, with their per-host barrier steps (`simLoop.ts`). */
  runHostStretch(fromMs: number, endsMs: readonly number[]): void {
    this.hostOwners.runStretch!(fromMs, endsMs);
  }

  /** The stretch's barrier `i` is next: the hosts' answers from their quantum's steps. */
  stretchBarrier(i: number): void {
    this.hostOwners.stretchBarrier!(i);
  }

  /** After the stretch's barrier `i`: hosts a guest's stop held there run on (with their steps when `quiet`). */
  afterStretchBarrier(i: number, endsMs: readonly number[], quiet: boolean): void {
    this.hostOwners.afterStretchBarrier!(i, endsMs, quiet);
  }

  /** The lab is dropped (replaced, or its process is done): its owners' threads, if any, end. */
  close(): void {
    this.hostOwners.close?.();
  }

  /** Bytes provisioned on a datastore: the VMs' disks (thick: capacity counts in full) plus snapshot deltas. */
  provisionedBytes(datastoreId: DatastoreId): number {
    let total = 0;
    for (const vm of this.reg.vms.values()) {
      let onThis = false;
      for (const d of vm.disks) if (d.datastoreId === datastoreId) { total += d.capacityBytes; onThis = true; }
      if (onThis) total += this.runtimes.get(vm.id)?.snapshots.totalBytes() ?? 0;
    }
    return total;
  }

  /** The collector's source of the cluster-service counters. */
  clusterServiceCounters(clusterId: ClusterId): Record<string, number> {
    return this.clusterServices.counters(clusterId);
  }

  /** A `readConsole` reply for the VM, asked from its console offset (a fan-out's), taken in as `pollConsole` takes its own. */
  takeConsole(vm: Vm, r: { text: string; nextOffset: number } | undefined): void {
    takeConsole(this.ops, vm, r);
  }

  /** Marks entities changed; the engine's change feed publishes them once per advance/command. */
  markChanged(...ids: InventoryObjectId[]): void {
    for (const id of ids) this.changed.add(id);
  }

  /** The entities marked since the last call (for the change feed, `api/changeFeed.ts`). */
  takeChanges(): InventoryObjectId[] {
    const ids = [...this.changed];
    this.changed.clear();
    return ids;
  }

  /** Advances virtual time by `ms` in lockstep quanta (see simLoop.ts). */
  advance(ms: number): void {
    advanceLab(this, ms, this.stretchMaxQuanta);
  }

  /** Task duration with ±10 % seeded jitter (real operations never take exactly the same time). */
  private jitter(ms: number): number {
    return Math.round(ms * (0.9 + 0.2 * this.taskRng.float()));
  }

  private makeOpContext(): OpContext {
    const lab = this; // for the getters: the task manager is built after this context
    return {
      reg: this.reg, events: this.events, seed: this.seed,
      get tasks() { return lab.tasks; },
      get guestFactory() { return lab.guestFactory; },
      get workloads() { return lab.workloads; },
      get guestParams() { return lab.guestParams; },
      nowMs: () => this.clock.nowMs,
      nowNs: () => this.nowNs(),
      jitter: (ms) => this.jitter(ms),
      runtime: (vmId) => this.runtime(vmId),
      setRuntime: (vmId, rt) => { this.runtimes.set(vmId, rt); },
      forgetVm: (vmId) => {
        // a removed VM's dirty log and live disks go from the host sides holding them
        const logAt = this.runtimes.get(vmId)?.dirtyLogHost;
        if (logAt) this.owners.get(logAt)?.takeDirtyLog(vmId);
        const disksAt = this.runtimes.get(vmId)?.diskHost;
        if (disksAt) this.owners.get(disksAt)?.takeDisks(vmId);
        this.runtimes.delete(vmId);
        this.collector.forget(vmId);
      },
      host: (hostId) => this.owners.get(hostId),
      markChanged: (...ids) => this.markChanged(...ids),
      emit: (e) => this.emit(e),
      vmop: (vm, kind) => this.collector.vmop(vm, kind),
      guestStarted: (vmId, counters) => this.collector.guestStarted(vmId, counters, this.clock.nowMs),
      powerOnProblem: (vm, initiator) => this.clusterServices.powerOnProblem(vm, initiator),
      standbyProblem: (host) => this.clusterServices.standbyProblem(host),
      netBytes: (hostId, tx, rx) => this.collector.netBytes(hostId, tx, rx),
      provisionedBytes: (datastoreId) => this.provisionedBytes(datastoreId),
      get migrations() { return lab.migrations; },
      get overcommit() { return lab.overcommit; },
    };
  }

  /** Barrier service: guests that crashed or powered themselves off during the segment. Stateless. */
  private stoppedGuests(): BarrierService<null> {
    return {
      name: 'guests.stopped',
      // a host whose guests stopped in a quantum ends its part of a stretch there (host workers: `runStretch`)
      quietUntilMs: () => Infinity,
      // Runs at every barrier and almost always finds nothing: it asks each host's owner for its (usually
      // empty) list without for-of, whose iterators are allocated wherever V8 does not optimize them away.
      atBarrier: () => {
        this.owners.forEach((owner) => {
          const stopped = owner.stoppedVms();
          for (let i = 0; i < stopped.length; i++) guestStopped(this.ops, stopped[i].id, stopped[i].crashed);
        });
      },
      save: () => null,
      restore: () => {},
    };
  }

  private powerOnAtStart(vm: Vm): void {
    const err = startGuest(this.ops, vm);
    if (err) {
      this.events.log(0, 'error', 'VmFailedToPowerOnEvent', `Failed to power on ${vm.name}: ${err.message}`, { id: vm.id, name: vm.name });
      return;
    }
    vm.powerState = 'poweredOn';
    vm.poweredOnAtMs = 0;
    vm.uptimeCarriedMs = 0;
    this.events.log(0, 'info', 'VmPoweredOnEvent', `${vm.name} on ${this.reg.nameOf(vm.hostId ?? '')} is powered on`, { id: vm.id, name: vm.name });
  }
}
