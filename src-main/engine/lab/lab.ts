/**
 * The Lab: the whole simulated world behind the contract — inventory, per-VM runtimes (guests, disks,
 * snapshots, consoles), one CPU scheduler per host, tasks, event log, virtual clock, counters and the
 * scenario's timeline — and `advance(ms)`, which moves it forward in lockstep quanta (`simLoop.ts`).
 *
 * - `new Lab(scenario, seed, emit, options)` builds from a scenario (VMs marked `powerOn` start at t = 0);
 *   `Lab.restore(state, emit, options)` rebuilds a saved lab (`labPersist.ts`); `lab.save()`.
 * - `advance(ms)`; `runtime(vmId)`; `vmop(vm, kind)`; `markChanged(...)` / `flushChanges()`.
 * - Operations live beside it: `vm/powerOps.ts`, `cluster/inventoryOps.ts`, `cluster/hostOps.ts`,
 *   `snapshot/snapshotOps.ts`; the API handlers call them.
 *
 * Rules: deterministic (no wall clock, no Math.random): all time comes from `clock`, randomness from the
 * seeded `rng` streams; every change that clients show is published through `emit`.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ExerciseProgress } from '@shared/api/commands';
import type { HostId, ManagedEntityId, VmId } from '@shared/model/ids';
import { Registry } from '../cluster/registry';
import type { Vm } from '../cluster/registry';
import { TaskManager } from '../cluster/tasks';
import { EventLog } from '../cluster/eventLog';
import { VirtualClock } from '../sim/clock';
import { Rng } from '../sim/rng';
import { SampleStore, REALTIME_PERIOD_MS } from '../metrics/sampleStore';
import { buildInventory } from '../cluster/model';
import type { Scenario } from '../scenario/scenarioSchema';
import { Timeline } from '../scenario/timeline';
import { HostScheduler } from '../scheduler/index';
import type { GuestFactory } from '../vm/guestFactory';
import { VmRuntime } from '../vm/vmRuntime';
import { startGuest } from '../vm/guestLifecycle';
import { advanceLab } from './simLoop';
import type { LabState } from './labPersist';
import { restoreLab, saveLab } from './labPersist';

export interface LabOptions {
  guestFactory?: GuestFactory;
}

export const VMOP_KINDS = [
  'poweron', 'poweroff', 'suspend', 'reset', 'create', 'destroy', 'clone', 'deploy', 'reconfigure', 'rebootGuest', 'shutdownGuest',
] as const;
export type VmopKind = (typeof VMOP_KINDS)[number];

export class Lab {
  readonly reg = new Registry();
  readonly clock = new VirtualClock();
  readonly tasks: TaskManager;
  readonly events: EventLog;
  samples = new SampleStore();
  rng: Rng;
  /** Separate stream for task-duration jitter, so other consumers don't shift it. */
  taskRng: Rng;
  readonly vmops = new Map<ManagedEntityId, Partial<Record<VmopKind, number>>>();
  readonly schedulers = new Map<HostId, HostScheduler>();
  readonly runtimes = new Map<VmId, VmRuntime>();
  readonly guestFactory: GuestFactory | undefined;
  timeline: Timeline;
  nextSampleMs = REALTIME_PERIOD_MS;
  /** Per-cluster cycles of the current quantum and min/max usage since the last sample. */
  clusterGrid = new Map<ManagedEntityId, { min: number; max: number }>();
  /** A student's guided-exercise progress (contract `exercise.progress.*`): kept and saved, never interpreted. */
  exerciseProgress: ExerciseProgress | undefined;
  /** Names reserved by create / clone tasks in flight (names must stay unique). */
  readonly pendingNames = new Set<string>();
  private changed = new Set<ManagedEntityId>();

  constructor(readonly scenario: Scenario, readonly seed: number, readonly emit: (e: EngineEvent) => void, options: LabOptions = {}, state?: LabState) {
    this.guestFactory = options.guestFactory;
    this.rng = new Rng(seed);
    this.taskRng = this.rng.fork('tasks');
    this.tasks = new TaskManager((task) => emit({ type: 'task.updated', task }));
    this.events = new EventLog((event) => emit({ type: 'event.logged', event }));
    if (state) {
      this.timeline = new Timeline([]);
      restoreLab(this, state);
      return;
    }
    const toPowerOn = buildInventory(this.reg, scenario);
    for (const host of this.reg.hosts.values()) this.schedulers.set(host.id, new HostScheduler(host));
    for (const vm of this.reg.vms.values()) this.runtimes.set(vm.id, new VmRuntime(vm));
    this.timeline = Timeline.fromScenario(this, scenario);
    for (const id of toPowerOn) this.powerOnAtStart(this.reg.vms.get(id)!);
  }

  /** Rebuilds a saved lab (see `labPersist.ts`); throws on a state it cannot restore. */
  static restore(state: LabState, emit: (e: EngineEvent) => void, options: LabOptions = {}): Lab {
    return new Lab(state.scenario, state.seed, emit, options, state);
  }

  save(): LabState {
    return saveLab(this);
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

  /** Marks entities changed; one `inventory.changed` is published per advance/command. */
  markChanged(...ids: ManagedEntityId[]): void {
    for (const id of ids) this.changed.add(id);
  }

  flushChanges(): void {
    if (this.changed.size === 0) return;
    const version = this.reg.touch();
    this.emit({ type: 'inventory.changed', version, entityIds: [...this.changed] });
    this.changed.clear();
  }

  /** Advances virtual time by `ms` in lockstep quanta (see simLoop.ts). */
  advance(ms: number): void {
    advanceLab(this, ms);
  }

  /** Counts a VM operation for the VM's cluster and datacenter (vmop.* counters). */
  vmop(vm: Vm, kind: VmopKind): void {
    const host = vm.hostId ? this.reg.hosts.get(vm.hostId) : undefined;
    for (const id of [host?.clusterId, vm.datacenterId]) {
      if (!id) continue;
      const c = this.vmops.get(id) ?? {};
      c[kind] = (c[kind] ?? 0) + 1;
      this.vmops.set(id, c);
    }
  }

  /** Task duration with ±10 % seeded jitter (real operations never take exactly the same time). */
  jitter(ms: number): number {
    return Math.round(ms * (0.9 + 0.2 * this.taskRng.float()));
  }

  private powerOnAtStart(vm: Vm): void {
    const err = startGuest(this, vm);
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
