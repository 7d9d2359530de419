/**
 * guestLifecycle — starting, stopping and capturing a VM's guest machine, and keeping the host's
 * scheduler and memory pool in step. Power operations, snapshots and the lab's restore all go through here.
 *
 * - `startGuest(ctx, vm, capture?)`: charges the VM's overhead memory to its host's pool, boots a guest
 *   through the factory (or restores `capture`) with that pool as its memory (`GuestConfig.hostMemory`),
 *   starts its dirty-page log, puts its vCPUs on the host's scheduler, and sets guest state, tools status
 *   and IP. Without a factory the VM runs no guest (guestState `notRunning`, no CPU) but its overhead is
 *   still charged. Returns a typed error (and charges nothing) when the overhead does not fit in the host
 *   or the factory fails.
 * - `stopGuest(ctx, vm)`: takes the vCPUs off the scheduler, drops the guest and returns its frames
 *   (`GuestMachine.dispose`) and its overhead to the host's pool.
 * - `restoreGuest(ctx, vm, savedState)`: a saved lab's guest rebuilt on its host's pool (lab restore).
 * - `chargeOverhead(ctx, vm)`: the VM's overhead (re)charged while it is powered on (hot add).
 * - `captureGuest(ctx, vm)` → GuestCapture (copy-on-write `save()` + per-vCPU timing).
 * - `pollConsole(ctx, vm)`: copies new guest console output into the VM's console buffer (and emits it).
 * - `cpuPolicyOf(vm, reg)` (with its resource pool's shares), `hardwareOf(vm)`.
 *
 * Rules: a guest never outlives its VM's powered-on state; every start is matched by a stop. Every frame
 * a guest maps comes from its host's pool; nothing over-allocates: a full pool refuses the overhead
 * charge (the power-on fails with E_INSUFFICIENT_RESOURCES); loading the boot image into a pool that
 * cannot give its frames fails the power-on (E_GUEST_PROGRAM "host out of memory"); once running, a vCPU's
 * write or a disk read into memory that finds no free frame waits until the host's reclamation
 * (overcommit/) frees one, as ESX blocks the allocating vCPU in its low state.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { Host, Registry, ResourcePool, Vm } from '../cluster/index';
import type { HostMemory } from './guestFactory';
import type { VmRuntime } from './vmRuntime';
import type { OpContext } from '../lab/index';
import { vmOverheadFrames } from '../metrics/index';
import type { PoolCpuPolicy, VmCpuPolicy } from '../scheduler/index';
import type { GuestCapture } from '../snapshot/index';
import { hardwareOf } from '@shared/model/vmHardware';
import type { GuestMachine } from './guestMachine';
import type { CapturedPages } from '../overcommit/index';
import type { GuestConfig } from './guestFactory';
import type { GuestRunState } from '@shared/model/inventory';

/** The VM's CPU settings for its host's scheduler, with the chain of its resource pool and the pool's
 *  ancestors when the pool belongs to the VM's host's cluster (or is that standalone host's): a VM migrated
 *  away from its pool's cluster runs in its new host's root pool. */
export function cpuPolicyOf(vm: Vm, reg: Registry): VmCpuPolicy {
  const policy: VmCpuPolicy = { shares: vm.cpuShares, reservationMhz: vm.cpuReservationMhz, limitMhz: vm.cpuLimitMhz };
  const pool = vm.resourcePoolId ? reg.resourcePools.get(vm.resourcePoolId) : undefined;
  const host = vm.hostId ? reg.hosts.get(vm.hostId) : undefined;
  if (pool && host && (pool.clusterId ? host.clusterId === pool.clusterId : pool.hostId === host.id)) policy.pool = poolPolicyOf(pool, reg);
  return policy;
}

function poolPolicyOf(pool: ResourcePool, reg: Registry): PoolCpuPolicy {
  const parent = pool.parentPoolId ? reg.resourcePools.get(pool.parentPoolId) : undefined;
  return {
    id: pool.id, shares: pool.cpuShares, reservationMhz: pool.cpuReservationMhz, limitMhz: pool.cpuLimitMhz,
    ...(parent ? { parent: poolPolicyOf(parent, reg) } : {}),
  };
}

export { hardwareOf };

export function guestRunState(guest: GuestMachine | undefined): GuestRunState {
  if (!guest) return 'notRunning';
  return guest.state === 'off' ? 'notRunning' : guest.state;
}

export function vmNumber(vm: Vm): number {
  return Number(vm.id.slice(3));
}

/** A per-boot guest seed from the lab seed, the VM and its boot count (deterministic, distinct). */
function guestSeed(labSeed: number, vm: Vm): number {
  let h = (labSeed ^ 0x9e3779b9) >>> 0;
  for (const x of [vmNumber(vm), vm.bootCount]) h = Math.imul(h ^ x, 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

export function configOf(vm: Vm, rt: VmRuntime, hostMemory: HostMemory, nowNs: number): GuestConfig {
  return { vmId: vm.id, name: vm.name, ...hardwareOf(vm), disk: rt.disks[0], hostMemory, nowNs };
}

/** Charges (or tops up to) the VM's overhead on its host's pool; false, charging nothing, when it does not fit. */
export function chargeOverhead(ctx: OpContext, vm: Vm): boolean {
  const pool = vm.hostId ? ctx.hostMemory(vm.hostId) : undefined;
  if (!pool) return false;
  const extra = vmOverheadFrames(vm) - pool.overheadFramesOf(vm.id);
  return extra <= 0 || pool.chargeOverhead(vm.id, extra);
}

function noRoom(ctx: OpContext, vm: Vm, host: Host): ApiError {
  const pool = ctx.hostMemory(host.id);
  const freeMiB = pool ? Math.floor(((pool.capacityFrames - pool.framesAllocated - pool.stats().overheadFrames) * 4) / 1024) : 0;
  return apiError('E_INSUFFICIENT_RESOURCES',
    `Host ${host.name} has not enough free memory for the ${Math.ceil(vmOverheadFrames(vm) / 256)} MB overhead of ${vm.name} (${freeMiB} MB free).`, 'params.vmId');
}

export function startGuest(ctx: OpContext, vm: Vm, capture?: GuestCapture): ApiError | undefined {
  const rt = ctx.runtime(vm.id);
  const host = vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined;
  const sched = vm.hostId ? ctx.scheduler(vm.hostId) : undefined;
  const pool = vm.hostId ? ctx.hostMemory(vm.hostId) : undefined;
  if (!host || !sched || !pool) return apiError('E_INVALID_STATE', `${vm.name} is not registered on a host.`, 'params.vmId');
  if (vm.monitor === 'hw' && host.noHardwareAssist) {
    return apiError('E_INCOMPATIBLE', `${vm.name} runs under the hw monitor, which needs hardware virtualization assist; host ${host.name} has none.`, 'params.vmId');
  }
  if (!chargeOverhead(ctx, vm)) return noRoom(ctx, vm, host);
  const nowNs = ctx.nowNs();
  rt.guestConsoleOffset = capture ? capture.consoleOffset : 0;
  if (!ctx.guestFactory || (capture && capture.guestState === null)) {
    rt.guest = undefined;
    rt.offsetNs = capture ? nowNs - capture.captureGuestNs : 0;
    rt.bootGuestNs = capture ? capture.bootGuestNs : nowNs;
    ctx.guestStarted(vm.id, {});
    setGuestFacts(vm, undefined);
    return undefined;
  }
  const offsetNs = capture ? nowNs - capture.captureGuestNs : 0;
  if (!capture) vm.bootCount++;
  const config = configOf(vm, rt, pool, nowNs - offsetNs);
  if (capture) config.restoreState = capture.guestState;
  let guest: GuestMachine;
  try {
    guest = ctx.guestFactory(config, host.cpuMhz * 1e6, guestSeed(ctx.seed, vm));
  } catch (e) {
    pool.releaseOverhead(vm.id);
    ctx.guestStarted(vm.id, {});
    return apiError('E_GUEST_PROGRAM', `${vm.name}: the guest could not start: ${e instanceof Error ? e.message : String(e)}`, 'params.vmId');
  }
  rt.guest = guest;
  rt.offsetNs = offsetNs;
  rt.bootGuestNs = capture ? capture.bootGuestNs : nowNs;
  // Dirty logging runs for the VM's whole powered-on life: the collector reads the dirty rate from
  // it, and live migration will need it. A restored machine continues its saved log.
  guest.startDirtyLog?.(nowNs - offsetNs);
  // Memory reclamation takes over the guest's pages out (a capture's swapped and compressed pages).
  ctx.overcommit.guestStarted(vm, guest, capture?.reclaimed as CapturedPages | undefined);
  ctx.guestStarted(vm.id, guest.counters());
  sched.addVm(vm.id, vmNumber(vm), guest, cpuPolicyOf(vm, ctx.reg), nowNs, offsetNs, capture?.timing);
  setGuestFacts(vm, guest);
  return undefined;
}

/**
 * A saved lab's guest, rebuilt on its host's pool (`rt` already restored; the caller charges the overhead
 * of every powered-on VM). The scheduler is restored separately, with the guest handed to it. Throws when
 * the machine cannot be rebuilt (e.g. the host cannot hold its pages).
 */
export function restoreGuest(ctx: OpContext, vm: Vm, savedState: unknown): GuestMachine {
  const rt = ctx.runtime(vm.id);
  const host = vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined;
  const pool = vm.hostId ? ctx.hostMemory(vm.hostId) : undefined;
  if (!host || !pool) throw new Error(`lab state has a guest for ${vm.name}, which is on no host`);
  if (!ctx.guestFactory) throw new Error('this lab was saved with executing guests, but this engine build has no guest machine to restore them into');
  const config = configOf(vm, rt, pool, rt.bootGuestNs);
  config.restoreState = savedState;
  const guest = ctx.guestFactory(config, host.cpuMhz * 1e6, 0);
  rt.guest = guest;
  return guest;
}

export function setGuestFacts(vm: Vm, guest: GuestMachine | undefined): void {
  vm.guestState = guestRunState(guest);
  const up = vm.guestState === 'running' || vm.guestState === 'halted';
  vm.toolsStatus = up ? 'toolsOk' : 'toolsNotRunning';
  const n = vmNumber(vm);
  if (up) vm.ipAddress = `10.0.${(n >> 8) & 255}.${n & 255}`; else delete vm.ipAddress;
  if (vm.guestState === 'crashed') vm.crashReason = guest?.crash?.reason ?? 'guest crashed'; else delete vm.crashReason;
}

export function stopGuest(ctx: OpContext, vm: Vm): void {
  const rt = ctx.runtime(vm.id);
  pollConsole(ctx, vm);
  if (vm.hostId) ctx.scheduler(vm.hostId)?.removeVm(vm.id, ctx.nowNs());
  ctx.overcommit.guestStopped(vm);
  // The machine's frames go back to the host; a capture taken before (suspend, snapshot) keeps its own
  // copy-on-write references to the page contents, which the pool no longer counts.
  rt.guest?.dispose();
  rt.guest = undefined;
  if (vm.hostId) ctx.hostMemory(vm.hostId)?.releaseOverhead(vm.id);
  setGuestFacts(vm, undefined);
}

/** The guest crashed: it stays (for its console and state) but gets no more CPU. */
export function markCrashed(ctx: OpContext, vm: Vm): void {
  const rt = ctx.runtime(vm.id);
  pollConsole(ctx, vm);
  if (vm.hostId) ctx.scheduler(vm.hostId)?.removeVm(vm.id, ctx.nowNs());
  setGuestFacts(vm, rt.guest);
}

export function captureGuest(ctx: OpContext, vm: Vm): GuestCapture {
  const rt = ctx.runtime(vm.id);
  pollConsole(ctx, vm);
  const nowNs = ctx.nowNs();
  const guest = rt.guest;
  const sched = vm.hostId ? ctx.scheduler(vm.hostId) : undefined;
  return {
    guestState: guest ? guest.save() : null,
    timing: guest ? sched?.capture(vm.id, nowNs) : undefined,
    bootGuestNs: rt.bootGuestNs,
    captureGuestNs: nowNs - rt.offsetNs,
    touchedBytes: guest ? guest.memoryStats().touchedBytes : 0,
    consoleOffset: rt.guestConsoleOffset,
    reclaimed: guest ? ctx.overcommit.capture(vm) : undefined,
  };
}

export function pollConsole(ctx: Pick<OpContext, 'runtime' | 'emit'>, vm: Vm): void {
  const rt = ctx.runtime(vm.id);
  if (!rt.guest) return;
  const r = rt.guest.consoleRead(rt.guestConsoleOffset);
  rt.guestConsoleOffset = r.nextOffset;
  if (!r.text) return;
  const offset = rt.console.append(r.text);
  ctx.emit({ type: 'console.output', vmId: vm.id, offset, text: r.text });
}
