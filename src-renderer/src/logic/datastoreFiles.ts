/**
 * A datastore's Files tab, as vSphere's datastore browser shows it: one folder per VM with a file on the
 * datastore, holding that VM's files there — configuration, disks, snapshot files and delta disks, memory
 * files — with their sizes. The files and sizes are `vmFileLayout`'s, the list the vim25 endpoint serves
 * as a VM's layoutEx, so the two agree.
 *
 * - `datastoreFolders(inv, datastoreId, trees)` → `DatastoreFolder[]`, sorted by folder name; `trees`
 *   holds the snapshot trees fetched so far (a VM without one is listed without snapshot files).
 * - `vmsNeedingTrees(inv, datastoreId)`: the VMs on the datastore with snapshots (the others' trees
 *   are empty, so no query is needed for them).
 * - `FILE_TYPE_LABELS`: each file type in the words the Type column uses.
 */
import type { InventoryDto, SnapshotTreeDto } from '@shared/model/inventory';
import type { VmFileType } from '@shared/model/vmFiles';
import { vmFileLayout } from '@shared/model/vmFiles';
import { vmsOnDatastore } from './inventoryRelations';

export const FILE_TYPE_LABELS: Readonly<Record<VmFileType, string>> = {
  config: 'VM configuration file',
  snapshotList: 'Snapshot list',
  nvram: 'Non-volatile memory file',
  diskDescriptor: 'Virtual disk descriptor',
  diskExtent: 'Virtual disk',
  snapshotData: 'Snapshot file',
  snapshotMemory: 'Snapshot memory file',
};

export interface DatastoreFileRow {
  /** The file's name within its folder (`web-000001-delta.vmdk`). */
  name: string;
  type: VmFileType;
  typeLabel: string;
  sizeBytes: number;
  /** The name of the snapshot the file belongs to, if any. */
  snapshotName?: string;
}

export interface DatastoreFolder {
  vmId: string;
  name: string;
  files: DatastoreFileRow[];
  totalBytes: number;
}

export function vmsNeedingTrees(inv: InventoryDto, datastoreId: string): string[] {
  const ids = new Set(vmsOnDatastore(inv, datastoreId));
  return inv.vms.filter((v) => ids.has(v.id) && v.snapshotCount > 0).map((v) => v.id);
}

export function datastoreFolders(inv: InventoryDto, datastoreId: string, trees: ReadonlyMap<string, SnapshotTreeDto>): DatastoreFolder[] {
  const ids = new Set(vmsOnDatastore(inv, datastoreId));
  const folders: DatastoreFolder[] = [];
  for (const vm of inv.vms) {
    if (!ids.has(vm.id)) continue;
    const tree = trees.get(vm.id);
    const names = new Map<string, string>((tree?.snapshots ?? []).map((s) => [s.id, s.name]));
    const files = vmFileLayout(vm, tree).files
      .filter((f) => f.datastoreId === datastoreId)
      .map((f): DatastoreFileRow => {
        const snapshotName = f.snapshotId ? names.get(f.snapshotId) : undefined;
        const delta = f.type === 'diskExtent' && f.snapshotId !== undefined;
        return {
          name: f.path.slice(f.path.indexOf('/') + 1), type: f.type,
          typeLabel: delta ? 'Snapshot delta disk' : FILE_TYPE_LABELS[f.type], sizeBytes: f.sizeBytes,
          ...(snapshotName !== undefined ? { snapshotName } : {}),
        };
      });
    folders.push({ vmId: vm.id, name: vm.name, files, totalBytes: files.reduce((a, f) => a + f.sizeBytes, 0) });
  }
  return folders.sort((a, b) => a.name.localeCompare(b.name) || a.vmId.localeCompare(b.vmId));
}
