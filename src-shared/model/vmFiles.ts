/**
 * A VM's files on its datastores, named as ESXi names them in the VM's folder — what vSphere's
 * VirtualMachine.layoutEx lists and what a datastore's Files tab shows. One source for both, so the
 * vim25 endpoint and the client's Storage view never disagree on a name or a size.
 *
 * - `vmFileLayout(vm, tree)` → `VmFileLayout`: every file (key = its index), each disk's base files and,
 *   per snapshot in the order they were taken, its files and disk deltas.
 *
 * The files:
 * - `NAME.vmx` (config), `NAME.vmsd` (snapshotList), `NAME.nvram` (nvram), in the VM's home folder (on
 *   its first disk's datastore): size 0 — the lab keeps the configuration in the engine, not as bytes;
 * - per disk `NAME.vmdk` (diskDescriptor, 0) and `NAME-flat.vmdk` (diskExtent): the capacity (the lab's
 *   disks are thick: what is provisioned is used), on the disk's own datastore (later disks `NAME_1…`);
 * - per snapshot, numbered K in the order they were taken: `NAME-SnapshotK.vmsn` (snapshotData, 0),
 *   with memory `NAME-SnapshotK.vmem` (snapshotMemory: the guest memory the snapshot captured), and per
 *   disk `NAME-00000K.vmdk` (diskDescriptor, 0) and `NAME-00000K-delta.vmdk` (diskExtent: the
 *   snapshot's own delta — the writes since its parent, sealed when the snapshot was taken).
 *
 * Rules: the writes since the current snapshot live in the engine beside the chain and are counted on
 * no datastore, so no file stands for them; no swap, log or suspend files (the lab has none of those
 * bytes). Where the backend does not split a snapshot's size by disk (`diskDeltaBytes` absent), its
 * delta files are not listed. Paths are relative to the datastore (`NAME/NAME.vmx`); a caller adds the
 * `[datastore] ` prefix. Pure.
 */
import type { SnapshotDto, SnapshotTreeDto, VmDto } from './inventory';

export type VmFileType = 'config' | 'snapshotList' | 'nvram' | 'diskDescriptor' | 'diskExtent' | 'snapshotData' | 'snapshotMemory';

export interface VmFile {
  key: number;
  /** The datastore holding the file (undefined: a VM without disks has no home datastore). */
  datastoreId: string | undefined;
  /** Within the datastore: `FOLDER/FILE`, the folder being the VM's name. */
  path: string;
  type: VmFileType;
  sizeBytes: number;
  /** The snapshot the file belongs to, if any. */
  snapshotId?: string;
}

export interface VmSnapshotFiles {
  snapshot: SnapshotDto;
  dataKey: number;
  memoryKey?: number;
  /** Per disk, [descriptor key, delta key]; absent where the backend does not split the size by disk. */
  deltas?: number[][];
}

export interface VmFileLayout {
  files: VmFile[];
  /** Per disk, [descriptor key, flat extent key]. */
  base: number[][];
  /** In the order the snapshots were taken. */
  snapshots: VmSnapshotFiles[];
}

export function vmFileLayout(vm: VmDto, tree: SnapshotTreeDto | undefined): VmFileLayout {
  const files: VmFile[] = [];
  const home = vm.disks[0]?.datastoreId;
  const add = (datastoreId: string | undefined, name: string, type: VmFileType, sizeBytes: number, snapshotId?: string): number => {
    const key = files.length;
    files.push({ key, datastoreId, path: `${vm.name}/${name}`, type, sizeBytes, ...(snapshotId ? { snapshotId } : {}) });
    return key;
  };
  add(home, `${vm.name}.vmx`, 'config', 0);
  add(home, `${vm.name}.vmsd`, 'snapshotList', 0);
  add(home, `${vm.name}.nvram`, 'nvram', 0);

  const stem = (i: number) => `${vm.name}${i ? `_${i}` : ''}`;
  const base = vm.disks.map((d, i) => [
    add(d.datastoreId, `${stem(i)}.vmdk`, 'diskDescriptor', 0),
    add(d.datastoreId, `${stem(i)}-flat.vmdk`, 'diskExtent', d.capacityBytes),
  ]);

  const ordered = [...(tree?.snapshots ?? [])].sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
  const snapshots = ordered.map((s, k): VmSnapshotFiles => {
    const n = k + 1;
    const dataKey = add(home, `${vm.name}-Snapshot${n}.vmsn`, 'snapshotData', 0, s.id);
    const memoryKey = s.memory ? add(home, `${vm.name}-Snapshot${n}.vmem`, 'snapshotMemory', s.memoryBytes ?? 0, s.id) : undefined;
    const seq = String(n).padStart(6, '0');
    const deltas = s.diskDeltaBytes && vm.disks.map((d, i) => [
      add(d.datastoreId, `${stem(i)}-${seq}.vmdk`, 'diskDescriptor', 0, s.id),
      add(d.datastoreId, `${stem(i)}-${seq}-delta.vmdk`, 'diskExtent', s.diskDeltaBytes![i] ?? 0, s.id),
    ]);
    return { snapshot: s, dataKey, ...(memoryKey !== undefined ? { memoryKey } : {}), ...(deltas ? { deltas } : {}) };
  });
  return { files, base, snapshots };
}
