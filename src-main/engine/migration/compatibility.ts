/**
 * compatibility — whether a VM can be migrated live to a host, with vSphere-style messages: the checks
 * the `vm.migrate` command refuses with (typed errors naming the field) and the Migrate wizard's "compute
 * resource" page lists per host.
 *
 * `vmProblem(ctx, vm)` → why this VM cannot move now (not powered on, a task in flight, no guest);
 * `hostProblems(ctx, vm, host)` → every reason the host cannot take it (powered off or disconnected, in
 * or entering maintenance mode, the same host, not enough free memory for its pages and overhead, no
 * hardware assist for a `hw` VM, another CPU clock); `hostCompatibility(ctx, vm)` → one row per host.
 *
 * Rules: a check here is the same in the command, the wizard and maintenance-mode evacuation.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { HostId } from '@shared/model/ids';
import type { Host, Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import { vmOverheadFrames } from '../metrics/index';
import { PAGE_SIZE_BYTES } from '../params';

export interface HostCompatibility { hostId: HostId; hostName: string; compatible: boolean; messages: string[] }

export function vmProblem(ctx: OpContext, vm: Vm, field = 'params.vmId'): ApiError | undefined {
  if (vm.isTemplate) return apiError('E_INVALID_STATE', `${vm.name} is a template: templates are not running, there is nothing to migrate live.`, field);
  if (vm.powerState !== 'poweredOn') {
    return apiError('E_INVALID_STATE', `${vm.name} is ${vm.powerState === 'suspended' ? 'suspended' : 'powered off'}: only a powered-on VM is migrated live (vMotion).`, field);
  }
  if (vm.busyTaskId) return apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}; migrate it when that task has finished.`, field);
  if (!vm.hostId) return apiError('E_INVALID_STATE', `${vm.name} is not registered on a host.`, field);
  const rt = ctx.runtime(vm.id);
  if (!rt.guest) return apiError('E_INVALID_STATE', `${vm.name} runs no guest in this lab (no guest machine), so there is no memory to move.`, field);
  if (rt.guest.state === 'crashed') return apiError('E_INVALID_STATE', `The guest of ${vm.name} has crashed; power it off or reset it first.`, field);
  if (!ctx.guestFactory?.incomingMemory) return apiError('E_INVALID_STATE', 'This engine cannot build a machine from a page stream, so it cannot migrate live.', field);
  return undefined;
}

/** Frames a host's pool can still give. */
export function freeFrames(ctx: OpContext, hostId: HostId): number {
  const pool = ctx.hostMemory(hostId);
  if (!pool) return 0;
  return pool.capacityFrames - pool.framesAllocated - pool.stats().overheadFrames;
}

/** Frames the VMs need on the destination: their configured memory and overhead. */
export function framesNeeded(vms: readonly Vm[]): number {
  let n = 0;
  for (const vm of vms) n += Math.ceil(vm.memoryBytes / PAGE_SIZE_BYTES) + vmOverheadFrames(vm);
  return n;
}

/** Every reason `host` cannot take `vms` now, with the error code of the first. */
export function hostProblems(ctx: OpContext, vms: readonly Vm[], host: Host, reservedFrames = 0): { code: 'E_INVALID_STATE' | 'E_INSUFFICIENT_RESOURCES' | 'E_INCOMPATIBLE'; message: string }[] {
  const out: { code: 'E_INVALID_STATE' | 'E_INSUFFICIENT_RESOURCES' | 'E_INCOMPATIBLE'; message: string }[] = [];
  const vm = vms[0];
  if (vm.hostId === host.id) out.push({ code: 'E_INVALID_STATE', message: `${vm.name} already runs on ${host.name}.` });
  if (host.powerState !== 'poweredOn') out.push({ code: 'E_INVALID_STATE', message: `Host ${host.name} is ${host.powerState === 'standBy' ? 'in standby' : 'powered off'}.` });
  if (host.connectionState !== 'connected') out.push({ code: 'E_INVALID_STATE', message: `Host ${host.name} is ${host.connectionState}.` });
  if (host.inMaintenanceMode) out.push({ code: 'E_INVALID_STATE', message: `Host ${host.name} is in maintenance mode.` });
  else if (host.busyTaskId) {
    const t = ctx.tasks.get(host.busyTaskId);
    out.push({ code: 'E_INVALID_STATE', message: `Host ${host.name} is busy with "${t?.name ?? host.busyTaskId}" (${host.busyTaskId}); it takes no incoming VMs until that task ends.` });
  }
  const hw = vms.filter((v) => v.monitor === 'hw');
  if (hw.length && host.noHardwareAssist) {
    out.push({ code: 'E_INCOMPATIBLE', message: `${hw.map((v) => v.name).join(', ')} ${hw.length > 1 ? 'run' : 'runs'} under the hw monitor, which needs hardware virtualization assist (VT-x/AMD-V); host ${host.name} has none.` });
  }
  const src = vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined;
  if (src && src.cpuMhz !== host.cpuMhz) {
    out.push({ code: 'E_INCOMPATIBLE', message: `Host ${host.name} runs its CPUs at ${host.cpuMhz} MHz, ${src.name} at ${src.cpuMhz} MHz: a guest counts its time in cycles of the clock it booted on, so it can only move between hosts of the same clock (like vSphere's EVC, which requires compatible CPUs).` });
  }
  const need = framesNeeded(vms);
  const free = freeFrames(ctx, host.id) - reservedFrames;
  if (need > free) {
    out.push({ code: 'E_INSUFFICIENT_RESOURCES', message: `Host ${host.name} has ${Math.max(0, Math.floor((free * 4) / 1024))} MB of free memory; ${vms.length > 1 ? 'these VMs need' : `${vm.name} needs`} ${Math.ceil((need * 4) / 1024)} MB (memory and overhead).` });
  }
  return out;
}

export function hostProblem(ctx: OpContext, vms: readonly Vm[], host: Host, field = 'params.hostId', reservedFrames = 0): ApiError | undefined {
  const p = hostProblems(ctx, vms, host, reservedFrames)[0];
  return p ? apiError(p.code, p.message, field) : undefined;
}

export function hostCompatibility(ctx: OpContext, vm: Vm, reserved: (hostId: HostId) => number): HostCompatibility[] {
  const out: HostCompatibility[] = [];
  for (const host of ctx.reg.hosts.values()) {
    if (host.datacenterId !== vm.datacenterId) continue;
    const problems = vm.hostId === host.id ? [{ message: `${vm.name} runs on this host.` }] : hostProblems(ctx, [vm], host, reserved(host.id));
    out.push({ hostId: host.id, hostName: host.name, compatible: problems.length === 0, messages: problems.length ? problems.map((p) => p.message) : ['Compatibility checks succeeded.'] });
  }
  return out;
}
