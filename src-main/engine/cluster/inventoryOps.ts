/**
 * inventoryOps — inventory changes as Tasks: New Virtual Machine, Clone (to a VM or to a template),
 * Deploy from template (a clone whose source is a template), Edit Settings (reconfigure), Delete.
 *
 * - `startCreate(ctx, spec, initiator)`, `startClone(ctx, params, initiator)`,
 *   `startReconfigure(ctx, vmId, changes, initiator)`, `startRemove(ctx, vmId, initiator)`: each validates
 *   first (typed error naming the field, nothing changes), then queues a Task whose effect re-checks and
 *   applies; results carry `{ vmId }` where one is made.
 * - Task kinds (`tasks/timedTask.ts`, plain state, resumed after a lab is loaded): `CREATE_TASK_KIND`,
 *   `CLONE_TASK_KIND` (both cancellable: nothing exists until they complete, so a cancel only releases the
 *   reserved name and the source), `RECONFIGURE_TASK_KIND`, `REMOVE_TASK_KIND`.
 *
 * Rules (as real systems have them; the limits and the powered-on rules are @shared/model/vmLimits,
 * which the contract's schemas and the client's forms read too): vCPU and memory changes need the VM
 * powered off, unless CPU / memory hot-add is enabled — then only increases, while powered on (the
 * running guest OS, which has no hot-plug driver, sees the added resources after its next restart);
 * monitor, paging, workload and the hot-add switches change only while powered off; shares /
 * reservation / limit change any time (limit ≥ reservation; reservations must fit the host). Monitor
 * and paging must make a valid pair (nested paging needs the hw monitor: `pagingProblem`,
 * @shared/model/mmuVirtualization), refused at `…paging` when a create or an edit would break it.
 * Clones need the source powered off (or a template) and copy its current disk contents by reference
 * (copy-on-write blocks), not its snapshots. Only powered-off VMs and templates can be deleted. A
 * powered-on VM's overhead memory follows hot-added vCPUs and memory (charged to its host; refused with
 * E_INSUFFICIENT_RESOURCES when the host has no room).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import { hasOwn } from '@shared/api/schema';
import type { VmChanges, VmSpec } from '@shared/api/commands';
import type { DatastoreId, HostId, NetworkId, TaskId, VmId } from '@shared/model/ids';
import { pagingProblem } from '@shared/model/mmuVirtualization';
import { cpuAllocationProblem, runningChangeProblem } from '@shared/model/vmLimits';
import { memoryMiBOf } from '@shared/model/vmHardware';
import { CLONE_TASK_NAMES, OPERATION_NAMES } from '@shared/model/taskNames';
import { POWER_STATE_LABELS } from '@shared/model/vmPower';
import type { OpContext } from '../lab/index';
import type { Host, Vm } from './registry';
import { newVm, fieldsOf, VM_DEFAULTS, workloadParamsProblem, workloadProblem } from './newVm';
import { DiskChain } from '../snapshot/index';
import { timedKind } from '../tasks/index';
import { clonePlain } from '../sim/index';
import type { TaskKind, TimedState } from '../tasks/index';
import { VmRuntime } from '../vm/index';
import { chargeOverhead, cpuPolicyOf, liveDisks, releaseAll } from '../vm/index';
import { poolAdmissionProblem, poolScopeOfHost, reservationFits, startPowerOp } from '../vm/index';
import { vmOverheadFrames } from '../metrics/index';
import { CLONE_BYTES_PER_SECOND, MAX_GUEST_MEMORY_BYTES } from '../params';

const MiB = 1024 * 1024;
type Started = { taskId: TaskId } | { error: ApiError };

function usable(host: Host): boolean {
  return host.connectionState === 'connected' && host.powerState === 'poweredOn' && !host.inMaintenanceMode && !host.busyTaskId;
}

function nameProblem(ctx: OpContext, name: string, field: string): ApiError | undefined {
  if (ctx.reg.nameTaken(name) || ctx.reg.reservedNames.has(name)) return apiError('E_DUPLICATE_NAME', `The name '${name}' already exists.`, field);
  return undefined;
}

/** Where a new VM goes: the given host, else the least-loaded usable host of the cluster / the lab. */
function placeVm(ctx: OpContext, hostId: HostId | undefined, clusterId: string | undefined, field: string): Host | ApiError {
  if (hostId) {
    const h = ctx.reg.hosts.get(hostId);
    if (!h) return apiError('E_NOT_FOUND', `no host ${hostId}`, `${field}.hostId`);
    if (clusterId && h.clusterId !== clusterId) return apiError('E_INVALID_ARGUMENT', `host ${h.name} is not in ${clusterId}`, `${field}.hostId`);
    if (!usable(h)) return apiError('E_INVALID_STATE', `Host ${h.name} is not available (disconnected or in maintenance mode).`, `${field}.hostId`);
    return h;
  }
  if (clusterId && !ctx.reg.clusters.has(clusterId as `cluster-${number}`)) return apiError('E_NOT_FOUND', `no cluster ${clusterId}`, `${field}.clusterId`);
  let best: Host | undefined;
  let bestCount = Infinity;
  for (const h of ctx.reg.hosts.values()) {
    if ((clusterId && h.clusterId !== clusterId) || !usable(h)) continue;
    const n = ctx.reg.vmsOnHost(h.id).length;
    if (n < bestCount) { best = h; bestCount = n; }
  }
  return best ?? apiError('E_INSUFFICIENT_RESOURCES', 'No connected host outside maintenance mode can take the virtual machine.', field);
}

function logVm(ctx: OpContext, vm: Vm, type: string, text: string, taskId?: TaskId): void {
  ctx.events.log(ctx.nowMs(), 'info', type, text, { id: vm.id, name: vm.name }, taskId);
}

function hostOf(ctx: OpContext, hostId: HostId): Host {
  const h = ctx.reg.hosts.get(hostId);
  if (!h) throw new Error(`the task's host ${hostId} no longer exists`);
  return h;
}

function vmOf(ctx: OpContext, vmId: VmId): Vm {
  const vm = ctx.reg.vms.get(vmId);
  // A VM with a task in flight cannot be deleted, so this holds unless the lab state is corrupt.
  if (!vm) throw new Error(`the task's virtual machine ${vmId} no longer exists`);
  return vm;
}

interface CreateTaskState extends TimedState {
  spec: VmSpec; hostId: HostId; datastoreId: DatastoreId; networkId: NetworkId;
}

export const CREATE_TASK_KIND: TaskKind<CreateTaskState, OpContext> = timedKind<CreateTaskState, OpContext>({
  begin(ctx, t) {
    const host = hostOf(ctx, t.state.hostId);
    ctx.events.log(ctx.nowMs(), 'info', 'VmBeingCreatedEvent', `Creating ${t.state.spec.name} on ${host.name}`, { id: host.id, name: host.name }, t.id);
  },
  complete(ctx, t) {
    const { spec, datastoreId, networkId } = t.state;
    const host = hostOf(ctx, t.state.hostId);
    ctx.reg.reservedNames.delete(spec.name);
    if (!usable(host)) return { error: apiError('E_INVALID_STATE', `Host ${host.name} is no longer available.`, 'params.spec.hostId') };
    const { name, hostId: _h, clusterId: _c, powerOn, ...fields } = spec;
    const vm = newVm(ctx.reg, { name, datacenterId: host.datacenterId, hostId: host.id, datastoreId, networkId }, fields);
    ctx.setRuntime(vm.id, new VmRuntime(vm));
    ctx.vmop(vm, 'create');
    ctx.markChanged(vm.id, host.id);
    logVm(ctx, vm, 'VmCreatedEvent', `Created virtual machine ${vm.name} on ${host.name}`, t.id);
    if (powerOn) {
      const r = startPowerOp(ctx, vm.id, 'powerOn', t.dto.initiator);
      if ('error' in r) ctx.events.log(ctx.nowMs(), 'warning', 'VmFailedToPowerOnEvent', `${vm.name}: ${r.error.message}`, { id: vm.id, name: vm.name });
    }
    return { result: { vmId: vm.id } };
  },
  // Nothing exists before completion: cancelling only releases the name (in `finished`).
  cancel() {},
  finished(ctx, t) { ctx.reg.reservedNames.delete(t.state.spec.name); },
});

export function startCreate(ctx: OpContext, spec: VmSpec, initiator: string): Started {
  const dup = nameProblem(ctx, spec.name, 'params.spec.name');
  if (dup) return { error: dup };
  const paging = pagingProblem(spec.monitor ?? VM_DEFAULTS.monitor, spec.paging ?? VM_DEFAULTS.paging);
  if (paging) return { error: apiError('E_INVALID_ARGUMENT', paging, 'params.spec.paging') };
  const workload = workloadProblem(spec.workload, ctx.workloads);
  if (workload) return { error: apiError('E_INVALID_ARGUMENT', workload, 'params.spec.workload') };
  const param = workloadParamsProblem(spec.workload ?? VM_DEFAULTS.workload, spec.workloadParams, ctx.guestParams);
  if (param) return { error: apiError('E_INVALID_ARGUMENT', param.message, `params.spec.workloadParams.${param.key}`) };
  const host = placeVm(ctx, spec.hostId, spec.clusterId, 'params.spec');
  if ('code' in host) return { error: host };
  const ds = ctx.reg.datastores.get(host.datastoreIds[0]);
  const net = ctx.reg.networks.get(host.networkIds[0]);
  if (!ds || !net) return { error: apiError('E_INVALID_STATE', `Host ${host.name} has no datastore or network.`, 'params.spec.hostId') };
  ctx.reg.reservedNames.add(spec.name);
  const taskId = ctx.tasks.start<CreateTaskState>(ctx.nowMs(), {
    kind: 'vm.create', operation: 'vm.create', name: OPERATION_NAMES['vm.create'], targetId: host.id, targetName: host.name, initiator,
    state: { spec: clonePlain(spec), hostId: host.id, datastoreId: ds.id, networkId: net.id, durationMs: ctx.jitter(1000) },
  });
  return { taskId };
}

interface CloneTaskState extends TimedState {
  srcId: VmId; name: string; hostId: HostId; asTemplate: boolean; deploy: boolean;
  /** Where the clone's disks go (absent in a clone saved in flight before it could be chosen: the host's first). */
  datastoreId?: DatastoreId;
}

export const CLONE_TASK_KIND: TaskKind<CloneTaskState, OpContext> = timedKind<CloneTaskState, OpContext>({
  begin(ctx, t) {
    const { deploy, name } = t.state;
    const src = vmOf(ctx, t.state.srcId);
    logVm(ctx, src, deploy ? 'VmBeingDeployedEvent' : 'VmBeingClonedEvent', `${deploy ? 'Deploying' : 'Cloning'} ${src.name} on ${hostOf(ctx, t.state.hostId).name} to ${name}`, t.id);
  },
  complete(ctx, t) {
    const { deploy, name, asTemplate } = t.state;
    const src = vmOf(ctx, t.state.srcId);
    const host = hostOf(ctx, t.state.hostId);
    ctx.reg.reservedNames.delete(name);
    if (!usable(host)) return { error: apiError('E_INVALID_STATE', `Host ${host.name} is no longer available.`, 'params.hostId') };
    const datastoreId = t.state.datastoreId ?? host.datastoreIds[0];
    if (!host.datastoreIds.includes(datastoreId) || ctx.reg.datastores.get(datastoreId)?.inaccessibleSinceMs !== undefined) {
      return { error: apiError('E_INVALID_STATE', `Datastore ${ctx.reg.nameOf(datastoreId)} is no longer reachable from ${host.name}.`, 'params.datastoreId') };
    }
    const vm = newVm(ctx.reg, {
      name, datacenterId: host.datacenterId, hostId: host.id, datastoreId,
      networkId: host.networkIds[0], isTemplate: asTemplate,
    }, fieldsOf(src));
    const rt = new VmRuntime(vm);
    rt.disks = liveDisks(ctx, src.id).map((d) => DiskChain.onChain(d.capacityBytes, [d.flatten()]));
    ctx.setRuntime(vm.id, rt);
    ctx.vmop(vm, deploy ? 'deploy' : 'clone');
    ctx.markChanged(vm.id, host.id);
    logVm(ctx, vm, deploy ? 'VmDeployedEvent' : 'VmClonedEvent', deploy ? `Template ${src.name} deployed on host ${host.name} as ${vm.name}` : `Clone of ${src.name} completed: ${vm.name} on ${host.name}`, t.id);
    return { result: { vmId: vm.id } };
  },
  // Nothing exists before completion: cancelling only releases the name and the source (in `finished`).
  cancel() {},
  finished(ctx, t) {
    ctx.reg.reservedNames.delete(t.state.name);
    const src = ctx.reg.vms.get(t.state.srcId);
    if (src) src.busyTaskId = undefined;
  },
});

/**
 * Where a clone's disks go: the datastore asked for, else the host's first; it must be one the host
 * reaches, accessible, and have room for the source's disks (thick: their full capacity).
 */
function cloneDatastore(ctx: OpContext, host: Host, src: Vm, datastoreId: DatastoreId | undefined): DatastoreId | ApiError {
  const field = datastoreId ? 'params.datastoreId' : 'params.hostId';
  const id = datastoreId ?? host.datastoreIds[0];
  const ds = id ? ctx.reg.datastores.get(id) : undefined;
  if (!ds) return datastoreId ? apiError('E_NOT_FOUND', `no datastore ${datastoreId}`, field) : apiError('E_INVALID_STATE', `Host ${host.name} has no datastore.`, field);
  if (!host.datastoreIds.includes(ds.id)) return apiError('E_INVALID_ARGUMENT', `Host ${host.name} cannot reach datastore ${ds.name}: choose one of its datastores.`, field);
  if (ds.inaccessibleSinceMs !== undefined) return apiError('E_INVALID_STATE', `Datastore ${ds.name} is inaccessible.`, field);
  const need = src.disks.reduce((n, d) => n + d.capacityBytes, 0);
  const free = ds.capacityBytes - ctx.provisionedBytes(ds.id);
  if (need > free) {
    return apiError('E_INSUFFICIENT_RESOURCES', `Datastore ${ds.name} has ${Math.floor(free / 1024 ** 3)} GB free; the clone's disks need ${Math.ceil(need / 1024 ** 3)} GB.`, field);
  }
  return ds.id;
}

export function startClone(ctx: OpContext, p: { vmId: VmId; name: string; hostId?: HostId; datastoreId?: DatastoreId; asTemplate?: boolean }, initiator: string): Started {
  const src = ctx.reg.vms.get(p.vmId);
  if (!src) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
  if (!src.isTemplate && src.powerState !== 'poweredOff') {
    return { error: apiError('E_INVALID_STATE', `${src.name} must be powered off to be cloned (it is ${POWER_STATE_LABELS[src.powerState].toLowerCase()}).`, 'params.vmId') };
  }
  if (src.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${src.busyTaskId}) is in progress on ${src.name}.`, 'params.vmId') };
  const dup = nameProblem(ctx, p.name, 'params.name');
  if (dup) return { error: dup };
  const host = placeVm(ctx, p.hostId ?? src.hostId, undefined, 'params');
  if ('code' in host) return { error: host };
  const datastoreId = cloneDatastore(ctx, host, src, p.datastoreId);
  if (typeof datastoreId !== 'string') return { error: datastoreId };
  const deploy = src.isTemplate && !p.asTemplate;
  const bytes = liveDisks(ctx, src.id).reduce((n, d) => n + d.usedBytes(), 0);
  ctx.reg.reservedNames.add(p.name);
  const taskId = ctx.tasks.start<CloneTaskState>(ctx.nowMs(), {
    kind: 'vm.clone', operation: 'vm.clone', name: CLONE_TASK_NAMES[p.asTemplate ? 'template' : deploy ? 'deploy' : 'vm'],
    targetId: src.id, targetName: src.name, initiator,
    state: {
      srcId: src.id, name: p.name, hostId: host.id, datastoreId, asTemplate: p.asTemplate ?? false, deploy,
      durationMs: ctx.jitter(Math.max(2000, (bytes / CLONE_BYTES_PER_SECOND) * 1000)),
    },
  });
  src.busyTaskId = taskId;
  return { taskId };
}

/** Edit Settings rules; returns the first problem with the path of the offending change. */
export function reconfigureProblem(ctx: OpContext, vm: Vm, ch: VmChanges): ApiError | undefined {
  const f = (k: string) => `params.changes.${k}`;
  if (vm.isTemplate) return apiError('E_INVALID_STATE', `${vm.name} is a template: convert or deploy it to edit its settings.`, 'params.vmId');
  const on = vm.powerState === 'poweredOn';
  const workload = workloadProblem(ch.workload, ctx.workloads);
  if (workload) return apiError('E_INVALID_ARGUMENT', workload, f('workload'));
  // The parameters the VM will run with, checked against the program it will run (a new workload keeps
  // the old values unless new ones come with it).
  if (ch.workload !== undefined || ch.workloadParams !== undefined) {
    const param = workloadParamsProblem(ch.workload ?? vm.workload, ch.workloadParams ?? vm.workloadParams, ctx.guestParams);
    if (param) return apiError('E_INVALID_ARGUMENT', param.message, f(ch.workloadParams !== undefined ? `workloadParams.${param.key}` : 'workload'));
  }
  // The pair is checked only when the edit touches it: a VM loaded from an older save keeps running as it was.
  if (ch.monitor !== undefined || ch.paging !== undefined) {
    const paging = pagingProblem(ch.monitor ?? vm.monitor, ch.paging ?? vm.paging);
    if (paging) return apiError('E_INVALID_ARGUMENT', paging, f('paging'));
  }
  const running = runningChangeProblem(vm, ch);
  if (running) return apiError('E_INVALID_STATE', running.message, f(running.setting));
  const alloc = cpuAllocationProblem({ cpuReservationMhz: ch.cpuReservationMhz ?? vm.cpuReservationMhz, cpuLimitMhz: ch.cpuLimitMhz ?? vm.cpuLimitMhz });
  if (alloc) return apiError('E_INVALID_ARGUMENT', alloc, f(ch.cpuLimitMhz !== undefined ? 'cpuLimitMhz' : 'cpuReservationMhz'));
  if (on && ch.cpuReservationMhz !== undefined && !reservationFits(ctx, vm, ch.cpuReservationMhz)) {
    return apiError('E_INSUFFICIENT_RESOURCES', `the host cannot reserve ${ch.cpuReservationMhz} MHz more`, f('cpuReservationMhz'));
  }
  if (on && vm.hostId && ch.cpuReservationMhz !== undefined && ch.cpuReservationMhz > vm.cpuReservationMhz) {
    const mhz = ch.cpuReservationMhz;
    const problem = poolAdmissionProblem(ctx.reg, poolScopeOfHost(ctx.reg, vm.hostId), (t) => {
      const entry = t.vms.find((x) => x.id === vm.id);
      if (entry) entry.reservationMhz = mhz;
    }, `a CPU reservation of ${mhz} MHz for ${vm.name}`, f('cpuReservationMhz'));
    if (problem) return problem;
  }
  return undefined;
}

function describeChanges(vm: Vm, ch: VmChanges): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(ch)) {
    if (v === undefined) continue;
    const cur = k === 'memoryMiB' ? memoryMiBOf(vm) : (vm as unknown as Record<string, unknown>)[k];
    parts.push(`${k}: ${JSON.stringify(cur)} → ${JSON.stringify(v)}`);
  }
  return parts.join(', ') || 'no changes';
}

/**
 * How each Edit Settings field is written onto the VM: a mapped type, so a new field in the contract is a
 * compile error until it is handled here. Changes are applied field by named field, never by the keys
 * an input object carries (`__proto__` would otherwise replace the VM's prototype).
 */
const APPLY: { [K in keyof Required<VmChanges>]: (vm: Vm, v: NonNullable<VmChanges[K]>) => void } = {
  vcpus: (vm, v) => { vm.vcpus = v; },
  memoryMiB: (vm, v) => { vm.memoryBytes = v * MiB; },
  monitor: (vm, v) => { vm.monitor = v; },
  paging: (vm, v) => { vm.paging = v; },
  pageTableLevels: (vm, v) => { vm.pageTableLevels = v; },
  workload: (vm, v) => { vm.workload = v; },
  workloadParams: (vm, v) => { vm.workloadParams = { ...v }; },
  cpuHotAddEnabled: (vm, v) => { vm.cpuHotAddEnabled = v; },
  memoryHotAddEnabled: (vm, v) => { vm.memoryHotAddEnabled = v; },
  cpuShares: (vm, v) => { vm.cpuShares = v; },
  cpuReservationMhz: (vm, v) => { vm.cpuReservationMhz = v; },
  cpuLimitMhz: (vm, v) => { vm.cpuLimitMhz = v; },
};

function applyChanges(vm: Vm, ch: VmChanges): void {
  for (const k of Object.keys(APPLY) as (keyof VmChanges)[]) {
    const v = hasOwn(ch, k) ? ch[k] : undefined;
    if (v !== undefined) (APPLY[k] as (vm: Vm, v: unknown) => void)(vm, v);
  }
}

/** A powered-on VM whose hot add raises its overhead: does the host have room for the difference? */
function overheadProblem(ctx: OpContext, vm: Vm, ch: VmChanges): ApiError | undefined {
  if (vm.powerState !== 'poweredOn' || !vm.hostId || (ch.vcpus === undefined && ch.memoryMiB === undefined)) return undefined;
  const owner = ctx.host(vm.hostId);
  if (!owner) return undefined;
  const after = { ...vm, vcpus: ch.vcpus ?? vm.vcpus, memoryBytes: ch.memoryMiB !== undefined ? ch.memoryMiB * MiB : vm.memoryBytes };
  if (owner.overheadFits(vm.id, vmOverheadFrames(after))) return undefined;
  return apiError('E_INSUFFICIENT_RESOURCES', `Host ${ctx.reg.nameOf(vm.hostId)} has no room for the larger overhead memory of ${vm.name}.`, `params.changes.${ch.memoryMiB !== undefined ? 'memoryMiB' : 'vcpus'}`);
}

interface ReconfigureTaskState extends TimedState { vmId: VmId; changes: VmChanges }

export const RECONFIGURE_TASK_KIND: TaskKind<ReconfigureTaskState, OpContext> = timedKind<ReconfigureTaskState, OpContext>({
  precheck: (ctx, t) => reconfigureProblem(ctx, vmOf(ctx, t.state.vmId), t.state.changes),
  complete(ctx, t) {
    const vm = vmOf(ctx, t.state.vmId);
    const ch = t.state.changes;
    const p = reconfigureProblem(ctx, vm, ch) ?? overheadProblem(ctx, vm, ch);
    if (p) return { error: p };
    const summary = describeChanges(vm, ch);
    applyChanges(vm, ch);
    const hotAdded = vm.powerState === 'poweredOn' && (ch.vcpus !== undefined || ch.memoryMiB !== undefined);
    if (vm.powerState === 'poweredOn' && vm.hostId) {
      // Queued on the host's owner: the scheduler takes it before the host's next segment.
      ctx.host(vm.hostId)?.setPolicy(vm.id, cpuPolicyOf(vm, ctx.reg));
      // Checked above (overheadProblem), so the larger overhead fits.
      if (hotAdded && !chargeOverhead(ctx, vm)) throw new Error(`overhead of ${vm.name} no longer fits its host`);
    }
    ctx.vmop(vm, 'reconfigure');
    ctx.markChanged(vm.id);
    logVm(ctx, vm, 'VmReconfiguredEvent', `Reconfigured ${vm.name} on ${ctx.reg.nameOf(vm.hostId ?? '')}: ${summary}${hotAdded ? ' (hot-added; the guest sees it after its next restart)' : ''}`, t.id);
    return {};
  },
  finished(ctx, t) { const vm = ctx.reg.vms.get(t.state.vmId); if (vm) vm.busyTaskId = undefined; },
});

export function startReconfigure(ctx: OpContext, vmId: VmId, ch: VmChanges, initiator: string): Started {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId') };
  const problem = reconfigureProblem(ctx, vm, ch) ?? overheadProblem(ctx, vm, ch);
  if (problem) return { error: problem };
  const taskId = ctx.tasks.start<ReconfigureTaskState>(ctx.nowMs(), {
    kind: 'vm.reconfigure', operation: 'vm.reconfigure', name: OPERATION_NAMES['vm.reconfigure'], targetId: vm.id, targetName: vm.name, initiator,
    state: { vmId: vm.id, changes: clonePlain(ch), durationMs: ctx.jitter(800) },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

function removeProblem(vm: Vm): ApiError | undefined {
  return vm.powerState === 'poweredOff'
    ? undefined
    : apiError('E_INVALID_STATE', `The attempted operation cannot be performed in the current state (${POWER_STATE_LABELS[vm.powerState]}): power off ${vm.name} first.`, 'params.vmId');
}

interface RemoveTaskState extends TimedState { vmId: VmId }

export const REMOVE_TASK_KIND: TaskKind<RemoveTaskState, OpContext> = timedKind<RemoveTaskState, OpContext>({
  precheck: (ctx, t) => removeProblem(vmOf(ctx, t.state.vmId)),
  complete(ctx, t) {
    const vm = vmOf(ctx, t.state.vmId);
    const again = removeProblem(vm);
    if (again) return { error: again };
    ctx.vmop(vm, 'destroy');
    // its snapshots' images go with it
    releaseAll(ctx, ctx.runtime(vm.id));
    ctx.reg.vms.delete(vm.id);
    ctx.forgetVm(vm.id);
    ctx.markChanged(vm.id, ...(vm.hostId ? [vm.hostId] : []));
    logVm(ctx, vm, 'VmRemovedEvent', `Removed ${vm.name} on ${ctx.reg.nameOf(vm.hostId ?? '')} from ${ctx.reg.nameOf(vm.datacenterId)}`, t.id);
    return {};
  },
  finished(ctx, t) { const vm = ctx.reg.vms.get(t.state.vmId); if (vm) vm.busyTaskId = undefined; },
});

export function startRemove(ctx: OpContext, vmId: VmId, initiator: string): Started {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId') };
  const p = removeProblem(vm);
  if (p) return { error: p };
  const taskId = ctx.tasks.start<RemoveTaskState>(ctx.nowMs(), {
    kind: 'vm.remove', operation: 'vm.remove', name: OPERATION_NAMES['vm.remove'], targetId: vm.id, targetName: vm.name, initiator,
    state: { vmId: vm.id, durationMs: ctx.jitter(1000) },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}
