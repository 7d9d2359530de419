/**
 * guestMove — moving a running VM's guest between hosts, for live migration: take its vCPUs off the
 * source host's scheduler (keeping their timing), put them back, build its machine on another host
 * from a core state and an incoming memory, and register it there.
 *
 * - `pauseGuest(ctx, vm)` → the vCPUs' timing (`CaptureTiming`) — console output copied first;
 * - `resumeGuestOn(ctx, vm, guest, timing)`: schedules `guest` for `vm` on `vm.hostId` as it was paused
 *   (the VM's time base is unchanged: time passes for the guest while it is stopped, and its timer
 *   catches up, as after any pause of a real VM);
 * - `incomingMemoryFor(ctx, vm, hostId)`: an empty memory for the VM on that host's pool;
 * - `assembleGuestOn(ctx, vm, hostId, core, incoming)`: the VM's machine built on that host from
 *   `saveCore()` + the filled memory (GuestFactory's assemble path).
 *
 * Pausing and resuming are orders to the host's `HostOwner`; building a machine from a page stream still
 * reaches the host's pool (`ctx.hostMemory`) and hands the machine over (`rt.guest`), the part of live
 * migration that has not moved behind the owner yet.
 *
 * Rules: the VM's inventory record (`hostId`, facts) is changed by the caller at the switch; every
 * frame comes from the pool of the host the memory is on.
 */
import type { HostId } from '@shared/model/ids';
import type { Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import type { CaptureTiming } from '../scheduler/index';
import type { GuestMachine, IncomingGuestMemory } from './guestMachine';
import { applyGuestFacts, configOf, cpuPolicyOf, ownerOf, pollConsole, vmNumber } from './guestLifecycle';

export function pauseGuest(ctx: OpContext, vm: Vm): CaptureTiming | undefined {
  pollConsole(ctx, vm);
  const owner = ownerOf(ctx, vm);
  return owner?.pause(vm.id, ctx.nowNs());
}

export function resumeGuestOn(ctx: OpContext, vm: Vm, guest: GuestMachine, timing: CaptureTiming | undefined): void {
  const owner = ownerOf(ctx, vm);
  if (!owner) throw new Error(`${vm.name} is on no host to resume on`);
  const rt = ctx.runtime(vm.id);
  rt.guest = guest;
  applyGuestFacts(vm, owner.resume({ vmId: vm.id, order: vmNumber(vm), policy: cpuPolicyOf(vm, ctx.reg), nowNs: ctx.nowNs(), offsetNs: rt.offsetNs, timing }));
}

export function incomingMemoryFor(ctx: OpContext, vm: Vm, hostId: HostId): IncomingGuestMemory {
  const pool = ctx.hostMemory(hostId);
  const factory = ctx.guestFactory;
  if (!pool || !factory?.incomingMemory) throw new Error('this engine cannot build a machine from a page stream');
  const rt = ctx.runtime(vm.id);
  return factory.incomingMemory(configOf(vm, rt, pool, rt.bootGuestNs));
}

export function assembleGuestOn(ctx: OpContext, vm: Vm, hostId: HostId, core: unknown, incoming: IncomingGuestMemory): GuestMachine {
  const pool = ctx.hostMemory(hostId);
  const host = ctx.reg.hosts.get(hostId);
  if (!pool || !host || !ctx.guestFactory) throw new Error(`host ${hostId} cannot take ${vm.name}`);
  const rt = ctx.runtime(vm.id);
  const config = configOf(vm, rt, pool, rt.bootGuestNs);
  config.restoreState = core;
  config.incoming = incoming;
  return ctx.guestFactory(config, host.cpuMhz * 1e6, 0);
}
