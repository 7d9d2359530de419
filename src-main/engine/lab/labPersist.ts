/**
 * labPersist — the whole lab as plain, structured-clone-safe state and back (the `Persist` rule):
 * inventory, VM runtimes (guest state via `GuestMachine.save()`, copy-on-write disks, snapshot trees,
 * consoles, suspended captures), host schedulers, tasks, events, counter history, timeline, RNG streams.
 *
 * - `saveLab(lab)` → `LabState` (a snapshot: later changes to the lab don't alter it).
 * - `restoreLab(lab, state)` fills a fresh Lab (called by `Lab.restore`); throws `Error` with a clear
 *   message for a state it cannot load (wrong format or version, guests but no guest factory).
 *
 * Rules: disk layers are shared between the live disk, snapshots and clones, so they are stored once in
 * a layer table and referenced by index. Tasks in flight are not carried over (their effects are code):
 * the restored lab shows them as interrupted, with the objects as they were before those tasks.
 * A restored lab continues exactly as the saved one would have (same quanta, same guests, same RNG).
 */
import type { DatacenterId, ClusterId, HostId, VmId, DatastoreId, NetworkId, EntityKind, ManagedEntityId } from '@shared/model/ids';
import type { SimStatus } from '@shared/api/commands';
import type { TaskDto } from '@shared/model/task';
import type { EventDto } from '@shared/model/eventLog';
import type { Lab, VmopKind } from './lab';
import type { Scenario } from '../scenario/scenarioSchema';
import type { Cluster, Datacenter, Datastore, Host, Network, Vm } from '../cluster/registry';
import type { RngState } from '../sim/rng';
import { Rng } from '../sim/rng';
import type { SampleStoreState } from '../metrics/sampleStore';
import { SampleStore } from '../metrics/sampleStore';
import { Timeline } from '../scenario/timeline';
import type { TimedCommand } from '../scenario/timeline';
import type { DiskLayer } from '../snapshot/index';
import { LAB_STATE_VERSION } from '../snapshot/persist';
import type { HostSchedulerState } from '../scheduler/index';
import { HostScheduler } from '../scheduler/index';
import type { VmRuntimeState } from '../vm/vmRuntime';
import { VmRuntime } from '../vm/vmRuntime';
import type { GuestMachine } from '../vm/guestMachine';
import { LabStateError } from './labStateCheck';

export const LAB_STATE_FORMAT = 'hvlab-lab';

export interface LabState {
  format: typeof LAB_STATE_FORMAT;
  version: number;
  scenario: Scenario;
  seed: number;
  clock: SimStatus;
  rng: RngState;
  taskRng: RngState;
  registry: {
    version: number; ids: [EntityKind, number][];
    datacenters: Datacenter[]; clusters: Cluster[]; hosts: Host[]; vms: Vm[]; datastores: Datastore[]; networks: Network[];
  };
  tasks: { nextId: number; tasks: TaskDto[] };
  events: { nextId: number; events: EventDto[] };
  vmops: [ManagedEntityId, Partial<Record<VmopKind, number>>][];
  samples: SampleStoreState;
  nextSampleMs: number;
  clusterGrid: [ManagedEntityId, { min: number; max: number }][];
  timeline: { next: number; commands: TimedCommand[] };
  layers: DiskLayer[];
  runtimes: [VmId, VmRuntimeState][];
  /** `GuestMachine.save()` of every VM that has a guest (running, halted or crashed). */
  guests: [VmId, unknown][];
  schedulers: [HostId, HostSchedulerState][];
}

const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

export function saveLab(lab: Lab): LabState {
  const table = new Map<DiskLayer, number>();
  const layers: DiskLayer[] = [];
  const layerId = (l: DiskLayer): number => {
    let id = table.get(l);
    if (id === undefined) { id = layers.length; layers.push(l); table.set(l, id); }
    return id;
  };
  const r = lab.reg;
  return {
    format: LAB_STATE_FORMAT, version: LAB_STATE_VERSION, scenario: plain(lab.scenario), seed: lab.seed,
    // A step in progress is not saved: the saved lab is paused where the step had got to.
    clock: { virtualTimeMs: lab.clock.nowMs, running: lab.clock.running, speed: lab.clock.speed }, rng: lab.rng.save(), taskRng: lab.taskRng.save(),
    registry: plain({
      version: r.version, ids: r.idCounters(), datacenters: [...r.datacenters.values()], clusters: [...r.clusters.values()],
      hosts: [...r.hosts.values()], vms: [...r.vms.values()], datastores: [...r.datastores.values()], networks: [...r.networks.values()],
    }),
    tasks: plain(lab.tasks.save()), events: plain(lab.events.save()),
    vmops: plain([...lab.vmops]), samples: lab.samples.save(), nextSampleMs: lab.nextSampleMs,
    clusterGrid: [...lab.clusterGrid].map(([k, v]) => [k, { ...v }]),
    timeline: lab.timeline.save(),
    runtimes: [...lab.runtimes].map(([id, rt]) => [id, rt.save(layerId)]),
    layers,
    guests: [...lab.runtimes].filter(([, rt]) => rt.guest).map(([id, rt]) => [id, rt.guest!.save()]),
    schedulers: [...lab.schedulers].map(([id, s]) => [id, s.save()]),
  };
}

/** Runs an owner's restore of its part; what it throws becomes a LabStateError naming the part. */
function owned<T>(field: string, what: string, restore: () => T): T {
  try {
    return restore();
  } catch (e) {
    throw new LabStateError(field, `${what} cannot be restored (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function restoreLab(lab: Lab, state: LabState): void {
  if (!state || state.format !== LAB_STATE_FORMAT) throw new Error('not a Hypervisor Lab state');
  if (state.version !== LAB_STATE_VERSION) throw new Error(`lab state version ${state.version} is not supported (this engine reads version ${LAB_STATE_VERSION})`);
  const r = lab.reg;
  const reg = plain(state.registry);
  r.version = reg.version;
  r.restoreIdCounters(reg.ids);
  for (const x of reg.datacenters) r.datacenters.set(x.id as DatacenterId, x);
  for (const x of reg.clusters) r.clusters.set(x.id as ClusterId, x);
  for (const x of reg.hosts) { delete x.busyTaskId; r.hosts.set(x.id as HostId, x); }
  for (const x of reg.vms) { delete x.busyTaskId; r.vms.set(x.id as VmId, x); }
  for (const x of reg.datastores) r.datastores.set(x.id as DatastoreId, x);
  for (const x of reg.networks) r.networks.set(x.id as NetworkId, x);
  lab.clock.nowMs = state.clock.virtualTimeMs;
  lab.clock.running = state.clock.running;
  lab.clock.speed = state.clock.speed;
  lab.rng = Rng.restore(state.rng);
  lab.taskRng = Rng.restore(state.taskRng);
  lab.tasks.restore(plain(state.tasks), state.clock.virtualTimeMs);
  lab.events.restore(plain(state.events));
  for (const [id, c] of plain(state.vmops)) lab.vmops.set(id, c);
  lab.samples = SampleStore.restore(state.samples);
  lab.nextSampleMs = state.nextSampleMs;
  for (const [id, v] of state.clusterGrid) lab.clusterGrid.set(id, { ...v });
  lab.timeline = Timeline.restore(state.timeline);
  const layer = (i: number): DiskLayer => {
    const l = state.layers[i];
    if (!l) throw new Error(`lab state refers to a missing disk layer ${i}`);
    return l;
  };
  for (const [id, rs] of state.runtimes) {
    const vm = r.vms.get(id);
    if (!vm) throw new Error(`lab state has a runtime for an unknown VM ${id}`);
    lab.runtimes.set(id, VmRuntime.restore(vm, rs, layer));
  }
  const guests = new Map<VmId, GuestMachine>();
  if (state.guests.length && !lab.guestFactory) {
    throw new Error('this lab was saved with executing guests, but this engine build has no guest machine to restore them into');
  }
  state.guests.forEach(([id, gs], i) => {
    const vm = r.vms.get(id)!;
    const rt = lab.runtime(id);
    const host = r.hosts.get(vm.hostId!)!;
    const guest = owned(`state.guests[${i}][1]`, `the saved guest machine of ${vm.name}`, () => lab.guestFactory!({
      vmId: vm.id, name: vm.name, vcpus: vm.vcpus, memoryBytes: vm.memoryBytes, guestOs: vm.guestOs, monitor: vm.monitor,
      paging: vm.paging, pageTableLevels: vm.pageTableLevels, workload: vm.workload, workloadParams: { ...vm.workloadParams },
      disk: rt.disks[0], nowNs: rt.bootGuestNs, restoreState: gs,
    }, host.cpuMhz * 1e6, 0));
    rt.guest = guest;
    guests.set(id, guest);
  });
  for (const host of r.hosts.values()) {
    const at = state.schedulers.findIndex(([id]) => id === host.id);
    const saved = state.schedulers[at]?.[1];
    lab.schedulers.set(host.id, saved ? owned(`state.schedulers[${at}][1]`, `the saved scheduler of ${host.name}`, () => HostScheduler.restore(host, saved, guests)) : new HostScheduler(host));
  }
}
