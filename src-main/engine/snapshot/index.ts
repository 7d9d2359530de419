/**
 * snapshot — copy-on-write disks, the per-VM snapshot tree and its task-level operations (take,
 * revert, remove, consolidate: `snapshotOps.ts`, used by the API handlers). The only door into this
 * folder.
 */
export { DiskChain, consolidate, mergeLayers, layerBytes } from './diskChain';
export type { BlockStore, DiskLayer } from './diskChain';
export { diskOfState, diskState, exportDisks, importDisks } from './diskChainsState';
export type { DiskChainsState, DiskState } from './diskChainsState';
export { commitAll, consolidateDeleted } from './snapshotDisks';
export { SnapshotTree } from './snapshotTree';
export type { SnapshotNode, GuestCapture, HardwareConfig, SavedGuestCapture, SnapshotTreeState } from './snapshotTree';
export {
  editSnapshot, REMOVE_ALL_SNAPSHOTS_TASK_KIND, REMOVE_SNAPSHOT_TASK_KIND, REVERT_SNAPSHOT_TASK_KIND, startRemove, startRemoveAll, startRevert,
  startTake, TAKE_SNAPSHOT_TASK_KIND,
} from './snapshotOps';
