/**
 * guestLifecycle — starting, stopping and capturing a VM's guest machine, and keeping the host's
 * scheduler and memory pool in step. Power operations, snapshots and the lab's restore all go through here.
 * The host's side of each step (overhead charge, factory, scheduler, reclaimer, the machine's console)
 * is an order to the host's `HostOwner` (`hostOwner.ts`, plain data); this file keeps the coordinator's
 * side: the VM's inventory facts, boot count, runtime time base, console buffer and collector baseline.
 *
 * - `startGuest(ctx, vm, capture?)`: charges the VM's overhead memory to its host's pool, boots a guest
 *   through the factory (or restores `capture` from its image: `captureHandles.ts`) with that pool as its memory (`GuestConfig.hostMemory`),
 *   lends it the VM's live disks (`diskPlace.ts`), starts its dirty-page log, puts its vCPUs on the host's scheduler, and sets guest state, tools status
 *   and IP. Without a factory the VM runs no guest (guestState `notRunning`, no CPU) but its overhead is
 *   still charged. Returns a typed error (and charges nothing) when the overhead does not fit in the host
 *   or the factory fails.
 * - `stopGuest(ctx, vm)`: takes the vCPUs off the scheduler, drops the guest and returns its frames
 *   (`GuestMachine.dispose`) and its overhead to the host's pool.
 * - `guestRestoreOrder(ctx, vm, host, savedState)`: a saved lab's guest as an order to its host's owner
 *   (lab restore: `HostOwner.restorePart` rebuilds it on the host's pool, on the VM's live disks lent there).
 * - `chargeOverhead(ctx, vm)`: the VM's overhead (re)charged while it is powered on (hot add).
 * - `captureGuest(ctx, vm)` → GuestCapture: the image (copy-on-write `save()` and the pages held away)
 *   stays with the host's owner, the capture holds its handle, the per-vCPU timing and the time base.
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
import type { OpContext } from '../lab/index';
import { vmOverheadFrames } from '../metrics/index';
import type { PoolCpuPolicy, VmCpuPolicy } from '../scheduler/index';
import type { GuestCapture } from '../snapshot/index';
import { hardwareOf } from '@shared/model/vmHardware';
import type { GuestMachine } from './guestMachine';
import type { GuestOrderConfig } from './guestFactory';
import type { GuestRunState } from '@shared/model/inventory';
import { factsOf } from './hostOwner';
import type { GuestFacts, GuestStartOrder } from './hostOwner';
import type { HostOwnerCalls } from './ownerCalls';
import type { GuestRestoreOrder } from './hostParts';
import { startImage } from './captureHandles';
import { carryDirtyLog } from './dirtyLogPlace';
import { carryDisks } from './diskPlace';

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

/** The machine an order asks a host's owner to build (plain: the owner adds its pool and the VM's disk). */
export function configOf(vm: Vm, nowNs: number): GuestOrderConfig {
  return { vmId: vm.id, name: vm.name, ...hardwareOf(vm), nowNs };
}

/** The owner of the host the VM is on (none for a VM on no host). */
export function ownerOf(ctx: Pick<OpContext, 'host'>, vm: Vm): HostOwnerCalls | undefined {
  return vm.hostId ? ctx.host(vm.hostId) : undefined;
}

/** Charges (or tops up to) the VM's overhead on its host's pool; false, charging nothing, when it does not fit. */
export function chargeOverhead(ctx: OpContext, vm: Vm): boolean {
  const owner = ownerOf(ctx, vm);
  return owner ? owner.chargeOverhead(vm.id, vmOverheadFrames(vm)) : false;
}

function noRoom(vm: Vm, host: Host, freeFrames: number): ApiError {
  const freeMiB = Math.floor((freeFrames * 4) / 1024);
  return apiError('E_INSUFFICIENT_RESOURCES',
    `Host ${host.name} has not enough free memory for the ${Math.ceil(vmOverheadFrames(vm) / 256)} MB overhead of ${vm.name} (${freeMiB} MB free).`, 'params.vmId');
}

export function startGuest(ctx: OpContext, vm: Vm, capture?: GuestCapture): ApiError | undefined {
  const rt = ctx.runtime(vm.id);
  const host = vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined;
  const owner = ownerOf(ctx, vm);
  if (!host || !owner) return apiError('E_INVALID_STATE', `${vm.name} is not registered on a host.`, 'params.vmId');
  if (vm.monitor === 'hw' && host.noHardwareAssist) {
    return apiError('E_INCOMPATIBLE', `${vm.name} runs under the hw monitor, which needs hardware virtualization assist; host ${host.name} has none.`, 'params.vmId');
  }
  const nowNs = ctx.nowNs();
  const runsGuest = ctx.guestFactory !== undefined && !(capture && capture.image === null);
  const offsetNs = capture ? nowNs - capture.captureGuestNs : 0;
  const order: GuestStartOrder = {
    vmId: vm.id, order: vmNumber(vm), overheadFrames: vmOverheadFrames(vm), policy: cpuPolicyOf(vm, ctx.reg),
    nowNs, offsetNs, hostClockHz: host.cpuMhz * 1e6, seed: 0, timing: capture?.timing,
    reclaimSeed: 0,
  };
  // The capture's image is restored where it is held, or imported there first from another host's owner.
  const image = runsGuest && capture?.image ? startImage(ctx, owner, capture.image) : undefined;
  if (runsGuest) {
    // A boot is counted when it is ordered (the guest's seed and its reclamation's seed derive from the
    // count); a host without room for the overhead refuses before building anything, which un-counts it.
    if (!capture) vm.bootCount++;
    order.seed = guestSeed(ctx.seed, vm);
    order.reclaimSeed = ctx.overcommit.vmSeed(vm);
    order.config = configOf(vm, nowNs - offsetNs);
    if (image) order.capture = image.captureId;
    // the machine reads and writes the VM's live disks on its host: lent there, unless held there already
    const disks = carryDisks(ctx, vm.id, host.id);
    if (disks) order.disks = disks;
  }
  const dirtyLog = carryDirtyLog(ctx, vm.id, host.id);
  if (dirtyLog) order.dirtyLog = dirtyLog;
  const reply = owner.start(order);
  image?.done();
  if (reply.ok && reply.reclaimOpened) ctx.overcommit.reclaiming(host.id);
  if (!reply.ok && reply.reason === 'noRoom') {
    if (runsGuest && !capture) vm.bootCount--;
    return noRoom(vm, host, reply.freeFrames);
  }
  rt.guestConsoleOffset = capture ? capture.consoleOffset : 0;
  if (!reply.ok) {
    ctx.guestStarted(vm.id, {});
    return apiError('E_GUEST_PROGRAM', `${vm.name}: the guest could not start: ${reply.message}`, 'params.vmId');
  }
  rt.offsetNs = offsetNs;
  rt.bootGuestNs = capture ? capture.bootGuestNs : nowNs;
  ctx.guestStarted(vm.id, reply.counters);
  applyGuestFacts(vm, reply.facts);
  return undefined;
}

/**
 * A saved lab's guest as an order to its host's owner (`HostOwner.restorePart`, which rebuilds it on the
 * host's pool with the VM's disk): the VM's hardware, its boot time and the saved machine.
 */
export function guestRestoreOrder(ctx: OpContext, vm: Vm, host: Host, savedState: unknown): GuestRestoreOrder {
  const rt = ctx.runtime(vm.id);
  const disks = carryDisks(ctx, vm.id, host.id);
  return {
    vmId: vm.id, config: { vmId: vm.id, name: vm.name, ...hardwareOf(vm), nowNs: rt.bootGuestNs, restoreState: savedState },
    hostClockHz: host.cpuMhz * 1e6, ...(disks ? { disks } : {}),
  };
}

export function setGuestFacts(vm: Vm, guest: GuestMachine | undefined): void {
  applyGuestFacts(vm, factsOf(guest));
}

/** The guest's facts (from its host's owner) onto the VM's inventory record. */
export function applyGuestFacts(vm: Vm, facts: GuestFacts): void {
  vm.guestState = facts.state;
  const up = vm.guestState === 'running' || vm.guestState === 'halted';
  vm.toolsStatus = up ? 'toolsOk' : 'toolsNotRunning';
  const n = vmNumber(vm);
  if (up) vm.ipAddress = `10.0.${(n >> 8) & 255}.${n & 255}`; else delete vm.ipAddress;
  if (vm.guestState === 'crashed') vm.crashReason = facts.crashReason ?? 'guest crashed'; else delete vm.crashReason;
}

export function stopGuest(ctx: OpContext, vm: Vm): void {
  pollConsole(ctx, vm);
  const owner = ownerOf(ctx, vm);
  // a VM on no host runs no machine: nothing to stop
  owner?.stop(vm.id, ctx.nowNs());
  setGuestFacts(vm, undefined);
}

/** The guest crashed: it stays (for its console and state) but gets no more CPU. */
export function markCrashed(ctx: OpContext, vm: Vm): void {
  pollConsole(ctx, vm);
  const owner = ownerOf(ctx, vm);
  applyGuestFacts(vm, owner ? owner.markCrashed(vm.id, ctx.nowNs()) : factsOf(undefined));
}

export function captureGuest(ctx: OpContext, vm: Vm): GuestCapture {
  const rt = ctx.runtime(vm.id);
  pollConsole(ctx, vm);
  const nowNs = ctx.nowNs();
  const owner = ownerOf(ctx, vm);
  const part = owner ? owner.capture(vm.id, nowNs) : { image: null, timing: undefined, touchedBytes: 0 };
  return {
    image: part.image,
    timing: part.timing,
    bootGuestNs: rt.bootGuestNs,
    captureGuestNs: nowNs - rt.offsetNs,
    touchedBytes: part.touchedBytes,
    consoleOffset: rt.guestConsoleOffset,
  };
}

export function pollConsole(ctx: Pick<OpContext, 'runtime' | 'emit' | 'host'>, vm: Vm): void {
  const rt = ctx.runtime(vm.id);
  const owner = ownerOf(ctx, vm);
  // the owner answers undefined when the VM runs no machine there (and a VM on no host runs none)
  takeConsole(ctx, vm, owner?.readConsole(vm.id, rt.guestConsoleOffset));
}

/** A `readConsole` reply (asked from the VM's console offset) taken in: the offset moves, new text is appended and published. */
export function takeConsole(ctx: Pick<OpContext, 'runtime' | 'emit'>, vm: Vm, r: { text: string; nextOffset: number } | undefined): void {
  if (!r) return;
  const rt = ctx.runtime(vm.id);
  rt.guestConsoleOffset = r.nextOffset;
  if (!r.text) return;
  const offset = rt.console.append(r.text);
  ctx.emit({ type: 'console.output', vmId: vm.id, offset, text: r.text });
}
