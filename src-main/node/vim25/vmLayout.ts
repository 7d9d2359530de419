/**
 * VirtualMachine.layoutEx (VirtualMachineFileLayoutEx): the VM's files on its datastores, each disk's
 * chain of files, and each snapshot's files — from the lab's disks and snapshot tree, so the sizes add
 * up to what the Storage view counts as provisioned for the VM.
 *
 * - `vmLayoutEx(vm, tree, ctx)` → VirtualMachineFileLayoutEx.
 *
 * The files and their names and sizes are `vmFileLayout`'s (`@shared/model/vmFiles`), the same list a
 * datastore's Files tab shows; here each becomes a FileInfo named `[DATASTORE] FOLDER/FILE`.
 *
 * Chains: a snapshot's disk chain is the base file and the deltas of the snapshots from the root down to
 * it; the disk's current chain (`disk`) is the current snapshot's chain ("you are here"). The lab keeps
 * the writes since the current snapshot in memory beside the chain and counts them nowhere on the
 * datastore, so there is no file for them (ESXi writes them to a newer delta). `timestamp` is the newest snapshot's time
 * (else the lab's start), so reading the layout again reports no change unless one happened.
 */
import type { SnapshotDto, SnapshotTreeDto, VmDto } from '@shared/model/inventory';
import type { VimValue } from './vimValues';
import { arr, bool, data, dateTime, int, long, ref, str } from './vimValues';
import type { EntityContext } from './entityContext';
import { vmPath } from './vmProperties';
import { vmFileLayout } from '@shared/model/vmFiles';

/** The device key of the VM's i-th disk (as in `config.hardware.device`). */
const diskKey = (i: number): number => 2000 + i;

export function vmLayoutEx(vm: VmDto, tree: SnapshotTreeDto | undefined, ctx: EntityContext): VimValue {
  const p = vmPath(vm, ctx);
  const layout = vmFileLayout(vm, tree);
  const files = layout.files.map((f) => data('VirtualMachineFileLayoutExFileInfo', {
    key: int(f.key), name: str(`[${(f.datastoreId && ctx.model.node(f.datastoreId)?.name) || p.ds}] ${f.path}`), type: str(f.type),
    size: long(f.sizeBytes), uniqueSize: long(f.sizeBytes), accessible: bool(true),
  }));
  const base = layout.base;
  const own = new Map(layout.snapshots.map((o) => [o.snapshot.id, o] as const));
  const snapshots = layout.snapshots.map((o) => o.snapshot);
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
