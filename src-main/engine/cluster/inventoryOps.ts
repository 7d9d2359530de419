/**
 * inventoryOps — inventory changes as Tasks: New Virtual Machine, Clone (to a VM or to a template),
 * Deploy from template (a clone whose source is a template), Edit Settings (reconfigure), Delete.
 *
 * - `startCreate(lab, spec)`, `startClone(lab, params)`, `startReconfigure(lab, vmId, changes)`,
 *   `startRemove(lab, vmId)`: each validates first (typed error naming the field, nothing changes),
 *   then starts a Task whose effect re-checks and applies; results carry `{ vmId }` where one is made.
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
 * (copy-on-write blocks), not its snapshots. Only powered-off VMs and templates can be deleted.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { VmChanges, VmSpec } from '@shared/api/commands';
import type { HostId, TaskId, VmId } from '@shared/model/ids';
import { pagingProblem } from '@shared/model/mmuVirtualization';
import { cpuAllocationProblem, runningChangeProblem } from '@shared/model/vmLimits';
import { memoryMiBOf } from '@shared/model/vmHardware';
import { CLONE_TASK_NAMES, OPERATION_NAMES } from '@shared/model/taskNames';
import { POWER_STATE_LABELS } from '@shared/model/vmPower';
import type { Lab } from '../lab/lab';
import type { Host, Vm } from './registry';
import { newVm, fieldsOf, VM_DEFAULTS } from './newVm';
import { DiskChain } from '../snapshot/index';
import { VmRuntime } from '../vm/vmRuntime';
import { cpuPolicyOf } from '../vm/guestLifecycle';
import { reservationFits, startPowerOp } from '../vm/powerOps';
import { CLONE_BYTES_PER_SECOND } from '../params';

const MiB = 1024 * 1024;
type Started = { taskId: TaskId } | { error: ApiError };

function usable(host: Host): boolean {
  return host.connectionState === 'connected' && host.powerState === 'poweredOn' && !host.inMaintenanceMode && !host.busyTaskId;
}

function nameProblem(lab: Lab, name: string, field: string): ApiError | undefined {
  if (lab.reg.nameTaken(name) || lab.pendingNames.has(name)) return apiError('E_DUPLICATE_NAME', `The name '${name}' already exists.`, field);
  return undefined;
}

/** Where a new VM goes: the given host, else the least-loaded usable host of the cluster / the lab. */
function placeVm(lab: Lab, hostId: HostId | undefined, clusterId: string | undefined, field: string): Host | ApiError {
  if (hostId) {
    const h = lab.reg.hosts.get(hostId);
    if (!h) return apiError('E_NOT_FOUND', `no host ${hostId}`, `${field}.hostId`);
    if (clusterId && h.clusterId !== clusterId) return apiError('E_INVALID_ARGUMENT', `host ${h.name} is not in ${clusterId}`, `${field}.hostId`);
    if (!usable(h)) return apiError('E_INVALID_STATE', `Host ${h.name} is not available (disconnected or in maintenance mode).`, `${field}.hostId`);
    return h;
  }
  if (clusterId && !lab.reg.clusters.has(clusterId as `cluster-${number}`)) return apiError('E_NOT_FOUND', `no cluster ${clusterId}`, `${field}.clusterId`);
  let best: Host | undefined;
  let bestCount = Infinity;
  for (const h of lab.reg.hosts.values()) {
    if ((clusterId && h.clusterId !== clusterId) || !usable(h)) continue;
    const n = lab.reg.vmsOnHost(h.id).length;
    if (n < bestCount) { best = h; bestCount = n; }
  }
  return best ?? apiError('E_INSUFFICIENT_RESOURCES', 'No connected host outside maintenance mode can take the virtual machine.', field);
}

function logVm(lab: Lab, vm: Vm, type: string, text: string, taskId?: TaskId): void {
  lab.events.log(lab.clock.nowMs, 'info', type, text, { id: vm.id, name: vm.name }, taskId);
}

export function startCreate(lab: Lab, spec: VmSpec): Started {
  const dup = nameProblem(lab, spec.name, 'params.spec.name');
  if (dup) return { error: dup };
  const paging = pagingProblem(spec.monitor ?? VM_DEFAULTS.monitor, spec.paging ?? VM_DEFAULTS.paging);
  if (paging) return { error: apiError('E_INVALID_ARGUMENT', paging, 'params.spec.paging') };
  const host = placeVm(lab, spec.hostId, spec.clusterId, 'params.spec');
  if ('code' in host) return { error: host };
  const ds = lab.reg.datastores.get(host.datastoreIds[0]);
  const net = lab.reg.networks.get(host.networkIds[0]);
  if (!ds || !net) return { error: apiError('E_INVALID_STATE', `Host ${host.name} has no datastore or network.`, 'params.spec.hostId') };
  lab.pendingNames.add(spec.name);
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.create', name: OPERATION_NAMES['vm.create'], targetId: host.id, targetName: host.name,
    durationMs: lab.jitter(1000),
    onStart: () => lab.events.log(lab.clock.nowMs, 'info', 'VmBeingCreatedEvent', `Creating ${spec.name} on ${host.name}`, { id: host.id, name: host.name }, taskId),
    complete: () => {
      lab.pendingNames.delete(spec.name);
      if (!usable(host)) return { error: apiError('E_INVALID_STATE', `Host ${host.name} is no longer available.`, 'params.spec.hostId') };
      const { name, hostId: _h, clusterId: _c, powerOn, ...fields } = spec;
      const vm = newVm(lab.reg, { name, datacenterId: host.datacenterId, hostId: host.id, datastoreId: ds.id, networkId: net.id }, fields);
      lab.runtimes.set(vm.id, new VmRuntime(vm));
      lab.vmop(vm, 'create');
      lab.markChanged(vm.id, host.id);
      logVm(lab, vm, 'VmCreatedEvent', `Created virtual machine ${vm.name} on ${host.name}`, taskId);
      if (powerOn) {
        const r = startPowerOp(lab, vm.id, 'powerOn');
        if ('error' in r) lab.events.log(lab.clock.nowMs, 'warning', 'VmFailedToPowerOnEvent', `${vm.name}: ${r.error.message}`, { id: vm.id, name: vm.name });
      }
      return { result: { vmId: vm.id } };
    },
    onFinished: () => lab.pendingNames.delete(spec.name),
  });
  return { taskId };
}

export function startClone(lab: Lab, p: { vmId: VmId; name: string; hostId?: HostId; asTemplate?: boolean }): Started {
  const src = lab.reg.vms.get(p.vmId);
  if (!src) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
  if (!src.isTemplate && src.powerState !== 'poweredOff') {
    return { error: apiError('E_INVALID_STATE', `${src.name} must be powered off to be cloned (it is ${POWER_STATE_LABELS[src.powerState].toLowerCase()}).`, 'params.vmId') };
  }
  if (src.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${src.busyTaskId}) is in progress on ${src.name}.`, 'params.vmId') };
  const dup = nameProblem(lab, p.name, 'params.name');
  if (dup) return { error: dup };
  const host = placeVm(lab, p.hostId ?? src.hostId, undefined, 'params');
  if ('code' in host) return { error: host };
  const deploy = src.isTemplate && !p.asTemplate;
  const srcRt = lab.runtime(src.id);
  const bytes = srcRt.disks.reduce((n, d) => n + d.usedBytes(), 0);
  const [beingType, doneType] = deploy ? ['VmBeingDeployedEvent', 'VmDeployedEvent'] : ['VmBeingClonedEvent', 'VmClonedEvent'];
  lab.pendingNames.add(p.name);
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.clone', name: CLONE_TASK_NAMES[p.asTemplate ? 'template' : deploy ? 'deploy' : 'vm'],
    targetId: src.id, targetName: src.name,
    durationMs: lab.jitter(Math.max(2000, (bytes / CLONE_BYTES_PER_SECOND) * 1000)),
    onStart: () => logVm(lab, src, beingType, `${deploy ? 'Deploying' : 'Cloning'} ${src.name} on ${host.name} to ${p.name}`, taskId),
    complete: () => {
      lab.pendingNames.delete(p.name);
      if (!usable(host)) return { error: apiError('E_INVALID_STATE', `Host ${host.name} is no longer available.`, 'params.hostId') };
      const vm = newVm(lab.reg, {
        name: p.name, datacenterId: host.datacenterId, hostId: host.id, datastoreId: host.datastoreIds[0],
        networkId: host.networkIds[0], isTemplate: p.asTemplate ?? false,
      }, fieldsOf(src));
      const rt = new VmRuntime(vm);
      rt.disks = srcRt.disks.map((d) => DiskChain.onChain(d.capacityBytes, [d.flatten()]));
      lab.runtimes.set(vm.id, rt);
      lab.vmop(vm, deploy ? 'deploy' : 'clone');
      lab.markChanged(vm.id, host.id);
      logVm(lab, vm, doneType, deploy ? `Template ${src.name} deployed on host ${host.name} as ${vm.name}` : `Clone of ${src.name} completed: ${vm.name} on ${host.name}`, taskId);
      return { result: { vmId: vm.id } };
    },
    onFinished: () => { lab.pendingNames.delete(p.name); src.busyTaskId = undefined; },
  });
  src.busyTaskId = taskId;
  return { taskId };
}

/** Edit Settings rules; returns the first problem with the path of the offending change. */
export function reconfigureProblem(lab: Lab, vm: Vm, ch: VmChanges): ApiError | undefined {
  const f = (k: string) => `params.changes.${k}`;
  if (vm.isTemplate) return apiError('E_INVALID_STATE', `${vm.name} is a template: convert or deploy it to edit its settings.`, 'params.vmId');
  const on = vm.powerState === 'poweredOn';
  // The pair is checked only when the edit touches it: a VM loaded from an older save keeps running as it was.
  if (ch.monitor !== undefined || ch.paging !== undefined) {
    const paging = pagingProblem(ch.monitor ?? vm.monitor, ch.paging ?? vm.paging);
    if (paging) return apiError('E_INVALID_ARGUMENT', paging, f('paging'));
  }
  const running = runningChangeProblem(vm, ch);
  if (running) return apiError('E_INVALID_STATE', running.message, f(running.setting));
  const alloc = cpuAllocationProblem({ cpuReservationMhz: ch.cpuReservationMhz ?? vm.cpuReservationMhz, cpuLimitMhz: ch.cpuLimitMhz ?? vm.cpuLimitMhz });
  if (alloc) return apiError('E_INVALID_ARGUMENT', alloc, f(ch.cpuLimitMhz !== undefined ? 'cpuLimitMhz' : 'cpuReservationMhz'));
  if (on && ch.cpuReservationMhz !== undefined && !reservationFits(lab, vm, ch.cpuReservationMhz)) {
    return apiError('E_INSUFFICIENT_RESOURCES', `the host cannot reserve ${ch.cpuReservationMhz} MHz more`, f('cpuReservationMhz'));
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

export function startReconfigure(lab: Lab, vmId: VmId, ch: VmChanges): Started {
  const vm = lab.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId') };
  const problem = reconfigureProblem(lab, vm, ch);
  if (problem) return { error: problem };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.reconfigure', name: OPERATION_NAMES['vm.reconfigure'], targetId: vm.id, targetName: vm.name,
    durationMs: lab.jitter(800),
    precheck: () => reconfigureProblem(lab, vm, ch),
    complete: () => {
      const p = reconfigureProblem(lab, vm, ch);
      if (p) return { error: p };
      const summary = describeChanges(vm, ch);
      const { memoryMiB, ...rest } = ch;
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) (vm as unknown as Record<string, unknown>)[k] = k === 'workloadParams' ? { ...(v as object) } : v;
      if (memoryMiB !== undefined) vm.memoryBytes = memoryMiB * MiB;
      const hotAdded = vm.powerState === 'poweredOn' && (ch.vcpus !== undefined || memoryMiB !== undefined);
      if (vm.powerState === 'poweredOn' && vm.hostId) lab.schedulers.get(vm.hostId)?.setPolicy(vm.id, cpuPolicyOf(vm));
      lab.vmop(vm, 'reconfigure');
      lab.markChanged(vm.id);
      logVm(lab, vm, 'VmReconfiguredEvent', `Reconfigured ${vm.name} on ${lab.reg.nameOf(vm.hostId ?? '')}: ${summary}${hotAdded ? ' (hot-added; the guest sees it after its next restart)' : ''}`, taskId);
      return {};
    },
    onFinished: () => { vm.busyTaskId = undefined; },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}

export function startRemove(lab: Lab, vmId: VmId): Started {
  const vm = lab.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId') };
  const problem = (): ApiError | undefined => (vm.powerState === 'poweredOff'
    ? undefined
    : apiError('E_INVALID_STATE', `The attempted operation cannot be performed in the current state (${POWER_STATE_LABELS[vm.powerState]}): power off ${vm.name} first.`, 'params.vmId'));
  const p = problem();
  if (p) return { error: p };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.remove', name: OPERATION_NAMES['vm.remove'], targetId: vm.id, targetName: vm.name,
    durationMs: lab.jitter(1000),
    precheck: problem,
    complete: () => {
      const again = problem();
      if (again) return { error: again };
      lab.vmop(vm, 'destroy');
      lab.reg.vms.delete(vm.id);
      lab.runtimes.delete(vm.id);
      lab.samples.forget(vm.id);
      lab.markChanged(vm.id, ...(vm.hostId ? [vm.hostId] : []));
      logVm(lab, vm, 'VmRemovedEvent', `Removed ${vm.name} on ${lab.reg.nameOf(vm.hostId ?? '')} from ${lab.reg.nameOf(vm.datacenterId)}`, taskId);
      return {};
    },
    onFinished: () => { vm.busyTaskId = undefined; },
  });
  vm.busyTaskId = taskId;
  return { taskId };
}
