/**
 * guestMove — moving a running VM's guest between hosts, for live migration: the coordinator's side of
 * the orders to the two hosts' owners (`HostOwner`'s migration calls), which hold the machines: take its
 * vCPUs off the source host's scheduler (keeping their timing), put them back, make its incoming memory
 * on the destination, and start it there at the switch from a core state.
 *
 * - `pauseGuest(ctx, vm)` → the vCPUs' timing (`CaptureTiming`) — console output copied first;
 * - `resumeGuest(ctx, vm, timing)`: schedules the VM's machine on `vm.hostId` again as it was paused
 *   (the VM's time base is unchanged: time passes for the guest while it is stopped, and its timer
 *   catches up, as after any pause of a real VM);
 * - `receiveGuest(ctx, vm, hostId)`: that host's owner makes the VM's empty incoming memory on its pool;
 * - `startGuestFrom(ctx, vm, core, timing)`: the owner of `vm.hostId` (the destination, set by the caller)
 *   builds the machine from `saveCore()` + the filled memory and schedules it, the VM's dirty log and its
 *   live disks carried there from the source's side; the inventory gets its facts.
 *
 * Rules: the VM's inventory record (`hostId`, facts) is changed by the caller at the switch; every
 * frame comes from the pool of the host the memory is on; no machine, memory or pool passes through here.
 */
import type { HostId } from '@shared/model/ids';
import type { Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import type { CaptureTiming } from '../scheduler/index';
import { applyGuestFacts, configOf, cpuPolicyOf, ownerOf, pollConsole, vmNumber } from './guestLifecycle';
import { carryDirtyLog } from './dirtyLogPlace';
import { carryDisks } from './diskPlace';

export function pauseGuest(ctx: OpContext, vm: Vm): CaptureTiming | undefined {
  pollConsole(ctx, vm);
  const owner = ownerOf(ctx, vm);
  return owner?.pause(vm.id, ctx.nowNs());
}

export function resumeGuest(ctx: OpContext, vm: Vm, timing: CaptureTiming | undefined): void {
  const owner = ownerOf(ctx, vm);
  if (!owner) throw new Error(`${vm.name} is on no host to resume on`);
  const rt = ctx.runtime(vm.id);
  applyGuestFacts(vm, owner.resume({ vmId: vm.id, order: vmNumber(vm), policy: cpuPolicyOf(vm, ctx.reg), nowNs: ctx.nowNs(), offsetNs: rt.offsetNs, timing }));
}

export function receiveGuest(ctx: OpContext, vm: Vm, hostId: HostId): void {
  const owner = ctx.host(hostId);
  if (!owner) throw new Error(`host ${hostId} cannot take ${vm.name}`);
  const rt = ctx.runtime(vm.id);
  owner.receiveIncoming({ vmId: vm.id, config: configOf(vm, rt.bootGuestNs) });
}

export function startGuestFrom(ctx: OpContext, vm: Vm, core: unknown, timing: CaptureTiming | undefined): void {
  const owner = ownerOf(ctx, vm);
  const host = vm.hostId ? ctx.reg.hosts.get(vm.hostId) : undefined;
  if (!owner || !host) throw new Error(`${vm.name} is on no host to start on`);
  const rt = ctx.runtime(vm.id);
  // the VM's dirty log comes along from the source's side (with what a reader has not read yet)
  const dirtyLog = carryDirtyLog(ctx, vm.id, host.id);
  // and so do its live disks (the source's machine is paused: it writes no more)
  const disks = carryDisks(ctx, vm.id, host.id);
  applyGuestFacts(vm, owner.startIncoming({
    vmId: vm.id, order: vmNumber(vm), policy: cpuPolicyOf(vm, ctx.reg), nowNs: ctx.nowNs(), offsetNs: rt.offsetNs, timing,
    config: configOf(vm, rt.bootGuestNs), core, hostClockHz: host.cpuMhz * 1e6, ...(dirtyLog ? { dirtyLog } : {}), ...(disks ? { disks } : {}),
  }));
}
