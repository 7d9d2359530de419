/**
 * compatibility — whether a VM can be migrated live to a host, with vSphere-style messages: the checks
 * the `vm.migrate` command refuses with (typed errors naming the field) and the Migrate wizard's "compute
 * resource" page lists per host.
 *
 * `vmProblem(ctx, vm)` → why this VM cannot move now (not powered on, a task in flight, no guest);
 * `hostProblems(ctx, vm, host)` → every reason the host cannot take it (powered off or disconnected, in
 * or entering maintenance mode, the same host, not enough free memory for its pages and overhead, no
 * hardware assist for a `hw` VM, another CPU clock); `hostWarnings(ctx, vm, host, outlook)` → what
 * the wizard shows in yellow and still lets the user go on with (vSphere's compatibility warnings: the
 * destination's free memory would fall below its minFree, its VMs' configured memory would overcommit
 * it, it lacks the hardware assist the current host has, the VM dirties memory faster than pre-copy at
 * the default link can keep up with, it is not in the VM's cluster); `hostCompatibility(ctx, vm,
 * reserved, outlook)` → one row per host with both.
 *
 * Rules: a check here is the same in the command, the wizard and maintenance-mode evacuation. A
 * warning never refuses: `vm.migrate` goes ahead, the wizard lets Next pass. A different CPU clock stays
 * an error, not a warning: the guest's time is counted in cycles of the clock it booted on.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { HostId } from '@shared/model/ids';
import { MIGRATION_DEFAULTS } from '@shared/model/migration';
import type { Host, Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import { vmOverheadFrames } from '../metrics/index';
import { minFreeFrames } from '../overcommit/index';
import { HOST_SYSTEM_MEMORY_MIB, PAGE_SIZE_BYTES } from '../params';
import { precopyEstimate } from './estimate';

export interface HostCompatibility { hostId: HostId; hostName: string; compatible: boolean; messages: string[]; warnings: string[] }

/** What the VM is doing now, from its latest counter sample (absent before the first one). */
export interface MigrationOutlook {
  /** Unique bytes dirtied per second (`engine.dirtyRate.average` × 4 KiB). */
  dirtyBytesPerS?: number;
  /** Memory a pre-copy's first round sends (`mem.consumed.average`), bytes; else the configured memory. */
  consumedBytes?: number;
}

const MB = 1024 * 1024;
const mbOfFrames = (frames: number): number => Math.max(0, Math.floor((frames * PAGE_SIZE_BYTES) / MB));
const mibRate = (bytesPerS: number): string => `${(bytesPerS / MB).toFixed(bytesPerS < 10 * MB ? 1 : 0)} MiB/s`;

export function vmProblem(ctx: OpContext, vm: Vm, field = 'params.vmId'): ApiError | undefined {
  if (vm.isTemplate) return apiError('E_INVALID_STATE', `${vm.name} is a template: templates are not running, there is nothing to migrate live.`, field);
  if (vm.powerState !== 'poweredOn') {
    return apiError('E_INVALID_STATE', `${vm.name} is ${vm.powerState === 'suspended' ? 'suspended' : 'powered off'}: only a powered-on VM is migrated live (vMotion).`, field);
  }
  if (vm.busyTaskId) return apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}; migrate it when that task has finished.`, field);
  if (!vm.hostId) return apiError('E_INVALID_STATE', `${vm.name} is not registered on a host.`, field);
  // the guest's facts from its host's owner (undefined: no machine there)
  const facts = ctx.host(vm.hostId)?.guestFacts(vm.id);
  if (!facts) return apiError('E_INVALID_STATE', `${vm.name} runs no guest in this lab (no guest machine), so there is no memory to move.`, field);
  if (facts.state === 'crashed') return apiError('E_INVALID_STATE', `The guest of ${vm.name} has crashed; power it off or reset it first.`, field);
  if (!ctx.guestFactory?.incomingMemory) return apiError('E_INVALID_STATE', 'This engine cannot build a machine from a page stream, so it cannot migrate live.', field);
  return undefined;
}

/** Frames a host's pool can still give (its owner's answer). */
export function freeFrames(ctx: OpContext, hostId: HostId): number {
  return ctx.host(hostId)?.freeFrames() ?? 0;
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

/**
 * What the user should know before moving `vm` to `host`, though it may go: each a sentence that says
 * what will happen and, where there is one, what to do about it.
 */
export function hostWarnings(ctx: OpContext, vm: Vm, host: Host, outlook: MigrationOutlook = {}, reservedFrames = 0): string[] {
  const out: string[] = [];
  if (vm.hostId === host.id) return out;
  const src = vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined;
  // Memory: below minFree after the move the host starts reclaiming (ESX's clear state and lower).
  const need = framesNeeded([vm]);
  const freeAfter = freeFrames(ctx, host.id) - reservedFrames - need;
  const minFree = minFreeFrames(host.memoryBytes);
  if (freeAfter >= 0 && freeAfter < minFree) {
    out.push(`Memory on ${host.name} would be tight: ${mbOfFrames(freeAfter)} MB free after the move, below its minFree of ${mbOfFrames(minFree)} MB, so the host would start reclaiming memory from its VMs (ballooning, then compression and swapping).`);
  }
  // Configured memory of the running VMs against what the host has for VMs (its own share set apart).
  let configured = vm.memoryBytes;
  for (const other of ctx.reg.vms.values()) {
    if (other.hostId === host.id && other.powerState === 'poweredOn' && other.id !== vm.id) configured += other.memoryBytes;
  }
  const forVms = host.memoryBytes - HOST_SYSTEM_MEMORY_MIB * MB;
  if (configured > forVms) {
    out.push(`Host ${host.name} would be overcommitted: its running VMs would be configured with ${Math.ceil(configured / MB)} MB of memory, ${Math.round((configured / Math.max(1, forVms)) * 100)} % of the ${Math.max(0, Math.floor(forVms / MB))} MB it has for VMs; if they touch it all, the host reclaims memory from them.`);
  }
  // Monitor support: a VM that does not need hardware assist moves, but loses the choice of it there.
  if (host.noHardwareAssist && src && !src.noHardwareAssist && vm.monitor !== 'hw') {
    out.push(`Host ${host.name} has no hardware virtualization assist (VT-x/AMD-V) and ${src.name} has: ${vm.name} runs under the ${vm.monitor} monitor and can move, but while it runs there it cannot be switched to the hw monitor or nested paging.`);
  }
  // Convergence: the published pre-copy model at the default link (the Technique page can change it).
  const dirty = outlook.dirtyBytesPerS ?? 0;
  if (dirty > 0) {
    const est = precopyEstimate({ memoryBytes: outlook.consumedBytes ?? vm.memoryBytes, dirtyBytesPerS: dirty });
    if (!est.converges) {
      out.push(`${vm.name} dirties ${mibRate(dirty)} of memory, too fast for pre-copy at the default ${mibRate(MIGRATION_DEFAULTS.bandwidthBytesPerS)} link and ${MIGRATION_DEFAULTS.downtimeLimitMs} ms downtime limit: it may not converge. On the Technique page choose auto-converge, post-copy, a Xen stop rule, more bandwidth or a longer downtime limit.`);
    }
  }
  // Cluster: DRS and HA manage the VMs of their own cluster only.
  if (src && src.clusterId !== host.clusterId) {
    const name = (id: Host['clusterId']) => (id ? ctx.reg.clusters.get(id)?.name ?? id : undefined);
    const from = name(src.clusterId);
    const to = name(host.clusterId);
    out.push(`Host ${host.name} is ${to ? `in cluster ${to}` : 'a standalone host'}, not in ${from ? `cluster ${from}` : 'a cluster'} with ${src.name}: after the move ${vm.name} ${from ? `leaves ${from}, whose DRS and HA no longer manage it` : `is managed by ${to}'s DRS and HA`}.`);
  }
  return out;
}

export function hostCompatibility(ctx: OpContext, vm: Vm, reserved: (hostId: HostId) => number, outlook: MigrationOutlook = {}): HostCompatibility[] {
  const out: HostCompatibility[] = [];
  for (const host of ctx.reg.hosts.values()) {
    if (host.datacenterId !== vm.datacenterId) continue;
    const here = vm.hostId === host.id;
    const problems = here ? [{ message: `${vm.name} runs on this host.` }] : hostProblems(ctx, [vm], host, reserved(host.id));
    out.push({
      hostId: host.id, hostName: host.name, compatible: problems.length === 0,
      messages: problems.length ? problems.map((p) => p.message) : ['Compatibility checks succeeded.'],
      warnings: here ? [] : hostWarnings(ctx, vm, host, outlook, reserved(host.id)),
    });
  }
  return out;
}
