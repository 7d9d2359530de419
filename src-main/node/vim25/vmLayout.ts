/**
 * VirtualMachine.layoutEx (VirtualMachineFileLayoutEx): the VM's files on its datastores, each disk's
 * chain of files, and each snapshot's files — from the lab's disks and snapshot tree, so the sizes add
 * up to what the Storage view counts as provisioned for the VM.
 *
 * - `vmLayoutEx(vm, tree, ctx)` → VirtualMachineFileLayoutEx.
 *
 * The files, named as ESXi names them in the VM's folder:
 * - `NAME.vmx` (config), `NAME.vmsd` (snapshotList), `NAME.nvram` (nvram): size 0 — the lab keeps the
 *   configuration in the engine, not as file bytes;
 * - per disk `NAME.vmdk` (diskDescriptor, 0) and `NAME-flat.vmdk` (diskExtent): the capacity (the lab's
 *   disks are thick: what is provisioned is used), on the disk's own datastore;
 * - per snapshot, numbered K in the order they were taken: `NAME-SnapshotK.vmsn` (snapshotData, 0),
 *   with memory `NAME-SnapshotK.vmem` (snapshotMemory: the guest memory the snapshot captured), and per
 *   disk `NAME-00000K.vmdk` (diskDescriptor, 0) and `NAME-00000K-delta.vmdk` (diskExtent: the
 *   snapshot's own delta — the writes since its parent that the lab sealed when it took the snapshot).
 *
 * Chains: a snapshot's disk chain is the base file and the deltas of the snapshots from the root down to
 * it; the disk's current chain (`disk`) is the current snapshot's chain ("you are here"). The lab keeps
 * the writes since the current snapshot in memory beside the chain and counts them nowhere on the
 * datastore, so there is no file for them (ESXi writes them to a newer delta). No swap, log or suspend
 * files: the lab has none of those bytes. Where the backend does not split a snapshot's size by disk
 * (`diskDeltaBytes` absent), its delta files are not listed. `timestamp` is the newest snapshot's time
 * (else the lab's start), so reading the layout again reports no change unless one happened.
 */
import type { SnapshotDto, SnapshotTreeDto, VmDto } from '@shared/model/inventory';
import type { VimValue } from './vimValues';
import { arr, bool, data, dateTime, int, long, ref, str } from './vimValues';
import type { EntityContext } from './entityContext';
import { vmPath } from './vmProperties';

/** The device key of the VM's i-th disk (as in `config.hardware.device`). */
const diskKey = (i: number): number => 2000 + i;

export function vmLayoutEx(vm: VmDto, tree: SnapshotTreeDto | undefined, ctx: EntityContext): VimValue {
  const p = vmPath(vm, ctx);
  const files: VimValue[] = [];
  const addFile = (name: string, type: string, size: number): number => {
    const key = files.length;
    files.push(data('VirtualMachineFileLayoutExFileInfo', {
      key: int(key), name: str(name), type: str(type), size: long(size), uniqueSize: long(size), accessible: bool(true),
    }));
    return key;
  };
  addFile(p.vmx, 'config', 0);
  addFile(`${p.dir}/${vm.name}.vmsd`, 'snapshotList', 0);
  addFile(`${p.dir}/${vm.name}.nvram`, 'nvram', 0);

  const diskDir = vm.disks.map((d) => `[${ctx.model.node(d.datastoreId)?.name ?? p.ds}] ${vm.name}`);
  const stem = (i: number) => `${vm.name}${i ? `_${i}` : ''}`;
  const base = vm.disks.map((d, i) => [
    addFile(`${diskDir[i]}/${stem(i)}.vmdk`, 'diskDescriptor', 0),
    addFile(`${diskDir[i]}/${stem(i)}-flat.vmdk`, 'diskExtent', d.capacityBytes),
  ]);

  const snapshots = [...(tree?.snapshots ?? [])].sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
  const own = new Map<string, { dataKey: number; memoryKey?: number; deltas?: number[][] }>();
  snapshots.forEach((s, k) => {
    const n = k + 1;
    const dataKey = addFile(`${p.dir}/${vm.name}-Snapshot${n}.vmsn`, 'snapshotData', 0);
    const memoryKey = s.memory ? addFile(`${p.dir}/${vm.name}-Snapshot${n}.vmem`, 'snapshotMemory', s.memoryBytes ?? 0) : undefined;
    const seq = String(n).padStart(6, '0');
    const deltas = s.diskDeltaBytes && vm.disks.map((_, i) => [
      addFile(`${diskDir[i]}/${stem(i)}-${seq}.vmdk`, 'diskDescriptor', 0),
      addFile(`${diskDir[i]}/${stem(i)}-${seq}-delta.vmdk`, 'diskExtent', s.diskDeltaBytes![i] ?? 0),
    ]);
    own.set(s.id, { dataKey, memoryKey, deltas });
  });

  const byId = new Map<string, SnapshotDto>(snapshots.map((s) => [s.id, s]));
  /** The snapshots from the root down to `id`. */
  const lineage = (id: string | undefined): SnapshotDto[] => {
    const out: SnapshotDto[] = [];
    for (let s = id ? byId.get(id) : undefined; s; s = s.parentId ? byId.get(s.parentId) : undefined) out.unshift(s);
    return out;
  };
  const chains = (upTo: string | undefined): VimValue => arr('VirtualMachineFileLayoutExDiskLayout', vm.disks.map((_, i) => data('VirtualMachineFileLayoutExDiskLayout', {
    key: int(diskKey(i)),
    chain: arr('VirtualMachineFileLayoutExDiskUnit', [base[i], ...lineage(upTo).flatMap((s) => (own.get(s.id)?.deltas ? [own.get(s.id)!.deltas![i]] : []))]
      .map((keys) => data('VirtualMachineFileLayoutExDiskUnit', { fileKey: arr('int', keys.map(int)) }))),
  })));

  return data('VirtualMachineFileLayoutEx', {
    file: arr('VirtualMachineFileLayoutExFileInfo', files),
    disk: chains(tree?.currentSnapshotId),
    snapshot: arr('VirtualMachineFileLayoutExSnapshotLayout', snapshots.map((s) => {
      const o = own.get(s.id)!;
      return data('VirtualMachineFileLayoutExSnapshotLayout', {
        key: ref('VirtualMachineSnapshot', s.id), dataKey: int(o.dataKey),
        // -1: no memory file (as ESXi and the govmomi simulator report it).
        memoryKey: int(o.memoryKey ?? -1),
        disk: chains(s.id),
      });
    })),
    // When the layout last changed as far as the lab knows: the newest snapshot (else the lab's start).
    timestamp: dateTime(ctx.mirror.toDateMs(Math.max(0, ...snapshots.map((s) => s.createdAtMs)))),
  });
}
