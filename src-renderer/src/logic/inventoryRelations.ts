/**
 * inventoryRelations — which VMs and hosts use a datastore or a network, read from the inventory the
 * engine sends (a VM's disks name their datastore, its network adapters their network; a datastore or
 * network lists the hosts that reach it). Nothing here is counted twice or guessed.
 *
 * - `vmsOnDatastore(inv, id)`: VMs and templates with a disk on the datastore.
 * - `vmsOnNetwork(inv, id)`: VMs and templates with an adapter on the network.
 * - `datastoresOf(inv, vm)` / `networksOf(inv, vm)`: the other way round, for one VM.
 *
 * Rule: ids in inventory order; the lists that show them sort them.
 */
import type { InventoryDto, VmDto } from '@shared/model/inventory';

export function vmsOnDatastore(inv: InventoryDto, datastoreId: string): string[] {
  return inv.vms.filter((v) => v.disks.some((d) => d.datastoreId === datastoreId)).map((v) => v.id);
}

export function vmsOnNetwork(inv: InventoryDto, networkId: string): string[] {
  return inv.vms.filter((v) => v.nics.some((n) => n.networkId === networkId)).map((v) => v.id);
}

export function datastoresOf(vm: VmDto): string[] {
  return [...new Set(vm.disks.map((d) => d.datastoreId))];
}

export function networksOf(vm: VmDto): string[] {
  return [...new Set(vm.nics.map((n) => n.networkId))];
}
