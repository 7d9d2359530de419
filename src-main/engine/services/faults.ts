/**
 * faults — failures the lab can inject (lab-only, "Simulate failure"), and their repairs: a host's power
 * loss, a host's management network cut (isolation), a VM's guest crash, a datastore becoming
 * inaccessible (all paths down). vSphere HA (`haService.ts`) reacts to them; nothing here restarts.
 *
 * - `injectFault(ctx, kind, targetId)` / `repairFault(ctx, kind, targetId)` → `{ ok: true }` or a typed
 *   error naming `params.targetId` (nothing changes).
 * - `activeFaults(reg)` → the faults in force, for the UI and the invariants.
 *
 * Semantics:
 *  - host crash: the host stops at once (not responding, powered off); every powered-on VM on it stops
 *    where it was — its guest and memory are gone, it stays registered on the failed host, powered off,
 *    with `powerOffCause` saying why; suspended and powered-off VMs are untouched (their state is on the
 *    shared datastore). Repair: the host boots again, connected and empty of running VMs.
 *  - host isolation: the host no longer answers the management network (not responding) but keeps
 *    running its VMs; what happens to them is the cluster's isolation response. Repair: reconnected.
 *  - VM crash: the guest stops executing (as a guest crash does: the VM stays powered on, no heartbeats).
 *  - datastore inaccessible: every powered-on VM with a disk on it stalls (modelled as a guest crash with
 *    the reason); powering on a VM whose disks are there is refused until the repair.
 *
 * Events (vSphere's names): HostConnectionLostEvent ("Host … is not responding"), HostIsolationIpPingFailedEvent
 * is not modelled (the cut itself is the cause), HostConnectedEvent on repair, VmGuestOSCrashedEvent,
 * DatastoreInaccessible / DatastoreAccessible (lab names, vSphere shows them as alarms).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { FaultDto, FaultKind } from '@shared/model/clusterServices';
import type { DatastoreId, HostId, VmId } from '@shared/model/ids';
import type { Host, Registry, Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import { markCrashed, stopGuest } from '../vm/index';

type Result = { ok: true } | { error: ApiError };

const bad = (message: string): Result => ({ error: apiError('E_INVALID_STATE', message, 'params.targetId') });

/** Stops a powered-on VM where it is (no guest shutdown): its host failed or HA powered it off. */
export function stopVmHard(ctx: OpContext, vm: Vm, cause: string): void {
  if (vm.powerState !== 'poweredOn') return;
  stopGuest(ctx, vm);
  vm.powerState = 'poweredOff';
  vm.uptimeCarriedMs = 0;
  vm.powerOffCause = cause;
  ctx.vmop(vm, 'poweroff');
  ctx.markChanged(vm.id);
}

/** A powered-on VM's guest stops executing (no more heartbeats); the VM stays powered on. */
export function crashGuest(ctx: OpContext, vm: Vm, reason: string): void {
  markCrashed(ctx, vm);
  vm.guestState = 'crashed';
  vm.toolsStatus = 'toolsNotRunning';
  vm.crashReason = reason;
  ctx.events.log(ctx.nowMs(), 'error', 'VmGuestOSCrashedEvent', `${vm.name}: the guest OS has crashed: ${reason}`, { id: vm.id, name: vm.name });
  ctx.markChanged(vm.id);
}

function hostFault(ctx: OpContext, host: Host, kind: 'crash' | 'isolation'): Result {
  if (host.fault) return bad(`Host ${host.name} has already failed (${host.fault.kind}); repair it first.`);
  if (host.powerState !== 'poweredOn' || host.connectionState !== 'connected') return bad(`Host ${host.name} is not connected and powered on.`);
  const now = ctx.nowMs();
  host.fault = { kind, sinceMs: now };
  host.connectionState = 'notResponding';
  const entity = { id: host.id, name: host.name };
  if (kind === 'crash') {
    host.powerState = 'poweredOff';
    ctx.events.log(now, 'error', 'HostConnectionLostEvent', `Host ${host.name} in ${ctx.reg.nameOf(host.datacenterId)} is not responding (simulated power loss)`, entity);
    for (const vm of ctx.reg.vmsOnHost(host.id)) {
      if (vm.powerState === 'poweredOn') stopVmHard(ctx, vm, `host ${host.name} failed at ${(now / 1000).toFixed(1)} s (power loss)`);
    }
  } else {
    ctx.events.log(now, 'error', 'HostConnectionLostEvent', `Host ${host.name} in ${ctx.reg.nameOf(host.datacenterId)} is not responding (simulated management network cut; its VMs keep running)`, entity);
  }
  ctx.markChanged(host.id);
  return { ok: true };
}

function repairHost(ctx: OpContext, host: Host): Result {
  if (!host.fault) return bad(`Host ${host.name} has no simulated failure to repair.`);
  const now = ctx.nowMs();
  if (host.fault.kind === 'crash') {
    host.powerState = 'poweredOn';
    host.bootedAtMs = now;
  }
  host.fault = undefined;
  host.connectionState = 'connected';
  ctx.events.log(now, 'info', 'HostConnectedEvent', `Connected to ${host.name} in ${ctx.reg.nameOf(host.datacenterId)} (repaired)`, { id: host.id, name: host.name });
  ctx.markChanged(host.id);
  return { ok: true };
}

export function injectFault(ctx: OpContext, kind: FaultKind, targetId: string): Result {
  const now = ctx.nowMs();
  switch (kind) {
    case 'hostCrash': case 'hostIsolation': {
      const host = ctx.reg.hosts.get(targetId as HostId);
      if (!host) return { error: apiError('E_NOT_FOUND', `no host ${targetId}`, 'params.targetId') };
      return hostFault(ctx, host, kind === 'hostCrash' ? 'crash' : 'isolation');
    }
    case 'vmCrash': {
      const vm = ctx.reg.vms.get(targetId as VmId);
      if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${targetId}`, 'params.targetId') };
      if (vm.powerState !== 'poweredOn' || vm.guestState === 'crashed') return bad(`${vm.name} has no running guest to crash.`);
      crashGuest(ctx, vm, 'simulated guest failure');
      return { ok: true };
    }
    case 'datastoreInaccessible': {
      const ds = ctx.reg.datastores.get(targetId as DatastoreId);
      if (!ds) return { error: apiError('E_NOT_FOUND', `no datastore ${targetId}`, 'params.targetId') };
      if (ds.inaccessibleSinceMs !== undefined) return bad(`Datastore ${ds.name} is already inaccessible.`);
      ds.inaccessibleSinceMs = now;
      ctx.events.log(now, 'error', 'DatastoreInaccessibleEvent', `Datastore ${ds.name} is inaccessible (simulated: all paths down)`, { id: ds.id, name: ds.name });
      for (const vm of ctx.reg.vms.values()) {
        if (vm.powerState === 'poweredOn' && vm.guestState !== 'crashed' && vm.disks.some((d) => d.datastoreId === ds.id)) {
          crashGuest(ctx, vm, `its disk on ${ds.name} is inaccessible (all paths down)`);
        }
      }
      ctx.markChanged(ds.id);
      return { ok: true };
    }
  }
}

export function repairFault(ctx: OpContext, kind: FaultKind, targetId: string): Result {
  const now = ctx.nowMs();
  switch (kind) {
    case 'hostCrash': case 'hostIsolation': {
      const host = ctx.reg.hosts.get(targetId as HostId);
      if (!host) return { error: apiError('E_NOT_FOUND', `no host ${targetId}`, 'params.targetId') };
      return repairHost(ctx, host);
    }
    case 'vmCrash':
      return bad('A crashed guest is repaired by resetting the VM (VM › Power › Reset), or by HA VM monitoring.');
    case 'datastoreInaccessible': {
      const ds = ctx.reg.datastores.get(targetId as DatastoreId);
      if (!ds) return { error: apiError('E_NOT_FOUND', `no datastore ${targetId}`, 'params.targetId') };
      if (ds.inaccessibleSinceMs === undefined) return bad(`Datastore ${ds.name} is accessible.`);
      ds.inaccessibleSinceMs = undefined;
      ctx.events.log(now, 'info', 'DatastoreAccessibleEvent', `Datastore ${ds.name} is accessible again`, { id: ds.id, name: ds.name });
      ctx.markChanged(ds.id);
      return { ok: true };
    }
  }
}

/** Why a VM cannot be powered on because of a fault (its datastore), or undefined. */
export function faultPowerOnProblem(reg: Registry, vm: Vm): string | undefined {
  for (const d of vm.disks) {
    const ds = reg.datastores.get(d.datastoreId);
    if (ds?.inaccessibleSinceMs !== undefined) return `${vm.name} cannot be powered on: its disk is on ${ds.name}, which is inaccessible.`;
  }
  return undefined;
}

export function activeFaults(reg: Registry): FaultDto[] {
  const out: FaultDto[] = [];
  for (const h of reg.hosts.values()) {
    if (h.fault) out.push({ kind: h.fault.kind === 'crash' ? 'hostCrash' : 'hostIsolation', targetId: h.id, targetName: h.name, sinceMs: h.fault.sinceMs });
  }
  for (const ds of reg.datastores.values()) {
    if (ds.inaccessibleSinceMs !== undefined) out.push({ kind: 'datastoreInaccessible', targetId: ds.id, targetName: ds.name, sinceMs: ds.inaccessibleSinceMs });
  }
  return out;
}
