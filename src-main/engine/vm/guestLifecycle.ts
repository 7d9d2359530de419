/**
 * guestLifecycle — starting, stopping and capturing a VM's guest machine, and keeping the host's
 * scheduler in step. Power operations, snapshots and the lab's restore all go through here.
 *
 * - `startGuest(lab, vm, capture?)`: boots a guest through the factory (or restores `capture`), starts its
 *   dirty-page log, puts its vCPUs on the host's scheduler, and sets guest state, tools status and IP. Without a factory the VM
 *   runs no guest (guestState `notRunning`, no CPU). Returns a typed error when the factory fails.
 * - `stopGuest(lab, vm)`: takes the vCPUs off the scheduler and drops the guest (its memory is released).
 * - `captureGuest(lab, vm)` → GuestCapture (copy-on-write `save()` + per-vCPU timing).
 * - `pollConsole(lab, vm)`: copies new guest console output into the VM's console buffer (and emits it).
 * - `cpuPolicyOf(vm)`, `hardwareOf(vm)`.
 *
 * Rule: a guest never outlives its VM's powered-on state; every start is matched by a stop.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { Vm } from '../cluster/registry';
import type { Lab } from '../lab/lab';
import type { VmCpuPolicy } from '../scheduler/index';
import type { GuestCapture } from '../snapshot/index';
import { hardwareOf } from '@shared/model/vmHardware';
import type { GuestMachine } from './guestMachine';
import type { GuestConfig } from './guestFactory';
import type { GuestRunState } from '@shared/model/inventory';

export function cpuPolicyOf(vm: Vm): VmCpuPolicy {
  return { shares: vm.cpuShares, reservationMhz: vm.cpuReservationMhz, limitMhz: vm.cpuLimitMhz };
}

export { hardwareOf };

export function guestRunState(guest: GuestMachine | undefined): GuestRunState {
  if (!guest) return 'notRunning';
  return guest.state === 'off' ? 'notRunning' : guest.state;
}

function vmNumber(vm: Vm): number {
  return Number(vm.id.slice(3));
}

/** A per-boot guest seed from the lab seed, the VM and its boot count (deterministic, distinct). */
function guestSeed(labSeed: number, vm: Vm): number {
  let h = (labSeed ^ 0x9e3779b9) >>> 0;
  for (const x of [vmNumber(vm), vm.bootCount]) h = Math.imul(h ^ x, 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

export function startGuest(lab: Lab, vm: Vm, capture?: GuestCapture): ApiError | undefined {
  const rt = lab.runtime(vm.id);
  const host = vm.hostId ? lab.reg.hosts.get(vm.hostId) : undefined;
  const sched = vm.hostId ? lab.schedulers.get(vm.hostId) : undefined;
  if (!host || !sched) return apiError('E_INVALID_STATE', `${vm.name} is not registered on a host.`, 'params.vmId');
  const nowNs = lab.nowNs();
  rt.guestConsoleOffset = capture ? capture.consoleOffset : 0;
  rt.counterBase = {};
  rt.sampledSinceMs = lab.clock.nowMs;
  if (!lab.guestFactory || (capture && capture.guestState === null)) {
    rt.guest = undefined;
    rt.offsetNs = capture ? nowNs - capture.captureGuestNs : 0;
    rt.bootGuestNs = capture ? capture.bootGuestNs : nowNs;
    setGuestFacts(vm, undefined);
    return undefined;
  }
  const offsetNs = capture ? nowNs - capture.captureGuestNs : 0;
  if (!capture) vm.bootCount++;
  const config: GuestConfig = { vmId: vm.id, name: vm.name, ...hardwareOf(vm), disk: rt.disks[0], nowNs: nowNs - offsetNs };
  if (capture) config.restoreState = capture.guestState;
  let guest: GuestMachine;
  try {
    guest = lab.guestFactory(config, host.cpuMhz * 1e6, guestSeed(lab.seed, vm));
  } catch (e) {
    return apiError('E_GUEST_PROGRAM', `${vm.name}: the guest could not start: ${e instanceof Error ? e.message : String(e)}`, 'params.vmId');
  }
  rt.guest = guest;
  rt.offsetNs = offsetNs;
  rt.bootGuestNs = capture ? capture.bootGuestNs : nowNs;
  // Dirty logging runs for the VM's whole powered-on life: the collector reads the dirty rate from
  // it, and live migration will need it. A restored machine continues its saved log.
  guest.startDirtyLog?.(nowNs - offsetNs);
  rt.counterBase = guest.counters();
  sched.addVm(vm.id, vmNumber(vm), guest, cpuPolicyOf(vm), nowNs, offsetNs, capture?.timing);
  setGuestFacts(vm, guest);
  return undefined;
}

function setGuestFacts(vm: Vm, guest: GuestMachine | undefined): void {
  vm.guestState = guestRunState(guest);
  const up = vm.guestState === 'running' || vm.guestState === 'halted';
  vm.toolsStatus = up ? 'toolsOk' : 'toolsNotRunning';
  const n = vmNumber(vm);
  if (up) vm.ipAddress = `10.0.${(n >> 8) & 255}.${n & 255}`; else delete vm.ipAddress;
  if (vm.guestState === 'crashed') vm.crashReason = guest?.crash?.reason ?? 'guest crashed'; else delete vm.crashReason;
}

export function stopGuest(lab: Lab, vm: Vm): void {
  const rt = lab.runtime(vm.id);
  pollConsole(lab, vm);
  if (vm.hostId) lab.schedulers.get(vm.hostId)?.removeVm(vm.id, lab.nowNs());
  rt.guest = undefined;
  setGuestFacts(vm, undefined);
}

/** The guest crashed: it stays (for its console and state) but gets no more CPU. */
export function markCrashed(lab: Lab, vm: Vm): void {
  const rt = lab.runtime(vm.id);
  pollConsole(lab, vm);
  if (vm.hostId) lab.schedulers.get(vm.hostId)?.removeVm(vm.id, lab.nowNs());
  setGuestFacts(vm, rt.guest);
}

export function captureGuest(lab: Lab, vm: Vm): GuestCapture {
  const rt = lab.runtime(vm.id);
  pollConsole(lab, vm);
  const nowNs = lab.nowNs();
  const guest = rt.guest;
  const sched = vm.hostId ? lab.schedulers.get(vm.hostId) : undefined;
  return {
    guestState: guest ? guest.save() : null,
    timing: guest ? sched?.capture(vm.id, nowNs) : undefined,
    bootGuestNs: rt.bootGuestNs,
    captureGuestNs: nowNs - rt.offsetNs,
    touchedBytes: guest ? guest.memoryStats().touchedBytes : 0,
    consoleOffset: rt.guestConsoleOffset,
  };
}

export function pollConsole(lab: Lab, vm: Vm): void {
  const rt = lab.runtime(vm.id);
  if (!rt.guest) return;
  const r = rt.guest.consoleRead(rt.guestConsoleOffset);
  rt.guestConsoleOffset = r.nextOffset;
  if (!r.text) return;
  const offset = rt.console.append(r.text);
  lab.emit({ type: 'console.output', vmId: vm.id, offset, text: r.text });
}
