/**
 * The inventory's outline: what the navigator and the first paint need, answered before the whole
 * inventory so that a large lab's tree shows while the rest is still being built and sent.
 *
 * - `VmOutlineDto`: a VM's tree fields only (name, place, power state, alarm); `InventoryOutlineDto`: an
 *   `InventoryDto` whose VMs are outlines — every other list is whole (they are few, and the first
 *   paint's object views read them).
 * - `vmOutlineOf(vm)` / `outlineOf(inventory)`: the outline of full DTOs (a backend that has only the
 *   whole inventory answers with this).
 *
 * Rule: an outline is never mistaken for the inventory: clients show the tree (and views that read no
 * more than these fields) from it and wait for `inventory.get` (asked once the outline is shown) for
 * everything else; it carries the same change-feed version rule.
 */
import type { InventoryDto, VmDto } from './inventory';

export const VM_OUTLINE_FIELDS = ['id', 'name', 'datacenterId', 'isTemplate', 'powerState', 'hostId', 'clusterId', 'resourcePoolId', 'alarmStatus'] as const;

export type VmOutlineDto = Pick<VmDto, (typeof VM_OUTLINE_FIELDS)[number]>;

export interface InventoryOutlineDto extends Omit<InventoryDto, 'vms'> {
  vms: VmOutlineDto[];
}

export function vmOutlineOf(vm: VmDto): VmOutlineDto {
  const o: VmOutlineDto = { id: vm.id, name: vm.name, datacenterId: vm.datacenterId, isTemplate: vm.isTemplate, powerState: vm.powerState };
  if (vm.hostId) o.hostId = vm.hostId;
  if (vm.clusterId) o.clusterId = vm.clusterId;
  if (vm.resourcePoolId) o.resourcePoolId = vm.resourcePoolId;
  if (vm.alarmStatus) o.alarmStatus = vm.alarmStatus;
  return o;
}

export function outlineOf(inv: InventoryDto): InventoryOutlineDto {
  return { ...inv, vms: inv.vms.map(vmOutlineOf) };
}
