/**
 * inventoryOps — inventory changes as Tasks: New Virtual Machine, Clone (to a VM or to a template),
 * Deploy from template (a clone whose source is a template), Edit Settings (reconfigure), Delete.
 *
 * - `startCreate(lab, spec)`, `startClone(lab, params)`, `startReconfigure(lab, vmId, changes)`,
 *   `startRemove(lab, vmId)`: each validates first (typed error naming the field, nothing changes),
 *   then starts a Task whose effect re-checks and applies; results carry `{ vmId }` where one is made.
 *
 * Rules (as real systems have them): vCPU and memory changes need the VM powered off, unless CPU /
 * memory hot-add is enabled — then only increases, while powered on (the running guest OS, which has no
 * hot-plug driver, sees the added resources after its next restart); monitor, paging, workload and the
 * hot-add switches change only while powered off; shares / reservation / limit change any time (limit ≥
 * reservation; reservations must fit the host). Monitor and paging must make a valid pair (nested paging
 * needs the hw monitor: `pagingProblem`, @shared/model/mmuVirtualization), refused at `…paging` when
 * a create or an edit would break it. Clones need the source powered off (or a template) and
 * copy its current disk contents by reference (copy-on-write blocks), not its snapshots. Only powered-off
 * VMs and templates can be deleted.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { VmChanges, VmSpec } from '@shared/api/commands';
import type { HostId, TaskId, VmId } from '@shared/model/ids';
import { pagingProblem } from '@shared/model/mmuVirtualization';
import type { Lab } from '../lab/lab';
import type { Host, Vm } from './registry';
import { newVm, fieldsOf, VM_DEFAULTS, workloadProblem } from './newVm';
import { DiskChain } from '../snapshot/index';
import { VmRuntime } from '../vm/vmRuntime';
import { cpuPolicyOf } from '../vm/guestLifecycle';
import { reservationFits, startPowerOp } from '../vm/powerOps';
import { CLONE_BYTES_PER_SECOND, MAX_GUEST_MEMORY_BYTES } from '../params';

const MiB = 1024 * 1024;
const MAX_MEMORY_MIB = MAX_GUEST_MEMORY_BYTES / MiB;
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
  if (spec.memoryMiB > MAX_MEMORY_MIB) return { error: apiError('E_INVALID_ARGUMENT', `must be ≤ ${MAX_MEMORY_MIB} (the teaching machine is 32-bit)`, 'params.spec.memoryMiB') };
  const paging = pagingProblem(spec.monitor ?? VM_DEFAULTS.monitor, spec.paging ?? VM_DEFAULTS.paging);
  if (paging) return { error: apiError('E_INVALID_ARGUMENT', paging, 'params.spec.paging') };
  const workload = workloadProblem(spec.workload, lab.workloads);
  if (workload) return { error: apiError('E_INVALID_ARGUMENT', workload, 'params.spec.workload') };
  const host = placeVm(lab, spec.hostId, spec.clusterId, 'params.spec');
  if ('code' in host) return { error: host };
  const ds = lab.reg.datastores.get(host.datastoreIds[0]);
  const net = lab.reg.networks.get(host.networkIds[0]);
  if (!ds || !net) return { error: apiError('E_INVALID_STATE', `Host ${host.name} has no datastore or network.`, 'params.spec.hostId') };
  lab.pendingNames.add(spec.name);
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.create', name: 'Create virtual machine', targetId: host.id, targetName: host.name,
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
    return { error: apiError('E_INVALID_STATE', `${src.name} must be powered off to be cloned (it is ${src.powerState}).`, 'params.vmId') };
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
    operation: 'vm.clone', name: p.asTemplate ? 'Clone virtual machine to template' : deploy ? 'Deploy virtual machine from template' : 'Clone virtual machine',
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
  const off = vm.powerState === 'poweredOff';
  const on = vm.powerState === 'poweredOn';
  if (ch.memoryMiB !== undefined && ch.memoryMiB > MAX_MEMORY_MIB) return apiError('E_INVALID_ARGUMENT', `must be ≤ ${MAX_MEMORY_MIB} (the teaching machine is 32-bit)`, f('memoryMiB'));
  const workload = workloadProblem(ch.workload, lab.workloads);
  if (workload) return apiError('E_INVALID_ARGUMENT', workload, f('workload'));
  // The pair is checked only when the edit touches it: a VM loaded from an older save keeps running as it was.
  if (ch.monitor !== undefined || ch.paging !== undefined) {
    const paging = pagingProblem(ch.monitor ?? vm.monitor, ch.paging ?? vm.paging);
    if (paging) return apiError('E_INVALID_ARGUMENT', paging, f('paging'));
  }
  const hot = (key: 'vcpus' | 'memoryMiB', enabled: boolean, current: number, next: number | undefined, what: string): ApiError | undefined => {
    if (next === undefined || next === current || off) return undefined;
    if (!on) return apiError('E_INVALID_STATE', `${what} can change only while ${vm.name} is powered off (it is ${vm.powerState}).`, f(key));
    if (!enabled) return apiError('E_INVALID_STATE', `${what} can change only while ${vm.name} is powered off (hot add is not enabled).`, f(key));
    if (next < current) return apiError('E_INVALID_STATE', `${what} can only be increased while ${vm.name} is powered on (hot add; hot remove is not supported).`, f(key));
    return undefined;
  };
  const e1 = hot('vcpus', vm.cpuHotAddEnabled, vm.vcpus, ch.vcpus, 'The number of vCPUs');
  if (e1) return e1;
  const e2 = hot('memoryMiB', vm.memoryHotAddEnabled, Math.round(vm.memoryBytes / MiB), ch.memoryMiB, 'Memory');
  if (e2) return e2;
  const offOnly: (keyof VmChanges)[] = ['monitor', 'paging', 'pageTableLevels', 'workload', 'workloadParams', 'cpuHotAddEnabled', 'memoryHotAddEnabled'];
  for (const k of offOnly) {
    if (ch[k] !== undefined && !off && JSON.stringify(ch[k]) !== JSON.stringify((vm as unknown as Record<string, unknown>)[k])) {
      return apiError('E_INVALID_STATE', `${k} can change only while ${vm.name} is powered off (it is ${vm.powerState}).`, f(k));
    }
  }
  const res = ch.cpuReservationMhz ?? vm.cpuReservationMhz;
  const lim = ch.cpuLimitMhz ?? vm.cpuLimitMhz;
  if (lim !== -1 && lim < res) return apiError('E_INVALID_ARGUMENT', `the limit (${lim} MHz) must be at least the reservation (${res} MHz)`, f(ch.cpuLimitMhz !== undefined ? 'cpuLimitMhz' : 'cpuReservationMhz'));
  if (on && ch.cpuReservationMhz !== undefined && !reservationFits(lab, vm, ch.cpuReservationMhz)) {
    return apiError('E_INSUFFICIENT_RESOURCES', `the host cannot reserve ${ch.cpuReservationMhz} MHz more`, f('cpuReservationMhz'));
  }
  return undefined;
}

function describeChanges(vm: Vm, ch: VmChanges): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(ch)) {
    if (v === undefined) continue;
    const cur = k === 'memoryMiB' ? Math.round(vm.memoryBytes / MiB) : (vm as unknown as Record<string, unknown>)[k];
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
    const v = Object.prototype.hasOwnProperty.call(ch, k) ? ch[k] : undefined;
    if (v !== undefined) (APPLY[k] as (vm: Vm, v: unknown) => void)(vm, v);
  }
}

export function startReconfigure(lab: Lab, vmId: VmId, ch: VmChanges): Started {
  const vm = lab.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId') };
  const problem = reconfigureProblem(lab, vm, ch);
  if (problem) return { error: problem };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.reconfigure', name: 'Reconfigure virtual machine', targetId: vm.id, targetName: vm.name,
    durationMs: lab.jitter(800),
    precheck: () => reconfigureProblem(lab, vm, ch),
    complete: () => {
      const p = reconfigureProblem(lab, vm, ch);
      if (p) return { error: p };
      const summary = describeChanges(vm, ch);
      applyChanges(vm, ch);
      const hotAdded = vm.powerState === 'poweredOn' && (ch.vcpus !== undefined || ch.memoryMiB !== undefined);
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
    : apiError('E_INVALID_STATE', `The attempted operation cannot be performed in the current state (${vm.powerState}): power off ${vm.name} first.`, 'params.vmId'));
  const p = problem();
  if (p) return { error: p };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'vm.remove', name: 'Delete virtual machine', targetId: vm.id, targetName: vm.name,
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
