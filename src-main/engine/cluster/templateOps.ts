/**
 * templateOps — Convert to Template and Convert to Virtual Machine (vSphere's MarkAsTemplate and
 * MarkAsVirtualMachine): the same VM object changes its template flag; nothing is copied.
 *
 * - `markAsTemplate(ctx, vmId)`: pre: a virtual machine (not already a template), powered off, with no
 *   task in progress on it. It keeps its host, disks and snapshots (a template's snapshots cannot be
 *   managed until it is a VM again).
 * - `markAsVirtualMachine(ctx, vmId, hostId?)`: pre: a template with no task in progress; the host it
 *   is to run on (given, or its own) in its datacenter, reaching its disks' datastores, connected, powered
 *   on and out of maintenance mode. It stays powered off.
 *
 * Rules: immediate (the vSphere API's two methods return no Task), yet each leaves a completed row in
 * Recent Tasks ("Mark as template" / "Mark as virtual machine", on the VM, with its initiator and time), as
 * the vSphere Client shows them; a refusal is a typed error naming the field, changes nothing and leaves no
 * row here (the client shows it as a failed one). The flag is lab state (`Vm.isTemplate`), saved and checked
 * with the lab.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { HostId, VmId } from '@shared/model/ids';
import { POWER_STATE_LABELS } from '@shared/model/vmPower';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import type { OpContext } from '../lab/index';
import type { Vm } from './registry';

type Done = { ok: true } | { error: ApiError };

export function markAsTemplate(ctx: OpContext, vmId: VmId, initiator: string): Done {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (vm.isTemplate) return { error: apiError('E_INVALID_STATE', `${vm.name} is already a template.`, 'params.vmId') };
  if (vm.powerState !== 'poweredOff') {
    return { error: apiError('E_INVALID_STATE', `${vm.name} must be powered off to become a template (it is ${POWER_STATE_LABELS[vm.powerState].toLowerCase()}).`, 'params.vmId') };
  }
  if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId') };
  vm.isTemplate = true;
  ctx.events.log(ctx.nowMs(), 'info', 'VmMarkedAsTemplateEvent', `${vm.name} was converted to a template`, { id: vm.id, name: vm.name });
  recordDone(ctx, 'vm.markAsTemplate', vm, initiator);
  ctx.markChanged(vm.id);
  return { ok: true };
}

export function markAsVirtualMachine(ctx: OpContext, vmId: VmId, hostId: HostId | undefined, initiator: string): Done {
  const vm = ctx.reg.vms.get(vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
  if (!vm.isTemplate) return { error: apiError('E_INVALID_STATE', `${vm.name} is not a template.`, 'params.vmId') };
  if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${vm.busyTaskId}) is in progress on ${vm.name}.`, 'params.vmId') };
  const targetId = hostId ?? vm.hostId;
  const host = targetId ? ctx.reg.hosts.get(targetId) : undefined;
  const field = hostId ? 'params.hostId' : 'params.vmId';
  if (!host) return { error: hostId ? apiError('E_NOT_FOUND', `no host ${hostId}`, field) : apiError('E_INVALID_ARGUMENT', `${vm.name} has no host: choose one to run it on.`, 'params.hostId') };
  if (host.datacenterId !== vm.datacenterId) return { error: apiError('E_INVALID_ARGUMENT', `Host ${host.name} is in another datacenter than ${vm.name}.`, field) };
  const unreachable = vm.disks.find((d) => !host.datastoreIds.includes(d.datastoreId));
  if (unreachable) return { error: apiError('E_INVALID_ARGUMENT', `Host ${host.name} cannot reach the datastore of ${vm.name}'s ${unreachable.label}.`, field) };
  if (host.connectionState !== 'connected' || host.powerState !== 'poweredOn' || host.inMaintenanceMode) {
    return { error: apiError('E_INVALID_STATE', `Host ${host.name} cannot run virtual machines now (disconnected, powered off or in maintenance mode).`, field) };
  }
  const from = vm.hostId;
  vm.isTemplate = false;
  vm.hostId = host.id;
  ctx.events.log(ctx.nowMs(), 'info', 'VmMarkedAsVirtualMachineEvent', `Template ${vm.name} was converted to a virtual machine on ${host.name}`, { id: vm.id, name: vm.name });
  recordDone(ctx, 'vm.markAsVirtualMachine', vm, initiator);
  ctx.markChanged(vm.id, host.id, ...(from && from !== host.id ? [from] : []));
  return { ok: true };
}

function recordDone(ctx: OpContext, operation: 'vm.markAsTemplate' | 'vm.markAsVirtualMachine', vm: Vm, initiator: string): void {
  ctx.tasks.record(ctx.nowMs(), { operation, name: OPERATION_NAMES[operation], targetId: vm.id, targetName: vm.name, initiator });
}
