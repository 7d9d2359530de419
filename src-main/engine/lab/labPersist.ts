/**
 * labPersist — the whole lab as plain, structured-clone-safe state and back: inventory (with the names
 * tasks in flight reserve), VM runtimes (guest state via `GuestMachine.save()`, copy-on-write disks,
 * snapshot trees, consoles, suspended captures), host schedulers, events, RNG streams, and every barrier
 * service's own state by its name (tasks with their kinds' states, timeline, collector).
 *
 * - `saveLab(lab)` → `LabState` (a snapshot: later changes to the lab don't alter it).
 * - `restoreLab(lab, state)` fills a fresh Lab (called by `Lab.restore`); throws `Error` with a clear
 *   message for a state it cannot load (not a lab, a newer or unknown version, guests but no guest
 *   factory, a host that cannot hold its guests). A state of the previous version (1) is upgraded first
 *   (`upgradeLabState`).
 *
 * Rules: disk layers are shared between the live disk, snapshots and clones, so they are stored once in
 * a layer table and referenced by index. Tasks in flight are carried with their kind's state and resume
 * after loading. Host memory pools are not stored: they are rebuilt from what holds frames — the
 * hypervisor's reserve, each powered-on VM's overhead, each guest's pages (restored copy-on-write from
 * its saved state). A restored lab continues exactly as the saved one would have (same quanta, same
 * guests, same RNG, same counters).
 * Guests and schedulers are each host's: saved from its owner's `savePart()` and restored by its
 * `restorePart(part)` (overheads, then guests, then the scheduler), assembled here in the file's order
 * (guests in runtime order, schedulers in host order), so the format did not change. So are the images of
 * memory snapshots and suspended VMs (held by the owner of the host they were taken on): each saved in its
 * capture's place in the runtimes, and on restore given to the owner of the VM's host (`vm/captureHandles.ts`).
 */
import type { DatacenterId, ClusterId, HostId, VmId, DatastoreId, NetworkId, EntityKind } from '@shared/model/ids';
import type { SimStatus, ExerciseProgress } from '@shared/api/commands';
import { exerciseProgressSchema } from '@shared/api/commands';
import { savedDesignSchema } from '@shared/api/availabilitySchema';
import type { AvailabilityDesign } from '@shared/api/availabilitySchema';
import type { EventDto } from '@shared/model/eventLog';
import type { Lab } from './lab';
import type { Scenario } from '../scenario/index';
import type { Cluster, Datacenter, Datastore, Host, Network, ResourcePool, Vm } from '../cluster/index';
import type { RngState } from '../sim/index';
import { Rng } from '../sim/index';
import type { DiskLayer } from '../snapshot/index';
import type { HostSchedulerState } from '../scheduler/index';
import type { CaptureHandle, CaptureImage, DirtyLogShareState, HostRestorePart, VmRuntimeState } from '../vm/index';
import { CaptureIntake, VmRuntime, liveDisks, savedCapture } from '../vm/index';
import { guestRestoreOrder } from '../vm/index';
import { vmOverheadFrames } from '../metrics/index';
import { upgradeLabState } from './labStateUpgrade';
import { LabStateError } from './labStateCheck';

export const LAB_STATE_FORMAT = 'hvlab-lab';

/**
 * Format version of the lab state produced by `Lab.save()`; bump on any incompatible change and teach
 * `upgradeLabState` the previous one. 2: tasks in flight carried with their kind state, barrier services
 * saved by name, the collector's state in one place, names reserved by tasks in the registry.
 */
export const LAB_STATE_VERSION = 2;

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
    /** Absent from labs saved before resource pools (read as none); a pool's `cpuExpandableReservation`
     *  is absent from labs saved before it (read as true). */
    resourcePools?: (Omit<ResourcePool, 'cpuExpandableReservation'> & { cpuExpandableReservation?: boolean })[];
    /** Names held by create / clone tasks in flight. */
    reservedNames: string[];
  };
  events: { nextId: number; events: EventDto[] };
  /** Each barrier service's `save()`, by service name. */
  services: Record<string, unknown>;
  layers: DiskLayer[];
  runtimes: [VmId, VmRuntimeState][];
  /** `GuestMachine.save()` of every VM that has a guest (running, halted or crashed). */
  guests: [VmId, unknown][];
  schedulers: [HostId, HostSchedulerState][];
  /** The student's guided-exercise progress, when an exercise was started (absent in older saves). */
  exerciseProgress?: ExerciseProgress;
  /** The student's own data-center design, when one was saved (absent in older saves). */
  availabilityDesign?: { design: AvailabilityDesign; savedAtMs: number };
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
  // Orders queued on the hosts (CPU policy, throttle) are part of the state: applied before it is read.
  lab.drainHostOrders();
  const r = lab.reg;
  const services: Record<string, unknown> = {};
  for (const s of lab.services) services[s.name] = s.save();
  const { guests, schedulers, images, dirtyLogs } = hostSaveParts(lab);
  const saveCapture = (c: Parameters<typeof savedCapture>[0]) => savedCapture(c, images);
  return {
    format: LAB_STATE_FORMAT, version: LAB_STATE_VERSION, scenario: plain(lab.scenario), seed: lab.seed,
    // A step in progress is not saved: the saved lab is paused where the step had got to.
    clock: { virtualTimeMs: lab.clock.nowMs, running: lab.clock.running, speed: lab.clock.speed }, rng: lab.rng.save(), taskRng: lab.taskRng.save(),
    registry: plain({
      version: r.version, ids: r.idCounters(), datacenters: [...r.datacenters.values()], clusters: [...r.clusters.values()],
      hosts: [...r.hosts.values()], vms: [...r.vms.values()], datastores: [...r.datastores.values()], networks: [...r.networks.values()],
      ...(r.resourcePools.size > 0 ? { resourcePools: [...r.resourcePools.values()] } : {}),
      reservedNames: [...r.reservedNames],
    }),
    events: plain(lab.events.save()),
    services,
    // a VM's live disks as they are now: with the writable tops of the host they are lent to (`vm/diskPlace.ts`)
    runtimes: [...lab.runtimes].map(([id, rt]) => [id, rt.save(layerId, saveCapture, dirtyLogs.get(id), liveDisks(lab.ops, id))]),
    layers,
    guests, schedulers,
    ...(lab.exerciseProgress ? { exerciseProgress: plain(lab.exerciseProgress) } : {}),
    ...(lab.availabilityDesign ? { availabilityDesign: plain(lab.availabilityDesign) } : {}),
  };
}

/**
 * The guests and schedulers of a saved lab, from each host's owner's part (`HostOwner.savePart`), assembled
 * in the order the file always had them: guests in the lab's runtime order, schedulers in host order; and
 * the capture images each owner holds, looked up by handle where the runtimes' captures are saved.
 */
function hostSaveParts(lab: Lab): Pick<LabState, 'guests' | 'schedulers'> & {
  images: (handle: CaptureHandle) => CaptureImage; dirtyLogs: Map<VmId, DirtyLogShareState>;
} {
  const states = new Map<VmId, unknown>();
  const dirtyLogs = new Map<VmId, DirtyLogShareState>();
  const schedulers: [HostId, HostSchedulerState][] = [];
  const held = new Map<HostId, Map<number, CaptureImage>>();
  lab.owners.forEach((owner) => {
    const part = lab.hostParts(owner.savePart());
    for (const [vmId, state] of part.guests) states.set(vmId, state);
    if (part.scheduler) schedulers.push([part.hostId, part.scheduler]);
    held.set(part.hostId, new Map(part.captures));
    for (const [vmId, log] of part.dirtyLogs) dirtyLogs.set(vmId, log);
  });
  const guests: [VmId, unknown][] = [];
  for (const vmId of lab.runtimes.keys()) if (states.has(vmId)) guests.push([vmId, states.get(vmId)]);
  if (guests.length !== states.size) throw new Error('a host saved a guest machine of a VM the lab has no runtime for');
  const images = (handle: CaptureHandle): CaptureImage => {
    const image = held.get(handle.hostId)?.get(handle.captureId);
    if (!image) throw new Error(`host ${handle.hostId} saved no capture ${handle.captureId}, which the lab holds`);
    return image;
  };
  return { guests, schedulers, images, dirtyLogs };
}

/** Runs an owner's restore of its part; what it throws becomes a LabStateError naming the part. */
function owned<T>(field: string, what: string, restore: () => T): T {
  try {
    return restore();
  } catch (e) {
    throw new LabStateError(field, `${what} cannot be restored (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * Each host's machinery from its part, through its owner (`HostOwner.restorePart`): every powered-on VM's
 * overhead, then every guest's pages, on its host's pool; then the host's scheduler with those guests.
 * A host's part keeps the saved order of its own overheads and guests (pools are per host, so the order
 * between hosts does not matter); an owner's failure becomes the error naming the saved field, as before.
 */
function restoreHosts(lab: Lab, state: LabState, captures: CaptureIntake): void {
  const r = lab.reg;
  const parts = new Map<HostId, HostRestorePart>();
  for (const host of r.hosts.values()) parts.set(host.id, { hostId: host.id, overheads: [], guests: [], captures: captures.imagesFor(host.id), dirtyLogs: [] });
  // each VM's saved dirty log goes to its host's side (`VmRuntime.dirtyLogHost`, set with the runtimes)
  for (const [id, rs] of state.runtimes) {
    const hostId = r.vms.get(id)?.hostId;
    if (rs.dirty?.length && hostId) parts.get(hostId)?.dirtyLogs.push([id, rs.dirty]);
  }
  for (const vm of r.vms.values()) {
    if (vm.powerState !== 'poweredOn') continue;
    const part = vm.hostId ? parts.get(vm.hostId) : undefined;
    if (!part) throw new Error(`host ${r.nameOf(vm.hostId ?? '')} cannot hold the overhead memory of ${vm.name}`);
    part.overheads.push([vm.id, vmOverheadFrames(vm)]);
  }
  if (state.guests.length && !lab.guestFactory) {
    throw new Error('this lab was saved with executing guests, but this engine build has no guest machine to restore them into');
  }
  const guestAt = new Map<VmId, number>();
  state.guests.forEach(([id, gs], i) => {
    const vm = r.vms.get(id);
    if (!vm) throw new Error(`lab state has a guest for an unknown VM ${id}`);
    const host = vm.hostId ? r.hosts.get(vm.hostId) : undefined;
    const part = host && parts.get(host.id);
    if (!host || !part) {
      throw new LabStateError(`state.guests[${i}][1]`, `the saved guest machine of ${vm.name} cannot be restored (lab state has a guest for ${vm.name}, which is on no host)`);
    }
    guestAt.set(id, i);
    part.guests.push(guestRestoreOrder(lab.ops, vm, host, gs));
  });
  const schedulerAt = new Map<HostId, number>();
  for (const host of r.hosts.values()) {
    const at = state.schedulers.findIndex(([id]) => id === host.id);
    const saved = state.schedulers[at]?.[1];
    if (saved) { parts.get(host.id)!.scheduler = saved; schedulerAt.set(host.id, at); }
  }
  for (const host of r.hosts.values()) {
    const owner = lab.owners.get(host.id)!;
    const reply = lab.hostParts(owner.restorePart(lab.hostParts(parts.get(host.id)!)));
    if (reply.ok) continue;
    if (reply.failed === 'scheduler') {
      throw new LabStateError(`state.schedulers[${schedulerAt.get(host.id)}][1]`, `the saved scheduler of ${host.name} cannot be restored (${reply.message})`);
    }
    const name = r.vms.get(reply.vmId)?.name ?? reply.vmId;
    if (reply.failed === 'overhead') throw new Error(`host ${host.name} cannot hold the overhead memory of ${name}`);
    throw new LabStateError(`state.guests[${guestAt.get(reply.vmId)}][1]`, `the saved guest machine of ${name} cannot be restored (${reply.message})`);
  }
}

export function restoreLab(lab: Lab, saved: LabState): void {
  if (!saved || saved.format !== LAB_STATE_FORMAT) throw new Error('not a Hypervisor Lab state');
  const state = upgradeLabState(saved, LAB_STATE_VERSION);
  const r = lab.reg;
  const reg = plain(state.registry);
  r.version = reg.version;
  r.restoreIdCounters(reg.ids);
  for (const x of reg.datacenters) r.datacenters.set(x.id as DatacenterId, x);
  for (const x of reg.clusters) r.clusters.set(x.id as ClusterId, x);
  for (const x of reg.hosts) r.hosts.set(x.id as HostId, x);
  for (const x of reg.vms) r.vms.set(x.id as VmId, x);
  for (const x of reg.datastores) r.datastores.set(x.id as DatastoreId, x);
  for (const x of reg.networks) r.networks.set(x.id as NetworkId, x);
  for (const x of reg.resourcePools ?? []) r.resourcePools.set(x.id, { ...x, cpuExpandableReservation: x.cpuExpandableReservation ?? true });
  for (const n of reg.reservedNames) r.reservedNames.add(n);
  lab.clock.nowMs = state.clock.virtualTimeMs;
  lab.clock.running = state.clock.running;
  lab.clock.speed = state.clock.speed;
  lab.rng = Rng.restore(state.rng);
  lab.taskRng = Rng.restore(state.taskRng);
  lab.events.restore(plain(state.events));
  if (state.exerciseProgress !== undefined) {
    const problem = exerciseProgressSchema.check(state.exerciseProgress, 'exerciseProgress');
    if (problem) throw new Error(`lab state: ${problem.field}: ${problem.message}`);
    lab.exerciseProgress = plain(state.exerciseProgress);
  }
  if (state.availabilityDesign !== undefined) {
    const problem = savedDesignSchema.check(state.availabilityDesign, 'availabilityDesign');
    if (problem) throw new Error(`lab state: ${problem.field}: ${problem.message}`);
    lab.availabilityDesign = plain(state.availabilityDesign);
  }
  const layer = (i: number): DiskLayer => {
    const l = state.layers[i];
    if (!l) throw new Error(`lab state refers to a missing disk layer ${i}`);
    return l;
  };
  const captures = new CaptureIntake(r);
  for (const [id, rs] of state.runtimes) {
    const vm = r.vms.get(id);
    if (!vm) throw new Error(`lab state has a runtime for an unknown VM ${id}`);
    const rt = VmRuntime.restore(vm, rs, layer, (c) => captures.take(vm, c));
    rt.dirtyLogHost = vm.hostId;
    lab.runtimes.set(id, rt);
  }
  for (const host of r.hosts.values()) lab.addHostSide(host);
  restoreHosts(lab, state, captures);
  for (const s of lab.services) {
    if (!(s.name in state.services)) {
      if (s.stateOptional) { s.restore(undefined); continue; }
      throw new Error(`lab state has no state for the ${s.name} service`);
    }
    owned(`state.services.${s.name}`, `the saved state of ${s.name}`, () => s.restore(state.services[s.name]));
  }
  lab.tasks.resumeAfterLoad(lab.clock.nowMs);
}
